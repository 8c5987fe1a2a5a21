#!/usr/bin/env bash
# scripts/demo.sh BUILD_DIR: start authenta-emulator from BUILD_DIR, walk the
# service's two-step flow with curl (create a media record, PUT the file to
# the pre-signed uploadUrl, poll, verdict), then do the same from a real
# GStreamer pipeline with authentasink and with the authenta command-line
# tool.  `scripts/dev demo` builds first, then runs this.
set -euo pipefail

BUILD=${1:?usage: scripts/demo.sh BUILD_DIR}
EMU=$BUILD/tools/emulator/authenta-emulator
[ -x "$EMU" ] || { echo "demo: $EMU is not built (run scripts/dev build)" >&2; exit 1; }
command -v curl >/dev/null || { echo "demo: curl is needed (scripts/dev setup)" >&2; exit 1; }

work=$(mktemp -d)
emu_pid=
cleanup() {
  if [ -n "$emu_pid" ]; then
    kill -TERM "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -t 1 ]; then
  say() { printf '\033[1m%s\033[0m\n' "$*"; }
else
  say() { printf '%s\n' "$*"; }
fi
field() { # field NAME JSON: a string or number member of a flat JSON object
  printf '%s' "$2" | grep -o "\"$1\":\(\"[^\"]*\"\|[0-9.]*\|true\|false\)" | head -n1 |
    sed -e "s/^\"$1\"://" -e 's/^"//' -e 's/"$//'
}

"$EMU" --port 0 --processing-time 1.5 >"$work/stdout" 2>"$work/emulator.log" &
emu_pid=$!
for _ in $(seq 200); do
  [ -s "$work/stdout" ] && break
  kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.05
done
base=$(head -n1 "$work/stdout")
say "authenta-emulator is serving the Authenta API at $base"
# The emulator's built-in key (it says so on its log); a real key would come
# from AUTHENTA_API_KEY and never be printed.
auth="Authorization: Bearer api_emulator_key"

scan() {
  local name=$1 file=$2 type=$3 size record mid url put status
  size=$(stat -c %s "$file")
  echo
  say "== Scanning '$name' ($size bytes, $type)"

  say "1. POST $base/media"
  record=$(curl -sS --noproxy '*' -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$name\",\"contentType\":\"$type\",\"size\":$size,\"modelType\":\"DF-1\"}" \
    -w '\n%{http_code}' "$base/media")
  [ "$(tail -n1 <<<"$record")" = 201 ] || { echo "create failed: $record" >&2; exit 1; }
  record=$(head -n1 <<<"$record")
  mid=$(field mid "$record")
  url=$(field uploadUrl "$record")
  echo "   201 Created: mid $mid, status $(field status "$record"), upload URL valid $(field expiresIn "$record") s"

  # The upload URL's query string is a credential: show the path only.
  say "2. PUT the file to ${url%%\?*}"
  put=$(curl -sS --noproxy '*' -X PUT -H "Content-Type: $type" --data-binary "@$file" \
    -D - -o /dev/null "$url" | tr -d '\r')
  echo "   $(head -n1 <<<"$put"), $(grep -i '^etag:' <<<"$put")"

  say "3. Poll GET $base/media/$mid"
  local last=
  for _ in $(seq 100); do
    record=$(curl -sS --noproxy '*' -H "$auth" "$base/media/$mid")
    status=$(field status "$record")
    if [ "$status" != "$last" ]; then
      echo "   status $status"
      last=$status
    fi
    case "$status" in PROCESSED | FAILED | ERROR) break ;; esac
    sleep 0.25
  done

  local faces deepfakes
  faces=$(field faces "$record")
  deepfakes=$(field deepFakes "$record")
  if [ "$status" != PROCESSED ]; then
    say "=> no verdict: $status"
  elif [ "${deepfakes:-0}" -gt 0 ]; then
    say "=> FAKE: $deepfakes of $faces faces judged deepfakes"
  else
    say "=> AUTHENTIC: $faces face(s), no deepfake"
  fi
  echo "   record: $(printf '%s' "$record" | sed -e 's/?X-Amz-[^"]*//g')"
}

# 1. The service's two-step flow by hand.  Any bytes will do: the emulator
#    judges by name (see docs/emulator.md).
head -c 300000 /dev/urandom >"$work/capture.mp4"
scan "front-door-camera" "$work/capture.mp4" video/mp4

# 2. The same flow from a GStreamer pipeline: authentasink records, scans at
#    EOS and posts the verdict before letting EOS through.
if [ -f "$BUILD/plugin/libgstauthenta.so" ] && command -v gst-launch-1.0 >/dev/null; then
  echo
  say "== A GStreamer pipeline: record 3 s of video as MP4, scan it, verdict before EOS"
  say "gst-launch-1.0 -m videotestsrc num-buffers=90 ! x264enc ! mp4mux ! authentasink base-url=$base"
  AUTHENTA_API_KEY=api_emulator_key GST_PLUGIN_PATH="$BUILD/plugin" GST_REGISTRY="$work/registry.bin" \
    gst-launch-1.0 -m videotestsrc num-buffers=90 ! x264enc ! mp4mux ! \
    authentasink base-url="$base" media-name=demo-clip temp-dir="$work" keep-file=always \
    poll-interval=250 2>&1 |
    grep -E 'authenta-(progress|verdict)|ERROR|Got EOS' |
    sed -E -e 's/^Got message #[0-9]+ from element "([^"]+)" \(element\): /\1: /' \
      -e 's/\\\?X-Amz-[^"]*//g' -e 's/, json=\(string\)".*", location=/, json=…, location=/'
fi

# 3. The command-line tool on the recording the pipeline kept.
if [ -x "$BUILD/tools/cli/authenta" ]; then
  clip=$(ls "$work"/*.mp4 | grep -v capture.mp4 | head -n1 || true)
  [ -n "$clip" ] || clip=$work/capture.mp4
  echo
  say "== The command-line tool: authenta scan FILE (exit 0 authentic, 1 fake)"
  for name in "lobby-camera" "suspected fake interview"; do
    say "authenta scan --name '$name' $(basename "$clip")"
    status=0
    AUTHENTA_API_KEY=api_emulator_key AUTHENTA_BASE_URL=$base \
      "$BUILD/tools/cli/authenta" scan --poll-interval 0.25 --name "$name" "$clip" || status=$?
    echo "   exit status $status"
  done
fi

# 4. Audio: a voice, checked for cloning on the Jobs API (create, upload,
#    finalize, poll), from a pipeline and from the command line.
if [ -f "$BUILD/plugin/libgstauthenta.so" ] && command -v gst-launch-1.0 >/dev/null \
  && [ -x "$BUILD/tools/cli/authenta" ]; then
  echo
  say "== Audio: 2 s of sound as MP3, checked by the ai-audio-detection task"
  say "gst-launch-1.0 -m audiotestsrc num-buffers=90 ! lamemp3enc ! authentasink task=ai-audio-detection"
  AUTHENTA_API_KEY=api_emulator_key GST_PLUGIN_PATH="$BUILD/plugin" GST_REGISTRY="$work/registry.bin" \
    gst-launch-1.0 -m audiotestsrc num-buffers=90 ! lamemp3enc ! \
    authentasink base-url="$base" task=ai-audio-detection media-name=demo-voice.mp3 \
    location="$work/voice.mp3" keep-file=always 2>&1 |
    grep -E 'authenta-verdict|ERROR|Got EOS' |
    sed -E -e 's/^Got message #[0-9]+ from element "([^"]+)" \(element\): /\1: /' \
      -e 's/, json=\(string\)".*", location=/, json=…, location=/'
  if [ -f "$work/voice.mp3" ]; then
    say "authenta scan --name 'cloned voice (fake)' voice.mp3   (audio: ai-audio-detection by default)"
    status=0
    AUTHENTA_API_KEY=api_emulator_key AUTHENTA_BASE_URL=$base \
      "$BUILD/tools/cli/authenta" scan --name "cloned voice (fake)" "$work/voice.mp3" || status=$?
    echo "   exit status $status"
  fi
fi

echo
say "The emulator's request log:"
sed 's/^/   /' "$work/emulator.log"

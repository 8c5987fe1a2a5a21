#!/usr/bin/env bash
# tests/emulator/memcheck.sh BUILD_DIR [SIZE]: by hand, not part of the suite.
# Uploads a sparse file of SIZE (default 2G) to authenta-emulator with curl
# and prints the emulator's peak resident memory (VmHWM) afterwards: the
# body must stream to disk, so the figure stays flat whatever the size.
set -euo pipefail

BUILD=${1:?usage: tests/emulator/memcheck.sh BUILD_DIR [SIZE]}
SIZE=${2:-2G}
EMU=$BUILD/tools/emulator/authenta-emulator
work=$(mktemp -d "${TMPDIR:-/var/tmp}/emu-memcheck-XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

truncate -s "$SIZE" "$work/big.mp4"
bytes=$(stat -c %s "$work/big.mp4")
# Uploads land in --storage-dir: keep it on disk, not on a tmpfs.
"$EMU" --port 0 --processing-time 0.1 --storage-dir "$work/store" \
  >"$work/url" 2>"$work/log" &
pid=$!
for _ in $(seq 200); do [ -s "$work/url" ] && break; sleep 0.05; done
base=$(head -n1 "$work/url")
echo "before: $(grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \n' ' ')"

record=$(curl -sS --noproxy '*' -H 'Authorization: Bearer api_emulator_key' \
  -H 'Content-Type: application/json' \
  -d "{\"name\":\"big\",\"contentType\":\"video/mp4\",\"size\":$bytes,\"modelType\":\"DF-1\"}" \
  "$base/media")
url=$(printf '%s' "$record" | grep -o '"uploadUrl":"[^"]*"' | sed 's/^"uploadUrl":"//; s/"$//')
start=$(date +%s.%N)
curl -sS --noproxy '*' -X PUT -H 'Content-Type: video/mp4' -T "$work/big.mp4" \
  -o /dev/null -w 'PUT: HTTP %{http_code}, %{size_upload} bytes, %{speed_upload} B/s\n' "$url"
end=$(date +%s.%N)
echo "after:  $(grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \n' ' ')"
echo "stored: $(stat -c %s "$work/store"/*.media) bytes in $(echo "$end - $start" | bc) s"

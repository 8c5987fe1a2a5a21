#!/usr/bin/env bash
# bench/run-bench.sh BUILD_DIR [--quick]: run every benchmark against a
# private authenta-emulator on loopback and print one table (Markdown):
# figure, value, baseline, ratio, target, met.  `scripts/dev bench` builds
# BUILD_DIR in release mode and calls this.
#
# BENCH_ONLY="upload latency" runs only the named figures' programs.
#
# Exit status: 0 when every program ran (in --quick mode, whatever the
# figures: noise must not fail CI); 1 in full mode when a target is missed;
# 2 when a program crashed or the emulator could not start.
set -uo pipefail

BUILD=${1:?usage: run-bench.sh BUILD_DIR [--quick]}
BUILD=$(cd "$BUILD" && pwd)
QUICK=0
[ "${2:-}" = "--quick" ] && QUICK=1

EMULATOR=$BUILD/tools/emulator/authenta-emulator
WORK=$(mktemp -d "${TMPDIR:-/tmp}/authenta-bench-XXXXXX")
EMU_PID=

cleanup() {
  if [ -n "$EMU_PID" ]; then
    kill -TERM "$EMU_PID" 2>/dev/null
    wait "$EMU_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x "$EMULATOR" ]; then
  echo "run-bench.sh: $EMULATOR not built (needs -Demulator=true)" >&2
  exit 2
fi

# The emulator's uploads go to the same disk as the benchmarks' files.
mkdir -p "$WORK/emulator" "$WORK/files"
KEY=api_bench_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
"$EMULATOR" --port 0 --api-key "$KEY" --storage-dir "$WORK/emulator" \
  >"$WORK/emulator.out" 2>"$WORK/emulator.log" &
EMU_PID=$!
BASE_URL=
for _ in $(seq 200); do
  BASE_URL=$(head -n1 "$WORK/emulator.out" 2>/dev/null)
  [ -n "$BASE_URL" ] && break
  kill -0 "$EMU_PID" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$BASE_URL" ]; then
  echo "run-bench.sh: the emulator did not start:" >&2
  cat "$WORK/emulator.log" >&2
  exit 2
fi

export AUTHENTA_BASE_URL=$BASE_URL AUTHENTA_API_KEY=$KEY
export BENCH_QUICK=$QUICK BENCH_TMPDIR=$WORK/files
export GST_PLUGIN_PATH=$BUILD/plugin GST_REGISTRY=$WORK/registry.bin
unset G_MESSAGES_DEBUG GST_DEBUG
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=$WORK/rows
: >"$ROWS"
crashed=0
for prog in ${BENCH_ONLY:-record upload memory latency concurrency scale continuity}; do
  exe=$BUILD/bench/bench-$prog
  if [ ! -x "$exe" ]; then
    printf 'ROW\t%s\tnot built\t-\t-\t-\tnot run\n' "$prog" >>"$ROWS"
    continue
  fi
  echo "== bench-$prog" >&2
  start=$(date +%s%N)
  "$exe" >"$WORK/$prog.out"
  status=$?
  grep '^ROW' "$WORK/$prog.out" >>"$ROWS"
  ms=$((($(date +%s%N) - start) / 1000000))
  printf '   (%d.%01d s)\n' $((ms / 1000)) $((ms % 1000 / 100)) >&2
  if [ $status -ne 0 ]; then
    crashed=1
    printf 'ROW\t%s\tcrashed (status %d)\t-\t-\t-\tNO\n' "$prog" "$status" >>"$ROWS"
  fi
done

{
  echo
  printf '| figure | value | baseline | ratio | target | met |\n'
  printf '|---|---|---|---|---|---|\n'
  cut -f2- "$ROWS" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }'
  echo
  printf 'machine: %s, %s CPUs, %s MiB RAM, Linux %s; %s; load average before: %s; %s, %s\n' \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" "$(nproc)" \
    "$(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)" "$(uname -r)" \
    "$(curl --version | head -n1 | cut -d' ' -f1-2)" "$LOAD_BEFORE" \
    "$([ $QUICK = 1 ] && echo 'quick run' || echo 'full run')" "$(date -u '+%Y-%m-%d %H:%M UTC')"
} | tee "$BUILD/bench-results.md"

if [ $crashed -ne 0 ]; then
  exit 2
fi
if [ $QUICK = 0 ] && cut -f7 "$ROWS" | grep -qx 'NO'; then
  exit 1
fi
exit 0

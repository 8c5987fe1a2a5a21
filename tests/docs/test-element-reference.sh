#!/bin/sh
# test-element-reference.sh PYTHON SOURCE_ROOT PLUGIN_BUILD_DIR: regenerates
# docs/reference/ELEMENT.md into a temporary folder and compares it with the
# committed copy; a difference is printed and fails the test.
set -eu
python=$1 root=$2 plugin=$3
out=$(mktemp -d "${TMPDIR:-/tmp}/authenta-docs.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$python" "$root/tools/docgen/gst-element-reference.py" "$plugin" "$root/plugin" "$out"
status=0
for f in "$out"/*.md; do
  name=${f##*/}
  if ! diff -u "$root/docs/reference/$name" "$f"; then
    echo "docs/reference/$name is stale: run scripts/dev docs and commit it" >&2
    status=1
  fi
done
[ -n "$(ls "$out"/*.md)" ] || { echo "nothing generated" >&2; exit 1; }
exit $status

#!/usr/bin/env bash
# tests/install: install the build into a throw-away folder and use it from
# there, as a user of `meson install --prefix=…` would (docs/install.md).
#
# Why --destdir proves the point: the build's prefix is not /usr (meson's
# default /usr/local, or whatever --prefix said), so the plugin and the CLI
# carry a RUNPATH relative to themselves ($ORIGIN/..., see meson.build), not
# the prefix's absolute path.  Under DESTDIR/PREFIX they can only find
# libauthenta-1.0.so.0 through that RUNPATH: LD_LIBRARY_PATH is unset, the
# build-tree RUNPATH is stripped at install, and the library is not installed
# in the prefix itself (or, if it is, `ldd` below says which one was taken and
# the test fails unless it is the copy under DESTDIR).  An absolute RUNPATH
# would point at PREFIX, not DESTDIR/PREFIX, and fail here: that is the test.
#
# With prefix /usr there is no RUNPATH (the linker looks there anyway); the
# test then runs the tools with LD_LIBRARY_PATH, as the package test in
# `scripts/dev package` does, and checks the layout.
#
# usage: test-install.sh MESON BUILD PREFIX BINDIR LIBDIR LIBEXECDIR INCLUDEDIR
#                        DATADIR GST_INSPECT gir|no-gir man|no-man
set -euo pipefail

meson=$1 build=$2 prefix=$3 bindir=$4 libdir=$5 libexecdir=$6 includedir=$7
datadir=$8 gst_inspect=$9 gir=${10} man=${11}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/authenta-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A relative meson dir is relative to the prefix.
under() {
  case $1 in
    /*) echo "$tmp/dest$1" ;;
    *) echo "$tmp/dest$prefix/$1" ;;
  esac
}

echo "# meson install --destdir $tmp/dest (prefix $prefix)"
timeout 45 "$meson" install -C "$build" --destdir "$tmp/dest" --no-rebuild --quiet \
  >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log" >&2
  fail "meson install"
}

bin=$(under "$bindir")
lib=$(under "$libdir")
plugins=$lib/gstreamer-1.0
inc=$(under "$includedir")
data=$(under "$datadir")
libexec=$(under "$libexecdir")

# The layout.
for f in "$bin/authenta" "$libexec/authenta/authenta-emulator" \
  "$plugins/libgstauthenta.so" "$lib/libauthenta-1.0.so.0" "$lib/libauthenta-1.0.so" \
  "$lib/pkgconfig/authenta-1.0.pc" "$inc/authenta-1.0/authenta/authenta.h" \
  "$inc/authenta-1.0/authenta/authenta-enum-types.h" \
  "$inc/authenta-1.0/authenta/authenta-version.h"; do
  [ -e "$f" ] || fail "not installed: ${f#"$tmp/dest"}"
done
[ ! -e "$bin/authenta-emulator" ] || fail "authenta-emulator installed in bin/"
if [ "$gir" = gir ]; then
  for f in "$data/gir-1.0/Authenta-1.0.gir" "$lib/girepository-1.0/Authenta-1.0.typelib"; do
    [ -e "$f" ] || fail "not installed: ${f#"$tmp/dest"}"
  done
fi
if [ "$man" = man ]; then
  for f in "$data/man/man1/authenta.1" "$data/man/man1/authenta-emulator.1"; do
    [ -s "$f" ] || fail "not installed: ${f#"$tmp/dest"}"
  done
fi
echo "ok - layout"

# From here on nothing of the build tree: a clean environment, the plugin
# found through GST_PLUGIN_PATH alone (no system plugin folder, so that an
# installed package cannot stand in), a registry of its own.
run=(env -i PATH=/usr/bin:/bin HOME="$tmp" LC_ALL=C.UTF-8
  GST_PLUGIN_PATH="$plugins" GST_PLUGIN_SYSTEM_PATH_1_0= GST_REGISTRY_1_0="$tmp/registry.bin"
  GST_REGISTRY_FORK=no)
if [ "$prefix" = /usr ]; then
  run+=(LD_LIBRARY_PATH="$lib")
fi

# The library the tools load must be the installed copy.
for f in "$bin/authenta" "$plugins/libgstauthenta.so"; do
  resolved=$("${run[@]}" ldd "$f" | sed -n 's/^\s*libauthenta-1\.0\.so\.0 => \(\S*\).*/\1/p')
  [ -n "$resolved" ] || fail "${f##*/}: libauthenta-1.0.so.0 not found ($("${run[@]}" ldd "$f" | grep authenta))"
  [ "$(readlink -f "$resolved")" = "$(readlink -f "$lib/libauthenta-1.0.so.0")" ] ||
    fail "${f##*/} loads $resolved, not the installed library"
done
echo "ok - the plugin and authenta load the installed libauthenta"

"${run[@]}" timeout 20 "$gst_inspect" authentasink >"$tmp/inspect.txt" 2>&1 || {
  cat "$tmp/inspect.txt" >&2
  fail "gst-inspect-1.0 authentasink"
}
grep -q "Filename.*$plugins/libgstauthenta.so" "$tmp/inspect.txt" ||
  fail "gst-inspect-1.0 did not load the installed plugin: $(grep Filename "$tmp/inspect.txt")"
"${run[@]}" timeout 20 "$gst_inspect" authentasplitmuxsink >/dev/null 2>&1 ||
  fail "gst-inspect-1.0 authentasplitmuxsink"
echo "ok - gst-inspect-1.0 authentasink from the install"

"${run[@]}" timeout 10 "$bin/authenta" --help >"$tmp/help.txt" 2>&1 || {
  cat "$tmp/help.txt" >&2
  fail "authenta --help"
}
grep -q '^Usage:' "$tmp/help.txt" || fail "authenta --help printed no usage"
"${run[@]}" timeout 10 "$bin/authenta" --version | grep -q '^authenta ' || fail "authenta --version"
"${run[@]}" timeout 10 "$libexec/authenta/authenta-emulator" --help >/dev/null 2>&1 ||
  fail "authenta-emulator --help"
echo "ok - authenta --help and authenta-emulator --help from the install"

# Python through the typelib: GI opens libauthenta by its soname, so a prefix
# the linker does not search needs LD_LIBRARY_PATH as well as GI_TYPELIB_PATH
# (docs/install.md says so).
if [ "$gir" = gir ] && "${run[@]}" python3 -c 'import gi' 2>/dev/null; then
  "${run[@]}" LD_LIBRARY_PATH="$lib" GI_TYPELIB_PATH="$lib/girepository-1.0" timeout 20 python3 -c '
import gi
gi.require_version("Authenta", "1.0")
from gi.repository import Authenta
print(Authenta.Client.__gtype__)' >/dev/null || fail "python3: from gi.repository import Authenta"
  echo "ok - Python imports Authenta from the installed typelib"
fi
echo "install: all checks passed"

#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# The installed layout: `meson install` into a DESTDIR installs the plugin,
# gst-realtime-simulator, the docs and the examples' sources, and nothing of
# the internal protocol library (no shared library, headers or pkg-config
# file: the plugin carries it, linked statically). Then what was installed
# works on its own: the plugin from gst-inspect-1.0 and gst-launch-1.0 (a
# whole push-to-talk turn against the installed simulator, the reply
# written as a WAV).
#
# Usage: check-installed.sh BUILD_DIR SYSTEM_PLUGINS_DIR WORKDIR
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 BUILD_DIR SYSTEM_PLUGINS_DIR WORKDIR" >&2; exit 2; }
build=$1 system_plugins=$2 work=$3

fail() { echo "FAIL: $*"; exit 1; }

rm -rf "$work"
mkdir -p "$work"
dest=$work/dest
meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "meson install failed"; }

prefix=$(meson introspect "$build" --buildoptions \
  | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
root=$dest$prefix
[ -d "$root" ] || fail "nothing installed under $root"
plugin=$(find "$root" -name libgstrealtime.so -path '*gstreamer-1.0*' | head -n 1)
sim=$root/bin/gst-realtime-simulator
[ -n "$plugin" ] || fail "no plugin installed under $root"
[ -x "$sim" ] || fail "no gst-realtime-simulator installed"
docdir=$root/share/doc/gst-realtime
for d in index.md realtimebin.md reliability.md simulator.md examples.md \
    architecture.md development.md troubleshooting.md performance.md; do
  [ -f "$docdir/$d" ] || fail "doc $d not installed"
done
for e in assistant.json demo-scenario.json app-cpp/main.cpp \
    app-python/realtime_assistant.py launch/mic-speaker.sh \
    launch/push-to-talk.py rtsp-bridge/rtsp-bridge.c rtsp-bridge/reply.json; do
  [ -f "$docdir/examples/$e" ] || fail "example $e not installed"
done
# The examples' build files and tests need the source tree: not installed.
leftover=$(find "$docdir/examples" -name meson.build -o -name 'test-*.sh')
[ -z "$leftover" ] || fail "example build files or tests installed: $leftover"

# Exactly these files, and nothing of the internal library: no headers, no
# pkg-config file, no libgstrealtime-1.0 (or any other library but the
# plugin).
unexpected=$(cd "$root" && find . -type f -o -type l \
  | grep -v -e "^\./$(realpath --relative-to="$root" "$plugin")\$" \
      -e '^\./bin/gst-realtime-simulator$' -e '^\./share/doc/gst-realtime/' \
  || true)
[ -z "$unexpected" ] || fail "installed beyond the plugin, simulator, docs and examples: $unexpected"
[ ! -e "$root/include" ] || fail "headers installed under $root/include"
# The plugin stands alone: every library it needs is a system one.
ldd "$plugin" >"$work/ldd.txt" 2>&1 || { cat "$work/ldd.txt"; fail "ldd $plugin"; }
! grep -q "not found" "$work/ldd.txt" || { cat "$work/ldd.txt"; fail "the installed plugin misses a library"; }
! grep -q "libgstrealtime-" "$work/ldd.txt" || fail "the installed plugin needs a libgstrealtime library"

# Only the installed plugin (and the system's, for audioconvert & co).
export GST_PLUGIN_SYSTEM_PATH_1_0=
export GST_PLUGIN_PATH_1_0=$(dirname "$plugin"):$system_plugins
export GST_REGISTRY=$work/registry.dat
unset OPENAI_API_KEY

gst-inspect-1.0 realtimebin >"$work/inspect.txt" 2>&1 || { cat "$work/inspect.txt"; fail "gst-inspect-1.0 realtimebin"; }
grep -q "Filename.*$(basename "$plugin")" "$work/inspect.txt" || fail "gst-inspect did not load the plugin"
grep -q "$dest" "$work/inspect.txt" || fail "gst-inspect loaded a plugin outside $dest"
grep -q "reconnect-attempts" "$work/inspect.txt" || fail "gst-inspect lists no reconnect-attempts"

# The installed simulator, a push-to-talk turn from gst-launch-1.0: at EOS
# the input is committed and answered, the reply written as a WAV.
"$sim" --port 0 --pace 0 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true' EXIT
port=
for _ in $(seq 100); do
  port=$(grep -o '[0-9]\+' "$work/sim.out" | head -n 1 || true)
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { cat "$work/sim.err"; fail "the installed simulator printed no port"; }

timeout 60 gst-launch-1.0 -m \
  audiotestsrc num-buffers=20 samplesperbuffer=2400 ! audio/x-raw,rate=24000,channels=1 \
  ! realtimebin name=rt url="ws://127.0.0.1:$port/v1/realtime" turn-detection=none \
  rt.src_audio ! wavenc ! filesink location="$work/reply.wav" \
  rt.src_text ! fakesink >"$work/launch.txt" 2>&1 \
  || { tail -n 30 "$work/launch.txt"; fail "gst-launch-1.0 with the installed plugin"; }
grep -q 'realtime-response.*event=(string)done' "$work/launch.txt" \
  || fail "no realtime-response done from the installed plugin"
size=$(stat -c %s "$work/reply.wav")
[ "$size" -gt 10000 ] || fail "reply.wav has $size bytes"

echo "installed layout: plugin, simulator, docs, examples; no library, headers or pkg-config: ok"

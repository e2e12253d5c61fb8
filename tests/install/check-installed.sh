#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# The installed layout works: `meson install` into a DESTDIR, then use only
# what was installed — the plugin from gst-inspect-1.0 and gst-launch-1.0
# (a whole push-to-talk turn against the installed simulator, the reply
# written as a WAV), and the library from a program built with the
# installed pkg-config file and headers.
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
plugin=$(find "$root" -name libgstrealtime.so -path '*gstreamer-1.0*' | head -n 1)
lib=$(find "$root" -name 'libgstrealtime-1.0.so.0' | head -n 1)
pc=$(find "$root" -name gstreamer-realtime-1.0.pc | head -n 1)
sim=$root/bin/gst-realtime-simulator
[ -n "$plugin" ] || fail "no plugin installed under $root"
[ -n "$lib" ] || fail "no libgstrealtime-1.0.so.0 installed"
[ -n "$pc" ] || fail "no pkg-config file installed"
[ -x "$sim" ] || fail "no gst-realtime-simulator installed"
for h in client-events.h server-events.h session-settings.h websocket-client.h; do
  [ -f "$root/include/gstreamer-1.0/gst/realtime/$h" ] || fail "header $h not installed"
done
for d in index.md realtimebin.md reliability.md simulator.md examples.md \
    architecture.md troubleshooting.md; do
  [ -f "$root/share/doc/gst-realtime/$d" ] || fail "doc $d not installed"
done

# Only the installed plugin (and the system's, for audioconvert & co).
export LD_LIBRARY_PATH=$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
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

# The library, from a program built against the installed headers and
# pkg-config file only.
# Every installed header, so each one stands on its own include set.
for f in "$root"/include/gstreamer-1.0/gst/realtime/*.h; do
  echo "#include <gst/realtime/$(basename "$f")>"
done >"$work/use-library.cpp"
cat >>"$work/use-library.cpp" <<'CPP'

#include <cstdio>

int
main ()
{
  auto ev = realtime::parse_server_event (
      R"({"type":"input_audio_buffer.cleared","event_id":"e1"})", nullptr);
  if (!ev || ev->type != realtime::ServerEventType::InputAudioBufferCleared)
    return 1;
  if (!realtime::ReconnectPolicy::is_retryable_close (1006))
    return 1;
  realtime::ClientSecret secret;
  std::string problem;
  if (!realtime::parse_client_secret (R"({"value":"ek_1"})", secret, problem))
    return 1;
  realtime::Usage usage;
  usage.output_audio_tokens = 1000000;
  auto prices = realtime::published_prices ("gpt-realtime-2.1");
  if (!prices || realtime::estimate_cost_usd (usage, *prices) != 64.0)
    return 1;
  std::puts ("library ok");
  return 0;
}
CPP
# The .pc file as it would be read at its prefix, moved into the DESTDIR.
mkdir -p "$work/pc"
sed "s|^prefix=.*|prefix=$root|" "$pc" >"$work/pc/gstreamer-realtime-1.0.pc"
flags=$(PKG_CONFIG_PATH=$work/pc pkg-config --cflags --libs \
  gstreamer-realtime-1.0) \
  || fail "pkg-config cannot read the installed gstreamer-realtime-1.0.pc"
# shellcheck disable=SC2086
c++ -std=c++17 -o "$work/use-library" "$work/use-library.cpp" $flags \
  || fail "a program cannot build against the installed library"
[ "$("$work/use-library")" = "library ok" ] || fail "the installed library misbehaves"

echo "installed layout: plugin, simulator, library, headers, pkg-config, docs: ok"

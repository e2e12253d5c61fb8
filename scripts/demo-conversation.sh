#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# One spoken conversation through a GStreamer pipeline, in an already built
# tree: espeak-ng asks "Hello! Who are you, and what can you do?" into a WAV
# file, realtimebin sends it to the local simulator (offline, no key) -- or to
# OpenAI when OPENAI_API_KEY is set -- and the answer is written to
# reply.wav (its voice) and reply.txt (its transcript) while the bus messages
# are printed in readable form.
#
# Environment: DEMO_BUILD, the build folder (default: build);
# DEMO_OUT, where the files go (default: $DEMO_BUILD/demo).
# scripts/run-demo.sh installs the dependencies and builds first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

say() { printf 'demo: %s\n' "$*"; }
seconds() { printf '%.1f s' "$(soxi -D "$1")"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }
# A path as short as it can be said: relative to the source tree if inside.
show() { case $1 in "$root"/*) printf '%s' "${1#"$root"/}" ;; *) printf '%s' "$1" ;; esac; }

build=$(cd "${DEMO_BUILD:-build}" 2>/dev/null && pwd) \
  || die "no build folder \"${DEMO_BUILD:-build}\"; run scripts/run-demo.sh (or: meson setup build && meson compile -C build)"
simulator=$build/tools/gst-realtime-simulator
plugin_dir=$build/plugins/realtime
[ -x "$simulator" ] && [ -f "$plugin_dir/libgstrealtime.so" ] \
  || die "$(show "$build") has no built plugin and simulator; run: meson compile -C $(show "$build")"
for tool in espeak-ng sox soxi gst-launch-1.0 /usr/bin/python3; do
  command -v "$tool" >/dev/null || die "$tool is missing; run scripts/install-deps.sh"
done

out=${DEMO_OUT:-$build/demo}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/reply.wav" "$out/reply.txt"

# The uninstalled plugin, as `meson devenv` would set it up.
export GST_PLUGIN_PATH=$plugin_dir${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}
export GST_REGISTRY=${GST_REGISTRY:-$build/registry.dat}

# The question, spoken by espeak-ng, with silence after it so the server's
# voice activity detection hears the end of the turn.
question="Hello! Who are you, and what can you do?"
espeak-ng -v en-us -w "$out/spoken.wav" "$question" \
  || die "espeak-ng could not speak the question"
sox "$out/spoken.wav" "$out/question.wav" pad 0.5 1.5 \
  || die "sox could not pad the question"
say "the question: \"$question\" ($(show "$out/question.wav"), $(seconds "$out/question.wav"))"

url_prop=()
sim_pid=
cleanup() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
if [ -n "${OPENAI_API_KEY:-}" ]; then
  say "OPENAI_API_KEY is set: asking OpenAI's Realtime API"
else
  scenario=examples/demo-scenario.json
  say "no OPENAI_API_KEY: asking the local simulator (offline), which answers from $scenario"
  # --pace 0: the answer is written to a file, nobody has to wait for it.
  coproc SIM { exec "$simulator" --port 0 --pace 0 --scenario "$scenario" \
      --log "$out/frames.jsonl" 2>"$out/simulator.log"; }
  sim_pid=$SIM_PID
  read -r -t 10 port <&"${SIM[0]}" \
    || die "the simulator did not start: $(cat "$out/simulator.log")"
  url_prop=(url="ws://127.0.0.1:$port/v1/realtime")
  # Built without espeak-ng, it says so (and answers with a tone).
  grep 'note:' "$out/simulator.log" | sed 's/^gst-realtime-simulator: note: /demo: the simulator: /' || true
fi

pipeline=(filesrc location="$out/question.wav" ! wavparse !
  realtimebin name=rt "${url_prop[@]}"
  instructions="Answer in two or three short sentences."
  rt.src_audio ! audioconvert ! wavenc ! filesink location="$out/reply.wav"
  rt.src_text ! filesink location="$out/reply.txt")
say "the pipeline:"
printf '  gst-launch-1.0 -m'; printf ' %q' "${pipeline[@]}"; echo
echo

# -m prints the bus messages; realtime-messages.py makes them readable, the
# log keeps them whole.
timeout 120 gst-launch-1.0 -m "${pipeline[@]}" 2>&1 \
  | tee "$out/gst-launch.log" \
  | /usr/bin/python3 scripts/realtime-messages.py \
  || true
echo
grep -q 'Got EOS from element' "$out/gst-launch.log" \
  || die "the conversation did not end cleanly; see $(show "$out/gst-launch.log")"
[ -s "$out/reply.wav" ] && [ -s "$out/reply.txt" ] \
  || die "no answer came back; see $(show "$out/gst-launch.log")"

say "the assistant said: \"$(cat "$out/reply.txt")\" ($(show "$out/reply.txt"))"
say "its voice: $(show "$out/reply.wav") ($(seconds "$out/reply.wav"))"

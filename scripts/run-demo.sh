#!/usr/bin/env bash
# The README run command: one spoken question, answered through a GStreamer
# pipeline by realtimebin. Offline against the local simulator by default;
# against OpenAI when OPENAI_API_KEY is set. Installs the dependencies and
# builds gst-realtime in build/ first. Output goes to build/demo/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { printf 'run-demo: error: %s\n' "$*" >&2; exit 1; }

bash scripts/install-deps.sh || die "installing the dependencies failed"

echo "run-demo: configuring build/"
if [ -f build/meson-private/coredata.dat ]; then
  setup=(meson setup --reconfigure build)
else
  setup=(meson setup build)
fi
out=$("${setup[@]}" 2>&1) || { printf '%s\n' "$out" >&2; die "meson setup failed"; }
echo "run-demo: building"
meson compile -C build plugins/realtime/gstrealtime tools/gst-realtime-simulator \
  >/dev/null || die "the build failed"

# Absolute: `meson devenv -C build` runs commands from build/.
demo=$PWD/build/demo
mkdir -p "$demo"
rm -f "$demo/reply.wav" "$demo/reply.txt"

# The question, spoken by espeak-ng, with silence after it so the server's
# voice activity detection hears the end of the turn.
espeak-ng -w "$demo/spoken.wav" "Hello! Who are you, and what can you do?" \
  || die "espeak-ng could not speak the question"
sox "$demo/spoken.wav" "$demo/question.wav" pad 0.5 1.5 \
  || die "sox could not pad the question"

url_prop=()
sim_pid=
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true; }
trap cleanup EXIT
if [ -n "${OPENAI_API_KEY:-}" ]; then
  echo "run-demo: OPENAI_API_KEY is set: asking OpenAI's Realtime API"
else
  echo "run-demo: no OPENAI_API_KEY: asking the local simulator (offline)"
  coproc SIM { exec build/tools/gst-realtime-simulator --port 0 \
      --log "$demo/frames.jsonl" 2>"$demo/simulator.log"; }
  sim_pid=$SIM_PID
  read -r -t 10 port <&"${SIM[0]}" || die "the simulator did not start"
  url_prop=(url="ws://127.0.0.1:$port/v1/realtime")
fi

echo "run-demo: the pipeline:"
pipeline=(filesrc location="$demo/question.wav" ! wavparse !
  realtimebin name=rt "${url_prop[@]}" instructions="Answer in one sentence."
  rt.src_audio ! audioconvert ! wavenc ! filesink location="$demo/reply.wav"
  rt.src_text ! filesink location="$demo/reply.txt")
printf '  gst-launch-1.0 -m'; printf ' %q' "${pipeline[@]}"; echo
echo

# -m prints the bus messages; show the conversation's own.
meson devenv -C build gst-launch-1.0 -m "${pipeline[@]}" 2>&1 \
  | tee "$demo/gst-launch.log" \
  | grep --line-buffered -E 'realtime-(session|vad|response)|realtime-transcript.*final=\(boolean\)true|ERROR|WARNING' \
  | sed -E 's/^Got message #[0-9]+ from element "rt" \(element\): /  /' \
  || true
grep -q 'Got EOS from element' "$demo/gst-launch.log" \
  || die "the conversation did not end cleanly; see build/demo/gst-launch.log"

echo
echo "run-demo: the assistant said: $(cat "$demo/reply.txt")"
echo "run-demo: its voice: build/demo/reply.wav ($(soxi -D "$demo/reply.wav") s)"

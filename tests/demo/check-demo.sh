#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Runs the demo conversation (scripts/demo-conversation.sh) offline against
# the simulator, as the README tells users to, and checks what it promises:
# reply.txt holds the scenario's answer, reply.wav its voice -- speech when
# the simulator has espeak-ng, else a tone as long as the text -- exactly
# the audio the simulator sent, and the messages are printed readably.
# Usage: check-demo.sh SOURCE_ROOT BUILD_ROOT OUT_DIR SPEECH(yes|no)
set -euo pipefail
src=$1 build=$2 out=$3 speech=$4

rm -rf "$out"
output=$(DEMO_BUILD="$build" DEMO_OUT="$out" bash "$src/scripts/demo-conversation.sh" 2>&1) \
  || { printf '%s\n' "$output"; echo "check-demo: the demo failed"; exit 1; }
printf '%s\n' "$output"

fail() { echo "check-demo: $*"; exit 1; }
expect() {   # a line of the demo's output matching the regular expression
  grep -qE -- "$1" <<<"$output" || fail "no line matching: $1"
}

answer=$(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["turns"][0]["assistant"])' \
  "$src/examples/demo-scenario.json")

# The readable lines, not GstStructure dumps.
expect '^\[ +[0-9]+\.[0-9]{2} s\] user started speaking$'
expect '^\[ +[0-9]+\.[0-9]{2} s\] user stopped speaking$'
expect '^ +user: "Hello! Who are you, and what can you do\?"$'
expect '^\[ +[0-9]+\.[0-9]{2} s\] assistant: "'
grep -qF "assistant: \"$answer\"" <<<"$output" || fail "no line with the answer"
expect '^ +session connected: sess_'
expect '^ +response done: completed, [0-9]+ input tokens \([0-9]+ audio\), [0-9]+ output tokens \([0-9]+ audio, [0-9]+ text\), first audio after [0-9]+ ms, estimated cost \$[0-9.]+$'
expect '^ +session closed: end of stream$'
expect '^demo: its voice: .*reply\.wav \([0-9.]+ s\)$'
if grep -qE 'Got message|realtime-[a-z-]+,' <<<"$output"; then
  fail "raw bus messages in the output"
fi
if [ "$speech" = no ]; then
  expect '^demo: the simulator: built without espeak-ng'
fi

# reply.txt is the answer; reply.wav is what the simulator sent, and sounds
# like it should.
[ "$(cat "$out/reply.txt")" = "$answer" ] || fail "reply.txt: $(cat "$out/reply.txt")"
/usr/bin/python3 - "$out/reply.wav" "$out/frames.jsonl" "$answer" "$speech" <<'PY'
import array, base64, json, math, sys, wave

wav_path, log_path, answer, speech = sys.argv[1:]
w = wave.open(wav_path)
assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (24000, 1, 2), \
    "reply.wav is not 24 kHz mono 16-bit"
pcm = array.array("h", w.readframes(w.getnframes()))

sent = b""
for line in open(log_path):
    frame = json.loads(line).get("frame")
    if isinstance(frame, dict) and frame.get("type") == "response.output_audio.delta":
        sent += base64.b64decode(frame["delta"])
assert pcm.tobytes() == sent, "reply.wav (%d samples) is not the %d samples sent" % (
    len(pcm), len(sent) // 2)

seconds = len(pcm) / 24000
words = len(answer.split())
frame = 480   # 20 ms
rms, zcr = [], []
for i in range(0, len(pcm) - frame + 1, frame):
    f = pcm[i:i + frame]
    rms.append(math.sqrt(sum(x * x for x in f) / frame))
    zcr.append(sum((a < 0) != (b < 0) for a, b in zip(f, f[1:])))
peak = max(rms)
quiet = sum(r < peak / 100 for r in rms) / len(rms)
loud = [z for r, z in zip(rms, zcr) if r > peak / 10]
mean = sum(loud) / len(loud)
variation = math.sqrt(sum((z - mean) ** 2 for z in loud) / len(loud)) / mean
print("check-demo: reply.wav %.2f s, %.2f words/s, %.2f quiet, zero crossings "
      "vary by %.2f" % (seconds, words / seconds, quiet, variation))
if speech == "yes":
    assert 1.8 < words / seconds < 4.5, "%.2f s for %d words" % (seconds, words)
    assert quiet > 0.05 and variation > 0.3, "reply.wav is not speech"
else:
    # The fallback: a 440 Hz tone of 60 ms per character.
    assert len(pcm) == len(answer) * 60 * 24, "tone of %d samples" % len(pcm)
    assert quiet < 0.05 and variation < 0.3, "reply.wav is not a tone"
PY
echo "check-demo: OK"

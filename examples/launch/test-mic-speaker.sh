#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Runs examples/launch/mic-speaker.sh headless in a simulated room where the
# speakers' sound leaks back into the microphone, twice at the same time:
# with echo cancellation the answer plays to the end with no barge-in;
# without it (ECHO_CANCEL=false, same room) the echo interrupts the
# assistant. Prints the echo return loss enhancement (ERLE) both ways.
# The commands are the ones docs/examples.md shows.
# Usage: test-mic-speaker.sh SIMULATOR EXAMPLE WORKDIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/frame-log.sh"
sim=$(realpath "$1") example=$(realpath "$2") work=$3
rm -rf "$work"
mkdir -p "$work/with-aec" "$work/without-aec"
cd "$work"

# The user's question and the assistant's answer, spoken by espeak-ng: the
# simulator's voice-activity detector works on energy, and speech (unlike a
# steady tone) is what the echo canceller is made for.
espeak-ng -w spoken-question.wav "What is the weather tomorrow?"
sox spoken-question.wav question.wav pad 0.2 0
espeak-ng -s 190 -w answer.wav "Sunny and warm, with a light breeze."
cat >weather.json <<'EOF'
{ "turns": [ { "user": "What is the weather tomorrow?",
               "assistant": "Sunny and warm, with a light breeze.",
               "audio": { "type": "wav", "path": "answer.wav" } } ] }
EOF
for run in with-aec without-aec; do cp question.wav answer.wav weather.json $run/; done

# The room, heard for 5.2 s (num-buffers of 10 ms): the 1.7 s question, the
# server's 500 ms of silence ending the turn, the pipeline's latency, the
# 2 s answer. The microphone hears the user (question.wav) and the speakers
# (interaudiosrc) 18 dB down (volume 0.12), and records itself to mic.wav.
# interaudiosink writes latency-time (100 ms) ahead of the clock:
# ts-offset=90000000 makes the echo arrive about 10 ms after the sound left
# the speakers, as in a real room. played.raw is what the speakers played.
export MIC="audiomixer name=room ! audio/x-raw,rate=48000,channels=1
    ! tee name=mic ! queue ! wavenc ! filesink location=mic.wav
  filesrc location=question.wav ! wavparse ! audioconvert ! audioresample ! room.
  interaudiosrc channel=room period-time=10000000 num-buffers=520
    ! audioconvert ! audioresample ! volume volume=0.12 ! room.
  mic."
export SPEAKER="audio/x-raw,format=S16LE,rate=32000,channels=1 ! tee name=speaker
    ! queue ! interaudiosink channel=room ts-offset=90000000
  speaker. ! queue ! filesink location=played.raw"

converse() { # RUN-DIRECTORY ECHO_CANCEL
  cd "$1"
  coproc SIM { exec "$sim" --port 0 --scenario weather.json --log frames.jsonl \
      2>simulator.log; }
  trap 'kill $SIM_PID 2>/dev/null || true' EXIT
  local port
  read -r -t 10 port <&"${SIM[0]}"
  ECHO_CANCEL=$2 "$example" url="ws://127.0.0.1:$port/v1/realtime" \
      >gst-launch.log 2>&1
}
converse with-aec true &
with=$!
converse without-aec false &
without=$!
wait $with || { cat with-aec/gst-launch.log; exit 1; }
wait $without || { cat without-aec/gst-launch.log; exit 1; }

fail() { echo "FAIL: $*"; exit 1; }
count() { grep -c -- "$1" "$2" || true; }

# The ERLE: the microphone's echo against what the server received, from
# the end of the question on (the server's input starts with the
# microphone's first sample).
erle() { # RUN-DIRECTORY
  frame_audio "$1/frames.jsonl" in input_audio_buffer.append >"$1/sent.raw"
  sox -t raw -r 24000 -e signed -b 16 -c 1 "$1/sent.raw" "$1/sent.wav"
  local from mic sent
  from=$(awk -v q="$(soxi -D question.wav)" 'BEGIN { print q + 0.2 }')
  mic=$(sox "$1/mic.wav" -n trim "$from" 3 stat 2>&1 | awk '/^RMS +amplitude/ { print $3 }')
  sent=$(sox "$1/sent.wav" -n trim "$from" 3 stat 2>&1 | awk '/^RMS +amplitude/ { print $3 }')
  awk -v m="$mic" -v s="$sent" 'BEGIN {
    if (s < 1e-7) s = 1e-7
    printf "echo %.1f dBFS at the microphone, %.1f dBFS sent: ERLE %.1f dB",
      20 * log(m) / log(10), 20 * log(s) / log(10), 20 * log(m / s) / log(10) }'
}

# With echo cancellation: the question is the only speech the server heard,
# and the whole answer reached the speakers.
log=with-aec/gst-launch.log
grep -q 'Got EOS from element "pipeline0"' $log || fail "with-aec: no EOS"
[ "$(count 'realtime-vad, event=(string)speech-started' $log)" = 1 ] \
  || fail "with-aec: the echo was heard as speech"
[ "$(count realtime-interrupted $log)" = 0 ] || fail "with-aec: the assistant was interrupted"
[ "$(count 'realtime-response, event=(string)done.*status=(string)completed' $log)" = 1 ] \
  || fail "with-aec: the answer did not complete"
answer_s=$(soxi -D answer.wav)
played_s=$(awk -v b="$(stat -c %s with-aec/played.raw)" 'BEGIN { printf "%.2f", b / 64000 }')
awk -v p="$played_s" -v a="$answer_s" 'BEGIN { exit !(p > a - 0.05 && p < a + 0.05) }' \
  || fail "with-aec: $played_s s played, the answer is $answer_s s"
with_erle=$(erle with-aec)
awk -v e="${with_erle##* ERLE }" 'BEGIN { exit !(e + 0 >= 15) }' \
  || fail "with-aec: $with_erle"
echo "with echo cancellation: 1 speech-started (the question), 0 interruptions," \
  "the answer played to the end ($played_s s); $with_erle"

# Without: the assistant's own voice starts a turn, which cancels the answer.
log=without-aec/gst-launch.log
grep -q 'Got EOS from element "pipeline0"' $log || fail "without-aec: no EOS"
interruptions=$(count realtime-interrupted $log)
[ "$interruptions" -ge 1 ] || fail "without-aec: the echo did not interrupt the assistant"
grep -q 'realtime-response, event=(string)done.*status=(string)cancelled, reason=(string)turn_detected' $log \
  || fail "without-aec: no answer was cut by the echo"
heard=$(grep -m1 -o 'realtime-interrupted.*played-ms=(guint64)[0-9]*' $log | grep -o '[0-9]*$')
echo "without echo cancellation: $interruptions interruptions, the first after" \
  "$heard ms of the answer; $(erle without-aec)"

#!/usr/bin/env bash
# Runs the function-call example offline against the simulator and checks
# the round trip: the model's call, our answer, the spoken reply.
# Usage: test-function-call.sh SIMULATOR EXAMPLE SCENARIO WORKDIR
set -euo pipefail
sim=$1 example=$2 scenario=$3 work=$4
mkdir -p "$work"

# A spoken-like question: 0.5 s silence, 1.2 s tone bursts, 1.5 s silence.
sox -n -r 16000 -c 1 -b 16 "$work/silence.wav" trim 0 0.5
sox -n -r 16000 -c 1 -b 16 "$work/tone.wav" synth 1.2 sine 300 vol 0.5
sox "$work/silence.wav" "$work/tone.wav" "$work/silence.wav" "$work/silence.wav" \
  "$work/silence.wav" "$work/question.wav"

coproc SIM { exec "$sim" --port 0 --pace 0 --scenario "$scenario" \
    --log "$work/frames.jsonl" 2>"$work/simulator.log"; }
trap 'kill $SIM_PID 2>/dev/null || true' EXIT
read -r -t 10 port <&"${SIM[0]}"

out=$("$example" "$work/question.wav" "$work/reply.wav" \
    "ws://127.0.0.1:$port/v1/realtime" 2>&1) || { echo "$out"; exit 1; }
echo "$out"
grep -q '^the model calls get_time$' <<<"$out"
grep -q '^function get_time(.*Europe/Paris.*) -> {"tz":"Europe/Paris","time":"[0-9][0-9]:[0-9][0-9]"}$' <<<"$out"
grep -q '^assistant: It is the time the get_time function said.$' <<<"$out"
# the answer went over the wire as a function_call_output item
grep -q '"type":"function_call_output"' "$work/frames.jsonl"
# and the spoken reply is in the file: 1.5 s at 24 kHz, 16-bit mono
[ "$(soxi -s "$work/reply.wav")" = 36000 ]
echo "function-call example: round trip OK"

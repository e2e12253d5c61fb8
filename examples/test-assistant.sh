#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Holds a whole conversation with an assistant application (the C++ or the
# Python one, same options, same output) against the simulator: a spoken
# question answered through a function call (get_time, answered at once),
# a --say line answered through a slow function (disk_usage, answered later
# with send-function-result), a line typed on stdin, then Ctrl-C (SIGINT):
# the last answer is finished, end of stream, exit status 0. Then the error
# paths: a key the server refuses, a URL that is not ws://, no key at all.
# The commands are the ones in docs/examples.md, with the port the
# simulator picked.
# Usage: test-assistant.sh SIMULATOR SCENARIO WORKDIR APP [APP-ARGS...]
set -euo pipefail
sim=$1 scenario=$2 work=$3
shift 3
rm -rf "$work"
mkdir -p "$work"
cd "$work"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

fail () { echo "FAIL: $*"; exit 1; }

# Starts the simulator with the arguments given; sets $port.
start_simulator () {
  local out=simulator-${#pids[@]}.port
  "$sim" --port 0 "$@" >"$out" 2>>simulator.log &
  pids+=($!)
  for _ in $(seq 200); do
    [ -s "$out" ] && break
    kill -0 "${pids[-1]}" 2>/dev/null || break  # it exited: see its log
    sleep 0.05
  done
  read -r port <"$out" || fail "the simulator did not start: $(cat simulator.log)"
}

# 0.3 s silence, 1 s of "speech" (a tone loud enough for the VAD), 0.3 s
# silence.
sox -n -r 16000 -c 1 -b 16 question.wav synth 1.0 sine 300 vol 0.5 pad 0.3 0.3

start_simulator --pace 0 --scenario "$scenario" --log frames.jsonl

mkfifo to-app from-app
"$@" --url "ws://127.0.0.1:$port/v1/realtime" --input question.wav \
  --output reply.wav --say "How much space does this folder use?" \
  <to-app >from-app 2>app.err &
app=$!
pids+=("$app")
exec {app_in}>to-app {app_out}<from-app
answers=0
# React to the conversation as a person would: type a line after the
# second answer, press Ctrl-C once the third is done.
while :; do
  rc=0
  IFS= read -r -t 30 line <&"$app_out" || rc=$?
  if [ $rc -gt 128 ]; then
    cat app.err
    fail "the application did not end (no output for 30 s)"
  fi
  [ $rc = 0 ] || break
  echo "$line" | tee -a app.out
  case $line in
    "assistant: "*)
      answers=$((answers + 1))
      if [ $answers = 2 ]; then echo "Thank you." >&"$app_in"; fi ;;
    "response: completed"*)
      if [ $answers = 3 ]; then kill -INT "$app"; fi ;;
  esac
done
status=0
wait "$app" || status=$?
cat app.err
[ "$status" = 0 ] || fail "exit status $status"

# Lines that must be there, in this order.
expect=(
  '^session: connected \(sess_'
  '^vad: speech-started at [0-9]+ ms$'
  '^user: What time is it in Paris\?$'
  '^the model calls get_time\(\{"tz":"Europe/Paris"\}\)$'
  '^function get_time\(\{"tz":"Europe/Paris"\}\) -> \{"tz":"Europe/Paris","time":"[0-9]{2}:[0-9]{2}"\}$'
  '^assistant: It is the time the get_time function said\.$'
  '^user \(text\): How much space does this folder use\?$'
  '^the model calls disk_usage\(\{"path":"\."\}\)$'
  '^function disk_usage\(\{"path":"\."\}\): answering later$'
  '^function disk_usage\(\{"path":"\."\}\) -> \{"path":"\.","bytes":[1-9][0-9]*,"files":[1-9][0-9]*,"unreadable_folders":0\}$'
  '^assistant: This folder holds the bytes disk_usage counted\.$'
  '^user \(text\): Thank you\.$'
  '^assistant: You are welcome\.$'
  '^session: closed: end of stream$'
  '^end of stream$'
)
last=0
for re in "${expect[@]}"; do
  n=$(grep -n -E -m1 "$re" app.out | cut -d: -f1) || true
  [ -n "$n" ] || fail "no line matching $re"
  [ "$n" -gt "$last" ] || fail "line $n ($re) comes before line $last"
  last=$n
done
grep -q '^input: end of question.wav$' app.out || fail "input file end not seen"
grep -q 'ending the conversation after the answer in progress' app.err \
  || fail "Ctrl-C not acknowledged"
if grep -E '^(warning|error):' app.err; then fail "warnings or errors"; fi

# What went over the wire: both function outputs, the two text turns.
sent=$(grep '"dir":"in"' frames.jsonl)
[ "$(grep -c '"type":"function_call_output"' <<<"$sent")" = 2 ] \
  || fail "expected two function_call_output items"
grep -q '"output":"{\\"tz\\":\\"Europe/Paris\\",\\"time\\":' <<<"$sent" \
  || fail "get_time's output not sent"
grep '"type":"input_text"' <<<"$sent" | grep -q 'How much space does this folder use?' \
  || fail "the --say line was not sent as input_text"
grep '"type":"input_text"' <<<"$sent" | grep -q '"Thank you\."' \
  || fail "the typed line was not sent as input_text"

# The three spoken answers, whole: 1.5 s + 1 s + 0.8 s at 24 kHz.
[ "$(soxi -s reply.wav)" = 79200 ] || fail "reply.wav has $(soxi -s reply.wav) samples, not 79200"

# Error paths: readable message, non-zero status, the key never printed.
start_simulator --api-key sk-right-key
status=0
OPENAI_API_KEY=sk-wrong-key "$@" --url "ws://127.0.0.1:$port/v1/realtime" \
  --input silence --output refused.wav </dev/null >refused.out 2>&1 || status=$?
cat refused.out
[ "$status" = 1 ] || fail "refused key: exit status $status, not 1"
grep -q '^error: The Realtime API refused the API key (HTTP 401)' refused.out \
  || fail "refused key: no readable error"
if grep -q 'sk-wrong-key' refused.out; then fail "the key was printed"; fi

status=0
"$@" --url http://127.0.0.1:1/v1/realtime --input silence --output bad-url.wav \
  </dev/null >bad-url.out 2>&1 || status=$?
cat bad-url.out
[ "$status" = 1 ] || fail "bad URL: exit status $status, not 1"
grep -q '^error: .*must be a ws:// or wss:// URL' bad-url.out \
  || fail "bad URL: no readable error"

status=0
env -u OPENAI_API_KEY "$@" --input silence --output no-key.wav \
  </dev/null >no-key.out 2>&1 || status=$?
cat no-key.out
[ "$status" = 2 ] || fail "no key: exit status $status, not 2"
grep -q 'OPENAI_API_KEY is not set' no-key.out || fail "no key: no readable error"

echo "assistant conversation OK"

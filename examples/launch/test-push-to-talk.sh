#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Runs examples/launch/push-to-talk.py with a live test tone for the
# microphone and keystrokes on standard input: talk for 1.5 s, then send.
# The simulator must see exactly one turn of what passed the talk key, and
# answer it.
# Usage: test-push-to-talk.sh SIMULATOR EXAMPLE WORKDIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/frame-log.sh"
sim=$(realpath "$1") example=$(realpath "$2") work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work"

coproc SIM { exec "$sim" --port 0 --pace 0 --log frames.jsonl 2>simulator.log; }
trap 'kill $SIM_PID 2>/dev/null || true' EXIT
read -r -t 10 port <&"${SIM[0]}"

# Enter at 0.5 s starts talking, Enter at 2 s sends; the end of input ends
# the program once the answer is over.
out=$({ sleep 0.5; echo; sleep 1.5; echo; } \
  | MIC="audiotestsrc is-live=true freq=300 volume=0.3" \
    SPEAKER="wavenc ! filesink location=reply.wav" \
    "$example" url="ws://127.0.0.1:$port/v1/realtime" 2>&1) \
  || { echo "$out"; exit 1; }
echo "$out"

fail() { echo "FAIL: $*"; exit 1; }
spoken=$(sed -n 's/^sent \([0-9.]*\) s of speech$/\1/p' <<<"$out")
[ -n "$spoken" ] || fail "the turn was not sent"
# One turn: cleared at the key press, committed at the second, answered.
[ "$(frame_count frames.jsonl in input_audio_buffer.clear)" = 1 ] || fail "not one clear"
[ "$(frame_count frames.jsonl in input_audio_buffer.commit)" = 1 ] || fail "not one commit"
[ "$(frame_count frames.jsonl out input_audio_buffer.committed)" = 1 ] \
  || fail "the server did not commit one turn"
[ "$(frame_count frames.jsonl out response.done)" = 1 ] || fail "not one response"
# The turn is what passed the talk key (up to the resampler's few ms), and
# roughly as long as the key was "held".
sent_s=$(awk -v b="$(frame_audio frames.jsonl in input_audio_buffer.append | wc -c)" \
    'BEGIN { printf "%.3f", b / 48000 }')
awk -v s="$sent_s" -v p="$spoken" 'BEGIN { d = s - p; exit !(d > -0.03 && d < 0.03) }' \
  || fail "the server got $sent_s s, the program let $spoken s through"
awk -v s="$sent_s" -v h=1.5 'BEGIN { exit !(s > h - 0.4 && s < h + 0.4) }' \
  || fail "$sent_s s sent for a 1.5 s hold"
# The answer: its transcript printed, its audio in the speaker's file.
grep -qxF "assistant: $(frame_transcript frames.jsonl)" <<<"$out" \
  || fail "the answer's transcript was not printed"
[ "$(( $(soxi -s reply.wav) * 2 ))" = \
  "$(frame_audio frames.jsonl out response.output_audio.delta | wc -c)" ] \
  || fail "reply.wav does not hold the answer's audio"
echo "push-to-talk: one turn of $sent_s s for a 1.5 s hold, answered" \
  "($(soxi -D reply.wav) s)"

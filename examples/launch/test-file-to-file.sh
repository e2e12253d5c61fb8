#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Runs the file-to-file gst-launch-1.0 command of docs/examples.md against
# the simulator (its own port instead of 8765) and checks the reply: the
# WAV holds exactly the audio the server sent, the text file its transcript.
# Usage: test-file-to-file.sh SIMULATOR WORKDIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/frame-log.sh"
sim=$(realpath "$1") work=$2
rm -rf "$work"
mkdir -p "$work"
cd "$work"

espeak-ng -w spoken.wav "Hello, who are you?"
sox spoken.wav question.wav pad 0.5 1.5

coproc SIM { exec "$sim" --port 0 --pace 0 --log frames.jsonl 2>simulator.log; }
trap 'kill $SIM_PID 2>/dev/null || true' EXIT
read -r -t 10 port <&"${SIM[0]}"

gst-launch-1.0 -m filesrc location=question.wav ! wavparse ! \
    realtimebin name=rt url=ws://127.0.0.1:$port/v1/realtime \
    rt.src_audio ! audioconvert ! wavenc ! filesink location=reply.wav \
    rt.src_text ! filesink location=reply.txt >gst-launch.log 2>&1 \
  || { cat gst-launch.log; exit 1; }

fail() { echo "FAIL: $*"; cat gst-launch.log; exit 1; }
grep -q 'Got EOS from element "pipeline0"' gst-launch.log || fail "no EOS"
[ "$(grep -c 'realtime-response, event=(string)done.*status=(string)completed' gst-launch.log)" = 1 ] \
  || fail "not exactly one completed response"
[ "$(frame_count frames.jsonl in input_audio_buffer.append)" -gt 0 ] \
  || fail "no audio was sent"
# reply.wav: 24 kHz mono, every sample the server sent and nothing else
[ "$(soxi -r reply.wav)" = 24000 ] && [ "$(soxi -c reply.wav)" = 1 ] \
  || fail "reply.wav is not 24 kHz mono"
frame_audio frames.jsonl out response.output_audio.delta >sent.raw
sent_bytes=$(wc -c <sent.raw)
[ "$sent_bytes" -gt 0 ] || fail "the server sent no audio"
[ "$(( $(soxi -s reply.wav) * 2 ))" = "$sent_bytes" ] \
  || fail "reply.wav has $(soxi -s reply.wav) samples, the server sent $sent_bytes bytes"
# ... and those are the very bytes: reply.wav's samples, as raw S16LE, are
# what the deltas carried.
sox reply.wav -t raw -e signed-integer -b 16 -L reply.raw
cmp sent.raw reply.raw >cmp.log 2>&1 \
  || fail "reply.wav's samples differ from the server's audio: $(cat cmp.log)"
# reply.txt: the transcript of that audio
transcript=$(frame_transcript frames.jsonl)
[ -n "$transcript" ] && [ "$(cat reply.txt)" = "$transcript" ] \
  || fail "reply.txt is '$(cat reply.txt)', the transcript '$transcript'"
echo "file to file: reply.wav $(soxi -D reply.wav) s, reply.txt: $(cat reply.txt)"

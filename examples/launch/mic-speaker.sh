#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# A spoken conversation through a microphone and speakers. webrtcdsp
# cancels the speakers' echo in the microphone signal (webrtcechoprobe hands
# it what the speakers play), so the assistant does not hear itself and cut
# its own answer short.
#
# Usage: mic-speaker.sh [REALTIMEBIN-PROPERTY=VALUE ...]
#   mic-speaker.sh instructions="Be brief."              OpenAI (OPENAI_API_KEY)
#   mic-speaker.sh url=ws://127.0.0.1:8765/v1/realtime   the simulator
# Environment:
#   MIC          pipeline fragment for the microphone (default: autoaudiosrc)
#   SPEAKER      pipeline fragment for the speakers (default: autoaudiosink)
#   ECHO_CANCEL  false turns the echo canceller off, to hear the difference
#                (default: true)
# Ctrl-C ends the conversation after the answer being spoken.
set -euo pipefail
set -f  # MIC and SPEAKER are split into words, never globbed

MIC=${MIC:-autoaudiosrc}
SPEAKER=${SPEAKER:-autoaudiosink}
ECHO_CANCEL=${ECHO_CANCEL:-true}

# webrtcdsp and webrtcechoprobe run at 8, 16, 32 or 48 kHz, both at the same
# rate. 32 kHz keeps all of the assistant's 24 kHz voice for less work than
# 48 kHz.
AEC_CAPS=audio/x-raw,format=S16LE,layout=interleaved,rate=32000,channels=1

# gain-control=false: the automatic gain control would lift what is left of
# the echo back towards the server's voice-activity threshold.
# shellcheck disable=SC2086  # MIC, SPEAKER: pipeline fragments, split on purpose
exec gst-launch-1.0 -e -m \
    $MIC ! audioconvert ! audioresample ! $AEC_CAPS ! \
    webrtcdsp probe=speaker-echo echo-cancel="$ECHO_CANCEL" gain-control=false ! \
    realtimebin name=rt "$@" \
    rt.src_audio ! audioconvert ! audioresample ! $AEC_CAPS ! \
    webrtcechoprobe name=speaker-echo ! audioconvert ! audioresample ! \
    $SPEAKER

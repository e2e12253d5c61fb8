# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Reads the simulator's frame log (--log) for the example tests; sourced.

# frame_audio LOG DIR TYPE: the audio of every DIR ("in": client to server,
# "out": server to client) event of TYPE, decoded, as raw PCM on stdout.
frame_audio() {
  local b64
  grep "\"dir\":\"$2\".*\"type\":\"$3\"" "$1" \
    | sed -n 's/.*"\(audio\|delta\)":"\([^"]*\)".*/\2/p' \
    | while read -r b64; do base64 -d <<<"$b64"; done
}

# frame_count LOG DIR TYPE: how many DIR events of TYPE there are.
frame_count() {
  grep -c "\"dir\":\"$2\",\"frame\":{\"type\":\"$3\"" "$1" || true
}

# frame_transcript LOG: the assistant's last finished audio transcript.
frame_transcript() {
  grep '"type":"response.output_audio_transcript.done"' "$1" | tail -n 1 \
    | sed 's/.*"transcript":"\(\([^"\\]\|\\.\)*\)".*/\1/'
}

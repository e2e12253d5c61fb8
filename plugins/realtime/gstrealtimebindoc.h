/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

/* realtimebin's contract as gst-inspect-1.0 prints it (the element metadata
 * "pads", "bus-messages" and "timing"): the short form of the doc block in
 * gstrealtimebin.cpp, which docs/realtimebin.md tells in full. */

/* Shown by gst-inspect-1.0 (continuation lines indented to its column). */
#define DOC_NL "\n                           "
#define PADS_DOC                                                               \
  "sink_audio: any audio/x-raw, converted inside to S16LE 24 kHz mono" DOC_NL  \
  "src_audio: the assistant's speech, S16LE 24 kHz mono converted to "         \
  "what" DOC_NL                                                                \
  "  downstream asks; sample-accurate PTS/duration/offsets, DISCONT at" DOC_NL \
  "  each response" DOC_NL "src_text: text/x-raw,format=utf8, one buffer per " \
  "finished transcript," DOC_NL                                                \
  "  stamped with the audio it describes (text-roles chooses whose)"
#define BUS_MESSAGES_DOC                                                       \
  "element messages from the bin:" DOC_NL                                      \
  "realtime-session: state (connecting|connected|reconnecting|closed)," DOC_NL \
  "  session-id, reason (why: reconnecting, reconnected, rolled over," DOC_NL  \
  "  closed)" DOC_NL                                                           \
  "realtime-vad: event (speech-started|speech-stopped|timeout)," DOC_NL        \
  "  audio-ms (guint64, server's audio_start_ms/audio_end_ms)," DOC_NL         \
  "  running-time (GstClockTime, in input running time), item-id" DOC_NL       \
  "realtime-transcript: role (user|assistant), item-id, text," DOC_NL          \
  "  final (gboolean), running-time (GstClockTime)" DOC_NL                     \
  "realtime-response: event (started|done), response-id, status, "             \
  "reason;" DOC_NL                                                             \
  "  on done guint input-tokens, output-tokens, input-audio-tokens," DOC_NL    \
  "  input-text-tokens, input-cached-tokens, output-audio-tokens," DOC_NL      \
  "  output-text-tokens, first-audio-latency (GstClockTime)" DOC_NL            \
  "realtime-function-call: call-id, name, arguments (JSON)" DOC_NL             \
  "realtime-interrupted: item-id, played-ms (guint64)," DOC_NL                 \
  "  action (truncated|deleted|none)" DOC_NL                                   \
  "realtime-rate-limits: one rate-limit structure per limit name" DOC_NL       \
  "  (remaining, limit, reset-seconds)" DOC_NL                                 \
  "server error events: WARNING with details realtime-error" DOC_NL            \
  "  (type, code, message, param, event-id); fatal failures: ERROR" DOC_NL     \
  "progress messages (code connect) around connecting"
#define TIMING_DOC                                                             \
  "live input: a response starts at the running time it arrived; src "         \
  "pads" DOC_NL                                                                \
  "  report upstream latency + latency; GAP events while idle" DOC_NL          \
  "non-live input: a response starts where the user's turn ended (or" DOC_NL   \
  "  where the previous response ends); GAP events before it" DOC_NL           \
  "sink_audio EOS: commit (turn-detection=none), wait for the last" DOC_NL     \
  "  response (eos-timeout-ms), EOS on both src pads, close the session"

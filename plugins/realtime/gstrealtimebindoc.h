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
/* The names only: the fields are the element's doc block and
 * docs/realtimebin.md "Bus messages", written once there. */
#define BUS_MESSAGES_DOC                                                       \
  "element messages realtime-session, realtime-vad, "                          \
  "realtime-transcript," DOC_NL                                                \
  "  realtime-response, realtime-function-call, realtime-interrupted," DOC_NL  \
  "  realtime-rate-limits; server error events as WARNINGs (details" DOC_NL    \
  "  realtime-error), fatal failures as ERRORs, PROGRESS around" DOC_NL        \
  "  connecting. Their fields: docs/realtimebin.md, \"Bus messages\""
#define TIMING_DOC                                                             \
  "live input: a response starts at the running time it arrived; src "         \
  "pads" DOC_NL                                                                \
  "  report upstream latency + latency; GAP events while idle" DOC_NL          \
  "non-live input: a response starts where the user's turn ended (or" DOC_NL   \
  "  where the previous response ends); GAP events before it" DOC_NL           \
  "sink_audio EOS: commit (turn-detection=none), wait for the last" DOC_NL     \
  "  response (eos-timeout-ms), EOS on both src pads, close the session"

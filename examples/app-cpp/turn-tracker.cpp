/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "turn-tracker.h"

namespace assistant {

namespace {

bool
has_field_value (const GstStructure * s, const char * field, const char * value)
{
  return g_strcmp0 (gst_structure_get_string (s, field), value) == 0;
}

} // namespace

void
TurnTracker::on_message (const GstStructure * s)
{
  if (gst_structure_has_name (s, "realtime-session")) {
    connected_ = has_field_value (s, "state", "connected");
    /* A new connection starts without a turn in progress; realtimebin ends
     * a response the old one cut with a done message. */
    if (!connected_)
      speech_open_ = response_expected_ = false;
  } else if (gst_structure_has_name (s, "realtime-vad")) {
    if (has_field_value (s, "event", "speech-started")) {
      speech_open_ = true;
    } else if (has_field_value (s, "event", "speech-stopped")) {
      /* the server's VAD commits the turn and answers it */
      speech_open_ = false;
      response_expected_ = true;
    }
  } else if (gst_structure_has_name (s, "realtime-response")) {
    response_active_ = has_field_value (s, "event", "started");
    if (response_active_)
      response_expected_ = false;
  } else if (gst_structure_has_name (s, "realtime-function-call")) {
    /* posted before its response's done: the answer to the function's
     * output follows */
    response_expected_ = true;
  }
}

bool
TurnTracker::idle () const
{
  return connected_ && !input_file_playing_ && !speech_open_ &&
      !response_expected_ && !response_active_ && slow_calls_ == 0;
}

} // namespace assistant

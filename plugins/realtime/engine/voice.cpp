/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "voice.h"

#include "gstrealtimeenums.h"

namespace engine {

Voice::Voice (Core & core, const Uplink & uplink,
    const realtime::SessionSettings & session, const guint & text_roles,
    GstRealtimeOutput * text_output)
    : core_ (core), uplink_ (uplink), session_ (session),
      text_roles_ (text_roles), text_output_ (text_output)
{}

GstClockTime
Voice::speech_started (const realtime::ServerEvent & ev)
{
  GstClockTime rt = uplink_.running_time_at_ms (ev.audio_start_ms);
  speech_active_ = true;
  speech_item_ = ev.item_id;
  if (transcribing ())
    spans_[ev.item_id].start = rt;
  core_.post (realtime_message_vad (GST_OBJECT (core_.bin), "speech-started",
      ev.audio_start_ms, rt, ev.item_id));
  return rt;
}

GstClockTime
Voice::speech_stopped (const realtime::ServerEvent & ev)
{
  GstClockTime rt = uplink_.running_time_at_ms (ev.audio_end_ms);
  speech_active_ = false;
  if (transcribing ())
    spans_[ev.item_id].end = rt;
  core_.post (realtime_message_vad (GST_OBJECT (core_.bin), "speech-stopped",
      ev.audio_end_ms, rt, ev.item_id));
  return rt;
}

void
Voice::timeout (const realtime::ServerEvent & ev)
{
  GstClockTime rt = uplink_.running_time_at_ms (ev.audio_end_ms);
  core_.post (realtime_message_vad (GST_OBJECT (core_.bin), "timeout",
      ev.audio_end_ms, rt, ev.item_id));
}

void
Voice::committed (const std::string & item_id, GstClockTime turn_end)
{
  /* Push-to-talk turns have no VAD span: the uncommitted audio is it. */
  if (transcribing ()) {
    Span & span = spans_[item_id];
    if (!GST_CLOCK_TIME_IS_VALID (span.end))
      span.end = turn_end;
  }
}

std::optional<std::string>
Voice::user_transcript (const realtime::ServerEvent & ev, bool final)
{
  Span span;
  auto it = spans_.find (ev.item_id);
  if (it != spans_.end ())
    span = it->second;
  const std::string & text = final ? ev.transcript : ev.delta;
  core_.post (realtime_message_transcript (GST_OBJECT (core_.bin), "user",
      ev.item_id, text, final, span.start));
  if (!final)
    return std::nullopt;
  if (text_output_ && (text_roles_ & GST_REALTIME_TEXT_ROLES_USER)) {
    GstClockTime duration = GST_CLOCK_TIME_IS_VALID (span.start) &&
            GST_CLOCK_TIME_IS_VALID (span.end) && span.end > span.start
        ? span.end - span.start
        : GST_CLOCK_TIME_NONE;
    push_text (text_output_, text, span.start, duration);
  }
  spans_.erase (ev.item_id);
  return text;
}

void
Voice::transcription_failed (const realtime::ServerEvent & ev)
{
  realtime::ErrorInfo e = ev.error.value_or (realtime::ErrorInfo ());
  spans_.erase (ev.item_id);
  core_.warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
      "The Realtime API could not transcribe the user's speech: " + e.message,
      "item " + ev.item_id, realtime_error_details (e));
}

void
Voice::reset ()
{
  speech_active_ = false;
  speech_item_.clear ();
  spans_.clear ();
}

} // namespace engine

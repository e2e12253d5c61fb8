/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Compares two parsed server events, for the tests and fuzz-server-event,
 * which hold the light audio-delta path (audio-delta-scan.h) to the full
 * parser. Header-only and free of gst-check, so the fuzz target can use it. */
#pragma once

#include <gst/realtime/server-events.h>

#include <string>
#include <vector>

/* The first member in which @a and @b differ, as "name: A | B", or "" when
 * they agree. Every top-level member is compared by value; the nested
 * objects (session, item, response, part, error, usage) by presence and
 * rate_limits by count: enough for the light path, which fills none of
 * them. */
static inline std::string
server_event_diff (const realtime::ServerEvent & a,
    const realtime::ServerEvent & b)
{
  auto text = [] (const char * name, const std::string & x,
                  const std::string & y) -> std::string {
    return x == y ? "" : std::string (name) + ": \"" + x + "\" | \"" + y + "\"";
  };
  auto integer = [] (const char * name, gint64 x, gint64 y) -> std::string {
    return x == y ? ""
                  : std::string (name) + ": " + std::to_string (x) + " | " +
            std::to_string (y);
  };
  auto number = [] (const char * name, double x, double y) -> std::string {
    return x == y ? ""
                  : std::string (name) + ": " + std::to_string (x) + " | " +
            std::to_string (y);
  };
  auto presence = [] (const char * name, bool x, bool y) -> std::string {
    return x == y ? ""
                  : std::string (name) + ": " +
            (x ? "present | absent" : "absent | present");
  };
  auto join = [] (const std::vector<std::string> & v) {
    std::string out;
    for (const auto & s : v)
      out += (out.empty () ? "" : ",") + s;
    return out;
  };

  const std::string diffs[] = {
      integer ("type", (gint64) a.type, (gint64) b.type),
      text ("type_name", a.type_name, b.type_name),
      text ("event_id", a.event_id, b.event_id),
      text ("response_id", a.response_id, b.response_id),
      text ("item_id", a.item_id, b.item_id),
      text ("previous_item_id", a.previous_item_id, b.previous_item_id),
      integer ("output_index", a.output_index, b.output_index),
      integer ("content_index", a.content_index, b.content_index),
      text ("call_id", a.call_id, b.call_id),
      text ("name", a.name, b.name),
      text ("delta", a.delta, b.delta),
      text ("text", a.text, b.text),
      text ("transcript", a.transcript, b.transcript),
      text ("arguments", a.arguments, b.arguments),
      a.audio == b.audio ? ""
                         : "audio: " + std::to_string (a.audio.size ()) +
              " | " + std::to_string (b.audio.size ()) + " bytes, not the same",
      integer ("audio_start_ms", a.audio_start_ms, b.audio_start_ms),
      integer ("audio_end_ms", a.audio_end_ms, b.audio_end_ms),
      presence ("session", a.session.has_value (), b.session.has_value ()),
      presence ("item", a.item.has_value (), b.item.has_value ()),
      presence ("response", a.response.has_value (), b.response.has_value ()),
      presence ("part", a.part.has_value (), b.part.has_value ()),
      presence ("error", a.error.has_value (), b.error.has_value ()),
      presence ("transcription_usage", a.transcription_usage.has_value (),
          b.transcription_usage.has_value ()),
      integer ("rate_limits (count)", (gint64) a.rate_limits.size (),
          (gint64) b.rate_limits.size ()),
      text ("conversation_id", a.conversation_id, b.conversation_id),
      text ("segment_id", a.segment_id, b.segment_id),
      text ("speaker", a.speaker, b.speaker),
      number ("start", a.start, b.start),
      number ("end", a.end, b.end),
      text ("dtmf_key", a.dtmf_key, b.dtmf_key),
      integer ("received_at", a.received_at, b.received_at),
      text ("unknown_fields", join (a.unknown_fields), join (b.unknown_fields)),
  };
  for (const std::string & d : diffs)
    if (!d.empty ())
      return d;
  return "";
}

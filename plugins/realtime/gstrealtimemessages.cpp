/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrealtimemessages.h"

static GstMessage *
element_message (GstObject * src, GstStructure * s)
{
  return gst_message_new_element (src, s);
}

GstMessage *
realtime_message_session (GstObject * src, const char * state,
    const std::string & session_id, const std::string & reason)
{
  GstStructure * s =
      gst_structure_new ("realtime-session", "state", G_TYPE_STRING, state,
          "session-id", G_TYPE_STRING, session_id.c_str (), nullptr);
  if (!reason.empty ())
    gst_structure_set (s, "reason", G_TYPE_STRING, reason.c_str (), nullptr);
  return element_message (src, s);
}

GstMessage *
realtime_message_vad (GstObject * src, const char * event, gint64 audio_ms,
    GstClockTime running_time, const std::string & item_id)
{
  return element_message (src,
      gst_structure_new ("realtime-vad", "event", G_TYPE_STRING, event,
          "audio-ms", G_TYPE_UINT64, (guint64) MAX (audio_ms, 0),
          "running-time", G_TYPE_UINT64, running_time, "item-id", G_TYPE_STRING,
          item_id.c_str (), nullptr));
}

GstMessage *
realtime_message_transcript (GstObject * src, const char * role,
    const std::string & item_id, const std::string & text, gboolean final,
    GstClockTime running_time)
{
  return element_message (src,
      gst_structure_new ("realtime-transcript", "role", G_TYPE_STRING, role,
          "item-id", G_TYPE_STRING, item_id.c_str (), "text", G_TYPE_STRING,
          text.c_str (), "final", G_TYPE_BOOLEAN, final, "running-time",
          G_TYPE_UINT64, running_time, nullptr));
}

static GstStructure *
response_structure (const char * event, const realtime::Response & response)
{
  return gst_structure_new ("realtime-response", "event", G_TYPE_STRING, event,
      "response-id", G_TYPE_STRING, response.id.c_str (), "status",
      G_TYPE_STRING, response.status.c_str (), "reason", G_TYPE_STRING,
      response.status_reason.c_str (), nullptr);
}

GstMessage *
realtime_message_response_started (GstObject * src,
    const realtime::Response & response)
{
  return element_message (src, response_structure ("started", response));
}

GstMessage *
realtime_message_response_done (GstObject * src,
    const realtime::Response & response, GstClockTime first_audio_latency,
    std::optional<double> cost_usd)
{
  GstStructure * s = response_structure ("done", response);
  realtime::Usage usage = response.usage.value_or (realtime::Usage ());
  gst_structure_set (s, "input-tokens", G_TYPE_UINT, (guint) usage.input_tokens,
      "output-tokens", G_TYPE_UINT, (guint) usage.output_tokens,
      "input-audio-tokens", G_TYPE_UINT, (guint) usage.input_audio_tokens,
      "input-text-tokens", G_TYPE_UINT, (guint) usage.input_text_tokens,
      "input-cached-tokens", G_TYPE_UINT, (guint) usage.input_cached_tokens,
      "output-audio-tokens", G_TYPE_UINT, (guint) usage.output_audio_tokens,
      "output-text-tokens", G_TYPE_UINT, (guint) usage.output_text_tokens,
      "first-audio-latency", G_TYPE_UINT64, first_audio_latency, nullptr);
  if (cost_usd)
    gst_structure_set (s, "estimated-cost-usd", G_TYPE_DOUBLE, *cost_usd,
        nullptr);
  return element_message (src, s);
}

GstMessage *
realtime_message_function_call (GstObject * src, const std::string & call_id,
    const std::string & name, const std::string & arguments)
{
  return element_message (src,
      gst_structure_new ("realtime-function-call", "call-id", G_TYPE_STRING,
          call_id.c_str (), "name", G_TYPE_STRING, name.c_str (), "arguments",
          G_TYPE_STRING, arguments.c_str (), nullptr));
}

GstMessage *
realtime_message_interrupted (GstObject * src, const std::string & item_id,
    gint64 played_ms, const char * action)
{
  return element_message (src,
      gst_structure_new ("realtime-interrupted", "item-id", G_TYPE_STRING,
          item_id.c_str (), "played-ms", G_TYPE_UINT64,
          (guint64) MAX (played_ms, 0), "action", G_TYPE_STRING, action,
          nullptr));
}

GstMessage *
realtime_message_rate_limits (GstObject * src,
    const std::vector<realtime::RateLimit> & limits)
{
  GstStructure * s = gst_structure_new_empty ("realtime-rate-limits");
  for (const realtime::RateLimit & limit : limits) {
    if (limit.name.empty ())
      continue;
    GstStructure * one = gst_structure_new ("rate-limit", "remaining",
        G_TYPE_DOUBLE, limit.remaining, "limit", G_TYPE_DOUBLE, limit.limit,
        "reset-seconds", G_TYPE_DOUBLE, limit.reset_seconds, nullptr);
    gst_structure_set (s, limit.name.c_str (), GST_TYPE_STRUCTURE, one,
        nullptr);
    gst_structure_free (one);
  }
  return element_message (src, s);
}

GstStructure *
realtime_error_details (const realtime::ErrorInfo & error)
{
  return gst_structure_new ("realtime-error", "type", G_TYPE_STRING,
      error.type.c_str (), "code", G_TYPE_STRING, error.code.c_str (),
      "message", G_TYPE_STRING, error.message.c_str (), "param", G_TYPE_STRING,
      error.param.c_str (), "event-id", G_TYPE_STRING, error.event_id.c_str (),
      nullptr);
}

GstStructure *
realtime_stats_structure (const RealtimeStats & s)
{
  GstStructure * out = gst_structure_new ("realtime-stats", "bytes-sent",
      G_TYPE_UINT64, s.bytes_sent, "bytes-received", G_TYPE_UINT64,
      s.bytes_received, "events-sent", G_TYPE_UINT64, s.events_sent,
      "events-received", G_TYPE_UINT64, s.events_received, "responses",
      G_TYPE_UINT64, s.responses, "interruptions", G_TYPE_UINT64,
      s.interruptions, "reconnects", G_TYPE_UINT64, s.reconnects, "rollovers",
      G_TYPE_UINT64, s.rollovers, "dropped-audio-ms", G_TYPE_UINT64,
      s.dropped_audio_ms, "first-audio-latency", G_TYPE_UINT64,
      s.first_audio_latency, "input-latency-p50-us", G_TYPE_UINT64,
      s.input_latency_p50_us, "input-latency-p99-us", G_TYPE_UINT64,
      s.input_latency_p99_us, "output-latency-p50-us", G_TYPE_UINT64,
      s.output_latency_p50_us, "output-latency-p99-us", G_TYPE_UINT64,
      s.output_latency_p99_us, nullptr);
  if (s.estimated_cost_usd)
    gst_structure_set (out, "estimated-cost-usd", G_TYPE_DOUBLE,
        *s.estimated_cost_usd, nullptr);
  return out;
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>

#include <optional>
#include <gst/realtime/server-events.h>

#include <string>

/* The element messages of realtimebin (docs/realtimebin.md, "Bus messages").
 * Structure names and fields are what applications script against: change them
 * only on purpose, with the docs. Each returns a new message from @src. */

GstMessage * realtime_message_session (GstObject * src, const char * state,
    const std::string & session_id, const std::string & reason);

/* @event: speech-started, speech-stopped or timeout. */
GstMessage * realtime_message_vad (GstObject * src, const char * event,
    gint64 audio_ms, GstClockTime running_time, const std::string & item_id);

/* @role: user or assistant. */
GstMessage * realtime_message_transcript (GstObject * src, const char * role,
    const std::string & item_id, const std::string & text, gboolean final,
    GstClockTime running_time);

GstMessage * realtime_message_response_started (GstObject * src,
    const realtime::Response & response);
/* @cost_usd: the estimated cost of the response, when prices are known. */
GstMessage * realtime_message_response_done (GstObject * src,
    const realtime::Response & response, GstClockTime first_audio_latency,
    std::optional<double> cost_usd = std::nullopt);

GstMessage * realtime_message_function_call (GstObject * src,
    const std::string & call_id, const std::string & name,
    const std::string & arguments);

/* @action: truncated, deleted or none. */
GstMessage * realtime_message_interrupted (GstObject * src,
    const std::string & item_id, gint64 played_ms, const char * action);

GstMessage * realtime_message_rate_limits (GstObject * src,
    const std::vector<realtime::RateLimit> & limits);

/* The counters of the `stats` property. */
struct RealtimeStats
{
  guint64 bytes_sent = 0, bytes_received = 0;
  guint64 events_sent = 0, events_received = 0;
  guint64 responses = 0, interruptions = 0, reconnects = 0, rollovers = 0;
  guint64 dropped_audio_ms = 0;
  GstClockTime first_audio_latency = GST_CLOCK_TIME_NONE;
  /* Percentiles of what the element adds (µs; 0 until measured). */
  guint64 input_latency_p50_us = 0, input_latency_p99_us = 0;
  guint64 output_latency_p50_us = 0, output_latency_p99_us = 0;
  /* Sum of the responses' estimated cost, when prices are known. */
  std::optional<double> estimated_cost_usd;
};

/* The `realtime-stats` structure of @stats. */
GstStructure * realtime_stats_structure (const RealtimeStats & stats);

/* Details structure of the warning posted for a server `error` event. */
GstStructure * realtime_error_details (const realtime::ErrorInfo & error);

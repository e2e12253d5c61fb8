/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>

#include <functional>

G_BEGIN_DECLS

/* The end of realtimebin's input path (inside the bin, after audioconvert,
 * audioresample and a capsfilter): takes PCM S16LE 24 kHz mono and hands
 * each buffer, with its running time, to the bin's session. It is the
 * bin's only sink, so the bin posts EOS when this element does. */
#define GST_TYPE_REALTIME_INPUT (gst_realtime_input_get_type ())
G_DECLARE_FINAL_TYPE (GstRealtimeInput, gst_realtime_input, GST, REALTIME_INPUT,
    GstElement);

G_END_DECLS

struct GstRealtimeInputCallbacks
{
  /* @running_time: of the buffer's first sample (GST_CLOCK_TIME_NONE when
   * untimed). Runs on the streaming thread; returns the flow to give
   * upstream. */
  std::function<GstFlowReturn (GstBuffer * buffer, GstClockTime running_time)>
      audio;
  /* EOS reached the input; the session decides when the bin's EOS goes
   * out (gst_realtime_input_post_eos()). */
  std::function<void ()> eos;
  /* Upstream flushed: audio not yet sent is stale. */
  std::function<void ()> flush;
  /* Upstream's LATENCY answer changed whether it is live. On the thread
   * that asked, without this element's lock. */
  std::function<void ()> live_changed;
};

/* @callbacks: its interface to the session, given once here and never
 * changed, so the streaming thread calls it without a lock. */
GstRealtimeInput * gst_realtime_input_new (const gchar * name,
    GstRealtimeInputCallbacks callbacks);

/* Asks upstream's LATENCY now and remembers the answer (also done at the
 * first buffer). Any thread but the streaming thread's own callbacks. */
void gst_realtime_input_query_latency (GstRealtimeInput * self);

/* Whether upstream is live, as its last LATENCY answer said; FALSE before
 * any. */
gboolean gst_realtime_input_is_live (GstRealtimeInput * self);

/* Upstream latency as answered to the same query (0 when not live). */
GstClockTime gst_realtime_input_upstream_latency (GstRealtimeInput * self);

/* Posts the EOS message of this sink (once per EOS received), which lets the
 * bin and the pipeline finish. Any thread. */
void gst_realtime_input_post_eos (GstRealtimeInput * self);

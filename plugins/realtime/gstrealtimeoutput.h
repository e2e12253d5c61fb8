/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>

#include <functional>

G_BEGIN_DECLS

/* The start of one of realtimebin's output paths (inside the bin): a source
 * whose pad task pushes what the session queues — buffers stamped by the
 * session, GAP events while idle, EOS — so the network thread never waits
 * on downstream. */
#define GST_TYPE_REALTIME_OUTPUT (gst_realtime_output_get_type ())
G_DECLARE_FINAL_TYPE (GstRealtimeOutput, gst_realtime_output, GST,
    REALTIME_OUTPUT, GstElement);

G_END_DECLS

struct GstRealtimeOutputCallbacks
{
  /* Answers a LATENCY query on the src pad. */
  std::function<gboolean (GstQuery * query)> latency;
  /* Running time up to which nothing can be queued any more, so GAP may
   * cover it while idle; GST_CLOCK_TIME_NONE: no idle GAPs now. Called on
   * the pad task, without the element's locks. */
  std::function<GstClockTime ()> idle_horizon;
  /* Downstream's LATENCY event: the latency the sinks render with. */
  std::function<void (GstClockTime latency)> render_latency;
  /* A buffer queued with an arrival time is being pushed: how long it
   * waited for this element (not for downstream), in µs. On the pad task. */
  std::function<void (gint64 delay_us)> delivered;
};

/* @caps: the fixed caps of the output. @callbacks: its interface to the
 * session, given once here and never changed, so the pad task and queries
 * call it without a lock. */
GstRealtimeOutput * gst_realtime_output_new (const gchar * name, GstCaps * caps,
    GstRealtimeOutputCallbacks callbacks);

/* Queues @buffer (transfer full). Never blocks; dropped when the element is
 * not running. Any thread. @arrived_us (monotonic, optional): when its
 * data arrived, for the `delivered` callback. */
void gst_realtime_output_push (GstRealtimeOutput * self, GstBuffer * buffer,
    gint64 arrived_us = 0);

/* Queues EOS after everything queued so far. */
void gst_realtime_output_push_eos (GstRealtimeOutput * self);

/* Flushes downstream (flush-start/stop, without resetting running time),
 * so playback stops now; queued data is kept (drop stale buffers first with
 * gst_realtime_output_drop_buffers()); the next data starts at running time
 * @at. Any thread but the pad task. */
void gst_realtime_output_flush (GstRealtimeOutput * self, GstClockTime at);

/* Drops the queued buffers that start at or after running time @from (all
 * of them for GST_CLOCK_TIME_NONE; events stay) and returns the running
 * time up to which data is pushed or still queued. Any thread. */
GstClockTime gst_realtime_output_drop_buffers (GstRealtimeOutput * self,
    GstClockTime from);

/* Idle time may have begun (a response ended): the task asks
 * idle_horizon() again now rather than at its next look. Any thread. */
void gst_realtime_output_wake (GstRealtimeOutput * self);

/* Buffers queued and not yet pushed. */
guint gst_realtime_output_queued (GstRealtimeOutput * self);

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrealtimeoutput.h"
#include "gstrealtimeelements.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

#define GST_CAT_DEFAULT gst_realtime_debug

/* How long the task waits for data before it considers an idle GAP. */
#define IDLE_GAP_INTERVAL std::chrono::milliseconds (50)
/* While there is no idle time to cover (a response is active, the input is
 * not live, not PLAYING), the task sleeps: the bin wakes it when that
 * changes (gst_realtime_output_wake()). It looks again after this long
 * anyway, so a change nobody signals delays GAPs but never stops them. */
#define NO_GAP_RECHECK_INTERVAL std::chrono::milliseconds (1000)
/* Idle GAPs shorter than this are not worth an event. */
#define IDLE_GAP_MIN (10 * GST_MSECOND)

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

struct GstRealtimeOutputState
{
  /* Lock order: callers may hold the session's lock when they take this
   * one; this one is never held while calling out. */
  std::mutex lock;
  std::condition_variable cond;
  /* Held through a flush and through (de)activation, so a flush never
   * restarts the task of a pad being deactivated. Taken before `lock`. */
  std::mutex flush_lock;
  bool active = false;
  /* Set once by gst_realtime_output_new(), before any thread sees the
   * element, and never changed: read without the lock. */
  GstRealtimeOutputCallbacks callbacks;
  struct Queued
  {
    GstMiniObject * obj;
    gint64 arrived_us; /* 0: not measured */
  };
  std::deque<Queued> queue;
  bool flushing = true;
  bool need_stream_start = true;
  bool need_segment = true;
  GstClockTime position = 0; /* end of what was pushed, running time */
  guint queued_buffers = 0;
  /* When the task last finished pushing (the task's own). */
  gint64 free_since_us = 0;
  bool idle_gaps = false; /* the last horizon allowed GAPs (the task's) */
  bool wake = false;      /* look at the horizon again now */

  ~GstRealtimeOutputState () { clear (); }

  void clear ()
  {
    for (const Queued & q : queue)
      gst_mini_object_unref (q.obj);
    queue.clear ();
    queued_buffers = 0;
  }
};

struct _GstRealtimeOutput
{
  GstElement parent;

  GstPad * srcpad;
  GstCaps * caps; /* fixed, set at construction */
  GstRealtimeOutputState * state;
};

#define gst_realtime_output_parent_class parent_class
G_DEFINE_TYPE (GstRealtimeOutput, gst_realtime_output, GST_TYPE_ELEMENT);

static void gst_realtime_output_finalize (GObject * object);
static gboolean gst_realtime_output_activate_mode (GstPad * pad,
    GstObject * parent, GstPadMode mode, gboolean active);
static gboolean gst_realtime_output_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
static gboolean gst_realtime_output_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static void gst_realtime_output_loop (GstRealtimeOutput * self);

static void
gst_realtime_output_class_init (GstRealtimeOutputClass * klass)
{
  GObjectClass * gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass * element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_realtime_output_finalize;
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Realtime output (internal)", "Source",
      "Pushes what realtimebin's session queues, GAP events while idle",
      "gst-realtime developers");
}

static void
gst_realtime_output_init (GstRealtimeOutput * self)
{
  self->state = new GstRealtimeOutputState ();
  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_activatemode_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_realtime_output_activate_mode));
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_realtime_output_query));
  gst_pad_set_event_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_realtime_output_event));
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}

static void
gst_realtime_output_finalize (GObject * object)
{
  GstRealtimeOutput * self = GST_REALTIME_OUTPUT (object);

  gst_clear_caps (&self->caps);
  delete self->state;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

GstRealtimeOutput *
gst_realtime_output_new (const gchar * name, GstCaps * caps,
    GstRealtimeOutputCallbacks callbacks)
{
  GstRealtimeOutput * self = GST_REALTIME_OUTPUT (
      g_object_new (GST_TYPE_REALTIME_OUTPUT, "name", name, nullptr));
  self->caps = gst_caps_ref (caps);
  self->state->callbacks = std::move (callbacks);
  return self;
}

static void
gst_realtime_output_enqueue (GstRealtimeOutput * self, GstMiniObject * obj,
    gint64 arrived_us = 0)
{
  GstRealtimeOutputState * st = self->state;
  std::lock_guard<std::mutex> lk (st->lock);

  if (!st->active) {
    GST_DEBUG_OBJECT (self, "not running, dropping %" GST_PTR_FORMAT, obj);
    gst_mini_object_unref (obj);
    return;
  }
  if (GST_IS_BUFFER (obj))
    st->queued_buffers++;
  st->queue.push_back ({obj, arrived_us});
  st->cond.notify_one ();
}

void
gst_realtime_output_push (GstRealtimeOutput * self, GstBuffer * buffer,
    gint64 arrived_us)
{
  gst_realtime_output_enqueue (self, GST_MINI_OBJECT_CAST (buffer), arrived_us);
}

void
gst_realtime_output_push_eos (GstRealtimeOutput * self)
{
  gst_realtime_output_enqueue (self,
      GST_MINI_OBJECT_CAST (gst_event_new_eos ()));
}

void
gst_realtime_output_wake (GstRealtimeOutput * self)
{
  GstRealtimeOutputState * st = self->state;
  std::lock_guard<std::mutex> lk (st->lock);
  st->wake = true;
  st->cond.notify_one ();
}

guint
gst_realtime_output_queued (GstRealtimeOutput * self)
{
  std::lock_guard<std::mutex> lk (self->state->lock);
  return self->state->queued_buffers;
}

/* @clear: drop what is queued too (deactivation). A flush keeps it: what
 * was queued after the caller dropped the stale buffers is new data. */
static void
gst_realtime_output_set_flushing (GstRealtimeOutput * self, bool flushing,
    bool clear)
{
  GstRealtimeOutputState * st = self->state;
  std::lock_guard<std::mutex> lk (st->lock);

  st->flushing = flushing;
  if (clear)
    st->clear ();
  st->cond.notify_all ();
}

GstClockTime
gst_realtime_output_drop_buffers (GstRealtimeOutput * self, GstClockTime from)
{
  GstRealtimeOutputState * st = self->state;
  std::lock_guard<std::mutex> lk (st->lock);

  GstClockTime end = st->position;
  std::deque<GstRealtimeOutputState::Queued> kept;
  for (const auto & q : st->queue) {
    GstMiniObject * obj = q.obj;
    if (!GST_IS_BUFFER (obj)) {
      kept.push_back (q);
      continue;
    }
    GstBuffer * buf = GST_BUFFER_CAST (obj);
    bool keep = GST_CLOCK_TIME_IS_VALID (from) &&
        GST_BUFFER_PTS_IS_VALID (buf) && GST_BUFFER_PTS (buf) < from;
    if (!keep) {
      gst_mini_object_unref (obj);
      st->queued_buffers--;
      continue;
    }
    kept.push_back (q);
    if (GST_BUFFER_DURATION_IS_VALID (buf))
      end = MAX (end, GST_BUFFER_PTS (buf) + GST_BUFFER_DURATION (buf));
  }
  st->queue.swap (kept);
  return end;
}

void
gst_realtime_output_flush (GstRealtimeOutput * self, GstClockTime at)
{
  GstRealtimeOutputState * st = self->state;
  std::lock_guard<std::mutex> flk (st->flush_lock);
  {
    std::lock_guard<std::mutex> lk (st->lock);
    if (!st->active)
      return; /* not running: nothing to flush */
  }

  /* Unblock downstream first so the task's push returns, then stop it. */
  gst_realtime_output_set_flushing (self, true, false);
  gst_pad_push_event (self->srcpad, gst_event_new_flush_start ());
  gst_pad_pause_task (self->srcpad);
  gst_pad_push_event (self->srcpad, gst_event_new_flush_stop (FALSE));

  {
    std::lock_guard<std::mutex> lk (st->lock);
    st->flushing = false;
    st->need_segment = true;
    st->position = GST_CLOCK_TIME_IS_VALID (at) ? at : st->position;
  }
  gst_pad_start_task (self->srcpad, (GstTaskFunction) gst_realtime_output_loop,
      self, nullptr);
}

static gboolean
gst_realtime_output_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstRealtimeOutput * self = GST_REALTIME_OUTPUT (parent);

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;

  std::lock_guard<std::mutex> flk (self->state->flush_lock);
  {
    std::lock_guard<std::mutex> lk (self->state->lock);
    self->state->active = active;
  }
  if (active) {
    {
      std::lock_guard<std::mutex> lk (self->state->lock);
      self->state->flushing = false;
      self->state->need_stream_start = true;
      self->state->need_segment = true;
      self->state->position = 0;
    }
    return gst_pad_start_task (pad, (GstTaskFunction) gst_realtime_output_loop,
        self, nullptr);
  }

  gst_realtime_output_set_flushing (self, true, true);
  return gst_pad_stop_task (pad);
}

static gboolean
gst_realtime_output_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstRealtimeOutput * self = GST_REALTIME_OUTPUT (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS: {
      GstCaps * filter;
      gst_query_parse_caps (query, &filter);
      GstCaps * caps = filter ? gst_caps_intersect_full (filter, self->caps,
                                    GST_CAPS_INTERSECT_FIRST)
                              : gst_caps_ref (self->caps);
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_LATENCY: {
      const auto & latency = self->state->callbacks.latency;
      if (latency)
        return latency (query);
      return gst_pad_query_default (pad, parent, query);
    }
    case GST_QUERY_SCHEDULING:
      gst_query_set_scheduling (query, GST_SCHEDULING_FLAG_SEQUENTIAL, 1, -1,
          0);
      gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
      return TRUE;
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

static gboolean
gst_realtime_output_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstRealtimeOutput * self = GST_REALTIME_OUTPUT (parent);

  if (GST_EVENT_TYPE (event) == GST_EVENT_LATENCY) {
    GstClockTime latency;
    gst_event_parse_latency (event, &latency);
    const auto & render_latency = self->state->callbacks.render_latency;
    if (render_latency)
      render_latency (latency);
  }
  /* Nothing is upstream of us inside the bin; a conversation cannot seek. */
  gboolean handled = GST_EVENT_TYPE (event) != GST_EVENT_SEEK;
  gst_event_unref (event);
  return handled;
}

/* Pushes @obj downstream; FALSE when the task must pause. */
static bool
gst_realtime_output_push_one (GstRealtimeOutput * self, GstMiniObject * obj)
{
  if (GST_IS_EVENT (obj)) {
    GstEvent * event = GST_EVENT_CAST (obj);
    bool eos = GST_EVENT_TYPE (event) == GST_EVENT_EOS;
    gst_pad_push_event (self->srcpad, event);
    if (eos) {
      GST_DEBUG_OBJECT (self, "EOS pushed, pausing");
      return false;
    }
    return true;
  }

  GstFlowReturn ret = gst_pad_push (self->srcpad, GST_BUFFER_CAST (obj));
  switch (ret) {
    case GST_FLOW_OK:
    case GST_FLOW_NOT_LINKED: /* unlinked outputs are not an error */
    case GST_FLOW_EOS:
      return true;
    case GST_FLOW_FLUSHING: {
      /* Our own flush pauses the task; downstream flushing on its own
       * (an element not yet running, a seek) must not stop us for good. */
      std::lock_guard<std::mutex> lk (self->state->lock);
      return !self->state->flushing;
    }
    default:
      GST_ELEMENT_FLOW_ERROR (self, ret);
      return false;
  }
}

static void
gst_realtime_output_loop (GstRealtimeOutput * self)
{
  GstRealtimeOutputState * st = self->state;
  const auto & idle_horizon = st->callbacks.idle_horizon;
  const auto & delivered = st->callbacks.delivered;
  bool stream_start, segment;
  GstMiniObject * obj = nullptr;
  gint64 arrived_us = 0;
  GstClockTime position;

  {
    std::unique_lock<std::mutex> lk (st->lock);
    if (!st->need_stream_start && !st->need_segment && st->queue.empty () &&
        !st->flushing && !st->wake)
      st->cond.wait_for (lk,
          st->idle_gaps ? IDLE_GAP_INTERVAL : NO_GAP_RECHECK_INTERVAL);
    if (st->flushing) {
      lk.unlock ();
      gst_pad_pause_task (self->srcpad);
      return;
    }
    stream_start = std::exchange (st->need_stream_start, false);
    segment = std::exchange (st->need_segment, false);
    if (!stream_start && !segment && !st->queue.empty ()) {
      obj = st->queue.front ().obj;
      arrived_us = st->queue.front ().arrived_us;
      st->queue.pop_front ();
      if (GST_IS_BUFFER (obj))
        st->queued_buffers--;
    }
    /* A wake is for the horizon, looked at below only when nothing else
     * is to be done: one that comes while data flows waits for that. */
    if (!stream_start && !segment && obj == nullptr)
      st->wake = false;
    position = st->position;
  }

  if (stream_start) {
    gchar * id = gst_pad_create_stream_id (self->srcpad, GST_ELEMENT (self),
        GST_OBJECT_NAME (self));
    gst_pad_push_event (self->srcpad, gst_event_new_stream_start (id));
    g_free (id);
    gst_pad_push_event (self->srcpad, gst_event_new_caps (self->caps));
  }
  if (segment) {
    /* Buffers are stamped in running time: a segment from 0 maps 1:1. */
    GstSegment seg;
    gst_segment_init (&seg, GST_FORMAT_TIME);
    gst_pad_push_event (self->srcpad, gst_event_new_segment (&seg));
  }
  if (stream_start || segment)
    return;

  GstClockTime gap_end = GST_CLOCK_TIME_NONE;
  if (obj == nullptr) {
    /* Idle: keep live downstream elements (mixers, payloaders) going. */
    GstClockTime horizon = idle_horizon ? idle_horizon () : GST_CLOCK_TIME_NONE;
    st->idle_gaps = GST_CLOCK_TIME_IS_VALID (horizon);
    if (GST_CLOCK_TIME_IS_VALID (horizon) && horizon > position + IDLE_GAP_MIN)
      gap_end = horizon;
  } else if (GST_IS_BUFFER (obj) && GST_BUFFER_PTS_IS_VALID (obj) &&
      GST_BUFFER_PTS (obj) > position) {
    /* Nothing flowed between the last data and this buffer. */
    gap_end = GST_BUFFER_PTS (obj);
  }

  if (GST_CLOCK_TIME_IS_VALID (gap_end)) {
    gst_pad_push_event (self->srcpad,
        gst_event_new_gap (position, gap_end - position));
    /* A synced sink holds a GAP until its time: that wait is not ours. */
    st->free_since_us = g_get_monotonic_time ();
    position = gap_end;
  }
  if (obj && GST_IS_BUFFER (obj) && GST_BUFFER_PTS_IS_VALID (obj)) {
    GstClockTime end = GST_BUFFER_PTS (obj);
    if (GST_BUFFER_DURATION_IS_VALID (obj))
      end += GST_BUFFER_DURATION (obj);
    position = MAX (position, end);
  }
  {
    std::lock_guard<std::mutex> lk (st->lock);
    if (!st->flushing)
      st->position = MAX (st->position, position);
  }

  if (obj == nullptr)
    return;
  if (arrived_us > 0 && delivered)
    delivered (g_get_monotonic_time () - MAX (arrived_us, st->free_since_us));
  bool more = gst_realtime_output_push_one (self, obj);
  st->free_since_us = g_get_monotonic_time ();
  if (!more)
    gst_pad_pause_task (self->srcpad);
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrealtimeinput.h"
#include "gstrealtimeelements.h"

#include <mutex>

#define GST_CAT_DEFAULT gst_realtime_debug

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS ("audio/x-raw, format = (string) S16LE, "
                         "rate = (int) 24000, channels = (int) 1, "
                         "layout = (string) interleaved"));

struct GstRealtimeInputState
{
  std::mutex lock;
  /* Set once by gst_realtime_input_new(), before any thread sees the
   * element, and never changed: read without the lock. */
  GstRealtimeInputCallbacks callbacks;
  GstSegment segment; /* streaming thread */
  bool latency_asked = false;
  bool live = false;
  GstClockTime upstream_latency = 0;
  bool eos_pending = false; /* an EOS came in; its message not posted */
  guint32 eos_seqnum = GST_SEQNUM_INVALID;
};

struct _GstRealtimeInput
{
  GstElement parent;

  GstPad * sinkpad;
  GstRealtimeInputState * state;
};

#define gst_realtime_input_parent_class parent_class
G_DEFINE_TYPE (GstRealtimeInput, gst_realtime_input, GST_TYPE_ELEMENT);

static void gst_realtime_input_finalize (GObject * object);
static GstFlowReturn gst_realtime_input_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buffer);
static gboolean gst_realtime_input_event (GstPad * pad, GstObject * parent,
    GstEvent * event);

static void
gst_realtime_input_class_init (GstRealtimeInputClass * klass)
{
  GObjectClass * gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass * element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_realtime_input_finalize;
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class,
      "Realtime input (internal)", "Sink/Audio",
      "Hands realtimebin's converted input audio to its session",
      "gst-realtime developers");
}

static void
gst_realtime_input_init (GstRealtimeInput * self)
{
  self->state = new GstRealtimeInputState ();
  gst_segment_init (&self->state->segment, GST_FORMAT_TIME);

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_realtime_input_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_realtime_input_event));
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  /* The bin is a sink because of us: it waits for our EOS message. */
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
}

static void
gst_realtime_input_finalize (GObject * object)
{
  delete GST_REALTIME_INPUT (object)->state;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

GstRealtimeInput *
gst_realtime_input_new (const gchar * name, GstRealtimeInputCallbacks callbacks)
{
  GstRealtimeInput * self = GST_REALTIME_INPUT (
      g_object_new (GST_TYPE_REALTIME_INPUT, "name", name, nullptr));
  self->state->callbacks = std::move (callbacks);
  return self;
}

gboolean
gst_realtime_input_is_live (GstRealtimeInput * self)
{
  std::lock_guard<std::mutex> lk (self->state->lock);
  return self->state->live;
}

GstClockTime
gst_realtime_input_upstream_latency (GstRealtimeInput * self)
{
  std::lock_guard<std::mutex> lk (self->state->lock);
  return self->state->upstream_latency;
}

void
gst_realtime_input_post_eos (GstRealtimeInput * self)
{
  guint32 seqnum;
  {
    std::lock_guard<std::mutex> lk (self->state->lock);
    if (!self->state->eos_pending)
      return;
    self->state->eos_pending = false;
    seqnum = self->state->eos_seqnum;
  }
  GstMessage * msg = gst_message_new_eos (GST_OBJECT (self));
  if (seqnum != GST_SEQNUM_INVALID)
    gst_message_set_seqnum (msg, seqnum);
  gst_element_post_message (GST_ELEMENT (self), msg);
}

/* Liveness decides how the assistant's audio is stamped (docs/realtimebin.md,
 * "Timing"): asked when data first flows and whenever downstream asks our
 * latency. */
void
gst_realtime_input_query_latency (GstRealtimeInput * self)
{
  GstQuery * query = gst_query_new_latency ();
  gboolean live = FALSE;
  GstClockTime min = 0;

  if (gst_pad_peer_query (self->sinkpad, query))
    gst_query_parse_latency (query, &live, &min, nullptr);
  gst_query_unref (query);

  GST_DEBUG_OBJECT (self, "upstream is %slive, latency %" GST_TIME_FORMAT,
      live ? "" : "not ", GST_TIME_ARGS (min));
  bool changed;
  {
    std::lock_guard<std::mutex> lk (self->state->lock);
    changed = self->state->live != (bool) live;
    self->state->live = live;
    self->state->upstream_latency = live ? min : 0;
  }
  if (changed && self->state->callbacks.live_changed)
    self->state->callbacks.live_changed ();
}

static GstFlowReturn
gst_realtime_input_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  GstRealtimeInput * self = GST_REALTIME_INPUT (parent);
  GstRealtimeInputState * st = self->state;

  bool ask;
  {
    std::lock_guard<std::mutex> lk (st->lock);
    ask = !st->latency_asked;
    st->latency_asked = true;
  }
  if (ask)
    gst_realtime_input_query_latency (self);

  GstClockTime running_time = GST_CLOCK_TIME_NONE;
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    running_time = gst_segment_to_running_time (&st->segment, GST_FORMAT_TIME,
        GST_BUFFER_PTS (buffer));

  const auto & audio = st->callbacks.audio;
  GstFlowReturn ret = audio ? audio (buffer, running_time) : GST_FLOW_OK;
  gst_buffer_unref (buffer);
  return ret;
}

static gboolean
gst_realtime_input_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstRealtimeInput * self = GST_REALTIME_INPUT (parent);
  GstRealtimeInputState * st = self->state;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT: {
      const GstSegment * segment;
      gst_event_parse_segment (event, &segment);
      if (segment->format != GST_FORMAT_TIME) {
        GST_ELEMENT_ERROR (self, STREAM, FORMAT, (nullptr),
            ("realtimebin needs a TIME segment on its input, got %s",
                gst_format_get_name (segment->format)));
        gst_event_unref (event);
        return FALSE;
      }
      st->segment = *segment;
      break;
    }
    case GST_EVENT_STREAM_START: {
      std::lock_guard<std::mutex> lk (st->lock);
      st->eos_pending = false;
      st->latency_asked = false;
      break;
    }
    case GST_EVENT_EOS: {
      {
        std::lock_guard<std::mutex> lk (st->lock);
        st->eos_pending = true;
        st->eos_seqnum = gst_event_get_seqnum (event);
      }
      if (st->callbacks.eos)
        st->callbacks.eos ();
      else
        gst_realtime_input_post_eos (self);
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_FLUSH_STOP: {
      gst_segment_init (&st->segment, GST_FORMAT_TIME);
      {
        std::lock_guard<std::mutex> lk (st->lock);
        st->eos_pending = false;
      }
      if (st->callbacks.flush)
        st->callbacks.flush ();
      break;
    }
    default:
      break;
  }

  /* Nothing is downstream of us; caps are fixed by the capsfilter. */
  gst_event_unref (event);
  return TRUE;
}

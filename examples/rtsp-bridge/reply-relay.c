/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-rtsp-bridge: carries the assistant's audio from the bridge's
 * pipeline into other pipelines as one continuous stream.
 *
 * realtimebin pushes audio while the assistant speaks and GAP events while
 * it is quiet. RTP payloaders and the clients behind them want audio all the
 * time, so the relay turns every GAP, and any hole before a buffer, into
 * silence: what leaves it is one gapless run of samples. Each buffer keeps
 * its instant on the shared clock (running time + base time), so an outlet
 * pipeline plays it exactly as late as the tapped one would, plus
 * REPLY_RELAY_LATENCY.
 */

#include "reply-relay.h"

#define BYTES_PER_SAMPLE 2
/* Silence goes out in buffers of at most 100 ms. */
#define MAX_SILENCE_SAMPLES (REPLY_RELAY_RATE / 10)
/* What an outlet keeps queued while its pipeline is not playing; older
 * audio is dropped. */
#define OUTLET_MAX_TIME GST_SECOND

struct _ReplyRelay
{
  GstElement * sink; /* owner of the tap, for its base time */
  GstPad * tap;
  gulong probe;

  /* Streaming thread only */
  GstSegment segment;
  gboolean started;
  guint64 next; /* running time of the next sample, in samples */

  GMutex lock;
  GList * outlets; /* GstAppSrc, owned; protected by lock */
};

static guint64
to_samples (GstClockTime running_time)
{
  return gst_util_uint64_scale_round (running_time, REPLY_RELAY_RATE,
      GST_SECOND);
}

static GstClockTime
to_time (guint64 samples)
{
  return gst_util_uint64_scale (samples, GST_SECOND, REPLY_RELAY_RATE);
}

static gboolean
is_playing (GstElement * element)
{
  gboolean playing;

  GST_OBJECT_LOCK (element);
  playing = GST_STATE (element) == GST_STATE_PLAYING;
  GST_OBJECT_UNLOCK (element);
  return playing;
}

/* Sends @chunk, @n samples stamped from relay->next on, to every playing
 * outlet, restamped to the outlet's running time. Takes @chunk. */
static void
relay_send (ReplyRelay * relay, GstBuffer * chunk, guint64 n)
{
  GstClockTime start = to_time (relay->next);
  GstClockTime instant = start + gst_element_get_base_time (relay->sink);

  GST_BUFFER_PTS (chunk) = start;
  GST_BUFFER_DURATION (chunk) = to_time (relay->next + n) - start;
  relay->next += n;

  g_mutex_lock (&relay->lock);
  for (GList * l = relay->outlets; l; l = l->next) {
    GstElement * src = GST_ELEMENT (l->data);
    if (!is_playing (src))
      continue;
    GstClockTime base = gst_element_get_base_time (src);
    if (instant < base)
      continue; /* from before the outlet existed */
    GstBuffer * copy = gst_buffer_copy (chunk); /* shares the memory */
    GST_BUFFER_PTS (copy) = instant - base;
    gst_app_src_push_buffer (GST_APP_SRC (src), copy);
  }
  g_mutex_unlock (&relay->lock);
  gst_buffer_unref (chunk);
}

static void
relay_silence_until (ReplyRelay * relay, guint64 end)
{
  while (relay->next < end) {
    guint64 n = MIN (end - relay->next, MAX_SILENCE_SAMPLES);
    GstBuffer * silence =
        gst_buffer_new_allocate (NULL, n * BYTES_PER_SAMPLE, NULL);
    gst_buffer_memset (silence, 0, 0, n * BYTES_PER_SAMPLE);
    relay_send (relay, silence, n);
  }
}

/* Where the stream is at @running_time: silence up to it, or how many
 * samples from it on were already sent. */
static guint64
relay_catch_up (ReplyRelay * relay, GstClockTime running_time)
{
  guint64 position = to_samples (running_time);

  if (!relay->started) {
    relay->started = TRUE;
    relay->next = position;
  }
  if (position > relay->next)
    relay_silence_until (relay, position);
  return relay->next - position;
}

static void
relay_buffer (ReplyRelay * relay, GstBuffer * buffer)
{
  guint64 n = gst_buffer_get_size (buffer) / BYTES_PER_SAMPLE;
  guint64 overlap = 0;
  GstClockTime running_time = gst_segment_to_running_time (&relay->segment,
      GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));

  if (GST_CLOCK_TIME_IS_VALID (running_time))
    overlap = relay_catch_up (relay, running_time);
  else if (!relay->started)
    return; /* nothing to place it by */
  if (overlap >= n)
    return;
  relay_send (relay,
      gst_buffer_copy_region (buffer, GST_BUFFER_COPY_MEMORY,
          overlap * BYTES_PER_SAMPLE, (n - overlap) * BYTES_PER_SAMPLE),
      n - overlap);
}

static void
relay_gap (ReplyRelay * relay, GstEvent * gap)
{
  GstClockTime timestamp, duration, end;

  gst_event_parse_gap (gap, &timestamp, &duration);
  if (!GST_CLOCK_TIME_IS_VALID (duration))
    return;
  end = gst_segment_to_running_time (&relay->segment, GST_FORMAT_TIME,
      timestamp + duration);
  if (GST_CLOCK_TIME_IS_VALID (end))
    relay_catch_up (relay, end);
}

static GstPadProbeReturn
on_tap (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  ReplyRelay * relay = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    relay_buffer (relay, GST_PAD_PROBE_INFO_BUFFER (info));
    return GST_PAD_PROBE_OK;
  }

  GstEvent * event = GST_PAD_PROBE_INFO_EVENT (info);
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment (event, &relay->segment);
      break;
    case GST_EVENT_GAP:
      relay_gap (relay, event);
      break;
    case GST_EVENT_FLUSH_STOP: {
      gboolean reset_time;
      /* realtimebin flushes at a barge-in without resetting running time:
       * the stream goes on where it was. A reset starts it over. */
      gst_event_parse_flush_stop (event, &reset_time);
      if (reset_time)
        relay->started = FALSE;
      break;
    }
    default:
      break;
  }
  return GST_PAD_PROBE_OK;
}

ReplyRelay *
reply_relay_new (GstPad * tap)
{
  ReplyRelay * relay = g_new0 (ReplyRelay, 1);

  g_mutex_init (&relay->lock);
  gst_segment_init (&relay->segment, GST_FORMAT_TIME);
  relay->tap = gst_object_ref (tap);
  relay->sink = gst_pad_get_parent_element (tap);
  relay->probe = gst_pad_add_probe (tap,
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
          GST_PAD_PROBE_TYPE_EVENT_FLUSH,
      on_tap, relay, NULL);
  return relay;
}

void
reply_relay_free (ReplyRelay * relay)
{
  gst_pad_remove_probe (relay->tap, relay->probe);
  gst_object_unref (relay->tap);
  gst_object_unref (relay->sink);
  g_list_free_full (relay->outlets, gst_object_unref);
  g_mutex_clear (&relay->lock);
  g_free (relay);
}

void
reply_relay_add_outlet (ReplyRelay * relay, GstAppSrc * src)
{
  GstCaps * caps = gst_caps_from_string (REPLY_RELAY_CAPS);

  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, "is-live", TRUE,
      "min-latency", (gint64) REPLY_RELAY_LATENCY, "max-bytes", (guint64) 0,
      "max-time", (guint64) OUTLET_MAX_TIME, "leaky-type",
      GST_APP_LEAKY_TYPE_DOWNSTREAM, NULL);
  gst_caps_unref (caps);

  g_mutex_lock (&relay->lock);
  relay->outlets = g_list_prepend (relay->outlets, gst_object_ref (src));
  g_mutex_unlock (&relay->lock);
}

void
reply_relay_remove_outlet (ReplyRelay * relay, GstAppSrc * src)
{
  g_mutex_lock (&relay->lock);
  GList * link = g_list_find (relay->outlets, src);
  if (link) {
    relay->outlets = g_list_delete_link (relay->outlets, link);
    gst_object_unref (src);
  }
  g_mutex_unlock (&relay->lock);
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-rtsp-bridge: the assistant's voice sent back to the camera over
 * its ONVIF backchannel.
 *
 * rtspsrc takes backchannel audio as RTP packets (push-backchannel-sample)
 * in the codec the camera announced. A small pipeline of its own encodes
 * the relay's audio into those packets and hands them over as it plays
 * them, so the camera gets them at the pace of speech.
 */

#include "backchannel.h"

#include <gst/app/gstappsink.h>

static const struct
{
  const gchar * encoding_name;
  const gchar * encode; /* launch fragment: raw audio -> RTP */
} CODECS[] = {
    {"PCMU", "mulawenc ! rtppcmupay"},
    {"PCMA", "alawenc ! rtppcmapay"},
};

struct _Backchannel
{
  GstElement * rtspsrc;
  guint stream_id;
  ReplyRelay * relay;
  GstElement * pipeline;
  GstAppSrc * src;
  guint bus_watch;
  gchar * description;
  gboolean refused; /* the camera refused a packet: said once */
};

static GstFlowReturn
on_rtp_packet (GstAppSink * sink, gpointer user_data)
{
  Backchannel * backchannel = user_data;
  GstSample * sample = gst_app_sink_pull_sample (sink);
  GstFlowReturn ret = GST_FLOW_OK;

  if (sample == NULL)
    return GST_FLOW_EOS;
  /* Action signals leave their arguments to the caller, but rtspsrc 1.22.0
   * unrefs this sample (later versions do not): hand it a reference of its
   * own, and drop it here when it was not taken. */
  gst_sample_ref (sample);
  gint refs = GST_MINI_OBJECT_REFCOUNT_VALUE (sample);
  g_signal_emit_by_name (backchannel->rtspsrc, "push-backchannel-sample",
      backchannel->stream_id, sample, &ret);
  if (GST_MINI_OBJECT_REFCOUNT_VALUE (sample) == refs)
    gst_sample_unref (sample);
  gst_sample_unref (sample);
  if (ret != GST_FLOW_OK && !backchannel->refused) {
    backchannel->refused = TRUE;
    g_printerr ("warning: the camera's backchannel did not take the reply's "
                "audio (%s); it is still served over RTSP\n",
        gst_flow_get_name (ret));
  }
  /* A camera that stops listening must not stop the bridge. */
  return GST_FLOW_OK;
}

static gboolean
on_message (G_GNUC_UNUSED GstBus * bus, GstMessage * message,
    gpointer user_data)
{
  Backchannel * backchannel = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    GError * error = NULL;
    gst_message_parse_error (message, &error, NULL);
    g_printerr ("warning: the backchannel to the camera failed (%s); the "
                "reply is still served over RTSP\n",
        error->message);
    g_error_free (error);
    reply_relay_remove_outlet (backchannel->relay, backchannel->src);
    backchannel->bus_watch = 0;
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
keep_rtp_field (GQuark field, G_GNUC_UNUSED GValue * value,
    G_GNUC_UNUSED gpointer user_data)
{
  const gchar * name = g_quark_to_string (field);
  return g_str_equal (name, "media") || g_str_equal (name, "payload") ||
      g_str_equal (name, "clock-rate") || g_str_equal (name, "encoding-name");
}

Backchannel *
backchannel_new (GstElement * rtspsrc, guint stream_id, const GstCaps * caps,
    ReplyRelay * relay, GError ** error)
{
  GstStructure * s = gst_structure_copy (gst_caps_get_structure (caps, 0));
  const gchar * encoding_name = gst_structure_get_string (s, "encoding-name");
  gint clock_rate = 0, payload = -1;
  const gchar * encode = NULL;

  gst_structure_get_int (s, "clock-rate", &clock_rate);
  gst_structure_get_int (s, "payload", &payload);
  for (guint i = 0; encoding_name && i < G_N_ELEMENTS (CODECS); i++)
    if (g_ascii_strcasecmp (encoding_name, CODECS[i].encoding_name) == 0)
      encode = CODECS[i].encode;
  if (encode == NULL || clock_rate <= 0 || payload < 0) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND,
        "the camera's backchannel takes %s, the bridge sends PCMU or PCMA",
        encoding_name ? encoding_name : "an unnamed codec");
    gst_structure_free (s);
    return NULL;
  }

  gchar * launch = g_strdup_printf (
      "appsrc name=reply ! audioconvert ! "
      "audioresample ! audio/x-raw,rate=%d,channels=1 ! %s pt=%d ! "
      "appsink name=rtp sync=true",
      clock_rate, encode, payload);
  GstElement * pipeline = gst_parse_launch (launch, error);
  g_free (launch);
  if (pipeline == NULL) {
    g_prefix_error (error, "cannot encode for the camera's backchannel: ");
    gst_structure_free (s);
    return NULL;
  }

  Backchannel * backchannel = g_new0 (Backchannel, 1);
  backchannel->rtspsrc = gst_object_ref (rtspsrc);
  backchannel->stream_id = stream_id;
  backchannel->relay = relay;
  backchannel->pipeline = pipeline;
  backchannel->description =
      g_strdup_printf ("%s %d Hz", encoding_name, clock_rate);
  /* The relay keeps the reply's timing only across pipelines on one clock. */
  GstClock * clock = gst_system_clock_obtain ();
  gst_pipeline_use_clock (GST_PIPELINE (pipeline), clock);
  gst_object_unref (clock);

  /* The packets must have the caps the camera announced. */
  gst_structure_set_name (s, "application/x-rtp");
  gst_structure_filter_and_map_in_place (s, keep_rtp_field, NULL);
  GstCaps * rtp_caps = gst_caps_new_full (s, NULL);
  GstElement * sink = gst_bin_get_by_name (GST_BIN (pipeline), "rtp");
  GstAppSinkCallbacks callbacks = {.new_sample = on_rtp_packet};
  gst_app_sink_set_caps (GST_APP_SINK (sink), rtp_caps);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, backchannel,
      NULL);
  gst_caps_unref (rtp_caps);
  gst_object_unref (sink);

  backchannel->src =
      GST_APP_SRC (gst_bin_get_by_name (GST_BIN (pipeline), "reply"));
  GstBus * bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  backchannel->bus_watch = gst_bus_add_watch (bus, on_message, backchannel);
  gst_object_unref (bus);
  return backchannel;
}

const gchar *
backchannel_describe (Backchannel * backchannel)
{
  return backchannel->description;
}

void
backchannel_start (Backchannel * backchannel)
{
  reply_relay_add_outlet (backchannel->relay, backchannel->src);
  gst_element_set_state (backchannel->pipeline, GST_STATE_PLAYING);
}

void
backchannel_free (Backchannel * backchannel)
{
  reply_relay_remove_outlet (backchannel->relay, backchannel->src);
  if (backchannel->bus_watch)
    g_source_remove (backchannel->bus_watch);
  gst_element_set_state (backchannel->pipeline, GST_STATE_NULL);
  gst_object_unref (backchannel->src);
  gst_object_unref (backchannel->pipeline);
  gst_object_unref (backchannel->rtspsrc);
  g_free (backchannel->description);
  g_free (backchannel);
}

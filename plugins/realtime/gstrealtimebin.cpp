/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-realtimebin
 * @title: realtimebin
 * @short_description: Converse with an OpenAI Realtime speech-to-speech model
 *
 * realtimebin is meant to hold one conversation with one OpenAI Realtime
 * (GA) session over WebSocket: the user's speech goes in on `sink_audio`,
 * the assistant's speech comes out on `src_audio` and transcripts come out
 * on `src_text`.
 *
 * In this build the element is a skeleton. It has its final pads:
 *
 * * `sink_audio` (always): `audio/x-raw`, any format, rate, channels and
 *   layout.
 * * `src_audio` (always): `audio/x-raw`.
 * * `src_text` (always): `text/x-raw, format=utf8`.
 *
 * The pads are ghost pads with no target yet, and the element has no
 * properties or signals. The session engine (WebSocket connection, audio
 * path, bus messages) is not in this build, so the element cannot run a
 * conversation: going from NULL to READY posts a #GST_CORE_ERROR_NOT_IMPLEMENTED
 * error and the state change fails. It never pretends to work.
 *
 * ## Example launch line
 * |[
 * gst-inspect-1.0 realtimebin
 * ]| Shows the pads described above. A pipeline such as
 * |[
 * gst-launch-1.0 -m filesrc location=question.wav ! wavparse ! realtimebin name=rt url=ws://127.0.0.1:PORT/v1/realtime rt.src_audio ! audioconvert ! wavenc ! filesink location=reply.wav rt.src_text ! filesink location=reply.txt
 * ]| is how the element is meant to be used once the session engine lands. In
 * this build it stops at once with the error above (the `url` property does
 * not exist yet either).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrealtimebin.h"
#include "gstrealtimeelements.h"

GST_DEBUG_CATEGORY_STATIC (gst_realtime_bin_debug);
#define GST_CAT_DEFAULT gst_realtime_bin_debug

static GstStaticPadTemplate sink_audio_template =
GST_STATIC_PAD_TEMPLATE ("sink_audio",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw"));

static GstStaticPadTemplate src_audio_template =
GST_STATIC_PAD_TEMPLATE ("src_audio",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw"));

static GstStaticPadTemplate src_text_template =
GST_STATIC_PAD_TEMPLATE ("src_text",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("text/x-raw, format = (string) utf8"));

struct _GstRealtimeBin
{
  GstBin parent;

  /* Ghost pads, owned by the element; set in init, never changed */
  GstPad *sink_audio;
  GstPad *src_audio;
  GstPad *src_text;
};

static GstStateChangeReturn gst_realtime_bin_change_state (GstElement *
    element, GstStateChange transition);

#define gst_realtime_bin_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRealtimeBin, gst_realtime_bin, GST_TYPE_BIN,
    GST_DEBUG_CATEGORY_INIT (gst_realtime_bin_debug, "realtimebin", 0,
        "OpenAI Realtime conversation bin"));
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (realtimebin, "realtimebin",
    GST_RANK_NONE, GST_TYPE_REALTIME_BIN, realtime_element_init (plugin));

static void
gst_realtime_bin_class_init (GstRealtimeBinClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gst_element_class_add_static_pad_template (element_class,
      &sink_audio_template);
  gst_element_class_add_static_pad_template (element_class,
      &src_audio_template);
  gst_element_class_add_static_pad_template (element_class,
      &src_text_template);

  gst_element_class_set_static_metadata (element_class,
      "OpenAI Realtime conversation", "Filter/Audio/Network",
      "Converses with an OpenAI Realtime (GA) speech-to-speech model over "
      "WebSocket: user speech in, assistant speech and transcripts out",
      "gst-realtime developers");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_realtime_bin_change_state);
}

/* Adds an always pad made from our class template @name, without a target
 * until the session engine provides the elements inside the bin. */
static GstPad *
gst_realtime_bin_add_ghost_pad (GstRealtimeBin * self, const gchar * name)
{
  GstPadTemplate *templ =
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self), name);
  GstPad *pad = gst_ghost_pad_new_no_target_from_template (name, templ);

  gst_element_add_pad (GST_ELEMENT (self), pad);

  return pad;
}

static void
gst_realtime_bin_init (GstRealtimeBin * self)
{
  self->sink_audio = gst_realtime_bin_add_ghost_pad (self, "sink_audio");
  self->src_audio = gst_realtime_bin_add_ghost_pad (self, "src_audio");
  self->src_text = gst_realtime_bin_add_ghost_pad (self, "src_text");
}

static GstStateChangeReturn
gst_realtime_bin_change_state (GstElement * element,
    GstStateChange transition)
{
  GstRealtimeBin *self = GST_REALTIME_BIN (element);

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      /* Refuse honestly rather than pretend to converse. */
      GST_ELEMENT_ERROR (self, CORE, NOT_IMPLEMENTED,
          ("realtimebin in gst-realtime %s cannot run a conversation yet: "
              "the session engine is not in this build.", VERSION), (nullptr));
      return GST_STATE_CHANGE_FAILURE;
    default:
      break;
  }

  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}

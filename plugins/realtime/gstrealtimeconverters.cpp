/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstrealtimeconverters.h"

/* Makes a converter in @bin; NULL (remembered in @missing) when its plugin
 * is missing. */
static GstElement *
make (GstBin * bin, const gchar * factory, const gchar * name,
    const gchar *& missing)
{
  GstElement * e = gst_element_factory_make (factory, name);
  if (e == nullptr) {
    if (missing == nullptr)
      missing = factory;
    return nullptr;
  }
  gst_bin_add (bin, e);
  return e;
}

static gboolean
link_chain (GstElement * first, ...)
{
  va_list args;
  gboolean ok = TRUE;
  GstElement *prev = first, *next;

  va_start (args, first);
  while (ok && (next = va_arg (args, GstElement *)) != nullptr) {
    ok = gst_element_link_pads_full (prev, "src", next, "sink",
        GST_PAD_LINK_CHECK_TEMPLATE_CAPS);
    prev = next;
  }
  va_end (args);
  return ok;
}

GstRealtimeConverters
gst_realtime_converters_add (GstBin * bin, GstElement * input,
    GstElement * audio_output, GstCaps * native)
{
  GstRealtimeConverters c = {nullptr, nullptr, nullptr};

  GstElement * in_convert =
      make (bin, "audioconvert", "realtimebin-input-convert", c.missing);
  GstElement * in_resample =
      make (bin, "audioresample", "realtimebin-input-resample", c.missing);
  GstElement * in_caps =
      make (bin, "capsfilter", "realtimebin-input-caps", c.missing);
  GstElement *out_convert = nullptr, *out_resample = nullptr;
  if (audio_output) {
    out_convert =
        make (bin, "audioconvert", "realtimebin-output-convert", c.missing);
    out_resample =
        make (bin, "audioresample", "realtimebin-output-resample", c.missing);
  }
  if (c.missing != nullptr)
    return c;

  g_object_set (in_caps, "caps", native, nullptr);
  if (!link_chain (in_convert, in_resample, in_caps, input, nullptr) ||
      (audio_output &&
          !link_chain (audio_output, out_convert, out_resample, nullptr)))
    g_critical ("realtimebin: could not link its own children");
  c.sink_target = gst_element_get_static_pad (in_convert, "sink");
  if (audio_output)
    c.audio_target = gst_element_get_static_pad (out_resample, "src");
  return c;
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>

/* The converters a realtime element puts around the service's one audio
 * format: audioconvert ! audioresample ! capsfilter caps=@native in front
 * of its input, audioconvert ! audioresample behind its audio output. */
struct GstRealtimeConverters
{
  GstPad * sink_target;  /* (transfer full) the input side's sink pad */
  GstPad * audio_target; /* (transfer full) the output side's src pad */
  const gchar * missing; /* the first factory not installed, or NULL */
};

/* Adds the converters to @bin, named "realtimebin-…" (a launch line's
 * references are looked up recursively and must not find them), and links
 * them to @input and @audio_output (@audio_output may be NULL: no output
 * side). When a converter's plugin is missing nothing is linked, both pads
 * are NULL and `missing` names its factory: the element then fails
 * NULL->READY with a missing-plugin message. */
GstRealtimeConverters gst_realtime_converters_add (GstBin * bin,
    GstElement * input, GstElement * audio_output, GstCaps * native);

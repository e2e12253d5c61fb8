/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The pipeline: input -> realtimebin -> speakers or a WAV file. */
#pragma once

#include "options.h"

#include <gst/gst.h>

#include <memory>
#include <string>

namespace assistant {

struct GstObjectUnref
{
  void operator() (gpointer object) const { gst_object_unref (object); }
};
template<typename T> using GstPtr = std::unique_ptr<T, GstObjectUnref>;

struct Pipeline
{
  GstPtr<GstElement> pipeline;
  GstPtr<GstElement> realtimebin;
  /* With a WAV file as input: the pad its audio leaves by, which sees EOS
   * when the whole file has been heard. Otherwise null. */
  GstPtr<GstPad> input_file_pad;
};

/* Builds the pipeline for @options, with realtimebin configured from them.
 * Returns false with @error set to a message for the user. */
bool build_pipeline (const Options & options, Pipeline & pipeline,
    std::string & error);

} // namespace assistant

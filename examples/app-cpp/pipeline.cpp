/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "pipeline.h"

#include "tools.h"

namespace assistant {

namespace {

/* The silence keeps the conversation open, as a quiet microphone would:
 * realtimebin ends the conversation when its input ends. A WAV file is
 * played first (concat), and clocksync makes it all real time. Not a mixer
 * with a live silence: a loaded machine makes it drop the file's buffers
 * as late, and the question is never heard. */
const char SILENCE[] = "audiotestsrc wave=silence is-live=true";
const char FILE_THEN_SILENCE[] =
    "filesrc name=input-file ! "
    "wavparse name=input-file-parse ! audioconvert name=input-file-end ! "
    "file-then-silence. audiotestsrc wave=silence ! file-then-silence. "
    "concat name=file-then-silence ! audioconvert ! audioresample ! "
    "audio/x-raw,rate=24000,channels=1 ! clocksync";

std::string
describe (const Options & options)
{
  std::string d;
  if (options.input == "auto")
    d = "autoaudiosrc";
  else if (options.input == "silence")
    d = SILENCE;
  else
    d = FILE_THEN_SILENCE;
  d += " ! realtimebin name=rt rt.src_audio ! audioconvert ! ";
  if (options.output == "auto")
    d += "audioresample ! autoaudiosink";
  else
    d += "wavenc ! filesink name=output-file";
  if (!options.text_output.empty ())
    d += " rt.src_text ! filesink name=text-file";
  return d;
}

GstElement *
child (const Pipeline & p, const char * name)
{
  return gst_bin_get_by_name (GST_BIN (p.pipeline.get ()), name);
}

void
set_location (const Pipeline & p, const char * name, const std::string & path)
{
  GstPtr<GstElement> sink (child (p, name));
  g_object_set (sink.get (), "location", path.c_str (), nullptr);
}

} // namespace

bool
build_pipeline (const Options & options, Pipeline & p, std::string & error)
{
  const bool file_input = options.input != "auto" && options.input != "silence";
  if (file_input &&
      !g_file_test (options.input.c_str (), G_FILE_TEST_IS_REGULAR)) {
    error = "--input: \"" + options.input +
        "\" is not a file (give a WAV "
        "file, auto or silence)";
    return false;
  }

  g_autoptr (GError) parse_error = nullptr;
  GstElement * pipeline = gst_parse_launch_full (describe (options).c_str (),
      nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (pipeline == nullptr) {
    error =
        std::string ("could not build the pipeline: ") + parse_error->message;
    if (g_error_matches (parse_error, GST_PARSE_ERROR,
            GST_PARSE_ERROR_NO_SUCH_ELEMENT))
      error +=
          " (realtimebin needs the realtime plugin on "
          "GST_PLUGIN_PATH: run from `meson devenv -C build`, or install it)";
    return false;
  }
  p.pipeline.reset (GST_ELEMENT (gst_object_ref_sink (pipeline)));
  p.realtimebin.reset (child (p, "rt"));

  if (file_input) {
    set_location (p, "input-file", options.input);
    GstPtr<GstElement> end (child (p, "input-file-end"));
    p.input_file_pad.reset (gst_element_get_static_pad (end.get (), "src"));
  }
  if (options.output != "auto")
    set_location (p, "output-file", options.output);
  if (!options.text_output.empty ())
    set_location (p, "text-file", options.text_output);

  GstElement * rt = p.realtimebin.get ();
  if (!options.url.empty ())
    g_object_set (rt, "url", options.url.c_str (), nullptr);
  if (!options.model.empty ())
    g_object_set (rt, "model", options.model.c_str (), nullptr);
  if (!options.tools.empty ())
    g_object_set (rt, "tools", tools_json (options.tools).c_str (), nullptr);
  g_object_set (rt, "instructions", options.instructions.c_str (),
      "eos-timeout-ms", options.shutdown_timeout_s * 1000, nullptr);
  return true;
}

} // namespace assistant

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "message-printer.h"

#include <string>

namespace assistant {

namespace {

std::string
field (const GstStructure * s, const char * name)
{
  const char * value = gst_structure_get_string (s, name);
  return value ? value : "";
}

guint64
uint64_field (const GstStructure * s, const char * name)
{
  guint64 value = 0;
  gst_structure_get_uint64 (s, name, &value);
  return value;
}

guint
uint_field (const GstStructure * s, const char * name)
{
  guint value = 0;
  gst_structure_get_uint (s, name, &value);
  return value;
}

void
print_session (const GstStructure * s)
{
  std::string line = "session: " + field (s, "state");
  if (field (s, "state") == "connected")
    line += " (" + field (s, "session-id") + ")";
  if (!field (s, "reason").empty ())
    line += ": " + field (s, "reason");
  g_print ("%s\n", line.c_str ());
}

void
print_vad (const GstStructure * s)
{
  if (field (s, "event") == "timeout")
    g_print ("vad: timeout\n");
  else
    g_print ("vad: %s at %" G_GUINT64_FORMAT " ms\n",
        field (s, "event").c_str (), uint64_field (s, "audio-ms"));
}

void
print_transcript (const GstStructure * s)
{
  gboolean final = FALSE;
  if (gst_structure_get_boolean (s, "final", &final) && final)
    g_print ("%s: %s\n", field (s, "role").c_str (),
        field (s, "text").c_str ());
}

void
print_response (const GstStructure * s)
{
  if (field (s, "event") != "done") {
    g_print ("response: %s\n", field (s, "event").c_str ());
    return;
  }
  std::string line = "response: " + field (s, "status");
  if (!field (s, "reason").empty ())
    line += " (" + field (s, "reason") + ")";
  line += ", " + std::to_string (uint_field (s, "input-tokens")) +
      " tokens in, " + std::to_string (uint_field (s, "output-tokens")) +
      " out";
  guint64 latency = uint64_field (s, "first-audio-latency");
  if (gst_structure_has_field (s, "first-audio-latency") &&
      GST_CLOCK_TIME_IS_VALID (latency))
    line +=
        ", first audio after " + std::to_string (latency / GST_MSECOND) + " ms";
  g_print ("%s\n", line.c_str ());
}

void
print_function_call (const GstStructure * s)
{
  g_print ("the model calls %s(%s)\n", field (s, "name").c_str (),
      field (s, "arguments").c_str ());
}

void
print_interrupted (const GstStructure * s)
{
  g_print ("interrupted: the listener heard %" G_GUINT64_FORMAT
           " ms of %s (%s)\n",
      uint64_field (s, "played-ms"), field (s, "item-id").c_str (),
      field (s, "action").c_str ());
}

} // namespace

void
print_realtime_message (const GstStructure * s)
{
  const char * name = gst_structure_get_name (s);
  if (g_str_equal (name, "realtime-session"))
    print_session (s);
  else if (g_str_equal (name, "realtime-vad"))
    print_vad (s);
  else if (g_str_equal (name, "realtime-transcript"))
    print_transcript (s);
  else if (g_str_equal (name, "realtime-response"))
    print_response (s);
  else if (g_str_equal (name, "realtime-function-call"))
    print_function_call (s);
  else if (g_str_equal (name, "realtime-interrupted"))
    print_interrupted (s);
}

} // namespace assistant

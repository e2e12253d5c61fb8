/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "options.h"

#include "tools.h"

#include <gst/gst.h>

namespace assistant {

namespace {

/* "get_time,disk_usage" -> the names, checked; "none" -> no tools. */
bool
parse_tool_list (const char * list, std::vector<std::string> & names,
    std::string & error)
{
  names.clear ();
  if (g_strcmp0 (list, "none") == 0)
    return true;
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);
  for (gchar ** part = parts; *part != nullptr; part++) {
    g_strstrip (*part);
    if (**part == '\0')
      continue;
    if (find_tool (*part) == nullptr) {
      error = std::string ("--tools: there is no tool called \"") + *part +
          "\"; the tools are";
      for (const Tool & tool : all_tools ())
        error += std::string (" ") + tool.name;
      error += " (or none)";
      return false;
    }
    names.push_back (*part);
  }
  return true;
}

} // namespace

bool
parse_options (int & argc, char **& argv, Options & options,
    std::string & error)
{
  g_autofree gchar *url = nullptr, *model = nullptr, *instructions = nullptr;
  g_autofree gchar *tools = nullptr, *input = nullptr, *output = nullptr;
  g_autofree gchar * text_output = nullptr;
  g_auto (GStrv) say = nullptr;
  gint shutdown_timeout = (gint) options.shutdown_timeout_s;

  const GOptionEntry entries[] = {{"url", 0, 0, G_OPTION_ARG_STRING, &url,
                                      "Realtime endpoint (default: OpenAI's; "
                                      "ws://127.0.0.1:PORT/v1/realtime "
                                      "for gst-realtime-simulator)",
                                      "URL"},
      {"model", 0, 0, G_OPTION_ARG_STRING, &model,
          "Realtime model (default: realtimebin's)", "MODEL"},
      {"instructions", 0, 0, G_OPTION_ARG_STRING, &instructions,
          "Instructions for the model", "TEXT"},
      {"tools", 0, 0, G_OPTION_ARG_STRING, &tools,
          "Tools offered to the model, comma-separated: get_time, disk_usage "
          "(default: both), or none",
          "LIST"},
      {"input", 'i', 0, G_OPTION_ARG_FILENAME, &input,
          "What the assistant hears: auto (the microphone, default), silence "
          "(type only), or a WAV file, then silence",
          "auto|silence|FILE.wav"},
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
          "Where the assistant's speech goes: auto (the speakers, default) or "
          "a "
          "WAV file",
          "auto|FILE.wav"},
      {"text-output", 0, 0, G_OPTION_ARG_FILENAME, &text_output,
          "Also write the assistant's transcripts (src_text) to FILE", "FILE"},
      {"say", 0, 0, G_OPTION_ARG_STRING_ARRAY, &say,
          "Send TEXT as if typed, once the conversation is idle (after the "
          "input file, if any, was answered); repeat for more lines, each sent "
          "once the previous one was answered",
          "TEXT"},
      {"shutdown-timeout", 0, 0, G_OPTION_ARG_INT, &shutdown_timeout,
          "On Ctrl-C, wait at most S seconds (0-3600) for the last answer "
          "(default 30)",
          "S"},
      {nullptr}};

  g_autoptr (GOptionContext) context =
      g_option_context_new ("- talk with an OpenAI Realtime model");
  g_option_context_set_summary (context,
      "Speak (or type lines) to the model; it answers aloud and may call the "
      "tools get_time and disk_usage.\nThe API key is read from "
      "OPENAI_API_KEY. Ctrl-C ends the conversation after the answer in "
      "progress; a second Ctrl-C quits at once.");
  g_option_context_add_main_entries (context, entries, nullptr);
  g_option_context_add_group (context, gst_init_get_option_group ());

  g_autoptr (GError) parse_error = nullptr;
  if (!g_option_context_parse (context, &argc, &argv, &parse_error)) {
    error = parse_error->message;
    return false;
  }
  if (argc > 1) {
    error = std::string ("unexpected argument \"") + argv[1] + "\"; see --help";
    return false;
  }
  if (shutdown_timeout < 0 || shutdown_timeout > 3600) {
    error = "--shutdown-timeout must be 0 to 3600 seconds";
    return false;
  }

  if (url)
    options.url = url;
  if (model)
    options.model = model;
  if (instructions)
    options.instructions = instructions;
  if (!parse_tool_list (tools ? tools : "get_time,disk_usage", options.tools,
          error))
    return false;
  if (input)
    options.input = input;
  if (output)
    options.output = output;
  if (text_output)
    options.text_output = text_output;
  for (gchar ** line = say; line && *line; line++)
    options.say.push_back (*line);
  options.shutdown_timeout_s = (guint) shutdown_timeout;
  return true;
}

} // namespace assistant

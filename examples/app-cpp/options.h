/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-assistant's command line. */
#pragma once

#include <glib.h>

#include <string>
#include <vector>

namespace assistant {

struct Options
{
  /* Empty: realtimebin's defaults (OpenAI's endpoint and current model). */
  std::string url;
  std::string model;
  std::string instructions = "You are a helpful voice assistant. "
                             "Answer briefly.";
  /* Names of the tools offered to the model (all by default). */
  std::vector<std::string> tools;
  /* "auto" (autoaudiosrc), "silence", or a WAV file spoken into the
   * conversation, followed by silence. */
  std::string input = "auto";
  /* "auto" (autoaudiosink) or a WAV file for the assistant's speech. */
  std::string output = "auto";
  /* Empty: src_text is not linked. */
  std::string text_output;
  /* Lines sent with send-text, one each time the conversation is idle. */
  std::vector<std::string> say;
  /* Longest wait for the last answer after Ctrl-C. */
  guint shutdown_timeout_s = 30;
};

/* Parses the command line (GStreamer's options included) into @options.
 * Returns false with @error set to a message for the user. */
bool parse_options (int & argc, char **& argv, Options & options,
    std::string & error);

} // namespace assistant

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-assistant: a voice assistant built on realtimebin. See
 * docs/examples.md, "A C++ application", and --help. */
#include "assistant.h"
#include "options.h"

int
main (int argc, char ** argv)
{
  assistant::Options options;
  std::string error;
  if (!assistant::parse_options (argc, argv, options, error)) {
    g_printerr ("realtime-assistant: %s\n", error.c_str ());
    return 2;
  }
  gst_init (nullptr, nullptr);

  const char * key = g_getenv ("OPENAI_API_KEY");
  if (options.url.empty () && (key == nullptr || *key == '\0')) {
    g_printerr (
        "realtime-assistant: OPENAI_API_KEY is not set. Set it to "
        "your OpenAI API key, or give --url of another endpoint (such as "
        "gst-realtime-simulator's).\n");
    return 2;
  }

  assistant::Assistant app (std::move (options));
  return app.run ();
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The functions realtime-assistant offers the model as tools. */
#pragma once

#include <gio/gio.h>

#include <string>
#include <vector>

namespace assistant {

/* One tool: its name, whether it takes long enough that it must run in a
 * worker thread and be answered later, and its declaration for the
 * session's `tools` array. */
struct Tool
{
  const char * name;
  bool slow;
  const char * declaration;
};

/* Every tool the program implements. */
const std::vector<Tool> & all_tools ();

/* The tool called @name, or nullptr. */
const Tool * find_tool (const std::string & name);

/* A JSON array of the declarations of @names (all known tools). */
std::string tools_json (const std::vector<std::string> & names);

/* {"error": @message}: how a tool tells the model what went wrong. */
std::string error_output (const std::string & message);

/* Runs tool @name with @arguments (a JSON object as text) and returns its
 * output as JSON text: the result, or {"error": "..."} that tells the model
 * what went wrong. Slow tools block: call them from a worker thread; they
 * stop early when @cancellable is cancelled. */
std::string run_tool (const std::string & name, const char * arguments,
    GCancellable * cancellable);

} // namespace assistant

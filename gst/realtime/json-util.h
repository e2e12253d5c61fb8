/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include <memory>
#include <string>
#include <string_view>

namespace realtime {

struct JsonNodeUnref
{
  void operator() (JsonNode * node) const { json_node_unref (node); }
};
struct JsonObjectUnref
{
  void operator() (JsonObject * object) const { json_object_unref (object); }
};
using JsonNodePtr = std::unique_ptr<JsonNode, JsonNodeUnref>;
using JsonObjectPtr = std::unique_ptr<JsonObject, JsonObjectUnref>;

/* Compact JSON text of @node (one line, as sent on the wire). */
std::string json_to_string (JsonNode * node);
std::string json_object_to_string (JsonObject * object);

/* Parses @text; on failure returns null and sets @error
 * (REALTIME_PROTOCOL_ERROR_INVALID_JSON). */
JsonNodePtr json_parse (std::string_view text, GError ** error);

/* @text as valid UTF-8: invalid sequences become U+FFFD. Strings from the
 * network go through this: JSON text can hold escapes (a lone surrogate,
 * "\ud800") that json-glib decodes into bytes that are not UTF-8, and GStreamer
 * structures and text/x-raw,format=utf8 buffers must be UTF-8. */
std::string utf8_string (const char * text);

/* Appends @text to @out as a quoted JSON string with the escapes JSON needs. */
void json_append_quoted (std::string & out, std::string_view text);

/* Merges @overlay into @base recursively: members that are objects on both
 * sides are merged, every other member of @overlay replaces the one in
 * @base (so an explicit null in @overlay wins). */
void json_object_merge (JsonObject * base, JsonObject * overlay);

} // namespace realtime

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Test helpers: look into JSON text the library built. */
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/realtime/json-util.h>

#include <string>
#include <cstring>

/* Parses @text, failing the test if it is not a JSON object. */
static inline realtime::JsonNodePtr
parse_json_object (const std::string & text)
{
  g_autoptr (GError) error = nullptr;
  realtime::JsonNodePtr node = realtime::json_parse (text, &error);
  fail_unless (node != nullptr, "not JSON: %s (%s)", text.c_str (),
      error ? error->message : "");
  fail_unless (JSON_NODE_HOLDS_OBJECT (node.get ()), "not an object: %s",
      text.c_str ());
  return node;
}

/* The node at a dotted @path ("session.audio.input.format.type"), or null
 * when any step is missing. */
static inline JsonNode *
json_at (JsonNode * root, const char * path)
{
  g_auto (GStrv) steps = g_strsplit (path, ".", -1);
  JsonNode * node = root;
  for (int i = 0; steps[i] != nullptr; i++) {
    if (node == nullptr || !JSON_NODE_HOLDS_OBJECT (node))
      return nullptr;
    node = json_object_get_member (json_node_get_object (node), steps[i]);
  }
  return node;
}

/* The string at @path; owned by @root, so no temporary can dangle. */
static inline const char *
json_string_at (JsonNode * root, const char * path)
{
  JsonNode * node = json_at (root, path);
  fail_unless (node != nullptr && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING,
      "no string at %s", path);
  return json_node_get_string (node);
}

static inline gint64
json_int_at (JsonNode * root, const char * path)
{
  JsonNode * node = json_at (root, path);
  fail_unless (node != nullptr && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_INT64,
      "no integer at %s", path);
  return json_node_get_int (node);
}

static inline gboolean
json_null_at (JsonNode * root, const char * path)
{
  JsonNode * node = json_at (root, path);
  return node != nullptr && JSON_NODE_HOLDS_NULL (node);
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "json-util.h"

#include "realtime-error.h"

namespace realtime {

std::string
json_to_string (JsonNode * node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  json_generator_set_root (generator, node);
  gsize length = 0;
  g_autofree gchar * text = json_generator_to_data (generator, &length);
  return std::string (text, length);
}

std::string
json_object_to_string (JsonObject * object)
{
  JsonNodePtr node (json_node_alloc ());
  json_node_init_object (node.get (), object);
  return json_to_string (node.get ());
}

JsonNodePtr
json_parse (std::string_view text, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = nullptr;

  if (!json_parser_load_from_data (parser, text.data (), (gssize) text.size (),
          &parse_error)) {
    /* json-glib quotes the bad text, which may be cut mid-character. */
    g_set_error (error, REALTIME_PROTOCOL_ERROR,
        REALTIME_PROTOCOL_ERROR_INVALID_JSON, "Malformed JSON: %s",
        utf8_string (parse_error->message).c_str ());
    return nullptr;
  }
  JsonNode * root = json_parser_get_root (parser);
  if (root == nullptr) {
    g_set_error_literal (error, REALTIME_PROTOCOL_ERROR,
        REALTIME_PROTOCOL_ERROR_INVALID_JSON, "Empty JSON document");
    return nullptr;
  }
  return JsonNodePtr (json_node_copy (root));
}

std::string
utf8_string (const char * text)
{
  if (text == nullptr)
    return {};
  if (g_utf8_validate (text, -1, nullptr))
    return text;
  gchar * valid = g_utf8_make_valid (text, -1);
  std::string out (valid);
  g_free (valid);
  return out;
}

void
json_append_quoted (std::string & out, std::string_view text)
{
  static const char hex[] = "0123456789abcdef";

  out.push_back ('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out.append ("\\\"");
        break;
      case '\\':
        out.append ("\\\\");
        break;
      case '\n':
        out.append ("\\n");
        break;
      case '\r':
        out.append ("\\r");
        break;
      case '\t':
        out.append ("\\t");
        break;
      default:
        if (c < 0x20) {
          out.append ("\\u00");
          out.push_back (hex[c >> 4]);
          out.push_back (hex[c & 0xf]);
        } else {
          out.push_back ((char) c);
        }
    }
  }
  out.push_back ('"');
}

void
json_object_merge (JsonObject * base, JsonObject * overlay)
{
  JsonObjectIter iter;
  const gchar * name;
  JsonNode * value;

  json_object_iter_init (&iter, overlay);
  while (json_object_iter_next (&iter, &name, &value)) {
    JsonNode * existing = json_object_get_member (base, name);
    if (existing != nullptr && JSON_NODE_HOLDS_OBJECT (existing) &&
        JSON_NODE_HOLDS_OBJECT (value)) {
      json_object_merge (json_node_get_object (existing),
          json_node_get_object (value));
    } else {
      json_object_set_member (base, name, json_node_copy (value));
    }
  }
}

} // namespace realtime

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The checked reader behind parse_server_event(): one JSON object's members
 * read with type checks, and the readers of the nested objects (error,
 * item, part, usage, response, session, rate limits). Internal to
 * server-events.cpp and server-event-reader.cpp. */

#pragma once

#include "server-events.h"
#include "json-util.h"
#include "realtime-error.h"

#include <json-glib/json-glib.h>

#include <cmath>
#include <string>
#include <vector>

namespace realtime {
namespace server_event_reader {

/* "an object", "a string", …: what @node is, for error messages. */
const char * json_kind (JsonNode * node);

/* Reads the members of one JSON object with type checks. The first problem
 * sets the error; later reads are then no-ops. finish() reports members
 * that were neither read nor declared known. */
class Reader
{
public:
  Reader (JsonObject * object, std::string path, ServerEvent & event,
      GError ** error)
      : object_ (object), path_ (std::move (path)), event_ (event),
        error_ (error)
  {}

  bool ok () const { return !failed_; }

  void known (std::initializer_list<const char *> names)
  {
    for (const char * n : names)
      seen_.push_back (n);
  }

  bool has (const char * name)
  {
    JsonNode * node = json_object_get_member (object_, name);
    return node != nullptr && !JSON_NODE_HOLDS_NULL (node);
  }

  void string (const char * name, std::string & out, bool required = false)
  {
    JsonNode * node = member (name, required);
    if (node == nullptr)
      return;
    if (!JSON_NODE_HOLDS_VALUE (node) ||
        json_node_get_value_type (node) != G_TYPE_STRING) {
      wrong_type (name, "a string", node);
      return;
    }
    out = utf8_string (json_node_get_string (node));
  }

  void integer (const char * name, gint64 & out, bool required = false)
  {
    JsonNode * node = member (name, required);
    if (node == nullptr)
      return;
    if (JSON_NODE_HOLDS_VALUE (node)) {
      GType t = json_node_get_value_type (node);
      if (t == G_TYPE_INT64) {
        out = json_node_get_int (node);
        return;
      }
      /* 1500.0 is an integer to JSON Schema, so it is one here too. */
      if (t == G_TYPE_DOUBLE) {
        double d = json_node_get_double (node);
        if (std::isfinite (d) && d == std::floor (d) &&
            std::fabs (d) < 9.0e15) {
          out = (gint64) d;
          return;
        }
      }
    }
    wrong_type (name, "an integer", node);
  }

  void number (const char * name, double & out, bool required = false)
  {
    JsonNode * node = member (name, required);
    if (node == nullptr)
      return;
    if (JSON_NODE_HOLDS_VALUE (node)) {
      GType t = json_node_get_value_type (node);
      if (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE) {
        out = json_node_get_double (node);
        return;
      }
    }
    wrong_type (name, "a number", node);
  }

  void boolean (const char * name, bool & out, bool required = false)
  {
    JsonNode * node = member (name, required);
    if (node == nullptr)
      return;
    if (!JSON_NODE_HOLDS_VALUE (node) ||
        json_node_get_value_type (node) != G_TYPE_BOOLEAN) {
      wrong_type (name, "a boolean", node);
      return;
    }
    out = json_node_get_boolean (node);
  }

  JsonObject * object (const char * name, bool required = false)
  {
    JsonNode * node = member (name, required);
    if (node == nullptr)
      return nullptr;
    if (!JSON_NODE_HOLDS_OBJECT (node)) {
      wrong_type (name, "an object", node);
      return nullptr;
    }
    return json_node_get_object (node);
  }

  JsonArray * array (const char * name, bool required = false)
  {
    JsonNode * node = member (name, required);
    if (node == nullptr)
      return nullptr;
    if (!JSON_NODE_HOLDS_ARRAY (node)) {
      wrong_type (name, "an array", node);
      return nullptr;
    }
    return json_node_get_array (node);
  }

  /* A string array, e.g. output_modalities. */
  void strings (const char * name, std::vector<std::string> & out)
  {
    JsonArray * a = array (name);
    if (a == nullptr)
      return;
    for (guint i = 0; i < json_array_get_length (a); i++) {
      JsonNode * node = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (node) ||
          json_node_get_value_type (node) != G_TYPE_STRING) {
        wrong_type (name, "an array of strings", node);
        return;
      }
      out.emplace_back (utf8_string (json_node_get_string (node)));
    }
  }

  std::string child_path (const char * name) const
  {
    return path_.empty () ? std::string (name) : path_ + "." + name;
  }

  ServerEvent & event () { return event_; }
  GError ** error () { return error_; }

  /* Adopts the failure of a nested reader. */
  void take (const Reader & child)
  {
    if (!child.ok ())
      failed_ = true;
  }

  void fail (RealtimeProtocolError code, const std::string & message)
  {
    if (failed_)
      return;
    failed_ = true;
    g_set_error_literal (error_, REALTIME_PROTOCOL_ERROR, code,
        message.c_str ());
  }

  void finish ()
  {
    if (failed_)
      return;
    JsonObjectIter iter;
    const gchar * name;
    JsonNode * value;
    json_object_iter_init (&iter, object_);
    while (json_object_iter_next (&iter, &name, &value)) {
      bool seen = false;
      for (const char * s : seen_)
        if (strcmp (s, name) == 0) {
          seen = true;
          break;
        }
      if (!seen)
        event_.unknown_fields.push_back (
            child_path (utf8_string (name).c_str ()));
    }
  }

private:
  JsonNode * member (const char * name, bool required)
  {
    if (failed_)
      return nullptr;
    seen_.push_back (name);
    JsonNode * node = json_object_get_member (object_, name);
    if (node == nullptr && required) {
      fail (REALTIME_PROTOCOL_ERROR_MISSING_FIELD,
          "missing required field \"" + child_path (name) + "\"");
      return nullptr;
    }
    if (node != nullptr && JSON_NODE_HOLDS_NULL (node)) {
      if (required)
        wrong_type (name, "a value", node);
      return nullptr;
    }
    return node;
  }

  void wrong_type (const char * name, const char * expected, JsonNode * node)
  {
    fail (REALTIME_PROTOCOL_ERROR_WRONG_TYPE,
        "field \"" + child_path (name) + "\" must be " + expected + ", not " +
            json_kind (node));
  }

  JsonObject * object_;
  std::string path_;
  ServerEvent & event_;
  GError ** error_;
  bool failed_ = false;
  std::vector<const char *> seen_;
};

/* Nested objects: each returns through the parent reader's error state. */
void read_error_info (Reader & parent, JsonObject * obj, const char * name,
    ErrorInfo & out, bool strict);
void read_part (Reader & parent, JsonObject * obj, const std::string & path,
    ContentPart & out);
void read_item (Reader & parent, JsonObject * obj, const std::string & path,
    Item & out);
void read_usage (Reader & parent, JsonObject * obj, Usage & out);
void read_response (Reader & parent, JsonObject * obj, Response & out);
void read_format (Reader & parent, JsonObject * obj, std::string & type,
    gint64 & rate);
void read_session (Reader & parent, JsonObject * obj, Session & out);
void read_transcription_usage (Reader & parent, JsonObject * obj,
    TranscriptionUsage & out);
void read_rate_limits (Reader & parent, JsonArray * array,
    std::vector<RateLimit> & out);

} // namespace server_event_reader
} // namespace realtime

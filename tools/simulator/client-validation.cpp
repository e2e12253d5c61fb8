/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "client-validation.h"

#include "json-schema.h"
#include "strict-json.h"

/* Generated C header without extern "C"; gio.h is already included. */
G_BEGIN_DECLS
#include "simulator-resources.h"
G_END_DECLS

#include <cmath>
#include <vector>

namespace realtime::sim {

namespace {

const char kSchemaResource[] =
    "/org/gst-realtime/simulator/realtime-client-events.strict.schema.json";

/* Client event types of the retired beta API, with what GA uses instead. */
const struct
{
  const char * type;
  const char * instead;
} kBetaEventTypes[] = {
    {"transcription_session.update",
        "send 'session.update' with 'session.type' set to \"transcription\""},
};

/* Members of the flat session object of the retired beta protocol, with
 * their GA place; null: GA has no such setting. */
const struct
{
  const char * member;
  const char * instead;
} kBetaSessionMembers[] = {
    {"modalities", "session.output_modalities"},
    {"voice", "session.audio.output.voice"},
    {"speed", "session.audio.output.speed"},
    {"input_audio_format", "session.audio.input.format"},
    {"output_audio_format", "session.audio.output.format"},
    {"input_audio_transcription", "session.audio.input.transcription"},
    {"input_audio_noise_reduction", "session.audio.input.noise_reduction"},
    {"turn_detection", "session.audio.input.turn_detection"},
    {"max_response_output_tokens", "session.max_output_tokens"},
    {"temperature", nullptr},
};

const char *
beta_session_replacement (const char * member, bool & found)
{
  for (const auto & m : kBetaSessionMembers) {
    if (g_strcmp0 (member, m.member) == 0) {
      found = true;
      return m.instead;
    }
  }
  found = false;
  return nullptr;
}

bool
holds_string (JsonNode * node)
{
  return node != nullptr && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING;
}

JsonNode *
node_at (JsonNode * root, const InstancePath & path)
{
  JsonNode * node = root;
  for (const PathStep & step : path) {
    if (node == nullptr)
      return nullptr;
    if (step.is_index) {
      if (!JSON_NODE_HOLDS_ARRAY (node) ||
          step.index >= json_array_get_length (json_node_get_array (node)))
        return nullptr;
      node = json_array_get_element (json_node_get_array (node), step.index);
    } else {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return nullptr;
      node = json_object_get_member (json_node_get_object (node),
          step.member.c_str ());
    }
  }
  return node;
}

/* "an object", "a decimal", ... as the service words types. */
const char *
describe_type (JsonNode * node)
{
  if (node == nullptr || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node)) {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_INT64:
      return "an integer";
    default:
      /* Whatever its value: the sender wrote a decimal (1500.0, 1e3). */
      return "a decimal";
  }
}

std::string
describe_schema_types (const std::vector<std::string> & types)
{
  std::vector<std::string> words;
  for (const std::string & t : types) {
    if (t == "null")
      words.push_back ("null");
    else if (t == "integer" || t == "object" || t == "array")
      words.push_back ("an " + t);
    else
      words.push_back ("a " + t);
  }
  std::string out;
  for (size_t i = 0; i < words.size (); i++) {
    if (i > 0)
      out += words.size () > 2 ? (i + 1 == words.size () ? ", or " : ", ")
                               : " or ";
    out += words[i];
  }
  return out;
}

std::string
truncate_text (std::string text, size_t max_chars = 64)
{
  if ((size_t) g_utf8_strlen (text.c_str (), -1) <= max_chars)
    return text;
  const char * end = g_utf8_offset_to_pointer (text.c_str (), max_chars);
  return text.substr (0, end - text.c_str ()) + "…";
}

/* 'pcm16', 16000, true, {"a":1}: a value quoted in a message. */
std::string
quote_value (JsonNode * node)
{
  if (holds_string (node))
    return "'" + truncate_text (json_node_get_string (node)) + "'";
  if (node != nullptr && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 ||
          json_node_get_value_type (node) == G_TYPE_DOUBLE)) {
    if (json_node_get_value_type (node) == G_TYPE_INT64)
      return format_number ((double) json_node_get_int (node));
    /* 2.0 stays 2.0: the sender wrote a decimal. */
    double d = json_node_get_double (node);
    std::string text = format_number (d);
    if (std::isfinite (d) && text.find_first_of (".e") == std::string::npos)
      text += ".0";
    return text;
  }
  if (node == nullptr)
    return "null";
  return truncate_text (json_to_string (node));
}

/* "'a', 'b', and 'c'" from the compact JSON of each allowed value. */
std::string
list_values (const std::vector<std::string> & allowed)
{
  std::string out;
  for (size_t i = 0; i < allowed.size (); i++) {
    if (i > 0)
      out += allowed.size () > 2 ? (i + 1 == allowed.size () ? ", and " : ", ")
                                 : " and ";
    JsonNodePtr value = parse_strict_json (allowed[i], nullptr);
    out += value ? quote_value (value.get ()) : allowed[i];
  }
  return out;
}

InstancePath
member_path (const InstancePath & object, const std::string & member)
{
  InstancePath path = object;
  PathStep step;
  step.member = member;
  path.push_back (std::move (step));
  return path;
}

/* The service-style answer for one schema error. */
void
describe_schema_error (JsonNode * root, const ValidationError & e,
    ClientEventError & out)
{
  JsonNode * value = node_at (root, e.path);
  const std::string param = dotted_path (e.path);
  const std::string limit = format_number (e.limit);
  const char * number_kind = value != nullptr &&
          JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_INT64
      ? "integer"
      : "decimal";

  out.param = param;
  out.code = "invalid_value";
  if (e.keyword == "required") {
    out.code = "missing_required_parameter";
    out.param = dotted_path (member_path (e.path, e.property));
    out.message = "Missing required parameter: '" + out.param + "'.";
  } else if (e.keyword == "additionalProperties") {
    out.code = "unknown_parameter";
    out.param = dotted_path (member_path (e.path, e.property));
    out.message = "Unknown parameter: '" + out.param + "'.";
  } else if (e.keyword == "type") {
    out.code = "invalid_type";
    out.message = "Invalid type for '" + param + "': expected " +
        describe_schema_types (e.expected_types) + ", but got " +
        describe_type (value) + " instead.";
  } else if (e.keyword == "enum" || e.keyword == "const") {
    out.message = "Invalid value: " + quote_value (value) +
        ". Supported values are: " + list_values (e.allowed) + ".";
  } else if (e.keyword == "minimum" || e.keyword == "exclusiveMinimum") {
    out.message = "Invalid '" + param + "': " + number_kind +
        " below minimum value. Expected a value " +
        (e.keyword == "minimum" ? ">= " : "> ") + limit + ", but got " +
        quote_value (value) + " instead.";
  } else if (e.keyword == "maximum" || e.keyword == "exclusiveMaximum") {
    out.message = "Invalid '" + param + "': " + number_kind +
        " above maximum value. Expected a value " +
        (e.keyword == "maximum" ? "<= " : "< ") + limit + ", but got " +
        quote_value (value) + " instead.";
  } else if (e.keyword == "minLength" || e.keyword == "maxLength") {
    glong length = holds_string (value)
        ? g_utf8_strlen (json_node_get_string (value), -1)
        : 0;
    bool too_long = e.keyword == "maxLength";
    out.message = "Invalid '" + param + "': string too " +
        (too_long ? "long" : "short") + ". Expected a string with " +
        (too_long ? "maximum" : "minimum") + " length " + limit +
        ", but got a string with length " + std::to_string (length) +
        " instead.";
  } else if (e.keyword == "minItems" || e.keyword == "maxItems") {
    guint length = value != nullptr && JSON_NODE_HOLDS_ARRAY (value)
        ? json_array_get_length (json_node_get_array (value))
        : 0;
    bool too_long = e.keyword == "maxItems";
    out.message = "Invalid '" + param + "': " +
        (length == 0       ? std::string ("empty array")
                : too_long ? "array too long"
                           : "array too short") +
        ". Expected an array with " + (too_long ? "maximum" : "minimum") +
        " length " + limit + ", but got " +
        (length == 0 ? std::string ("an empty array")
                     : "an array with length " + std::to_string (length)) +
        " instead.";
  } else if (e.keyword == "pattern") {
    out.message = "Invalid '" + param +
        "': string does not match pattern. "
        "Expected a string that matches the pattern '" +
        e.pattern + "'.";
  } else {
    out.message = "Invalid value for '" + param + "': " + e.message + ".";
  }
}

/* A session.update carrying the flat beta session: no `session.type` and
 * at least one member that only the beta shape had. */
bool
describe_beta_session (JsonNode * root, ClientEventError & out)
{
  JsonObject * event = json_node_get_object (root);
  JsonNode * session = json_object_get_member (event, "session");
  if (g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""),
          "session.update") != 0 ||
      session == nullptr || !JSON_NODE_HOLDS_OBJECT (session) ||
      json_object_has_member (json_node_get_object (session), "type"))
    return false;

  JsonObjectIter iter;
  const gchar * name;
  JsonNode * value;
  json_object_iter_init_ordered (&iter, json_node_get_object (session));
  while (json_object_iter_next_ordered (&iter, &name, &value)) {
    bool beta = false;
    const char * instead = beta_session_replacement (name, beta);
    if (!beta)
      continue;
    out.code = "invalid_value";
    out.param = std::string ("session.") + name;
    out.message = "'" + out.param +
        "' belongs to the session shape of the "
        "retired beta Realtime API, which the GA API no longer accepts. Set "
        "'session.type' to \"realtime\" (or \"transcription\") and " +
        (instead ? "use '" + std::string (instead) + "' instead."
                 : std::string ("drop it: GA sessions have no such setting."));
    return true;
  }
  return false;
}

JsonSchema *
compile_client_schema ()
{
  g_autoptr (GBytes) bytes = client_event_schema_bytes ();
  gsize size = 0;
  const char * data = (const char *) g_bytes_get_data (bytes, &size);
  g_autoptr (GError) error = nullptr;
  std::unique_ptr<JsonSchema> schema =
      JsonSchema::load_from_data (std::string_view (data, size), &error);
  /* Only a schema update needing a keyword json-schema.cpp lacks gets
   * here; the tests load it, so it cannot ship. */
  if (!schema)
    g_error ("the embedded client event schema does not load: %s",
        error->message);
  return schema.release ();
}

} // namespace

GBytes *
client_event_schema_bytes ()
{
  g_autoptr (GError) error = nullptr;
  /* Looked up in our own GResource, not the global set: referencing it
   * keeps the static library's resource object linked in. */
  GBytes * bytes = g_resource_lookup_data (realtime_sim_get_resource (),
      kSchemaResource, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == nullptr)
    g_error ("embedded client event schema missing: %s", error->message);
  return bytes;
}

const JsonSchema &
client_event_schema ()
{
  /* Never freed: validation may still run in other threads at exit. */
  static const JsonSchema * const schema = compile_client_schema ();
  return *schema;
}

JsonNodePtr
validate_client_event (std::string_view text, ClientEventError & error)
{
  error = ClientEventError ();

  g_autoptr (GError) parse_error = nullptr;
  JsonNodePtr root = parse_strict_json (text, &parse_error);
  if (!root) {
    error.code = "invalid_json";
    error.message = std::string ("Invalid JSON: ") + parse_error->message + ".";
    return nullptr;
  }
  if (!JSON_NODE_HOLDS_OBJECT (root.get ())) {
    error.code = "invalid_event";
    error.message = std::string ("Invalid event: expected a JSON object, but "
                                 "got ") +
        describe_type (root.get ()) + " instead.";
    return nullptr;
  }

  /* First, so that every later error can carry it. */
  JsonObject * event = json_node_get_object (root.get ());
  JsonNode * event_id = json_object_get_member (event, "event_id");
  if (holds_string (event_id))
    error.event_id = json_node_get_string (event_id);

  JsonNode * type = json_object_get_member (event, "type");
  if (type == nullptr) {
    error.code = "invalid_event";
    error.param = "type";
    error.message = "The 'type' field is missing.";
    return nullptr;
  }
  if (!holds_string (type)) {
    error.code = "invalid_event";
    error.param = "type";
    error.message = std::string ("Invalid type for 'type': expected a "
                                 "string, but got ") +
        describe_type (type) + " instead.";
    return nullptr;
  }

  std::vector<ValidationError> errors;
  if (client_event_schema ().validate (root.get (), &errors)) {
    error = ClientEventError ();
    return root;
  }

  for (const ValidationError & e : errors) {
    /* The root's `type` enum lists the GA client events. */
    if (e.path.size () == 1 && e.path[0].member == "type" &&
        e.keyword == "enum") {
      error.code = "invalid_value";
      error.param = "type";
      for (const auto & beta : kBetaEventTypes) {
        if (g_strcmp0 (json_node_get_string (type), beta.type) == 0) {
          error.message = std::string ("'") + beta.type +
              "' is a client "
              "event of the retired beta Realtime API, which the GA API no "
              "longer accepts. Instead, " +
              beta.instead + ".";
          return nullptr;
        }
      }
      error.message = "Invalid value: " + quote_value (type) +
          ". Supported values are: " + list_values (e.allowed) + ".";
      return nullptr;
    }
  }

  if (describe_beta_session (root.get (), error))
    return nullptr;

  g_return_val_if_fail (!errors.empty (), nullptr);
  describe_schema_error (root.get (), errors.front (), error);
  return nullptr;
}

std::string
build_client_event_error (const ClientEventError & error,
    std::string_view event_id)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "error");
  json_builder_set_member_name (builder, "event_id");
  json_builder_add_string_value (builder, std::string (event_id).c_str ());
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, error.type.c_str ());
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, error.code.c_str ());
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error.message.c_str ());
  json_builder_set_member_name (builder, "param");
  if (error.param.empty ())
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, error.param.c_str ());
  json_builder_set_member_name (builder, "event_id");
  if (error.event_id.empty ())
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, error.event_id.c_str ());
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  JsonNodePtr root (json_builder_get_root (builder));
  return json_to_string (root.get ());
}

} // namespace realtime::sim

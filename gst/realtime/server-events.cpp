/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "server-events.h"

#include "audio-delta-scan.h"
#include "base64.h"
#include "json-util.h"
#include "realtime-error.h"

#include <cmath>
#include <cstring>
#include <initializer_list>

namespace realtime {

namespace {

/* Top-level members an event type may carry (beyond `type` and `event_id`). */
enum Field : guint64 {
  F_RESPONSE_ID = 1ull << 0,
  F_ITEM_ID = 1ull << 1,
  F_PREVIOUS_ITEM_ID = 1ull << 2,
  F_OUTPUT_INDEX = 1ull << 3,
  F_CONTENT_INDEX = 1ull << 4,
  F_CALL_ID = 1ull << 5,
  F_NAME = 1ull << 6,
  F_DELTA = 1ull << 7,
  F_TEXT = 1ull << 8,
  F_TRANSCRIPT = 1ull << 9,
  F_ARGUMENTS = 1ull << 10,
  F_AUDIO_START_MS = 1ull << 11,
  F_AUDIO_END_MS = 1ull << 12,
  F_SESSION = 1ull << 13,
  F_CONVERSATION = 1ull << 14,
  F_ITEM = 1ull << 15,
  F_RESPONSE = 1ull << 16,
  F_PART = 1ull << 17,
  F_ERROR = 1ull << 18,
  F_RATE_LIMITS = 1ull << 19,
  F_USAGE = 1ull << 20,
  F_LOGPROBS = 1ull << 21,
  F_LANGUAGES = 1ull << 22,
  F_OBFUSCATION = 1ull << 23,
  F_SEGMENT_ID = 1ull << 24,
  F_SPEAKER = 1ull << 25,
  F_START = 1ull << 26,
  F_END = 1ull << 27,
  F_DTMF_EVENT = 1ull << 28,
  F_RECEIVED_AT = 1ull << 29,
  F_EVENT_ID = 1ull << 30,
};

/* Shapes shared by many response events. */
constexpr guint64 kPartIds =
    F_RESPONSE_ID | F_ITEM_ID | F_OUTPUT_INDEX | F_CONTENT_INDEX | F_EVENT_ID;
constexpr guint64 kItemIds =
    F_RESPONSE_ID | F_ITEM_ID | F_OUTPUT_INDEX | F_EVENT_ID;

struct EventSpec
{
  const char * name;
  ServerEventType type;
  guint64 allowed;  /* members the GA schema lists */
  guint64 required; /* members the GA schema requires */
};

/* From realtime-server-events.schema.json (required / properties per type). */
const EventSpec kEvents[] = {
    {"session.created", ServerEventType::SessionCreated, F_SESSION | F_EVENT_ID,
        F_SESSION | F_EVENT_ID},
    {"session.updated", ServerEventType::SessionUpdated, F_SESSION | F_EVENT_ID,
        F_SESSION | F_EVENT_ID},
    {"conversation.created", ServerEventType::ConversationCreated,
        F_CONVERSATION | F_EVENT_ID, F_CONVERSATION | F_EVENT_ID},
    {"conversation.item.added", ServerEventType::ConversationItemAdded,
        F_ITEM | F_PREVIOUS_ITEM_ID | F_EVENT_ID, F_ITEM | F_EVENT_ID},
    {"conversation.item.done", ServerEventType::ConversationItemDone,
        F_ITEM | F_PREVIOUS_ITEM_ID | F_EVENT_ID, F_ITEM | F_EVENT_ID},
    {"conversation.item.created", ServerEventType::ConversationItemCreated,
        F_ITEM | F_PREVIOUS_ITEM_ID | F_EVENT_ID, F_ITEM | F_EVENT_ID},
    {"conversation.item.retrieved", ServerEventType::ConversationItemRetrieved,
        F_ITEM | F_EVENT_ID, F_ITEM | F_EVENT_ID},
    {"conversation.item.truncated", ServerEventType::ConversationItemTruncated,
        F_ITEM_ID | F_CONTENT_INDEX | F_AUDIO_END_MS | F_EVENT_ID,
        F_ITEM_ID | F_CONTENT_INDEX | F_AUDIO_END_MS | F_EVENT_ID},
    {"conversation.item.deleted", ServerEventType::ConversationItemDeleted,
        F_ITEM_ID | F_EVENT_ID, F_ITEM_ID | F_EVENT_ID},
    {"input_audio_buffer.committed", ServerEventType::InputAudioBufferCommitted,
        F_ITEM_ID | F_PREVIOUS_ITEM_ID | F_EVENT_ID, F_ITEM_ID | F_EVENT_ID},
    {"input_audio_buffer.cleared", ServerEventType::InputAudioBufferCleared,
        F_EVENT_ID, F_EVENT_ID},
    {"input_audio_buffer.speech_started",
        ServerEventType::InputAudioBufferSpeechStarted,
        F_AUDIO_START_MS | F_ITEM_ID | F_EVENT_ID,
        F_AUDIO_START_MS | F_ITEM_ID | F_EVENT_ID},
    {"input_audio_buffer.speech_stopped",
        ServerEventType::InputAudioBufferSpeechStopped,
        F_AUDIO_END_MS | F_ITEM_ID | F_EVENT_ID,
        F_AUDIO_END_MS | F_ITEM_ID | F_EVENT_ID},
    {"input_audio_buffer.timeout_triggered",
        ServerEventType::InputAudioBufferTimeoutTriggered,
        F_AUDIO_START_MS | F_AUDIO_END_MS | F_ITEM_ID | F_EVENT_ID,
        F_AUDIO_START_MS | F_AUDIO_END_MS | F_ITEM_ID | F_EVENT_ID},
    /* The only event without event_id (SIP). */
    {"input_audio_buffer.dtmf_event_received",
        ServerEventType::InputAudioBufferDtmfEventReceived,
        F_DTMF_EVENT | F_RECEIVED_AT | F_EVENT_ID,
        F_DTMF_EVENT | F_RECEIVED_AT},
    {"conversation.item.input_audio_transcription.delta",
        ServerEventType::InputAudioTranscriptionDelta,
        F_ITEM_ID | F_CONTENT_INDEX | F_DELTA | F_LOGPROBS | F_OBFUSCATION |
            F_EVENT_ID,
        F_ITEM_ID | F_EVENT_ID},
    {"conversation.item.input_audio_transcription.completed",
        ServerEventType::InputAudioTranscriptionCompleted,
        F_ITEM_ID | F_CONTENT_INDEX | F_TRANSCRIPT | F_USAGE | F_LOGPROBS |
            F_LANGUAGES | F_EVENT_ID,
        F_ITEM_ID | F_CONTENT_INDEX | F_TRANSCRIPT | F_USAGE | F_EVENT_ID},
    {"conversation.item.input_audio_transcription.failed",
        ServerEventType::InputAudioTranscriptionFailed,
        F_ITEM_ID | F_CONTENT_INDEX | F_ERROR | F_EVENT_ID,
        F_ITEM_ID | F_CONTENT_INDEX | F_ERROR | F_EVENT_ID},
    {"conversation.item.input_audio_transcription.segment",
        ServerEventType::InputAudioTranscriptionSegment,
        F_ITEM_ID | F_CONTENT_INDEX | F_TEXT | F_SEGMENT_ID | F_SPEAKER |
            F_START | F_END | F_EVENT_ID,
        F_ITEM_ID | F_CONTENT_INDEX | F_TEXT | F_SEGMENT_ID | F_SPEAKER |
            F_START | F_END | F_EVENT_ID},
    {"response.created", ServerEventType::ResponseCreated,
        F_RESPONSE | F_EVENT_ID, F_RESPONSE | F_EVENT_ID},
    {"response.done", ServerEventType::ResponseDone, F_RESPONSE | F_EVENT_ID,
        F_RESPONSE | F_EVENT_ID},
    {"response.output_item.added", ServerEventType::ResponseOutputItemAdded,
        F_RESPONSE_ID | F_OUTPUT_INDEX | F_ITEM | F_EVENT_ID,
        F_RESPONSE_ID | F_OUTPUT_INDEX | F_ITEM | F_EVENT_ID},
    {"response.output_item.done", ServerEventType::ResponseOutputItemDone,
        F_RESPONSE_ID | F_OUTPUT_INDEX | F_ITEM | F_EVENT_ID,
        F_RESPONSE_ID | F_OUTPUT_INDEX | F_ITEM | F_EVENT_ID},
    {"response.content_part.added", ServerEventType::ResponseContentPartAdded,
        kPartIds | F_PART, kPartIds | F_PART},
    {"response.content_part.done", ServerEventType::ResponseContentPartDone,
        kPartIds | F_PART, kPartIds | F_PART},
    {"response.output_text.delta", ServerEventType::ResponseOutputTextDelta,
        kPartIds | F_DELTA | F_OBFUSCATION, kPartIds | F_DELTA},
    {"response.output_text.done", ServerEventType::ResponseOutputTextDone,
        kPartIds | F_TEXT, kPartIds | F_TEXT},
    {"response.output_audio.delta", ServerEventType::ResponseOutputAudioDelta,
        kPartIds | F_DELTA, kPartIds | F_DELTA},
    {"response.output_audio.done", ServerEventType::ResponseOutputAudioDone,
        kPartIds, kPartIds},
    {"response.output_audio_transcript.delta",
        ServerEventType::ResponseOutputAudioTranscriptDelta,
        kPartIds | F_DELTA | F_OBFUSCATION, kPartIds | F_DELTA},
    {"response.output_audio_transcript.done",
        ServerEventType::ResponseOutputAudioTranscriptDone,
        kPartIds | F_TRANSCRIPT, kPartIds | F_TRANSCRIPT},
    {"response.function_call_arguments.delta",
        ServerEventType::ResponseFunctionCallArgumentsDelta,
        kItemIds | F_CALL_ID | F_DELTA | F_OBFUSCATION,
        kItemIds | F_CALL_ID | F_DELTA},
    {"response.function_call_arguments.done",
        ServerEventType::ResponseFunctionCallArgumentsDone,
        kItemIds | F_CALL_ID | F_NAME | F_ARGUMENTS,
        kItemIds | F_CALL_ID | F_NAME | F_ARGUMENTS},
    {"response.mcp_call_arguments.delta",
        ServerEventType::ResponseMcpCallArgumentsDelta,
        kItemIds | F_DELTA | F_OBFUSCATION, kItemIds | F_DELTA},
    {"response.mcp_call_arguments.done",
        ServerEventType::ResponseMcpCallArgumentsDone, kItemIds | F_ARGUMENTS,
        kItemIds | F_ARGUMENTS},
    {"response.mcp_call.in_progress",
        ServerEventType::ResponseMcpCallInProgress,
        F_OUTPUT_INDEX | F_ITEM_ID | F_EVENT_ID,
        F_OUTPUT_INDEX | F_ITEM_ID | F_EVENT_ID},
    {"response.mcp_call.completed", ServerEventType::ResponseMcpCallCompleted,
        F_OUTPUT_INDEX | F_ITEM_ID | F_EVENT_ID,
        F_OUTPUT_INDEX | F_ITEM_ID | F_EVENT_ID},
    {"response.mcp_call.failed", ServerEventType::ResponseMcpCallFailed,
        F_OUTPUT_INDEX | F_ITEM_ID | F_EVENT_ID,
        F_OUTPUT_INDEX | F_ITEM_ID | F_EVENT_ID},
    {"mcp_list_tools.in_progress", ServerEventType::McpListToolsInProgress,
        F_ITEM_ID | F_EVENT_ID, F_ITEM_ID | F_EVENT_ID},
    {"mcp_list_tools.completed", ServerEventType::McpListToolsCompleted,
        F_ITEM_ID | F_EVENT_ID, F_ITEM_ID | F_EVENT_ID},
    {"mcp_list_tools.failed", ServerEventType::McpListToolsFailed,
        F_ITEM_ID | F_EVENT_ID, F_ITEM_ID | F_EVENT_ID},
    {"rate_limits.updated", ServerEventType::RateLimitsUpdated,
        F_RATE_LIMITS | F_EVENT_ID, F_RATE_LIMITS | F_EVENT_ID},
    {"output_audio_buffer.started", ServerEventType::OutputAudioBufferStarted,
        F_RESPONSE_ID | F_EVENT_ID, F_RESPONSE_ID | F_EVENT_ID},
    {"output_audio_buffer.stopped", ServerEventType::OutputAudioBufferStopped,
        F_RESPONSE_ID | F_EVENT_ID, F_RESPONSE_ID | F_EVENT_ID},
    {"output_audio_buffer.cleared", ServerEventType::OutputAudioBufferCleared,
        F_RESPONSE_ID | F_EVENT_ID, F_RESPONSE_ID | F_EVENT_ID},
    {"error", ServerEventType::Error, F_ERROR | F_EVENT_ID,
        F_ERROR | F_EVENT_ID},
};
static_assert (G_N_ELEMENTS (kEvents) == SERVER_EVENT_TYPE_COUNT,
    "one spec per GA server event type");

/* Event names of the retired beta protocol, with their GA replacement. */
const struct
{
  const char * beta;
  const char * ga;
} kBetaEvents[] = {
    {"response.audio.delta", "response.output_audio.delta"},
    {"response.audio.done", "response.output_audio.done"},
    {"response.audio_transcript.delta",
        "response.output_audio_transcript.delta"},
    {"response.audio_transcript.done", "response.output_audio_transcript.done"},
    {"response.text.delta", "response.output_text.delta"},
    {"response.text.done", "response.output_text.done"},
    {"transcription_session.created", "session.created"},
    {"transcription_session.updated", "session.updated"},
};

const EventSpec *
find_spec (std::string_view name)
{
  for (const auto & spec : kEvents)
    if (name == spec.name)
      return &spec;
  return nullptr;
}

const char *
json_kind (JsonNode * node)
{
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    default:
      break;
  }
  GType t = json_node_get_value_type (node);
  if (t == G_TYPE_STRING)
    return "a string";
  if (t == G_TYPE_BOOLEAN)
    return "a boolean";
  return "a number";
}

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

void
read_error_info (Reader & parent, JsonObject * obj, const char * name,
    ErrorInfo & out, bool strict)
{
  Reader r (obj, parent.child_path (name), parent.event (), parent.error ());
  r.string ("type", out.type, strict);
  r.string ("code", out.code);
  r.string ("message", out.message, strict);
  r.string ("param", out.param);
  r.string ("event_id", out.event_id);
  r.finish ();
  parent.take (r);
}

void
read_part (Reader & parent, JsonObject * obj, const std::string & path,
    ContentPart & out)
{
  Reader r (obj, path, parent.event (), parent.error ());
  r.string ("type", out.type);
  r.string ("text", out.text);
  r.string ("transcript", out.transcript);
  r.string ("audio", out.audio);
  r.known ({"image_url", "detail", "file_id", "file_data", "filename"});
  r.finish ();
  parent.take (r);
}

void
read_item (Reader & parent, JsonObject * obj, const std::string & path,
    Item & out)
{
  Reader r (obj, path, parent.event (), parent.error ());
  r.string ("id", out.id);
  r.string ("type", out.type, true);
  r.string ("status", out.status);
  r.known ({"object", "server_label", "approval_request_id", "approve",
      "reason", "error", "tools"});

  const bool message = out.type == "message";
  const bool call = out.type == "function_call";
  const bool call_output = out.type == "function_call_output";
  r.string ("role", out.role, message);
  JsonArray * content = r.array ("content", message);
  r.string ("call_id", out.call_id, call_output);
  r.string ("name", out.name, call);
  r.string ("arguments", out.arguments, call);
  r.string ("output", out.output, call_output);

  if (r.ok () && content != nullptr) {
    for (guint i = 0; i < json_array_get_length (content) && r.ok (); i++) {
      std::string part_path =
          r.child_path ("content") + "[" + std::to_string (i) + "]";
      JsonNode * node = json_array_get_element (content, i);
      if (!JSON_NODE_HOLDS_OBJECT (node)) {
        r.fail (REALTIME_PROTOCOL_ERROR_WRONG_TYPE,
            "field \"" + part_path + "\" must be an object, not " +
                json_kind (node));
        break;
      }
      out.content.emplace_back ();
      read_part (r, json_node_get_object (node), part_path,
          out.content.back ());
    }
  }
  r.finish ();
  parent.take (r);
}

void
read_usage (Reader & parent, JsonObject * obj, Usage & out)
{
  Reader r (obj, parent.child_path ("usage"), parent.event (), parent.error ());
  r.integer ("total_tokens", out.total_tokens);
  r.integer ("input_tokens", out.input_tokens);
  r.integer ("output_tokens", out.output_tokens);
  if (JsonObject * in = r.object ("input_token_details")) {
    Reader d (in, r.child_path ("input_token_details"), r.event (), r.error ());
    d.integer ("text_tokens", out.input_text_tokens);
    d.integer ("audio_tokens", out.input_audio_tokens);
    d.integer ("image_tokens", out.input_image_tokens);
    d.integer ("cached_tokens", out.input_cached_tokens);
    if (JsonObject * c = d.object ("cached_tokens_details")) {
      Reader cd (c, d.child_path ("cached_tokens_details"), d.event (),
          d.error ());
      out.has_cached_details = true;
      cd.integer ("text_tokens", out.input_cached_text_tokens);
      cd.integer ("audio_tokens", out.input_cached_audio_tokens);
      cd.integer ("image_tokens", out.input_cached_image_tokens);
      cd.finish ();
      d.take (cd);
    }
    d.finish ();
    r.take (d);
  }
  if (JsonObject * o = r.object ("output_token_details")) {
    Reader d (o, r.child_path ("output_token_details"), r.event (), r.error ());
    d.integer ("text_tokens", out.output_text_tokens);
    d.integer ("audio_tokens", out.output_audio_tokens);
    d.finish ();
    r.take (d);
  }
  r.finish ();
  parent.take (r);
}

void
read_response (Reader & parent, JsonObject * obj, Response & out)
{
  Reader r (obj, "response", parent.event (), parent.error ());
  r.string ("id", out.id);
  r.string ("status", out.status);
  r.string ("conversation_id", out.conversation_id);
  r.strings ("output_modalities", out.output_modalities);
  r.known ({"object", "audio", "max_output_tokens"});

  if (JsonObject * details = r.object ("status_details")) {
    Reader d (details, "response.status_details", r.event (), r.error ());
    d.string ("type", out.status_type);
    d.string ("reason", out.status_reason);
    if (JsonObject * err = d.object ("error"))
      read_error_info (d, err, "error", out.status_error, false);
    d.finish ();
    r.take (d);
  }
  if (JsonArray * output = r.array ("output")) {
    for (guint i = 0; i < json_array_get_length (output) && r.ok (); i++) {
      std::string path = "response.output[" + std::to_string (i) + "]";
      JsonNode * node = json_array_get_element (output, i);
      if (!JSON_NODE_HOLDS_OBJECT (node)) {
        r.fail (REALTIME_PROTOCOL_ERROR_WRONG_TYPE,
            "field \"" + path + "\" must be an object, not " +
                json_kind (node));
        break;
      }
      out.output.emplace_back ();
      read_item (r, json_node_get_object (node), path, out.output.back ());
    }
  }
  if (JsonObject * usage = r.object ("usage")) {
    out.usage.emplace ();
    read_usage (r, usage, *out.usage);
  }
  if (JsonObject * metadata = r.object ("metadata")) {
    JsonObjectIter iter;
    const gchar * key;
    JsonNode * value;
    json_object_iter_init (&iter, metadata);
    while (json_object_iter_next (&iter, &key, &value)) {
      if (JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        out.metadata.emplace_back (utf8_string (key),
            utf8_string (json_node_get_string (value)));
    }
  }
  r.finish ();
  parent.take (r);
}

void
read_format (Reader & parent, JsonObject * obj, std::string & type,
    gint64 & rate)
{
  Reader r (obj, parent.child_path ("format"), parent.event (),
      parent.error ());
  r.string ("type", type);
  r.integer ("rate", rate);
  r.finish ();
  parent.take (r);
}

void
read_session (Reader & parent, JsonObject * obj, Session & out)
{
  /* A beta session has no `type` but flat audio fields: say so plainly. */
  if (!json_object_has_member (obj, "type") &&
      (json_object_has_member (obj, "modalities") ||
          json_object_has_member (obj, "input_audio_format"))) {
    parent.fail (REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL,
        "session object has the shape of the retired beta protocol "
        "(no \"type\"; flat fields such as \"modalities\" or "
        "\"input_audio_format\"): the server does not speak the GA protocol");
    return;
  }

  Reader r (obj, "session", parent.event (), parent.error ());
  r.string ("type", out.type, true);
  r.string ("id", out.id, true);
  r.known ({"object", "include", "tracing", "tools", "tool_choice", "reasoning",
      "max_output_tokens", "truncation", "prompt", "parallel_tool_calls"});
  r.string ("model", out.model);
  r.integer ("expires_at", out.expires_at);
  r.string ("instructions", out.instructions);
  r.strings ("output_modalities", out.output_modalities);

  if (JsonObject * audio = r.object ("audio")) {
    Reader a (audio, "session.audio", r.event (), r.error ());
    if (JsonObject * input = a.object ("input")) {
      Reader in (input, "session.audio.input", a.event (), a.error ());
      if (JsonObject * f = in.object ("format"))
        read_format (in, f, out.input_format, out.input_rate);
      if (JsonObject * td = in.object ("turn_detection")) {
        Reader t (td, "session.audio.input.turn_detection", in.event (),
            in.error ());
        t.string ("type", out.turn_detection, true);
        t.number ("threshold", out.vad_threshold);
        t.integer ("prefix_padding_ms", out.vad_prefix_padding_ms);
        t.integer ("silence_duration_ms", out.vad_silence_duration_ms);
        t.string ("eagerness", out.vad_eagerness);
        t.boolean ("create_response", out.create_response);
        t.boolean ("interrupt_response", out.interrupt_response);
        t.known ({"idle_timeout_ms"});
        t.finish ();
        in.take (t);
      }
      if (JsonObject * tr = in.object ("transcription")) {
        Reader t (tr, "session.audio.input.transcription", in.event (),
            in.error ());
        t.string ("model", out.transcription_model);
        t.known ({"language", "languages", "prompt", "keywords", "delay"});
        t.finish ();
        in.take (t);
      }
      if (JsonObject * nr = in.object ("noise_reduction")) {
        Reader n (nr, "session.audio.input.noise_reduction", in.event (),
            in.error ());
        n.string ("type", out.noise_reduction);
        n.known ({"strength"});
        n.finish ();
        in.take (n);
      }
      in.finish ();
      a.take (in);
    }
    if (JsonObject * output = a.object ("output")) {
      Reader o (output, "session.audio.output", a.event (), a.error ());
      if (JsonObject * f = o.object ("format"))
        read_format (o, f, out.output_format, out.output_rate);
      /* A custom voice is {id: "voice_…"}; keep its id. */
      if (o.has ("voice")) {
        JsonNode * voice = json_object_get_member (output, "voice");
        if (JSON_NODE_HOLDS_OBJECT (voice)) {
          Reader v (json_node_get_object (voice), "session.audio.output.voice",
              o.event (), o.error ());
          v.string ("id", out.voice, true);
          v.finish ();
          o.take (v);
          o.known ({"voice"});
        } else {
          o.string ("voice", out.voice);
        }
      }
      o.known ({"speed"});
      o.finish ();
      a.take (o);
    }
    a.finish ();
    r.take (a);
  }
  r.finish ();
  parent.take (r);
}

void
read_transcription_usage (Reader & parent, JsonObject * obj,
    TranscriptionUsage & out)
{
  Reader r (obj, "usage", parent.event (), parent.error ());
  r.string ("type", out.type, true);
  r.integer ("input_tokens", out.input_tokens);
  r.integer ("output_tokens", out.output_tokens);
  r.integer ("total_tokens", out.total_tokens);
  r.number ("seconds", out.seconds);
  r.known ({"input_token_details"});
  r.finish ();
  parent.take (r);
}

void
read_rate_limits (Reader & parent, JsonArray * array,
    std::vector<RateLimit> & out)
{
  for (guint i = 0; i < json_array_get_length (array) && parent.ok (); i++) {
    std::string path = "rate_limits[" + std::to_string (i) + "]";
    JsonNode * node = json_array_get_element (array, i);
    if (!JSON_NODE_HOLDS_OBJECT (node)) {
      parent.fail (REALTIME_PROTOCOL_ERROR_WRONG_TYPE,
          "field \"" + path + "\" must be an object, not " + json_kind (node));
      return;
    }
    RateLimit limit;
    Reader r (json_node_get_object (node), path, parent.event (),
        parent.error ());
    r.string ("name", limit.name);
    r.number ("limit", limit.limit);
    r.number ("remaining", limit.remaining);
    r.number ("reset_seconds", limit.reset_seconds);
    r.finish ();
    parent.take (r);
    out.push_back (std::move (limit));
  }
}

/* Reads the top-level members @spec allows into @event. */
void
read_fields (Reader & r, const EventSpec & spec, ServerEvent & ev)
{
  const guint64 a = spec.allowed;
  auto req = [&spec] (guint64 f) { return (spec.required & f) != 0; };

  if (a & F_EVENT_ID)
    r.string ("event_id", ev.event_id, req (F_EVENT_ID));
  if (a & F_RESPONSE_ID)
    r.string ("response_id", ev.response_id, req (F_RESPONSE_ID));
  if (a & F_ITEM_ID)
    r.string ("item_id", ev.item_id, req (F_ITEM_ID));
  if (a & F_PREVIOUS_ITEM_ID)
    r.string ("previous_item_id", ev.previous_item_id,
        req (F_PREVIOUS_ITEM_ID));
  if (a & F_OUTPUT_INDEX)
    r.integer ("output_index", ev.output_index, req (F_OUTPUT_INDEX));
  if (a & F_CONTENT_INDEX)
    r.integer ("content_index", ev.content_index, req (F_CONTENT_INDEX));
  if (a & F_CALL_ID)
    r.string ("call_id", ev.call_id, req (F_CALL_ID));
  if (a & F_NAME)
    r.string ("name", ev.name, req (F_NAME));
  if (a & F_DELTA)
    r.string ("delta", ev.delta, req (F_DELTA));
  if (a & F_TEXT)
    r.string ("text", ev.text, req (F_TEXT));
  if (a & F_TRANSCRIPT)
    r.string ("transcript", ev.transcript, req (F_TRANSCRIPT));
  if (a & F_ARGUMENTS)
    r.string ("arguments", ev.arguments, req (F_ARGUMENTS));
  if (a & F_AUDIO_START_MS)
    r.integer ("audio_start_ms", ev.audio_start_ms, req (F_AUDIO_START_MS));
  if (a & F_AUDIO_END_MS)
    r.integer ("audio_end_ms", ev.audio_end_ms, req (F_AUDIO_END_MS));
  if (a & F_SEGMENT_ID)
    r.string ("id", ev.segment_id, req (F_SEGMENT_ID));
  if (a & F_SPEAKER)
    r.string ("speaker", ev.speaker, req (F_SPEAKER));
  if (a & F_START)
    r.number ("start", ev.start, req (F_START));
  if (a & F_END)
    r.number ("end", ev.end, req (F_END));
  if (a & F_DTMF_EVENT)
    r.string ("event", ev.dtmf_key, req (F_DTMF_EVENT));
  if (a & F_RECEIVED_AT)
    r.integer ("received_at", ev.received_at, req (F_RECEIVED_AT));
  if (a & (F_LOGPROBS | F_LANGUAGES | F_OBFUSCATION))
    r.known ({"logprobs", "languages", "obfuscation"});

  if (a & F_SESSION) {
    if (JsonObject * o = r.object ("session", req (F_SESSION))) {
      ev.session.emplace ();
      read_session (r, o, *ev.session);
    }
  }
  if (a & F_CONVERSATION) {
    if (JsonObject * o = r.object ("conversation", req (F_CONVERSATION))) {
      Reader c (o, "conversation", ev, r.error ());
      c.string ("id", ev.conversation_id);
      c.known ({"object"});
      c.finish ();
      r.take (c);
    }
  }
  if (a & F_ITEM) {
    if (JsonObject * o = r.object ("item", req (F_ITEM))) {
      ev.item.emplace ();
      read_item (r, o, "item", *ev.item);
    }
  }
  if (a & F_RESPONSE) {
    if (JsonObject * o = r.object ("response", req (F_RESPONSE))) {
      ev.response.emplace ();
      read_response (r, o, *ev.response);
    }
  }
  if (a & F_PART) {
    if (JsonObject * o = r.object ("part", req (F_PART))) {
      ev.part.emplace ();
      read_part (r, o, "part", *ev.part);
    }
  }
  if (a & F_ERROR) {
    /* Only the top-level error event requires type and message. */
    if (JsonObject * o = r.object ("error", req (F_ERROR))) {
      ev.error.emplace ();
      read_error_info (r, o, "error", *ev.error,
          spec.type == ServerEventType::Error);
    }
  }
  if (a & F_USAGE) {
    if (JsonObject * o = r.object ("usage", req (F_USAGE))) {
      ev.transcription_usage.emplace ();
      read_transcription_usage (r, o, *ev.transcription_usage);
    }
  }
  if (a & F_RATE_LIMITS) {
    if (JsonArray * arr = r.array ("rate_limits", req (F_RATE_LIMITS)))
      read_rate_limits (r, arr, ev.rate_limits);
  }
}

} // namespace

const char *
server_event_type_name (ServerEventType type)
{
  for (const auto & spec : kEvents)
    if (spec.type == type)
      return spec.name;
  return "";
}

ServerEventType
server_event_type_from_name (std::string_view name)
{
  const EventSpec * spec = find_spec (name);
  return spec ? spec->type : ServerEventType::Unknown;
}

std::optional<ServerEvent>
parse_server_event_tree (std::string_view text, GError ** error)
{
  JsonNodePtr root = json_parse (text, error);
  if (!root)
    return std::nullopt;
  if (!JSON_NODE_HOLDS_OBJECT (root.get ())) {
    g_set_error (error, REALTIME_PROTOCOL_ERROR,
        REALTIME_PROTOCOL_ERROR_INVALID_JSON,
        "A server event must be a JSON object, not %s",
        json_kind (root.get ()));
    return std::nullopt;
  }

  ServerEvent ev;
  Reader r (json_node_get_object (root.get ()), "", ev, error);
  r.string ("type", ev.type_name, true);
  if (!r.ok ())
    return std::nullopt;

  for (const auto & beta : kBetaEvents) {
    if (ev.type_name == beta.beta) {
      g_set_error (error, REALTIME_PROTOCOL_ERROR,
          REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL,
          "\"%s\" is an event of the retired beta protocol (the GA event is "
          "\"%s\"): the server does not speak the GA protocol",
          beta.beta, beta.ga);
      return std::nullopt;
    }
  }

  const EventSpec * spec = find_spec (ev.type_name);
  if (spec == nullptr) {
    /* Unknown types are tolerated; keep what every event has. */
    r.string ("event_id", ev.event_id);
    return r.ok () ? std::optional<ServerEvent> (std::move (ev)) : std::nullopt;
  }

  ev.type = spec->type;
  read_fields (r, *spec, ev);
  r.finish ();
  if (!r.ok ())
    return std::nullopt;

  /* Audio travels as base64 inside `delta`; hand out the PCM bytes. */
  if (ev.type == ServerEventType::ResponseOutputAudioDelta) {
    if (!base64_decode_append (ev.delta, ev.audio, error))
      return std::nullopt;
    ev.delta.clear ();
  }
  return ev;
}

std::optional<ServerEvent>
parse_server_event (std::string_view text, GError ** error)
{
  /* Audio deltas are most of what arrives; their common form skips the
   * JSON tree. */
  if (std::optional<ServerEvent> ev = scan_audio_delta (text))
    return ev;
  return parse_server_event_tree (text, error);
}

} // namespace realtime

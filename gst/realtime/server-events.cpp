/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "server-events.h"
#include "server-event-reader.h"

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

using namespace server_event_reader;

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

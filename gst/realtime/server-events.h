/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace realtime {

/* The 46 event types of the GA server union (their schema:
 * tests/conformance/realtime-server-events.schema.json), plus Unknown for types
 * this library does not know (tolerated: the caller logs them). */
enum class ServerEventType {
  Unknown,
  SessionCreated,
  SessionUpdated,
  ConversationCreated,
  ConversationItemAdded,
  ConversationItemDone,
  ConversationItemCreated,
  ConversationItemRetrieved,
  ConversationItemTruncated,
  ConversationItemDeleted,
  InputAudioBufferCommitted,
  InputAudioBufferCleared,
  InputAudioBufferSpeechStarted,
  InputAudioBufferSpeechStopped,
  InputAudioBufferTimeoutTriggered,
  InputAudioBufferDtmfEventReceived,
  InputAudioTranscriptionDelta,
  InputAudioTranscriptionCompleted,
  InputAudioTranscriptionFailed,
  InputAudioTranscriptionSegment,
  ResponseCreated,
  ResponseDone,
  ResponseOutputItemAdded,
  ResponseOutputItemDone,
  ResponseContentPartAdded,
  ResponseContentPartDone,
  ResponseOutputTextDelta,
  ResponseOutputTextDone,
  ResponseOutputAudioDelta,
  ResponseOutputAudioDone,
  ResponseOutputAudioTranscriptDelta,
  ResponseOutputAudioTranscriptDone,
  ResponseFunctionCallArgumentsDelta,
  ResponseFunctionCallArgumentsDone,
  ResponseMcpCallArgumentsDelta,
  ResponseMcpCallArgumentsDone,
  ResponseMcpCallInProgress,
  ResponseMcpCallCompleted,
  ResponseMcpCallFailed,
  McpListToolsInProgress,
  McpListToolsCompleted,
  McpListToolsFailed,
  RateLimitsUpdated,
  OutputAudioBufferStarted,
  OutputAudioBufferStopped,
  OutputAudioBufferCleared,
  Error,
};

inline constexpr int SERVER_EVENT_TYPE_COUNT = 46;

/* Wire name of @type ("response.output_audio.delta"); "" for Unknown. */
const char * server_event_type_name (ServerEventType type);
/* Type of a wire name; Unknown for names not in the GA union. */
ServerEventType server_event_type_from_name (std::string_view name);

/* `error` of an error event, of a failed response, or of a failed
 * transcription. Fields the server left out or set to null are empty. */
struct ErrorInfo
{
  std::string type;
  std::string code;
  std::string message;
  std::string param;
  std::string event_id; /* the client event that failed */
};

/* A content part of an item, or `part` of response.content_part.*.
 * Types: input_text, input_audio, input_image, output_text, output_audio,
 * and the spellings text / audio that servers also use. */
struct ContentPart
{
  std::string type;
  std::string text;
  std::string transcript;
  std::string audio; /* base64, only in conversation.item.retrieved */
};

/* A conversation item (a message, a function call or its output). */
struct Item
{
  std::string id;
  std::string type; /* message, function_call, function_call_output, mcp_… */
  std::string status;
  std::string role; /* message: user, assistant, system */
  std::vector<ContentPart> content;
  std::string call_id;   /* function_call, function_call_output */
  std::string name;      /* function_call, mcp_call */
  std::string arguments; /* function_call, mcp_call (JSON text) */
  std::string output;    /* function_call_output, mcp_call */
};

/* Token usage of a response (docs/realtimebin.md, "Cost"). */
struct Usage
{
  gint64 total_tokens = 0;
  gint64 input_tokens = 0;
  gint64 output_tokens = 0;
  gint64 input_text_tokens = 0;
  gint64 input_audio_tokens = 0;
  gint64 input_image_tokens = 0;
  gint64 input_cached_tokens = 0;
  /* input_token_details.cached_tokens_details, when the server sent it. */
  bool has_cached_details = false;
  gint64 input_cached_text_tokens = 0;
  gint64 input_cached_audio_tokens = 0;
  gint64 input_cached_image_tokens = 0;
  gint64 output_text_tokens = 0;
  gint64 output_audio_tokens = 0;
};

/* Usage of an input transcription: billed by tokens or by duration. */
struct TranscriptionUsage
{
  std::string type; /* "tokens" or "duration" */
  gint64 input_tokens = 0;
  gint64 output_tokens = 0;
  gint64 total_tokens = 0;
  double seconds = 0;
};

struct Response
{
  std::string id;
  std::string
      status; /* in_progress, completed, cancelled, incomplete, failed */
  std::string status_type; /* status_details.type */
  std::string
      status_reason; /* turn_detected, client_cancelled, max_output_tokens, content_filter */
  ErrorInfo status_error;      /* status_details.error, when failed */
  std::string conversation_id; /* empty for out-of-band responses */
  std::vector<std::string> output_modalities;
  std::vector<Item> output;
  std::optional<Usage> usage;
  std::vector<std::pair<std::string, std::string>> metadata;
};

/* The effective session, as session.created / session.updated echo it. */
struct Session
{
  std::string id;
  std::string type; /* realtime or transcription */
  std::string model;
  gint64 expires_at = 0; /* unix seconds; 0 when not given */
  std::string instructions;
  std::vector<std::string> output_modalities;
  std::string voice;
  std::string input_format; /* audio/pcm, audio/pcmu, audio/pcma */
  gint64 input_rate = 0;
  std::string output_format;
  gint64 output_rate = 0;
  std::string turn_detection; /* server_vad, semantic_vad; empty when null */
  double vad_threshold = 0;
  gint64 vad_prefix_padding_ms = 0;
  gint64 vad_silence_duration_ms = 0;
  std::string vad_eagerness;
  bool create_response = false;
  bool interrupt_response = false;
  std::string transcription_model; /* empty when transcription is off */
  std::string noise_reduction;     /* near_field, far_field; empty when off */
};

struct RateLimit
{
  std::string name; /* requests, tokens */
  double limit = 0;
  double remaining = 0;
  double reset_seconds = 0;
};

/* One parsed server event. Which members are filled depends on `type`; they
 * are named as on the wire, so `item_id` is the `item_id` field of whatever
 * event carried it. Absent and null fields are left empty / -1. */
struct ServerEvent
{
  ServerEventType type = ServerEventType::Unknown;
  std::string type_name; /* as received (useful for Unknown) */
  std::string event_id;

  std::string response_id;
  std::string item_id;
  std::string previous_item_id;
  gint64 output_index = -1;
  gint64 content_index = -1;
  std::string call_id;
  std::string name;

  /* Text payloads: `delta` of delta events (not audio), `text` of
   * output_text.done and transcription segments, `transcript` of
   * transcript .done and transcription .completed, `arguments` of
   * function / MCP argument .done events. */
  std::string delta;
  std::string text;
  std::string transcript;
  std::string arguments;

  /* response.output_audio.delta: the decoded PCM bytes (may be odd-sized). */
  std::vector<guint8> audio;

  gint64 audio_start_ms = -1;
  gint64 audio_end_ms = -1;

  std::optional<Session> session;
  std::optional<Item> item;
  std::optional<Response> response;
  std::optional<ContentPart> part;
  std::optional<ErrorInfo> error;
  std::optional<TranscriptionUsage> transcription_usage;
  std::vector<RateLimit> rate_limits;
  std::string conversation_id; /* conversation.created */

  /* conversation.item.input_audio_transcription.segment */
  std::string segment_id;
  std::string speaker;
  double start = 0;
  double end = 0;

  /* input_audio_buffer.dtmf_event_received */
  std::string dtmf_key;
  gint64 received_at = 0;

  /* Members this parser does not know, as dotted paths ("response.foo").
   * Tolerated; reported so callers can log them once. */
  std::vector<std::string> unknown_fields;
};

/* Parses one server event (one WebSocket text frame): the common form of
 * response.output_audio.delta through scan_audio_delta()
 * (audio-delta-scan.h), everything else through parse_server_event_tree().
 * The result is the same either way.
 *
 * Returns the event, with type Unknown for event types outside the GA union
 * (never an error). Returns nothing and sets @error for text that is not a
 * JSON object, a missing or non-string `type`, a retired beta event name or
 * beta session shape (REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL), a required
 * field that is missing, a field of the wrong JSON type, and an audio delta
 * that is not valid base64. Never crashes on any input. */
std::optional<ServerEvent> parse_server_event (std::string_view text,
    GError ** error);

/* The full parser: reads @text into a JSON tree and every event type from
 * it, with the results and errors described for parse_server_event(). Use
 * parse_server_event(); this one is public so that tests and fuzzers can
 * hold the light path to it. */
std::optional<ServerEvent> parse_server_event_tree (std::string_view text,
    GError ** error);

} // namespace realtime

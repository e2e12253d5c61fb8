/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "session-settings.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace realtime {

/* Builders for the 11 GA client events (their schema: tests/conformance/,
 * README.md there). Each returns the compact JSON text of one event, ready for
 * a WebSocket text frame. @event_id is optional: empty means "not sent";
 * otherwise at most MAX_EVENT_ID_LENGTH characters (the server echoes it in
 * `error` events). */

inline constexpr gsize MAX_EVENT_ID_LENGTH = 512;

/* session.update with a session object built elsewhere (e.g. a partial one). */
std::string build_session_update (JsonObject * session,
    std::string_view event_id = {});

/* session.update from settings; returns "" and sets @error when the settings
 * do not make a valid session (see build_session_object()). */
std::string build_session_update (const SessionSettings & settings,
    std::string_view event_id, GError ** error);

/* input_audio_buffer.append of @size bytes of PCM16 24 kHz mono. Built
 * without a JSON tree: this runs for every input chunk. */
std::string build_input_audio_buffer_append (const guint8 * pcm, gsize size,
    std::string_view event_id = {});

std::string build_input_audio_buffer_commit (std::string_view event_id = {});
std::string build_input_audio_buffer_clear (std::string_view event_id = {});

/* WebRTC/SIP only; never sent over WebSocket by realtimebin. Built for
 * completeness and for users of `send-event`. */
std::string build_output_audio_buffer_clear (std::string_view event_id = {});

/* conversation.item.create. @previous_item_id: empty appends, "root" inserts
 * at the start. */
std::string build_conversation_item_create (JsonObject * item,
    std::string_view previous_item_id = {}, std::string_view event_id = {});

/* Items for conversation.item.create. */
JsonObjectPtr make_user_text_item (std::string_view text);
JsonObjectPtr make_system_text_item (std::string_view text);
/* Assistant text, used to replay what the assistant said into a new
 * session (clients cannot create assistant audio). */
JsonObjectPtr make_assistant_text_item (std::string_view text);
JsonObjectPtr make_function_call_output_item (std::string_view call_id,
    std::string_view output);

std::string build_conversation_item_retrieve (std::string_view item_id,
    std::string_view event_id = {});
std::string build_conversation_item_delete (std::string_view item_id,
    std::string_view event_id = {});
/* @audio_end_ms: ms of that item's audio the listener heard (an integer on
 * the wire, never more than the item's audio). */
std::string build_conversation_item_truncate (std::string_view item_id,
    guint content_index, guint64 audio_end_ms, std::string_view event_id = {});

/* Per-response overrides for response.create; all optional. */
struct ResponseOptions
{
  std::string instructions;                      /* empty: session's */
  std::optional<OutputModality> output_modality; /* unset: session's */
  bool out_of_band = false;                      /* conversation: "none" */
  int max_output_tokens = -1;                    /* -1: session's, 0: "inf" */
  std::vector<std::pair<std::string, std::string>> metadata;
};

std::string build_response_create (const ResponseOptions & options = {},
    std::string_view event_id = {});
/* @response_id: empty cancels the active response. */
std::string build_response_cancel (std::string_view response_id = {},
    std::string_view event_id = {});

} // namespace realtime

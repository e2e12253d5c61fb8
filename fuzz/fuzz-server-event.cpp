/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* libFuzzer target: arbitrary bytes as one server event (one WebSocket text
 * frame) through realtime::parse_server_event, the parser of everything the
 * server sends. Besides "never crashes", it checks what the parser promises
 * its callers (gst/realtime/server-events.h): an error exactly when there is
 * no event, in the protocol domain; a type consistent with its wire name;
 * audio that is the base64 of the delta; and, for input a WebSocket text
 * frame can carry (UTF-8), text and error messages that are UTF-8 too,
 * since the element posts them in GStreamer messages and on a
 * text/x-raw,format=utf8 pad. The event is then copied and walked, so ASan
 * sees every byte the element could read. And the light audio-delta path
 * (audio-delta-scan.h) reads no text otherwise than the full parser does. */
#include "server-event-diff.h"

#include <gst/realtime/audio-delta-scan.h>
#include <gst/realtime/base64.h>
#include <gst/realtime/realtime-error.h>
#include <gst/realtime/server-events.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using realtime::ServerEvent;
using realtime::ServerEventType;

namespace {

/* The input is UTF-8, as every frame the element can receive is. */
bool utf8_input;

[[noreturn]] void
violated (const char * what, const std::string & detail = {})
{
  fprintf (stderr, "fuzz-server-event: %s %s\n", what, detail.c_str ());
  abort ();
}

/* Checks @s and folds its bytes into @sum (reading all of them). */
void
walk (const std::string & s, const char * field, size_t & sum)
{
  if (utf8_input && !g_utf8_validate (s.data (), (gssize) s.size (), nullptr))
    violated ("text from UTF-8 input is not UTF-8:", field);
  for (unsigned char c : s)
    sum += c;
}

void
walk_error (const realtime::ErrorInfo & e, size_t & sum)
{
  walk (e.type, "error.type", sum);
  walk (e.code, "error.code", sum);
  walk (e.message, "error.message", sum);
  walk (e.param, "error.param", sum);
  walk (e.event_id, "error.event_id", sum);
}

void
walk_part (const realtime::ContentPart & p, size_t & sum)
{
  walk (p.type, "part.type", sum);
  walk (p.text, "part.text", sum);
  walk (p.transcript, "part.transcript", sum);
  walk (p.audio, "part.audio", sum);
}

void
walk_item (const realtime::Item & item, size_t & sum)
{
  walk (item.id, "item.id", sum);
  walk (item.type, "item.type", sum);
  walk (item.status, "item.status", sum);
  walk (item.role, "item.role", sum);
  walk (item.call_id, "item.call_id", sum);
  walk (item.name, "item.name", sum);
  walk (item.arguments, "item.arguments", sum);
  walk (item.output, "item.output", sum);
  for (const auto & p : item.content)
    walk_part (p, sum);
}

size_t
walk_event (const ServerEvent & ev)
{
  size_t sum = 0;
  walk (ev.type_name, "type", sum);
  walk (ev.event_id, "event_id", sum);
  walk (ev.response_id, "response_id", sum);
  walk (ev.item_id, "item_id", sum);
  walk (ev.previous_item_id, "previous_item_id", sum);
  walk (ev.call_id, "call_id", sum);
  walk (ev.name, "name", sum);
  walk (ev.delta, "delta", sum);
  walk (ev.text, "text", sum);
  walk (ev.transcript, "transcript", sum);
  walk (ev.arguments, "arguments", sum);
  walk (ev.conversation_id, "conversation_id", sum);
  walk (ev.segment_id, "segment id", sum);
  walk (ev.speaker, "speaker", sum);
  walk (ev.dtmf_key, "dtmf event", sum);
  for (guint8 b : ev.audio)
    sum += b;
  if (ev.session) {
    const realtime::Session & s = *ev.session;
    for (const std::string * f : {&s.id, &s.type, &s.model, &s.instructions,
             &s.voice, &s.input_format, &s.output_format, &s.turn_detection,
             &s.vad_eagerness, &s.transcription_model, &s.noise_reduction})
      walk (*f, "a session member", sum);
    for (const auto & m : s.output_modalities)
      walk (m, "session.output_modalities", sum);
  }
  if (ev.item)
    walk_item (*ev.item, sum);
  if (ev.response) {
    const realtime::Response & r = *ev.response;
    for (const std::string * f : {&r.id, &r.status, &r.status_type,
             &r.status_reason, &r.conversation_id})
      walk (*f, "a response member", sum);
    walk_error (r.status_error, sum);
    for (const auto & m : r.output_modalities)
      walk (m, "response.output_modalities", sum);
    for (const auto & item : r.output)
      walk_item (item, sum);
    for (const auto & kv : r.metadata) {
      walk (kv.first, "response.metadata", sum);
      walk (kv.second, "response.metadata", sum);
    }
    if (r.usage)
      sum += (size_t) (r.usage->total_tokens + r.usage->output_audio_tokens);
  }
  if (ev.part)
    walk_part (*ev.part, sum);
  if (ev.error)
    walk_error (*ev.error, sum);
  if (ev.transcription_usage)
    walk (ev.transcription_usage->type, "usage.type", sum);
  for (const auto & l : ev.rate_limits)
    walk (l.name, "rate_limits.name", sum);
  for (const auto & f : ev.unknown_fields)
    walk (f, "unknown_fields", sum);
  return sum;
}

void
check_event (const ServerEvent & ev)
{
  /* The type and its wire name agree both ways. */
  if (ev.type == ServerEventType::Unknown) {
    if (realtime::server_event_type_from_name (ev.type_name) !=
        ServerEventType::Unknown)
      violated ("a known type name parsed as Unknown:", ev.type_name);
  } else {
    if (ev.type_name != realtime::server_event_type_name (ev.type))
      violated ("type name and type disagree:", ev.type_name);
    if (realtime::server_event_type_from_name (ev.type_name) != ev.type)
      violated ("type_from_name disagrees:", ev.type_name);
  }

  /* Audio deltas hand out the decoded bytes and no text; the bytes are
   * exactly what the base64 said (encode them again and decode). */
  if (ev.type == ServerEventType::ResponseOutputAudioDelta) {
    if (!ev.delta.empty ())
      violated ("an audio delta kept its base64 text");
    std::string b64 =
        realtime::base64_encode (ev.audio.data (), ev.audio.size ());
    std::vector<guint8> again;
    GError * err = nullptr;
    if (!realtime::base64_decode_append (b64, again, &err) || again != ev.audio)
      violated ("base64 round trip of the audio failed");
  } else if (!ev.audio.empty ()) {
    violated ("audio bytes on a", ev.type_name);
  }

  /* Members required for the type are there (the element dereferences
   * them without checking). */
  switch (ev.type) {
    case ServerEventType::SessionCreated:
    case ServerEventType::SessionUpdated:
      if (!ev.session)
        violated ("no session in", ev.type_name);
      break;
    case ServerEventType::ResponseCreated:
    case ServerEventType::ResponseDone:
      if (!ev.response)
        violated ("no response in", ev.type_name);
      break;
    case ServerEventType::Error:
      if (!ev.error)
        violated ("no error in an error event");
      break;
    default:
      break;
  }

  /* Copies and moves keep every member (what the element's queues do). */
  size_t sum = walk_event (ev);
  ServerEvent copy = ev;
  ServerEvent moved = std::move (copy);
  if (walk_event (moved) != sum)
    violated ("a copied event differs");
}

/* An event from scan_audio_delta() is the full parser's event for the same
 * text; declining is always allowed. */
void
check_light_path (std::string_view text)
{
  std::optional<ServerEvent> scanned = realtime::scan_audio_delta (text);
  if (!scanned)
    return;
  GError * error = nullptr;
  std::optional<ServerEvent> tree =
      realtime::parse_server_event_tree (text, &error);
  if (!tree)
    violated ("the light path read a text the full parser refuses:",
        error->message);
  const std::string diff = server_event_diff (*scanned, *tree);
  if (!diff.empty ())
    violated ("the light path and the full parser differ in", diff);
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  std::string_view text ((const char *) data, size);
  /* Input with NUL bytes counts as not UTF-8 here: fewer checks, none
   * wrong. */
  utf8_input = g_utf8_validate_len (text.data (), text.size (), nullptr);
  check_light_path (text);
  GError * error = nullptr;
  std::optional<ServerEvent> ev = realtime::parse_server_event (text, &error);
  if (ev) {
    if (error != nullptr)
      violated ("an event and an error:", error->message);
    check_event (*ev);
    return 0;
  }
  /* No event: one error from the protocol domain, with a message the
   * element can put in a GStreamer warning. */
  if (error == nullptr)
    violated ("no event and no error");
  if (error->domain != REALTIME_PROTOCOL_ERROR ||
      error->code < REALTIME_PROTOCOL_ERROR_INVALID_JSON ||
      error->code > REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL)
    violated ("error outside the protocol domain:", error->message);
  if (error->message == nullptr)
    violated ("an error without a message");
  if (utf8_input && !g_utf8_validate (error->message, -1, nullptr))
    violated ("error message for UTF-8 input is not UTF-8:", error->message);
  g_error_free (error);
  return 0;
}

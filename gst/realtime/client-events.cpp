/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "client-events.h"

#include "base64.h"

namespace realtime {

namespace {

/* An over-long id would make the whole event invalid: drop the id instead. */
bool
event_id_is_valid (std::string_view event_id)
{
  if (event_id.size () > MAX_EVENT_ID_LENGTH) {
    g_critical ("event_id of %" G_GSIZE_FORMAT " characters is longer than "
                "the protocol's %" G_GSIZE_FORMAT "; not sent",
        event_id.size (), MAX_EVENT_ID_LENGTH);
    return false;
  }
  return !event_id.empty ();
}

/* A client event under construction: `type`, then `event_id` if given. */
class EventBuilder
{
public:
  EventBuilder (const char * type, std::string_view event_id)
      : object_ (json_object_new ())
  {
    json_object_set_string_member (object_.get (), "type", type);
    if (event_id_is_valid (event_id))
      set_string ("event_id", event_id);
  }

  JsonObject * get () { return object_.get (); }

  void set_string (const char * name, std::string_view value)
  {
    std::string copy (value);
    json_object_set_string_member (object_.get (), name, copy.c_str ());
  }

  std::string to_string () { return json_object_to_string (object_.get ()); }

private:
  JsonObjectPtr object_;
};

std::string
simple_event (const char * type, std::string_view event_id)
{
  return EventBuilder (type, event_id).to_string ();
}

std::string
item_id_event (const char * type, std::string_view item_id,
    std::string_view event_id)
{
  EventBuilder event (type, event_id);
  event.set_string ("item_id", item_id);
  return event.to_string ();
}

JsonObjectPtr
message_item (const char * role, const char * part_type, std::string_view text)
{
  std::string copy (text);
  JsonObject * part = json_object_new ();
  json_object_set_string_member (part, "type", part_type);
  json_object_set_string_member (part, "text", copy.c_str ());

  JsonArray * content = json_array_new ();
  json_array_add_object_element (content, part);

  JsonObjectPtr item (json_object_new ());
  json_object_set_string_member (item.get (), "type", "message");
  json_object_set_string_member (item.get (), "role", role);
  json_object_set_array_member (item.get (), "content", content);
  return item;
}

} // namespace

std::string
build_session_update (JsonObject * session, std::string_view event_id)
{
  EventBuilder event ("session.update", event_id);
  json_object_set_object_member (event.get (), "session",
      json_object_ref (session));
  return event.to_string ();
}

std::string
build_session_update (const SessionSettings & settings,
    std::string_view event_id, GError ** error)
{
  JsonObjectPtr session = build_session_object (settings, error);
  if (!session)
    return {};
  return build_session_update (session.get (), event_id);
}

std::string
build_input_audio_buffer_append (const guint8 * pcm, gsize size,
    std::string_view event_id)
{
  static constexpr std::string_view head =
      "{\"type\":\"input_audio_buffer.append\",";
  std::string out;
  out.reserve (head.size () + event_id.size () + 32 + (size + 2) / 3 * 4);
  out.append (head);
  if (event_id_is_valid (event_id)) {
    out.append ("\"event_id\":");
    json_append_quoted (out, event_id);
    out.push_back (',');
  }
  out.append ("\"audio\":\"");
  base64_encode_append (out, pcm, size);
  out.append ("\"}");
  return out;
}

std::string
build_input_audio_buffer_commit (std::string_view event_id)
{
  return simple_event ("input_audio_buffer.commit", event_id);
}

std::string
build_input_audio_buffer_clear (std::string_view event_id)
{
  return simple_event ("input_audio_buffer.clear", event_id);
}

std::string
build_output_audio_buffer_clear (std::string_view event_id)
{
  return simple_event ("output_audio_buffer.clear", event_id);
}

std::string
build_conversation_item_create (JsonObject * item,
    std::string_view previous_item_id, std::string_view event_id)
{
  EventBuilder event ("conversation.item.create", event_id);
  if (!previous_item_id.empty ())
    event.set_string ("previous_item_id", previous_item_id);
  json_object_set_object_member (event.get (), "item", json_object_ref (item));
  return event.to_string ();
}

JsonObjectPtr
make_user_text_item (std::string_view text)
{
  return message_item ("user", "input_text", text);
}

JsonObjectPtr
make_system_text_item (std::string_view text)
{
  return message_item ("system", "input_text", text);
}

JsonObjectPtr
make_assistant_text_item (std::string_view text)
{
  return message_item ("assistant", "output_text", text);
}

JsonObjectPtr
make_function_call_output_item (std::string_view call_id,
    std::string_view output)
{
  std::string id (call_id), text (output);
  JsonObjectPtr item (json_object_new ());
  json_object_set_string_member (item.get (), "type", "function_call_output");
  json_object_set_string_member (item.get (), "call_id", id.c_str ());
  json_object_set_string_member (item.get (), "output", text.c_str ());
  return item;
}

std::string
build_conversation_item_retrieve (std::string_view item_id,
    std::string_view event_id)
{
  return item_id_event ("conversation.item.retrieve", item_id, event_id);
}

std::string
build_conversation_item_delete (std::string_view item_id,
    std::string_view event_id)
{
  return item_id_event ("conversation.item.delete", item_id, event_id);
}

std::string
build_conversation_item_truncate (std::string_view item_id, guint content_index,
    guint64 audio_end_ms, std::string_view event_id)
{
  EventBuilder event ("conversation.item.truncate", event_id);
  event.set_string ("item_id", item_id);
  json_object_set_int_member (event.get (), "content_index", content_index);
  json_object_set_int_member (event.get (), "audio_end_ms",
      (gint64) MIN (audio_end_ms, (guint64) G_MAXINT64));
  return event.to_string ();
}

std::string
build_response_create (const ResponseOptions & options,
    std::string_view event_id)
{
  EventBuilder event ("response.create", event_id);
  JsonObject * response = json_object_new ();

  if (options.out_of_band)
    json_object_set_string_member (response, "conversation", "none");
  if (!options.instructions.empty ())
    json_object_set_string_member (response, "instructions",
        options.instructions.c_str ());
  if (options.output_modality) {
    JsonArray * modalities = json_array_new ();
    json_array_add_string_element (modalities,
        *options.output_modality == OutputModality::Text ? "text" : "audio");
    json_object_set_array_member (response, "output_modalities", modalities);
  }
  if (options.max_output_tokens == 0)
    json_object_set_string_member (response, "max_output_tokens", "inf");
  else if (options.max_output_tokens > 0)
    json_object_set_int_member (response, "max_output_tokens",
        MIN (options.max_output_tokens, MAX_OUTPUT_TOKENS_LIMIT));
  if (!options.metadata.empty ()) {
    JsonObject * metadata = json_object_new ();
    for (const auto & [key, value] : options.metadata)
      json_object_set_string_member (metadata, key.c_str (), value.c_str ());
    json_object_set_object_member (response, "metadata", metadata);
  }

  if (json_object_get_size (response) > 0)
    json_object_set_object_member (event.get (), "response", response);
  else
    json_object_unref (response);
  return event.to_string ();
}

std::string
build_response_cancel (std::string_view response_id, std::string_view event_id)
{
  EventBuilder event ("response.cancel", event_id);
  if (!response_id.empty ())
    event.set_string ("response_id", response_id);
  return event.to_string ();
}

} // namespace realtime

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "json-helpers.h"

#include <gst/realtime/base64.h>
#include <gst/realtime/client-events.h>
#include <gst/realtime/realtime-error.h>

#include <vector>

using namespace realtime;

/* Every member of the event's top-level object, for "nothing else" checks. */
static guint
member_count (JsonNode * root)
{
  return json_object_get_size (json_node_get_object (root));
}

GST_START_TEST (test_session_update_from_settings)
{
  g_autoptr (GError) error = nullptr;
  std::string text = build_session_update (SessionSettings (), "ev_1", &error);
  fail_unless (error == nullptr);
  JsonNodePtr e = parse_json_object (text);
  fail_unless_equals_string (json_string_at (e.get (), "type"),
      "session.update");
  fail_unless_equals_string (json_string_at (e.get (), "event_id"), "ev_1");
  fail_unless_equals_string (json_string_at (e.get (), "session.type"),
      "realtime");
  fail_unless_equals_int (member_count (e.get ()), 3);

  /* Invalid settings: no text, an error. */
  SessionSettings bad;
  bad.tools = "not json";
  text = build_session_update (bad, {}, &error);
  fail_unless (text.empty ());
  fail_unless (g_error_matches (error, REALTIME_PROTOCOL_ERROR,
      REALTIME_PROTOCOL_ERROR_INVALID_JSON));
}
GST_END_TEST;

GST_START_TEST (test_session_update_partial)
{
  JsonObjectPtr session (json_object_new ());
  json_object_set_string_member (session.get (), "type", "realtime");
  json_object_set_string_member (session.get (), "instructions", "");
  JsonNodePtr e = parse_json_object (build_session_update (session.get ()));
  fail_unless (json_at (e.get (), "event_id") == nullptr);
  fail_unless_equals_string (json_string_at (e.get (), "session.instructions"),
      "");
  fail_unless_equals_int (json_object_get_size (json_node_get_object (
                              json_at (e.get (), "session"))),
      2);
}
GST_END_TEST;

GST_START_TEST (test_append_carries_base64_pcm)
{
  /* Odd sizes too: a chunk may end in the middle of a sample. */
  for (gsize size : {0, 1, 2, 3, 479, 480, 481, 960}) {
    std::vector<guint8> pcm (size);
    for (gsize i = 0; i < size; i++)
      pcm[i] = (guint8) (i * 7 + 3);

    JsonNodePtr e =
        parse_json_object (build_input_audio_buffer_append (pcm.data (), size));
    fail_unless_equals_string (json_string_at (e.get (), "type"),
        "input_audio_buffer.append");
    fail_unless_equals_int (member_count (e.get ()), 2);

    std::vector<guint8> decoded;
    fail_unless (base64_decode_append (json_string_at (e.get (), "audio"),
        decoded, nullptr));
    fail_unless (decoded == pcm, "size %" G_GSIZE_FORMAT, size);
  }

  /* event_id is JSON-escaped in the hand-built text. */
  const guint8 pcm[] = {0, 1};
  JsonNodePtr e = parse_json_object (
      build_input_audio_buffer_append (pcm, 2, "a\"b\\c\n\x01"));
  fail_unless_equals_string (json_string_at (e.get (), "event_id"),
      "a\"b\\c\n\x01");
}
GST_END_TEST;

GST_START_TEST (test_simple_events)
{
  const struct
  {
    std::string text;
    const char * type;
  } cases[] = {
      {build_input_audio_buffer_commit (), "input_audio_buffer.commit"},
      {build_input_audio_buffer_clear (), "input_audio_buffer.clear"},
      {build_output_audio_buffer_clear (), "output_audio_buffer.clear"},
      {build_response_cancel (), "response.cancel"},
      {build_response_create (), "response.create"},
  };
  for (const auto & c : cases) {
    JsonNodePtr e = parse_json_object (c.text);
    fail_unless_equals_string (json_string_at (e.get (), "type"), c.type);
    /* Bare events carry nothing but their type. */
    fail_unless_equals_int (member_count (e.get ()), 1);
  }

  JsonNodePtr e = parse_json_object (build_input_audio_buffer_commit ("c1"));
  fail_unless_equals_string (json_string_at (e.get (), "event_id"), "c1");
}
GST_END_TEST;

GST_START_TEST (test_over_long_event_id_is_dropped)
{
  std::string id (MAX_EVENT_ID_LENGTH + 1, 'x');
  std::string text;
  ASSERT_CRITICAL (text = build_input_audio_buffer_commit (id));
  JsonNodePtr e = parse_json_object (text);
  fail_unless (json_at (e.get (), "event_id") == nullptr);

  const guint8 pcm[] = {1, 2};
  ASSERT_CRITICAL (text = build_input_audio_buffer_append (pcm, 2, id));
  e = parse_json_object (text);
  fail_unless (json_at (e.get (), "event_id") == nullptr);
  fail_unless_equals_string (json_string_at (e.get (), "audio"), "AQI=");

  /* Exactly the limit is fine. */
  id.pop_back ();
  e = parse_json_object (build_input_audio_buffer_commit (id));
  fail_unless_equals_int (strlen (json_string_at (e.get (), "event_id")),
      MAX_EVENT_ID_LENGTH);
}
GST_END_TEST;

GST_START_TEST (test_item_events)
{
  JsonNodePtr e = parse_json_object (
      build_conversation_item_truncate ("item_a", 0, 1500, "t1"));
  fail_unless_equals_string (json_string_at (e.get (), "type"),
      "conversation.item.truncate");
  fail_unless_equals_string (json_string_at (e.get (), "item_id"), "item_a");
  fail_unless_equals_int (json_int_at (e.get (), "content_index"), 0);
  fail_unless_equals_int (json_int_at (e.get (), "audio_end_ms"), 1500);

  e = parse_json_object (build_conversation_item_delete ("item_b"));
  fail_unless_equals_string (json_string_at (e.get (), "type"),
      "conversation.item.delete");
  fail_unless_equals_string (json_string_at (e.get (), "item_id"), "item_b");
  fail_unless_equals_int (member_count (e.get ()), 2);

  e = parse_json_object (build_conversation_item_retrieve ("item_c"));
  fail_unless_equals_string (json_string_at (e.get (), "type"),
      "conversation.item.retrieve");
  fail_unless_equals_string (json_string_at (e.get (), "item_id"), "item_c");
}
GST_END_TEST;

GST_START_TEST (test_item_create)
{
  JsonObjectPtr item = make_user_text_item ("What time is it?");
  JsonNodePtr e =
      parse_json_object (build_conversation_item_create (item.get ()));
  fail_unless_equals_string (json_string_at (e.get (), "type"),
      "conversation.item.create");
  fail_unless (json_at (e.get (), "previous_item_id") == nullptr);
  fail_unless_equals_string (json_string_at (e.get (), "item.type"), "message");
  fail_unless_equals_string (json_string_at (e.get (), "item.role"), "user");
  JsonArray * content =
      json_node_get_array (json_at (e.get (), "item.content"));
  fail_unless_equals_int (json_array_get_length (content), 1);
  JsonObject * part = json_array_get_object_element (content, 0);
  fail_unless_equals_string (json_object_get_string_member (part, "type"),
      "input_text");
  fail_unless_equals_string (json_object_get_string_member (part, "text"),
      "What time is it?");

  item = make_assistant_text_item ("It is noon.");
  e = parse_json_object (
      build_conversation_item_create (item.get (), "root", "i1"));
  fail_unless_equals_string (json_string_at (e.get (), "previous_item_id"),
      "root");
  fail_unless_equals_string (json_string_at (e.get (), "item.role"),
      "assistant");
  part = json_array_get_object_element (json_node_get_array (
                                            json_at (e.get (), "item.content")),
      0);
  fail_unless_equals_string (json_object_get_string_member (part, "type"),
      "output_text");

  item = make_system_text_item ("Speak German.");
  e = parse_json_object (build_conversation_item_create (item.get ()));
  fail_unless_equals_string (json_string_at (e.get (), "item.role"), "system");

  item = make_function_call_output_item ("call_1", "{\"time\":\"12:00\"}");
  e = parse_json_object (build_conversation_item_create (item.get ()));
  fail_unless_equals_string (json_string_at (e.get (), "item.type"),
      "function_call_output");
  fail_unless_equals_string (json_string_at (e.get (), "item.call_id"),
      "call_1");
  fail_unless_equals_string (json_string_at (e.get (), "item.output"),
      "{\"time\":\"12:00\"}");
}
GST_END_TEST;

GST_START_TEST (test_response_create_options)
{
  ResponseOptions options;
  options.instructions = "Say goodbye.";
  options.output_modality = OutputModality::Text;
  options.out_of_band = true;
  options.max_output_tokens = 64;
  options.metadata = {{"purpose", "summary"}};
  JsonNodePtr e = parse_json_object (build_response_create (options, "r1"));
  fail_unless_equals_string (json_string_at (e.get (), "type"),
      "response.create");
  fail_unless_equals_string (json_string_at (e.get (), "response.instructions"),
      "Say goodbye.");
  fail_unless_equals_string (json_string_at (e.get (), "response.conversation"),
      "none");
  fail_unless_equals_int (json_int_at (e.get (), "response.max_output_tokens"),
      64);
  fail_unless_equals_string (json_string_at (e.get (),
                                 "response.metadata.purpose"),
      "summary");
  fail_unless_equals_string (
      json_array_get_string_element (json_node_get_array (json_at (e.get (),
                                         "response.output_modalities")),
          0),
      "text");

  ResponseOptions inf;
  inf.max_output_tokens = 0;
  e = parse_json_object (build_response_create (inf));
  fail_unless_equals_string (json_string_at (e.get (),
                                 "response.max_output_tokens"),
      "inf");

  e = parse_json_object (build_response_cancel ("resp_9"));
  fail_unless_equals_string (json_string_at (e.get (), "response_id"),
      "resp_9");
}
GST_END_TEST;

static Suite *
client_events_suite (void)
{
  Suite * s = suite_create ("client-events");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_session_update_from_settings);
  tcase_add_test (tc, test_session_update_partial);
  tcase_add_test (tc, test_append_carries_base64_pcm);
  tcase_add_test (tc, test_simple_events);
  tcase_add_test (tc, test_over_long_event_id_is_dropped);
  tcase_add_test (tc, test_item_events);
  tcase_add_test (tc, test_item_create);
  tcase_add_test (tc, test_response_create_options);
  return s;
}

GST_CHECK_MAIN (client_events);

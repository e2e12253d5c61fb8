/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <gst/realtime/conversation-history.h>
#include <json-glib/json-glib.h>

#include <string>
#include <vector>

using realtime::ConversationHistory;
using Role = ConversationHistory::Role;

/* The texts of replay events, as "role: text". */
static std::vector<std::string>
texts (const std::vector<std::string> & events)
{
  std::vector<std::string> out;
  for (const std::string & e : events) {
    g_autoptr (JsonParser) parser = json_parser_new ();
    fail_unless (json_parser_load_from_data (parser, e.c_str (), -1, nullptr));
    JsonObject * o = json_node_get_object (json_parser_get_root (parser));
    fail_unless_equals_string (json_object_get_string_member (o, "type"),
        "conversation.item.create");
    JsonObject * item = json_object_get_object_member (o, "item");
    JsonObject * part =
        json_array_get_object_element (json_object_get_array_member (item,
                                           "content"),
            0);
    std::string role = json_object_get_string_member (item, "role");
    fail_unless_equals_string (json_object_get_string_member (part, "type"),
        role == "user" ? "input_text" : "output_text");
    out.push_back (role + ": " + json_object_get_string_member (part, "text"));
  }
  return out;
}

static void
assert_texts (const std::vector<std::string> & events,
    const std::vector<std::string> & expected)
{
  std::vector<std::string> got = texts (events);
  fail_unless_equals_int (got.size (), expected.size ());
  for (gsize i = 0; i < got.size (); i++)
    fail_unless_equals_string (got[i].c_str (), expected[i].c_str ());
}

/* Slots keep the server's order even when a transcript comes late; items
 * without text are not replayed. */
GST_START_TEST (test_order_of_slots)
{
  ConversationHistory h;
  h.add (Role::User, "item_u1");
  h.add (Role::Assistant, "item_a1");
  h.set_text (Role::Assistant, "item_a1", "Hello.");
  h.add (Role::User, "item_u2"); /* never transcribed */
  h.set_text (Role::User, "item_u1", "Hi");
  assert_texts (h.replay_events (), {"user: Hi", "assistant: Hello."});
}
GST_END_TEST;

/* Removed items (deleted after a barge-in) are gone; text sent by the
 * client is kept in order; serials select what was added since a mark. */
GST_START_TEST (test_remove_and_marks)
{
  ConversationHistory h;
  h.add (Role::User, "item_u1");
  h.set_text (Role::User, "item_u1", "One");
  h.add (Role::Assistant, "item_a1");
  h.set_text (Role::Assistant, "item_a1", "Two");
  guint64 mark = h.next_serial ();
  h.add_text (Role::User, "Three");
  h.add (Role::Assistant, "item_a2");
  h.set_text (Role::Assistant, "item_a2", "Four");
  h.remove ("item_a1");
  /* A late transcript of a removed item does not bring it back. */
  h.set_text (Role::Assistant, "item_a1", "Two");
  assert_texts (h.replay_events (),
      {"user: One", "user: Three", "assistant: Four"});
  assert_texts (h.replay_events (0, mark), {"user: One"});
  assert_texts (h.replay_events (mark), {"user: Three", "assistant: Four"});
}
GST_END_TEST;

/* Bounded to the last N turns (2N items); 0 keeps nothing. */
GST_START_TEST (test_bounded)
{
  ConversationHistory h (2);
  for (int i = 0; i < 10; i++) {
    std::string n = std::to_string (i);
    h.add (Role::User, "u" + n);
    h.set_text (Role::User, "u" + n, "q" + n);
    h.add (Role::Assistant, "a" + n);
    h.set_text (Role::Assistant, "a" + n, "r" + n);
  }
  /* The oldest aged out: a late transcript of it is not kept. */
  h.set_text (Role::User, "u0", "late");
  fail_unless_equals_int (h.size (), 4);
  assert_texts (h.replay_events (),
      {"user: q8", "assistant: r8", "user: q9", "assistant: r9"});
  h.set_max_turns (0);
  fail_unless_equals_int (h.size (), 0);
  h.add (Role::User, "u");
  h.set_text (Role::User, "u", "x");
  h.add_text (Role::User, "y");
  fail_unless_equals_int (h.replay_events ().size (), 0);
}
GST_END_TEST;

static Suite *
conversation_history_suite (void)
{
  Suite * s = suite_create ("conversation-history");
  TCase * tc = tcase_create ("history");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_order_of_slots);
  tcase_add_test (tc, test_remove_and_marks);
  tcase_add_test (tc, test_bounded);
  return s;
}

GST_CHECK_MAIN (conversation_history);

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The light path of response.output_audio.delta (audio-delta-scan.h) held to
 * the full parser: on a generated corpus of audio-delta texts, the common
 * forms and near misses of every kind, scan_audio_delta() either declines or
 * returns exactly the event parse_server_event_tree() returns; it does not
 * decline the common forms; and parse_server_event() answers as the full
 * parser does, errors included. */
#include "server-event-diff.h"

#include <gst/check/gstcheck.h>
#include <gst/realtime/audio-delta-scan.h>
#include <gst/realtime/base64.h>
#include <gst/realtime/realtime-error.h>
#include <gst/realtime/server-events.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

using namespace realtime;

namespace {

/* One text, and whether it is a common form the light path must take. */
struct Case
{
  std::string text;
  bool common;
};

/* A member: its name and its value as JSON text. */
using Member = std::pair<std::string, std::string>;

std::string
quoted (const std::string & s)
{
  return "\"" + s + "\"";
}

/* @n bytes of PCM-like data, as base64. */
std::string
base64_of (gsize n)
{
  std::vector<guint8> bytes (n);
  guint32 x = (guint32) n * 2654435761u + 1;
  for (auto & b : bytes) {
    x = x * 1103515245u + 12345u;
    b = (guint8) (x >> 16);
  }
  return base64_encode (bytes.data (), bytes.size ());
}

/* The members of a simulator-shaped delta, with @delta_bytes of audio. */
std::vector<Member>
delta_members (gsize delta_bytes)
{
  return {
      {"type", quoted ("response.output_audio.delta")},
      {"event_id", quoted ("event_17s1")},
      {"response_id", quoted ("resp_1")},
      {"item_id", quoted ("item_2")},
      {"output_index", "0"},
      {"content_index", "0"},
      {"delta", quoted (base64_of (delta_bytes))},
  };
}

/* Whitespace styles; @ws(k) is what goes at the k-th gap between tokens. */
const std::array<const char *, 6> kWhitespace = {"", " ", "\n", "\t", "\r\n",
    " \t\n\r "};

std::string
object_text (const std::vector<Member> & members, int style = 0)
{
  int gap = 0;
  auto ws = [&] () -> std::string {
    if (style == 0)
      return "";
    /* Mix the styles: every gap gets some whitespace or none. */
    return kWhitespace[(style + gap++) % kWhitespace.size ()];
  };
  std::string out = ws () + "{";
  for (size_t i = 0; i < members.size (); i++) {
    if (i > 0)
      out += ws () + ",";
    out += ws () + quoted (members[i].first) + ws () + ":" + ws () +
        members[i].second;
  }
  out += ws () + "}" + ws ();
  return out;
}

std::vector<Member>
with_value (std::vector<Member> members, const std::string & name,
    const std::string & value)
{
  for (auto & m : members)
    if (m.first == name)
      m.second = value;
  return members;
}

std::vector<Member>
without (std::vector<Member> members, const std::string & name)
{
  members.erase (std::remove_if (members.begin (), members.end (),
                     [&] (const Member & m) { return m.first == name; }),
      members.end ());
  return members;
}

std::vector<Member>
with_extra (std::vector<Member> members, const Member & extra, size_t at)
{
  members.insert (members.begin () + std::min (at, members.size ()), extra);
  return members;
}

void
add_common_forms (std::vector<Case> & corpus)
{
  /* Every order of the seven members, each with a whitespace style. */
  std::vector<Member> members = delta_members (6);
  std::sort (members.begin (), members.end ());
  int n = 0;
  do {
    corpus.push_back ({object_text (members, n++ % 7), true});
  } while (std::next_permutation (members.begin (), members.end ()));

  /* Audio sizes: empty, odd (a split sample), a 100 ms chunk, large. */
  for (gsize bytes : {0, 1, 2, 3, 4, 5, 4799, 4800, 4801, 48000, 960000})
    corpus.push_back (
        {object_text (delta_members (bytes), (int) bytes % 7), true});

  /* Ids of every printable ASCII character a plain string can hold, and
   * empty ones. */
  std::string ascii;
  for (int c = 0x20; c < 0x80; c++)
    if (c != '"' && c != '\\')
      ascii += (char) c;
  for (const char * name : {"event_id", "response_id", "item_id"}) {
    corpus.push_back (
        {object_text (with_value (delta_members (3), name, quoted (ascii))),
            true});
    corpus.push_back (
        {object_text (with_value (delta_members (3), name, quoted ("")), 2),
            true});
  }

  /* Plain integers, negative ones included (the full parser takes them). */
  for (const char * index : {"0", "1", "7", "42", "-3", "-0", "123456789012345",
           "-999999999999999"}) {
    corpus.push_back (
        {object_text (with_value (delta_members (2), "output_index", index)),
            true});
    corpus.push_back (
        {object_text (with_value (delta_members (2), "content_index", index),
             3),
            true});
  }
}

void
add_near_misses (std::vector<Case> & corpus)
{
  const std::vector<Member> base = delta_members (4);
  auto add = [&] (const std::vector<Member> & members) {
    corpus.push_back ({object_text (members), false});
    corpus.push_back ({object_text (members, 4), false});
  };

  /* Escapes: in the delta (the decoder must refuse them), in ids, in the
   * type and in member names. */
  add (with_value (base, "delta", quoted ("AQID\\/AAA")));
  add (with_value (base, "delta", quoted ("AQ\\u0041AAA")));
  add (with_value (base, "delta", quoted ("AQ\\\"AAA")));
  add (with_value (base, "delta", quoted ("AQIDBA\\n")));
  add (with_value (base, "event_id", quoted ("ev\\u0041")));
  add (with_value (base, "response_id", quoted ("resp\\/1")));
  add (with_value (base, "item_id", quoted ("item\\\"1")));
  add (with_value (base, "item_id", quoted ("item\\\\")));
  add (with_value (base, "type", quoted ("response.output_audio\\u002edelta")));
  corpus.push_back (
      {"{\"typ\\u0065\":\"response.output_audio.delta\","
       "\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\","
       "\"output_index\":0,\"content_index\":0,\"delta\":\"AQID\"}",
          false});

  /* Bytes a plain string does not hold: control characters, non-ASCII
   * (valid UTF-8 and not), a NUL. */
  for (const char * id :
      {"a\tb", "a\x01", "caf\xc3\xa9", "a\xff", "\xed\xa0\x80"})
    add (with_value (base, "event_id", quoted (id)));
  add (with_value (base, "delta", quoted ("AQ\xc3\xa9")));
  corpus.push_back ({object_text (with_value (base, "item_id",
                         quoted (std::string ("a\0b", 3)))),
      false});

  /* Unknown, repeated, missing members. */
  add (with_extra (base, {"obfuscation", quoted ("x")}, 7));
  add (with_extra (base, {"extra", "1"}, 0));
  add (with_extra (base, {"delta", quoted ("AQID")}, 7));
  add (with_extra (base, {"event_id", quoted ("event_17s1")}, 3));
  add (with_extra (base, {"type", quoted ("response.output_audio.delta")}, 7));
  add (with_extra (base, {"output_index", "1"}, 2));
  for (const Member & m : base)
    add (without (base, m.first));
  corpus.push_back ({"{}", false});

  /* Values of other JSON types. */
  for (const char * value :
      {"{}", "{\"a\":1}", "[]", "[1]", "null", "true", "false", "\"0\"", "0"}) {
    for (const char * name : {"event_id", "response_id", "item_id",
             "output_index", "content_index", "delta", "type"}) {
      const bool is_index =
          std::string (name).find ("index") != std::string::npos;
      if (is_index && std::string (value) == "0")
        continue;
      add (with_value (base, name, value));
    }
  }

  /* Numbers the full parser reads as integers, or refuses; json-glib reads
   * 010 as octal 8. */
  for (const char * index :
      {"1.0", "1.5", "1e0", "1E0", "1e+2", "0.0", "01", "-01", "00", "010",
          "-010", "- 1", "+1", "--1", "-", "0x10", "1234567890123456",
          "99999999999999999999", "1.", ".5", "Infinity", "NaN"}) {
    add (with_value (base, "output_index", index));
    add (with_value (base, "content_index", index));
  }

  /* Base64 the decoder refuses. */
  for (const char * delta : {"AQI", "AQIDB", "AQI*", "AQ=D", "AQ==AQID",
           "A===", "AQJ=", "AR==", "AQID ", " AQID", "AQ\nID", "AQ-_"})
    add (with_value (base, "delta", quoted (delta)));

  /* Other event types, of the same shape or not; beta names are errors. */
  for (const char * type :
      {"response.output_audio.done", "response.output_text.delta",
          "response.output_audio_transcript.delta", "response.audio.delta",
          "response.output_audio.delta ", "Response.output_audio.delta", "",
          "x"})
    add (with_value (base, "type", quoted (type)));
  corpus.push_back (
      {R"({"type":"response.output_audio.done","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0})",
          false});
  corpus.push_back (
      {R"({"type":"input_audio_buffer.cleared","event_id":"e1"})", false});
  corpus.push_back (
      {R"({"type":"simulator.unknown_event","event_id":"e1","payload":{"x":1}})",
          false});

  /* Around the object: trailing bytes, other whitespace, comments, a BOM,
   * not an object at all. */
  const std::string good = object_text (base);
  for (const char * tail :
      {"x", ",", "}", "{}", "\f", "\v", "/*c*/", "//c", "\0"})
    corpus.push_back (
        {good + std::string (tail, tail[0] ? strlen (tail) : 1), false});
  for (const char * head : {"\xef\xbb\xbf", "\f", "[", "x"})
    corpus.push_back ({head + good, false});
  corpus.push_back ({"[" + good + "]", false});
  corpus.push_back ({good.substr (0, good.size () - 1) + ",}", false});
  corpus.push_back ({"", false});

  /* Every cut of a text, and every byte of it replaced by a few others. */
  const std::string small = object_text (delta_members (3), 5);
  for (size_t i = 0; i < small.size (); i++) {
    corpus.push_back ({small.substr (0, i), false});
    for (char c : {'"', '\\', ',', '}', '{', ':', ' ', '0', '.', 'A', '=', '\0',
             '\x80'}) {
      std::string mutated = small;
      mutated[i] = c;
      corpus.push_back ({mutated, false});
    }
  }
}

std::vector<Case>
make_corpus ()
{
  std::vector<Case> corpus;
  add_common_forms (corpus);
  add_near_misses (corpus);
  return corpus;
}

/* A text for failure messages: short, one line. */
std::string
shown (const std::string & text)
{
  g_autofree gchar * escaped =
      g_strescape (text.substr (0, 160).c_str (), nullptr);
  return std::string (escaped) + (text.size () > 160 ? "…" : "");
}

} // namespace

GST_START_TEST (test_scan_agrees_with_the_tree_parser)
{
  const std::vector<Case> corpus = make_corpus ();
  int taken = 0, declined = 0;

  for (const Case & c : corpus) {
    g_autoptr (GError) tree_error = nullptr;
    std::optional<ServerEvent> tree =
        parse_server_event_tree (c.text, &tree_error);
    std::optional<ServerEvent> scanned = scan_audio_delta (c.text);

    if (c.common) {
      fail_unless (tree.has_value (),
          "the full parser refuses a common form "
          "(%s): %s",
          tree_error ? tree_error->message : "", shown (c.text).c_str ());
      fail_unless (scanned.has_value (),
          "the light path declines a common "
          "form: %s",
          shown (c.text).c_str ());
    }
    if (scanned) {
      taken++;
      fail_unless (tree.has_value (),
          "the light path reads a text the full "
          "parser refuses (%s): %s",
          tree_error->message, shown (c.text).c_str ());
      const std::string diff = server_event_diff (*scanned, *tree);
      fail_unless (diff.empty (), "light path | full parser differ in %s: %s",
          diff.c_str (), shown (c.text).c_str ());
    } else {
      declined++;
    }
  }
  GST_INFO ("%zu texts: %d taken by the light path, %d declined",
      corpus.size (), taken, declined);
  fail_unless (declined > 0 && taken > 0);
}
GST_END_TEST;

GST_START_TEST (test_parse_agrees_with_the_tree_parser)
{
  for (const Case & c : make_corpus ()) {
    g_autoptr (GError) tree_error = nullptr;
    g_autoptr (GError) error = nullptr;
    std::optional<ServerEvent> tree =
        parse_server_event_tree (c.text, &tree_error);
    std::optional<ServerEvent> ev = parse_server_event (c.text, &error);

    fail_unless_equals_int (ev.has_value (), tree.has_value ());
    if (ev) {
      fail_unless (error == nullptr);
      const std::string diff = server_event_diff (*ev, *tree);
      fail_unless (diff.empty (),
          "parse_server_event | full parser differ "
          "in %s: %s",
          diff.c_str (), shown (c.text).c_str ());
    } else {
      fail_unless (error != nullptr && tree_error != nullptr);
      fail_unless (error->domain == tree_error->domain &&
              error->code == tree_error->code,
          "error %d vs %d (%s): %s", error->code, tree_error->code,
          tree_error->message, shown (c.text).c_str ());
    }
  }
}
GST_END_TEST;

/* What the simulator sends, field by field, through the light path. */
GST_START_TEST (test_simulator_delta_is_read)
{
  std::vector<guint8> pcm (4800);
  for (gsize i = 0; i < pcm.size (); i++)
    pcm[i] = (guint8) (i * 7);
  const std::string text =
      "{\"type\":\"response.output_audio.delta\","
      "\"event_id\":\"event_12s1\",\"response_id\":\"resp_3\",\"item_id\":"
      "\"item_4\",\"output_index\":1,\"content_index\":0,\"delta\":\"" +
      base64_encode (pcm.data (), pcm.size ()) + "\"}";

  std::optional<ServerEvent> ev = scan_audio_delta (text);
  fail_unless (ev.has_value ());
  fail_unless (ev->type == ServerEventType::ResponseOutputAudioDelta);
  fail_unless_equals_string (ev->type_name.c_str (),
      "response.output_audio.delta");
  fail_unless_equals_string (ev->event_id.c_str (), "event_12s1");
  fail_unless_equals_string (ev->response_id.c_str (), "resp_3");
  fail_unless_equals_string (ev->item_id.c_str (), "item_4");
  fail_unless_equals_int (ev->output_index, 1);
  fail_unless_equals_int (ev->content_index, 0);
  fail_unless (ev->audio == pcm);
  fail_unless (ev->delta.empty ());
  fail_unless (ev->unknown_fields.empty ());
}
GST_END_TEST;

static Suite *
audio_delta_scan_suite (void)
{
  Suite * s = suite_create ("audio-delta-scan");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_simulator_delta_is_read);
  tcase_add_test (tc, test_scan_agrees_with_the_tree_parser);
  tcase_add_test (tc, test_parse_agrees_with_the_tree_parser);
  return s;
}

GST_CHECK_MAIN (audio_delta_scan);

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <gst/realtime/base64.h>
#include <gst/realtime/realtime-error.h>

#include <string>
#include <vector>

using namespace realtime;
using namespace std::literals;

static void
assert_encodes (const char * input, const char * expected)
{
  std::string text = base64_encode ((const guint8 *) input, strlen (input));
  fail_unless_equals_string (text.c_str (), expected);
}

GST_START_TEST (test_encode_rfc4648_vectors)
{
  assert_encodes ("", "");
  assert_encodes ("f", "Zg==");
  assert_encodes ("fo", "Zm8=");
  assert_encodes ("foo", "Zm9v");
  assert_encodes ("foob", "Zm9vYg==");
  assert_encodes ("fooba", "Zm9vYmE=");
  assert_encodes ("foobar", "Zm9vYmFy");
}
GST_END_TEST;

/* Every size from 0 to 1000 bytes (odd ones split a PCM16 sample) must
 * match GLib's encoder and decode back to the same bytes. */
GST_START_TEST (test_round_trip_all_sizes)
{
  GRand * rand = g_rand_new_with_seed (42);
  for (gsize size = 0; size <= 1000; size++) {
    std::vector<guint8> data (size);
    for (auto & b : data)
      b = (guint8) g_rand_int_range (rand, 0, 256);

    std::string text = base64_encode (data.data (), size);
    g_autofree gchar * reference = g_base64_encode (data.data (), size);
    fail_unless_equals_string (text.c_str (), reference);

    std::vector<guint8> decoded = {0xaa}; /* decode appends */
    g_autoptr (GError) error = nullptr;
    fail_unless (base64_decode_append (text, decoded, &error),
        "size %" G_GSIZE_FORMAT ": %s", size, error ? error->message : "");
    fail_unless_equals_int (decoded.size (), size + 1);
    fail_unless_equals_int (decoded[0], 0xaa);
    fail_unless (
        size == 0 || memcmp (decoded.data () + 1, data.data (), size) == 0);
  }
  g_rand_free (rand);
}
GST_END_TEST;

GST_START_TEST (test_encode_append_keeps_prefix)
{
  std::string out = "{\"audio\":\"";
  const guint8 pcm[] = {0x01, 0x00, 0xff};
  base64_encode_append (out, pcm, sizeof (pcm));
  fail_unless_equals_string (out.c_str (), "{\"audio\":\"AQD/");
}
GST_END_TEST;

GST_START_TEST (test_decode_rejects_invalid)
{
  const struct
  {
    std::string_view text;
    const char * why;
  } cases[] = {
      {"Zg="sv, "length not a multiple of 4"},
      {"Z"sv, "length not a multiple of 4"},
      {"Zm9v\n"sv, "whitespace"},
      {"Zm 9"sv, "space"},
      {"Zm9-"sv, "URL-safe alphabet"},
      {"Zm9_"sv, "URL-safe alphabet"},
      {"Zg==Zm9v"sv, "padding before the end"},
      {"Zm=v"sv, "data after padding"},
      {"===="sv, "only padding"},
      {"Z==="sv, "three padding characters"},
      {"Zh=="sv, "non-zero bits under padding"},
      {"Zm9="sv, "non-zero bits under padding"},
      {"Zm9v\xff\xfe\xfd\xfc"sv, "bytes outside ASCII"},
      {"Zm9v\0AAA"sv, "embedded NUL"},
  };

  for (const auto & c : cases) {
    std::vector<guint8> out = {1, 2, 3};
    g_autoptr (GError) error = nullptr;
    fail_if (base64_decode_append (c.text, out, &error), "accepted: %s", c.why);
    fail_unless (g_error_matches (error, REALTIME_PROTOCOL_ERROR,
                     REALTIME_PROTOCOL_ERROR_INVALID_BASE64),
        "%s", c.why);
    /* A failed decode leaves the output as it was: no garbage appended. */
    fail_unless_equals_int (out.size (), 3);
    fail_unless_equals_int (out[2], 3);
  }
}
GST_END_TEST;

GST_START_TEST (test_decode_odd_sample_split)
{
  /* Three bytes: one whole PCM16 sample and half of the next. */
  std::vector<guint8> out;
  fail_unless (base64_decode_append ("AQD/", out, nullptr));
  fail_unless_equals_int (out.size (), 3);
  fail_unless_equals_int (out[0], 0x01);
  fail_unless_equals_int (out[1], 0x00);
  fail_unless_equals_int (out[2], 0xff);

  out.clear ();
  fail_unless (base64_decode_append ("", out, nullptr));
  fail_unless_equals_int (out.size (), 0);
}
GST_END_TEST;

static Suite *
base64_suite (void)
{
  Suite * s = suite_create ("base64");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_encode_rfc4648_vectors);
  tcase_add_test (tc, test_round_trip_all_sizes);
  tcase_add_test (tc, test_encode_append_keeps_prefix);
  tcase_add_test (tc, test_decode_rejects_invalid);
  tcase_add_test (tc, test_decode_odd_sample_split);
  return s;
}

GST_CHECK_MAIN (base64);

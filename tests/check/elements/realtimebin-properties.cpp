/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtimebin's properties are the user-facing contract (docs/realtimebin.md,
 * "Properties"): names, types, ranges, defaults, mutability and enum nicks are
 * what gst-launch users and apps script against. */
#include <gst/check/gstcheck.h>

#include <string>
#include <vector>

static GstElement *
make_bin (void)
{
  GstElement * bin = gst_element_factory_make ("realtimebin", nullptr);
  fail_unless (bin != nullptr);
  return bin;
}

static GParamSpec *
spec (GstElement * bin, const char * name)
{
  GParamSpec * p =
      g_object_class_find_property (G_OBJECT_GET_CLASS (bin), name);
  fail_unless (p != nullptr, "no property %s", name);
  return p;
}

static std::vector<std::string>
nicks (GType enum_or_flags)
{
  std::vector<std::string> out;
  gpointer klass = g_type_class_ref (enum_or_flags);
  if (G_IS_ENUM_CLASS (klass)) {
    GEnumClass * e = G_ENUM_CLASS (klass);
    for (guint i = 0; i < e->n_values; i++)
      out.push_back (e->values[i].value_nick);
  } else {
    GFlagsClass * f = G_FLAGS_CLASS (klass);
    for (guint i = 0; i < f->n_values; i++)
      out.push_back (f->values[i].value_nick);
  }
  g_type_class_unref (klass);
  return out;
}

GST_START_TEST (test_contract_names_types_defaults)
{
  GstElement * bin = make_bin ();
  const struct
  {
    const char * name;
    GType type;
    const char * default_text; /* serialized default, nullptr for NULL */
  } props[] = {
      {"url", G_TYPE_STRING, "wss://api.openai.com/v1/realtime"},
      {"model", G_TYPE_STRING, "gpt-realtime-2.1"},
      {"voice", G_TYPE_STRING, "marin"},
      {"instructions", G_TYPE_STRING, nullptr},
      {"vad-threshold", G_TYPE_DOUBLE, "0.5"},
      {"vad-prefix-padding-ms", G_TYPE_UINT, "300"},
      {"vad-silence-duration-ms", G_TYPE_UINT, "500"},
      {"create-response", G_TYPE_BOOLEAN, "true"},
      {"interrupt-response", G_TYPE_BOOLEAN, "true"},
      {"input-transcription-model", G_TYPE_STRING, "gpt-transcribe"},
      {"transcription-language", G_TYPE_STRING, nullptr},
      {"max-output-tokens", G_TYPE_INT, "0"},
      {"speed", G_TYPE_DOUBLE, "1"},
      {"tools", G_TYPE_STRING, nullptr},
      {"tool-choice", G_TYPE_STRING, "auto"},
      {"session-config", G_TYPE_STRING, nullptr},
      {"turn-detection", G_TYPE_INVALID, "server-vad"},
      {"vad-eagerness", G_TYPE_INVALID, "auto"},
      {"noise-reduction", G_TYPE_INVALID, "none"},
      {"output-modalities", G_TYPE_INVALID, "audio"},
      {"text-roles", G_TYPE_INVALID, "assistant"},
      {"ca-file", G_TYPE_STRING, nullptr},
      {"latency", G_TYPE_UINT, "100"},
      {"input-chunk-ms", G_TYPE_UINT, "50"},
      {"eos-timeout-ms", G_TYPE_UINT, "30000"},
      {"reconnect-attempts", G_TYPE_UINT, "5"},
      {"reconnect-initial-delay-ms", G_TYPE_UINT, "500"},
      {"reconnect-max-delay-ms", G_TYPE_UINT, "8000"},
      {"stall-timeout-ms", G_TYPE_UINT, "15000"},
      {"input-backlog-ms", G_TYPE_UINT, "10000"},
      {"replay-turns", G_TYPE_UINT, "20"},
      {"interrupt-flush", G_TYPE_BOOLEAN, "true"},
      {"rollover-margin-s", G_TYPE_UINT, "120"},
      {"max-incoming-payload", G_TYPE_UINT, "16777216"},
      {"client-secret-url", G_TYPE_STRING, nullptr},
  };

  for (const auto & p : props) {
    GParamSpec * ps = spec (bin, p.name);
    if (p.type != G_TYPE_INVALID)
      fail_unless (G_PARAM_SPEC_VALUE_TYPE (ps) == p.type, "%s type", p.name);
    fail_unless (ps->flags & G_PARAM_READABLE, "%s readable", p.name);
    fail_unless (g_param_spec_get_blurb (ps)[0] != '\0');

    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_PARAM_SPEC_VALUE_TYPE (ps));
    g_object_get_property (G_OBJECT (bin), p.name, &v);
    if (G_VALUE_HOLDS_STRING (&v)) {
      fail_unless_equals_string (g_value_get_string (&v), p.default_text);
    } else {
      /* Parse the expected text as gst-launch would, compare the values. */
      GValue expected = G_VALUE_INIT;
      g_value_init (&expected, G_PARAM_SPEC_VALUE_TYPE (ps));
      fail_unless (gst_value_deserialize (&expected, p.default_text),
          "%s: cannot parse %s", p.name, p.default_text);
      fail_unless (gst_value_compare (&v, &expected) == GST_VALUE_EQUAL,
          "%s default is not %s", p.name, p.default_text);
      g_value_unset (&expected);
    }
    g_value_unset (&v);
  }
  gst_object_unref (bin);
}
GST_END_TEST;

GST_START_TEST (test_ranges_and_mutability)
{
  GstElement * bin = make_bin ();
  GParamSpecDouble * threshold =
      G_PARAM_SPEC_DOUBLE (spec (bin, "vad-threshold"));
  fail_unless_equals_float (threshold->minimum, 0.0);
  fail_unless_equals_float (threshold->maximum, 1.0);
  GParamSpecDouble * speed = G_PARAM_SPEC_DOUBLE (spec (bin, "speed"));
  fail_unless_equals_float (speed->minimum, 0.25);
  fail_unless_equals_float (speed->maximum, 1.5);
  GParamSpecInt * tokens = G_PARAM_SPEC_INT (spec (bin, "max-output-tokens"));
  fail_unless_equals_int (tokens->minimum, 0);
  fail_unless_equals_int (tokens->maximum, 4096);

  /* Connection settings: READY at the latest. The session's: any time. */
  for (const char * name :
      {"url", "model", "api-key", "ca-file", "reconnect-attempts",
          "stall-timeout-ms", "input-backlog-ms", "replay-turns",
          "rollover-margin-s", "max-incoming-payload", "interrupt-flush"})
    fail_unless (spec (bin, name)->flags & GST_PARAM_MUTABLE_READY, "%s", name);
  for (const char * name : {"voice", "instructions", "turn-detection",
           "vad-threshold", "tools", "session-config", "text-roles"})
    fail_unless (spec (bin, name)->flags & GST_PARAM_MUTABLE_PLAYING, "%s",
        name);
  gst_object_unref (bin);
}
GST_END_TEST;

GST_START_TEST (test_enum_nicks)
{
  GstElement * bin = make_bin ();
  const struct
  {
    const char * property;
    std::vector<std::string> expected;
  } enums[] = {
      {"turn-detection", {"server-vad", "semantic-vad", "none"}},
      {"vad-eagerness", {"auto", "low", "medium", "high"}},
      {"noise-reduction", {"none", "near-field", "far-field"}},
      {"output-modalities", {"audio", "text"}},
      {"text-roles", {"assistant", "user"}},
  };
  for (const auto & e : enums)
    fail_unless (nicks (G_PARAM_SPEC_VALUE_TYPE (spec (bin, e.property))) ==
            e.expected,
        "%s nicks", e.property);
  gst_object_unref (bin);
}
GST_END_TEST;

/* As gst-launch sets them: from strings. */
GST_START_TEST (test_set_like_gst_launch)
{
  GstElement * bin = make_bin ();
  gst_util_set_object_arg (G_OBJECT (bin), "turn-detection", "semantic-vad");
  gst_util_set_object_arg (G_OBJECT (bin), "vad-eagerness", "high");
  gst_util_set_object_arg (G_OBJECT (bin), "text-roles", "assistant+user");
  gst_util_set_object_arg (G_OBJECT (bin), "noise-reduction", "far-field");
  gst_util_set_object_arg (G_OBJECT (bin), "max-output-tokens", "250");
  gst_util_set_object_arg (G_OBJECT (bin), "voice", "cedar");
  gst_util_set_object_arg (G_OBJECT (bin), "url",
      "ws://127.0.0.1:8765/v1/realtime");

  gint td = 0, eagerness = 0, nr = 0, tokens = 0;
  guint roles = 0;
  g_autofree gchar *voice = nullptr, *url = nullptr;
  g_object_get (bin, "turn-detection", &td, "vad-eagerness", &eagerness,
      "text-roles", &roles, "noise-reduction", &nr, "max-output-tokens",
      &tokens, "voice", &voice, "url", &url, nullptr);
  fail_unless_equals_int (td, 1);
  fail_unless_equals_int (eagerness, 3);
  fail_unless_equals_int (roles, 3);
  fail_unless_equals_int (nr, 2);
  fail_unless_equals_int (tokens, 250);
  fail_unless_equals_string (voice, "cedar");
  fail_unless_equals_string (url, "ws://127.0.0.1:8765/v1/realtime");

  /* NULL brings a string with a default back to it. */
  g_object_set (bin, "voice", nullptr, "url", nullptr, "tool-choice", nullptr,
      nullptr);
  g_autofree gchar *voice2 = nullptr, *url2 = nullptr, *choice = nullptr;
  g_object_get (bin, "voice", &voice2, "url", &url2, "tool-choice", &choice,
      nullptr);
  fail_unless_equals_string (voice2, "marin");
  fail_unless_equals_string (url2, "wss://api.openai.com/v1/realtime");
  fail_unless_equals_string (choice, "auto");
  gst_object_unref (bin);
}
GST_END_TEST;

/* The key can be set, never read back. */
GST_START_TEST (test_api_key_is_write_only)
{
  g_setenv ("OPENAI_API_KEY", "sk-from-environment-0123456789", TRUE);
  GstElement * bin = make_bin ();
  GParamSpec * key = spec (bin, "api-key");
  fail_unless (key->flags & G_PARAM_WRITABLE);
  fail_if (key->flags & G_PARAM_READABLE);
  fail_unless (G_PARAM_SPEC_STRING (key)->default_value == nullptr,
      "the default shown by gst-inspect is not the key");
  g_object_set (bin, "api-key", "sk-set-by-property-9876543210", nullptr);
  gst_object_unref (bin);
  g_unsetenv ("OPENAI_API_KEY");
}
GST_END_TEST;

/* A launch line may name its own elements as it likes: references are
 * looked up recursively, so realtimebin's children must not take the
 * plain names ("input", "audio_output"…) users pick. */
GST_START_TEST (test_launch_names_are_the_users)
{
  for (const char * name : {"input", "audio_output", "text_output",
           "input_convert", "output_resample"}) {
    std::string launch = std::string ("audiotestsrc num-buffers=1 ! ") + name +
        ". concat name=" + name + " ! realtimebin name=rt";
    g_autoptr (GError) error = nullptr;
    GstElement * p = gst_parse_launch_full (launch.c_str (), nullptr,
        GST_PARSE_FLAG_FATAL_ERRORS, &error);
    fail_unless (p != nullptr, "%s: %s", launch.c_str (),
        error ? error->message : "");
    gst_object_unref (p);
  }
}
GST_END_TEST;

static Suite *
realtimebin_properties_suite (void)
{
  Suite * s = suite_create ("realtimebin-properties");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_contract_names_types_defaults);
  tcase_add_test (tc, test_ranges_and_mutability);
  tcase_add_test (tc, test_enum_nicks);
  tcase_add_test (tc, test_set_like_gst_launch);
  tcase_add_test (tc, test_api_key_is_write_only);
  tcase_add_test (tc, test_launch_names_are_the_users);
  return s;
}

GST_CHECK_MAIN (realtimebin_properties);

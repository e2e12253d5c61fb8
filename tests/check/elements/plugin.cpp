/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The `realtime` plugin and the `realtimebin` skeleton: registry entries,
 * element metadata, pads, and the honest refusal to go to READY.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

struct ExpectedPad
{
  const gchar * name;
  GstPadDirection direction;
  const gchar * caps;
};

/* docs/realtimebin.md, "Pads" */
static const ExpectedPad expected_pads[] = {
    {"sink_audio", GST_PAD_SINK, "audio/x-raw"},
    {"src_audio", GST_PAD_SRC, "audio/x-raw"},
    {"src_text", GST_PAD_SRC, "text/x-raw, format=(string)utf8"},
};

static const ExpectedPad *
find_expected_pad (const gchar * name)
{
  for (const ExpectedPad & e : expected_pads) {
    if (g_strcmp0 (e.name, name) == 0)
      return &e;
  }
  return nullptr;
}

static void
assert_caps_equal_str (GstCaps * caps, const gchar * expected_str)
{
  GstCaps * expected = gst_caps_from_string (expected_str);
  gchar * got = gst_caps_to_string (caps);

  fail_unless (expected != nullptr);
  fail_unless (gst_caps_is_equal (caps, expected),
      "caps are '%s', expected '%s'", got, expected_str);

  g_free (got);
  gst_caps_unref (expected);
}

GST_START_TEST (test_plugin_in_registry)
{
  GstPlugin * plugin =
      gst_registry_find_plugin (gst_registry_get (), "realtime");
  gchar * basename;

  fail_unless (plugin != nullptr, "plugin 'realtime' not in the registry");

  fail_unless_equals_string (gst_plugin_get_name (plugin), "realtime");
  fail_unless_equals_string (gst_plugin_get_description (plugin),
      "OpenAI Realtime API (speech-to-speech) elements");
  fail_unless_equals_string (gst_plugin_get_license (plugin), "LGPL");
  fail_unless_equals_string (gst_plugin_get_source (plugin), "gst-realtime");
  fail_unless_equals_string (gst_plugin_get_package (plugin), "gst-realtime");
  fail_unless_equals_string (gst_plugin_get_version (plugin), VERSION);
  fail_unless_equals_string (gst_plugin_get_origin (plugin),
      GST_PACKAGE_ORIGIN);

  basename = g_path_get_basename (gst_plugin_get_filename (plugin));
  fail_unless_equals_string (basename, "libgstrealtime.so");
  g_free (basename);

  gst_object_unref (plugin);
}

GST_END_TEST;

GST_START_TEST (test_factory_metadata)
{
  GstElementFactory * factory = gst_element_factory_find ("realtimebin");
  const GList * l;
  guint n_templates = 0;

  fail_unless (factory != nullptr, "no 'realtimebin' factory");

  fail_unless_equals_string (gst_plugin_feature_get_plugin_name (
                                 GST_PLUGIN_FEATURE (factory)),
      "realtime");
  fail_unless_equals_int (gst_plugin_feature_get_rank (
                              GST_PLUGIN_FEATURE (factory)),
      GST_RANK_NONE);

  /* The element type is known once the plugin is loaded. */
  GstPluginFeature * loaded =
      gst_plugin_feature_load (GST_PLUGIN_FEATURE (factory));
  fail_unless (loaded != nullptr, "could not load the realtimebin factory");
  fail_unless (g_type_is_a (gst_element_factory_get_element_type (
                                GST_ELEMENT_FACTORY (loaded)),
      GST_TYPE_BIN));
  gst_object_unref (loaded);

  fail_unless_equals_string (gst_element_factory_get_metadata (factory,
                                 GST_ELEMENT_METADATA_LONGNAME),
      "OpenAI Realtime conversation");
  fail_unless_equals_string (gst_element_factory_get_metadata (factory,
                                 GST_ELEMENT_METADATA_KLASS),
      "Filter/Audio/Network");
  fail_unless_equals_string (gst_element_factory_get_metadata (factory,
                                 GST_ELEMENT_METADATA_AUTHOR),
      "gst-realtime developers");

  const gchar * description = gst_element_factory_get_metadata (factory,
      GST_ELEMENT_METADATA_DESCRIPTION);
  fail_unless (description != nullptr);
  fail_unless (strstr (description, "OpenAI Realtime (GA)") != nullptr,
      "description '%s' does not name the GA Realtime API", description);
  fail_unless (strstr (description, "WebSocket") != nullptr,
      "description '%s' does not mention WebSocket", description);

  /* The factory's templates are exactly the three of docs/realtimebin.md,
   * "Pads". */
  for (l = gst_element_factory_get_static_pad_templates (factory); l;
       l = l->next) {
    GstStaticPadTemplate * st = (GstStaticPadTemplate *) l->data;
    const ExpectedPad * e = find_expected_pad (st->name_template);
    GstCaps * caps;

    fail_unless (e != nullptr, "unexpected pad template '%s'",
        st->name_template);
    fail_unless_equals_int (st->direction, e->direction);
    fail_unless_equals_int (st->presence, GST_PAD_ALWAYS);

    caps = gst_static_caps_get (&st->static_caps);
    assert_caps_equal_str (caps, e->caps);
    gst_caps_unref (caps);
    n_templates++;
  }
  fail_unless_equals_int (n_templates, G_N_ELEMENTS (expected_pads));

  gst_object_unref (factory);
}

GST_END_TEST;

GST_START_TEST (test_element_pads)
{
  GstElement * bin = gst_element_factory_make ("realtimebin", nullptr);
  guint16 n_pads;

  fail_unless (bin != nullptr, "could not create realtimebin");
  fail_unless (GST_IS_BIN (bin));

  /* Exactly the three pads of docs/realtimebin.md, "Pads", each from its
   * template. */
  GST_OBJECT_LOCK (bin);
  n_pads = bin->numpads;
  GST_OBJECT_UNLOCK (bin);
  fail_unless_equals_int (n_pads, G_N_ELEMENTS (expected_pads));

  for (const ExpectedPad & e : expected_pads) {
    GstPad * pad = gst_element_get_static_pad (bin, e.name);
    GstPadTemplate * templ;
    GstCaps * caps;

    fail_unless (pad != nullptr, "no pad '%s'", e.name);
    fail_unless_equals_int (gst_pad_get_direction (pad), e.direction);

    templ = gst_pad_get_pad_template (pad);
    fail_unless (templ != nullptr, "pad '%s' has no template", e.name);
    fail_unless_equals_string (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ), e.name);
    fail_unless_equals_int (GST_PAD_TEMPLATE_PRESENCE (templ), GST_PAD_ALWAYS);
    gst_object_unref (templ);

    caps = gst_pad_get_pad_template_caps (pad);
    assert_caps_equal_str (caps, e.caps);
    gst_caps_unref (caps);

    gst_object_unref (pad);
  }

  gst_object_unref (bin);
}

GST_END_TEST;

static gboolean
have_feature (const gchar * name)
{
  GstPluginFeature * f =
      gst_registry_lookup_feature (gst_registry_get (), name);
  if (f)
    gst_object_unref (f);
  return f != nullptr;
}

/* realtimebin converts its audio with audioconvert and audioresample. With
 * them, NULL->READY works; without them (the `plugin-without-base` run of
 * this test hides the system plugins) it fails with a MISSING_PLUGIN error
 * naming the element, and a missing-plugin message for installers. Which
 * of the two a run checks is set by tests/meson.build
 * (REALTIME_TEST_CONVERTERS), not guessed from what is installed: the
 * `plugin` run must see the converters, and fails if they are missing. */
GST_START_TEST (test_ready_needs_converters)
{
  const char * expect = g_getenv ("REALTIME_TEST_CONVERTERS");
  fail_unless (g_strcmp0 (expect, "present") == 0 ||
          g_strcmp0 (expect, "absent") == 0,
      "REALTIME_TEST_CONVERTERS is '%s', not present or absent",
      expect ? expect : "(unset)");
  const bool present = g_strcmp0 (expect, "present") == 0;
  const bool found =
      have_feature ("audioconvert") && have_feature ("audioresample");
  fail_unless (found == present,
      present ? "audioconvert and audioresample are missing: install "
                "gstreamer1.0-plugins-base (scripts/install-deps.sh does)"
              : "audioconvert/audioresample are visible in the run that "
                "hides them");

  GstElement * bin = gst_element_factory_make ("realtimebin", nullptr);
  GstBus * bus = gst_bus_new ();
  GstState state;

  fail_unless (bin != nullptr);
  gst_element_set_bus (bin, bus);

  if (present) {
    fail_unless_equals_int (gst_element_set_state (bin, GST_STATE_READY),
        GST_STATE_CHANGE_SUCCESS);
    fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR) == nullptr);
  } else {
    GError * err = nullptr;
    gchar * debug = nullptr;

    fail_unless_equals_int (gst_element_set_state (bin, GST_STATE_READY),
        GST_STATE_CHANGE_FAILURE);
    fail_unless_equals_int (gst_element_get_state (bin, &state, nullptr, 0),
        GST_STATE_CHANGE_FAILURE);
    fail_unless_equals_int (state, GST_STATE_NULL);

    GstMessage * msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
    fail_unless (msg != nullptr, "no missing-plugin message");
    fail_unless (gst_structure_has_name (gst_message_get_structure (msg),
        "missing-plugin"));
    gst_message_unref (msg);

    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (msg != nullptr, "no error message on the bus");
    gst_message_parse_error (msg, &err, &debug);
    fail_unless (g_error_matches (err, GST_CORE_ERROR,
                     GST_CORE_ERROR_MISSING_PLUGIN),
        "error is %s %d: %s", g_quark_to_string (err->domain), err->code,
        err->message);
    fail_unless (strstr (err->message, "audioconvert") != nullptr ||
            strstr (err->message, "audioresample") != nullptr,
        "error text '%s' does not name the missing element", err->message);
    g_clear_error (&err);
    g_free (debug);
    gst_message_unref (msg);
  }

  fail_unless_equals_int (gst_element_set_state (bin, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_bus_set_flushing (bus, TRUE);
  gst_element_set_bus (bin, nullptr);
  gst_object_unref (bus);
  gst_object_unref (bin);
}

GST_END_TEST;

static Suite *
plugin_suite (void)
{
  Suite * s = suite_create ("plugin");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_plugin_in_registry);
  tcase_add_test (tc, test_factory_metadata);
  tcase_add_test (tc, test_element_pads);
  tcase_add_test (tc, test_ready_needs_converters);

  return s;
}

GST_CHECK_MAIN (plugin);

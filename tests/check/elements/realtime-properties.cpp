/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The property table (plugins/realtime/gstrealtimeproperties.def) as a
 * second element uses it: a test element that talks to the service but
 * holds no conversation installs the shared groups by name, and gets the
 * same properties, defaults and ids as realtimebin, without the
 * conversation's. Compiled with the table's sources; the realtime plugin
 * is not loaded (its enum types would be registered twice). */
#include "../../plugins/realtime/gstrealtimeproperties.h"

#include <gst/check/gstcheck.h>

#include <string>

typedef struct
{
  GstElement parent;
  GstRealtimeSettings * settings;
  GstRealtimeApply last_apply;
} TestTranscriber;

typedef struct
{
  GstElementClass parent_class;
} TestTranscriberClass;

static GType test_transcriber_get_type (void);
G_DEFINE_TYPE (TestTranscriber, test_transcriber, GST_TYPE_ELEMENT)

static const guint kSharedGroups = GST_REALTIME_PROPERTY_GROUP_CONNECTION |
    GST_REALTIME_PROPERTY_GROUP_RELIABILITY |
    GST_REALTIME_PROPERTY_GROUP_INPUT | GST_REALTIME_PROPERTY_GROUP_VAD |
    GST_REALTIME_PROPERTY_GROUP_TRANSCRIPTION;

static void
test_transcriber_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec *)
{
  TestTranscriber * self = (TestTranscriber *) object;
  self->last_apply = gst_realtime_properties_set (GST_ELEMENT (self),
      *self->settings, prop_id, value);
}

static void
test_transcriber_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec *)
{
  TestTranscriber * self = (TestTranscriber *) object;
  if (!gst_realtime_properties_get (*self->settings, prop_id, value))
    g_value_set_string (value, "status of the test element");
}

static void
test_transcriber_finalize (GObject * object)
{
  delete ((TestTranscriber *) object)->settings;
  G_OBJECT_CLASS (test_transcriber_parent_class)->finalize (object);
}

static void
test_transcriber_class_init (TestTranscriberClass * klass)
{
  GObjectClass * gobject_class = G_OBJECT_CLASS (klass);
  gobject_class->set_property = test_transcriber_set_property;
  gobject_class->get_property = test_transcriber_get_property;
  gobject_class->finalize = test_transcriber_finalize;
  gst_realtime_properties_install (gobject_class, kSharedGroups);
}

static void
test_transcriber_init (TestTranscriber * self)
{
  self->settings = new GstRealtimeSettings ();
  self->last_apply = GstRealtimeApply::NONE;
}

static GParamSpec *
find (GObject * object, const char * name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);
}

/* The shared rows are there with realtimebin's defaults and ids; the
 * conversation's are not. */
GST_START_TEST (test_shared_groups_install_by_name)
{
  g_unsetenv ("OPENAI_API_KEY");
  GObject * t = G_OBJECT (g_object_new (test_transcriber_get_type (), nullptr));

  for (const char * name : {"url", "model", "api-key", "ca-file",
           "client-secret-url", "auth", "max-incoming-payload", "session-id",
           "reconnect-attempts", "reconnect-initial-delay-ms",
           "reconnect-max-delay-ms", "stall-timeout-ms", "input-backlog-ms",
           "rollover-margin-s", "input-chunk-ms", "noise-reduction",
           "turn-detection", "vad-threshold", "vad-prefix-padding-ms",
           "vad-silence-duration-ms", "vad-eagerness",
           "input-transcription-model", "transcription-language"})
    fail_unless (find (t, name) != nullptr, "no shared property %s", name);
  for (const char * name : {"voice", "instructions", "create-response",
           "interrupt-response", "output-modalities", "max-output-tokens",
           "speed", "tools", "tool-choice", "session-config", "text-roles",
           "latency", "eos-timeout-ms", "replay-turns", "prices", "stats"})
    fail_unless (find (t, name) == nullptr, "conversation property %s", name);

  fail_unless_equals_int (find (t, "stall-timeout-ms")->param_id,
      GST_REALTIME_PROP_STALL_TIMEOUT_MS);
  fail_unless (find (t, "url")->flags & GST_PARAM_MUTABLE_READY);
  fail_unless (find (t, "vad-threshold")->flags & GST_PARAM_MUTABLE_PLAYING);
  fail_if (find (t, "api-key")->flags & G_PARAM_READABLE);

  g_autofree gchar *url = nullptr, *model = nullptr, *tmodel = nullptr,
                   *lang = nullptr;
  guint stall = 0, chunk = 0, prefix = 0;
  gdouble threshold = 0;
  gint td = -1;
  g_object_get (t, "url", &url, "model", &model, "input-transcription-model",
      &tmodel, "transcription-language", &lang, "stall-timeout-ms", &stall,
      "input-chunk-ms", &chunk, "vad-prefix-padding-ms", &prefix,
      "vad-threshold", &threshold, "turn-detection", &td, nullptr);
  fail_unless_equals_string (url, "wss://api.openai.com/v1/realtime");
  fail_unless_equals_string (model, "gpt-realtime-2.1");
  fail_unless_equals_string (tmodel, "gpt-transcribe");
  fail_unless (lang == nullptr);
  fail_unless_equals_int (stall, 15000);
  fail_unless_equals_int (chunk, 50);
  fail_unless_equals_int (prefix, 300);
  fail_unless_equals_float (threshold, 0.5);
  fail_unless_equals_int (td, (gint) realtime::TurnDetection::ServerVad);
  g_object_unref (t);
}
GST_END_TEST;

/* Set lands in the settings field the row names, reads back, and says how
 * a running engine takes it. */
GST_START_TEST (test_set_get_and_apply)
{
  GObject * t = G_OBJECT (g_object_new (test_transcriber_get_type (), nullptr));
  TestTranscriber * self = (TestTranscriber *) t;

  gst_util_set_object_arg (t, "turn-detection", "semantic-vad");
  fail_unless (self->settings->session.turn_detection ==
      realtime::TurnDetection::SemanticVad);
  fail_unless (self->last_apply == GstRealtimeApply::SESSION_UPDATE);

  g_object_set (t, "stall-timeout-ms", 400u, nullptr);
  fail_unless_equals_int (self->settings->stall_timeout_ms, 400);
  fail_unless (self->last_apply == GstRealtimeApply::NEXT_START);

  g_object_set (t, "input-chunk-ms", 20u, nullptr);
  fail_unless_equals_int (self->settings->input_chunk_ms, 20);
  fail_unless (self->last_apply == GstRealtimeApply::INPUT_CHUNK);

  /* OPTIONAL_STRING: NULL or "" is unset and reads back NULL; STRING: NULL
   * restores the default. */
  g_object_set (t, "input-transcription-model", "", "url",
      "ws://127.0.0.1:1/v1/realtime", nullptr);
  fail_unless (self->settings->session.input_transcription_model.empty ());
  g_autofree gchar * tmodel = nullptr;
  g_object_get (t, "input-transcription-model", &tmodel, nullptr);
  fail_unless (tmodel == nullptr);
  g_object_set (t, "url", nullptr, nullptr);
  fail_unless (self->settings->url == "wss://api.openai.com/v1/realtime",
      "url %s", self->settings->url.c_str ());

  /* SECRET: stored, marked as set on the element, never read back. */
  g_object_set (t, "api-key", "sk-test-0123456789", nullptr);
  fail_unless (self->settings->api_key.set_on_element);
  fail_unless (self->settings->api_key.value == "sk-test-0123456789");

  /* A status row is the element's to answer. */
  g_autofree gchar * sid = nullptr;
  g_object_get (t, "session-id", &sid, nullptr);
  fail_unless_equals_string (sid, "status of the test element");
  g_object_unref (t);
}
GST_END_TEST;

static Suite *
realtime_properties_suite (void)
{
  Suite * s = suite_create ("realtime-properties");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_shared_groups_install_by_name);
  tcase_add_test (tc, test_set_get_and_apply);
  return s;
}

GST_CHECK_MAIN (realtime_properties);

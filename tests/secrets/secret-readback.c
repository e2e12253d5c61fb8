/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Helper of check-secrets.sh: realtimebin's `api-key` cannot be read back.
 *
 * Usage: secret-readback ok|refused URL
 * The key comes from the environment variable SECRETS_TEST_KEY (not from
 * the command line, so nothing but realtimebin itself gets to log it). The
 * key is set with g_object_set() on a realtimebin inside a pipeline
 * (audiotestsrc ! realtimebin, both src pads to fakesink) watched for
 * property notifications as `gst-launch-1.0 -v` does (GLib notifies only
 * readable properties, so api-key posts none); then:
 *
 * - the `api-key` param spec must be writable and not readable, and reading
 *   it anyway (g_object_get_property) must not give the key;
 * - every readable property of every element in the pipeline (realtimebin's
 *   internal children included) must not hold the key, before, after and
 *   torn down from a real run against URL;
 * - `ok`: the run reaches a `realtime-response` done and EOS, and afterwards
 *   `session-id` is a `sess_…` id and `stats` counts the response;
 *   `refused` (the server wants another key): the run ends with a
 *   RESOURCE/NOT_AUTHORIZED error.
 *
 * Everything it read (properties, every bus message with its structure,
 * errors and warnings with debug text and details) is printed on stdout, for
 * check-secrets.sh to grep for the key and its fragments. Exits 0 when all
 * checks pass, 1 with a reason on stderr otherwise (never printing the key).
 */

#include <gst/gst.h>
#include <string.h>

static const gchar * key;
static int failures;

static void
fail (const gchar * what)
{
  g_printerr ("secret-readback: FAIL: %s\n", what);
  failures++;
}

static gchar *
value_to_string (const GValue * v)
{
  gchar * s = NULL;
  if (G_VALUE_HOLDS_STRING (v))
    return g_strdup (
        g_value_get_string (v) ? g_value_get_string (v) : "(NULL)");
  if (G_VALUE_TYPE (v) != G_TYPE_INVALID)
    s = gst_value_serialize (v);
  return s ? s : g_strdup_value_contents (v);
}

/* Prints every readable property of one element; fails when one holds the
 * key. */
static void
dump_element (GstElement * e, const gchar * when)
{
  guint n = 0;
  GParamSpec ** specs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n);
  gchar * path = gst_object_get_path_string (GST_OBJECT (e));

  for (guint i = 0; i < n; i++) {
    GValue v = G_VALUE_INIT;
    gchar * s;

    if (!(specs[i]->flags & G_PARAM_READABLE))
      continue;
    g_value_init (&v, specs[i]->value_type);
    g_object_get_property (G_OBJECT (e), specs[i]->name, &v);
    s = value_to_string (&v);
    g_print ("property %s %s.%s = %s\n", when, path, specs[i]->name, s);
    if (strstr (s, key)) {
      gchar * why =
          g_strdup_printf ("%s: readable property %s.%s holds the key", when,
              path, specs[i]->name);
      fail (why);
      g_free (why);
    }
    g_free (s);
    g_value_unset (&v);
  }
  g_free (path);
  g_free (specs);
}

static void
dump_all (GstElement * pipeline, const gchar * when)
{
  GstIterator * it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;

  dump_element (pipeline, when);
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    dump_element (GST_ELEMENT (g_value_get_object (&item)), when);
    g_value_reset (&item);
  }
  g_value_unset (&item);
  gst_iterator_free (it);
}

/* api-key: write-only, and reading it anyway gives nothing. */
static void
check_api_key_spec (GstElement * rt)
{
  GParamSpec * spec =
      g_object_class_find_property (G_OBJECT_GET_CLASS (rt), "api-key");
  GValue v = G_VALUE_INIT;

  if (!spec) {
    fail ("realtimebin has no api-key property");
    return;
  }
  if (!(spec->flags & G_PARAM_WRITABLE))
    fail ("api-key is not writable");
  if (spec->flags & G_PARAM_READABLE)
    fail ("api-key is readable");
  if (g_param_spec_get_default_value (spec) &&
      G_VALUE_HOLDS_STRING (g_param_spec_get_default_value (spec)) &&
      g_strcmp0 (g_value_get_string (g_param_spec_get_default_value (spec)),
          NULL) != 0)
    fail ("api-key has a non-NULL default in its param spec");

  /* GLib refuses (with a warning on stderr) and leaves the value alone. */
  g_value_init (&v, G_TYPE_STRING);
  g_printerr ("secret-readback: reading api-key anyway; GLib should warn "
              "that it is not readable:\n");
  g_object_get_property (G_OBJECT (rt), "api-key", &v);
  if (g_value_get_string (&v) != NULL)
    fail ("reading api-key gave a string back");
  /* Never print the value itself: only whether there was one. */
  g_print ("property read-back api-key: %s\n",
      g_value_get_string (&v) ? "a string" : "(NULL)");
  g_value_unset (&v);
}

static void
print_message (GstMessage * msg)
{
  const GstStructure * s = gst_message_get_structure (msg);
  gchar * st = s ? gst_structure_to_string (s) : g_strdup ("(no structure)");
  GError * err = NULL;
  gchar * debug = NULL;
  const GstStructure * details = NULL;

  g_print ("message %s from %s: %s\n", GST_MESSAGE_TYPE_NAME (msg),
      GST_MESSAGE_SRC_NAME (msg), st);
  g_free (st);

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &debug);
      gst_message_parse_error_details (msg, &details);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &debug);
      gst_message_parse_warning_details (msg, &details);
      break;
    case GST_MESSAGE_INFO:
      gst_message_parse_info (msg, &err, &debug);
      gst_message_parse_info_details (msg, &details);
      break;
    default:
      return;
  }
  {
    gchar * d = details ? gst_structure_to_string (details) : NULL;
    g_print ("  %s %s/%d: %s\n  debug: %s\n  details: %s\n",
        GST_MESSAGE_TYPE_NAME (msg), g_quark_to_string (err->domain), err->code,
        err->message, debug ? debug : "(none)", d ? d : "(none)");
    g_free (d);
  }
  g_clear_error (&err);
  g_free (debug);
}

/* Runs the pipeline to EOS or an error (at most 15 s). */
static void
run (GstElement * pipeline, gboolean expect_ok)
{
  GstBus * bus = gst_element_get_bus (pipeline);
  gboolean eos = FALSE, response_done = FALSE, not_authorized = FALSE;
  gboolean other_error = FALSE;
  gint64 deadline = g_get_monotonic_time () + 15 * G_TIME_SPAN_SECOND;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    fail ("the pipeline did not start");

  while (!eos && !not_authorized && !other_error) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage * msg;

    if (left <= 0) {
      fail ("no EOS or error within 15 s");
      break;
    }
    msg = gst_bus_timed_pop (bus, left * GST_USECOND);
    if (!msg)
      continue;
    print_message (msg);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
      eos = TRUE;
    } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError * err = NULL;
      gst_message_parse_error (msg, &err, NULL);
      if (g_error_matches (err, GST_RESOURCE_ERROR,
              GST_RESOURCE_ERROR_NOT_AUTHORIZED))
        not_authorized = TRUE;
      else
        other_error = TRUE;
      g_clear_error (&err);
    } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT &&
        gst_message_has_name (msg, "realtime-response") &&
        g_strcmp0 (gst_structure_get_string (gst_message_get_structure (msg),
                       "event"),
            "done") == 0) {
      response_done = TRUE;
    }
    gst_message_unref (msg);
  }
  gst_object_unref (bus);

  if (expect_ok && !(eos && response_done))
    fail ("expected a realtime-response done and EOS");
  if (!expect_ok && !not_authorized)
    fail ("expected a RESOURCE/NOT_AUTHORIZED error");
  if (other_error)
    fail ("an unexpected error");
}

static void
check_session (GstElement * rt, gboolean expect_ok)
{
  gchar * session_id = NULL;
  GstStructure * stats = NULL;
  guint64 responses = 0, events_sent = 0;

  g_object_get (rt, "session-id", &session_id, "stats", &stats, NULL);
  g_print ("session-id after the run: %s\n",
      session_id ? session_id : "(NULL)");
  if (stats) {
    gchar * s = gst_structure_to_string (stats);
    g_print ("stats after the run: %s\n", s);
    g_free (s);
    gst_structure_get_uint64 (stats, "responses", &responses);
    gst_structure_get_uint64 (stats, "events-sent", &events_sent);
  } else {
    fail ("no stats after the run");
  }
  if (expect_ok) {
    if (!session_id || !g_str_has_prefix (session_id, "sess_"))
      fail ("session-id is not a sess_ id after a conversation");
    if (responses < 1 || events_sent < 1)
      fail ("stats do not count the conversation");
  }
  g_free (session_id);
  if (stats)
    gst_structure_free (stats);
}

int
main (int argc, char ** argv)
{
  GstElement *pipeline, *rt;
  GError * err = NULL;
  gboolean expect_ok;
  gchar * url_prop;

  gst_init (&argc, &argv);
  key = g_getenv ("SECRETS_TEST_KEY");
  if (argc != 3 || !key || strlen (key) < 16 ||
      (strcmp (argv[1], "ok") != 0 && strcmp (argv[1], "refused") != 0)) {
    g_printerr ("usage: SECRETS_TEST_KEY=KEY %s ok|refused URL\n", argv[0]);
    return 2;
  }
  expect_ok = strcmp (argv[1], "ok") == 0;

  pipeline = gst_parse_launch (
      "audiotestsrc num-buffers=40 ! realtimebin "
      "name=rt rt.src_audio ! fakesink rt.src_text ! fakesink",
      &err);
  if (!pipeline) {
    g_printerr ("secret-readback: %s\n", err->message);
    return 1;
  }
  rt = gst_bin_get_by_name (GST_BIN (pipeline), "rt");
  /* Every property change in the pipeline is posted, with its value when
   * the property is readable, as `gst-launch-1.0 -v` does. */
  gst_element_add_property_deep_notify_watch (pipeline, NULL, TRUE);
  gst_element_add_property_notify_watch (rt, NULL, TRUE);

  url_prop = g_strdup (argv[2]);
  g_object_set (rt, "url", url_prop, "api-key", key, NULL);
  g_free (url_prop);

  check_api_key_spec (rt);
  dump_all (pipeline, "before");
  run (pipeline, expect_ok);
  dump_all (pipeline, "after");
  /* Written only when GST_DEBUG_DUMP_DOT_DIR is set: every non-default
   * readable property, values in full. */
  GST_DEBUG_BIN_TO_DOT_FILE (GST_BIN (pipeline),
      GST_DEBUG_GRAPH_SHOW_ALL | GST_DEBUG_GRAPH_SHOW_FULL_PARAMS,
      "secret-readback-after-run");
  check_session (rt, expect_ok);
  check_api_key_spec (rt);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  dump_all (pipeline, "stopped");
  check_session (rt, FALSE);

  gst_object_unref (rt);
  gst_object_unref (pipeline);
  if (failures) {
    g_printerr ("secret-readback: %d check(s) failed\n", failures);
    return 1;
  }
  g_print ("secret-readback: all checks passed (%s)\n", argv[1]);
  return 0;
}

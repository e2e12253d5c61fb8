/* gst-realtime example: answer the model's function calls.
 *
 * Asks realtimebin a spoken question (a WAV file) with one function tool,
 * get_time, and answers the model's call from the `function-call` signal;
 * the model then speaks the answer, which goes to a WAV file. Transcripts
 * and function calls are printed from the bus.
 *
 *   realtime-function-call QUESTION.wav REPLY.wav [URL]
 *
 * Without URL it talks to OpenAI (OPENAI_API_KEY must be set); with the
 * simulator's URL it runs offline:
 *
 *   gst-realtime-simulator --port 8765 --scenario examples/get-time.json &
 *   realtime-function-call question.wav reply.wav ws://127.0.0.1:8765/v1/realtime
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/gst.h>
#include <json-glib/json-glib.h>

static const char *TOOLS =
    "[{\"type\":\"function\",\"name\":\"get_time\","
    "\"description\":\"The current time in a time zone\","
    "\"parameters\":{\"type\":\"object\",\"properties\":"
    "{\"tz\":{\"type\":\"string\",\"description\":\"IANA time zone, e.g. "
    "Europe/Paris\"}},\"required\":[\"tz\"]}}]";

/* The function itself: {"tz": "..."} -> {"tz": "...", "time": "HH:MM"}. */
static gchar *
get_time (const gchar * arguments)
{
  JsonParser *parser = json_parser_new ();
  const gchar *tz_name = "UTC";

  if (json_parser_load_from_data (parser, arguments, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    JsonObject *args = json_node_get_object (json_parser_get_root (parser));
    if (json_object_has_member (args, "tz"))
      tz_name = json_object_get_string_member_with_default (args, "tz", "UTC");
  }

  GTimeZone *tz = g_time_zone_new_identifier (tz_name);
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  GDateTime *now = g_date_time_new_now (tz);
  gchar *time = g_date_time_format (now, "%H:%M");
  gchar *output = g_strdup_printf ("{\"tz\":\"%s\",\"time\":\"%s\"}",
      g_time_zone_get_identifier (tz), time);

  g_free (time);
  g_date_time_unref (now);
  g_time_zone_unref (tz);
  g_object_unref (parser);
  return output;
}

/* Runs on realtimebin's I/O thread: answer quickly, or return NULL and
 * answer later with the send-function-result action signal. */
static gchar *
on_function_call (G_GNUC_UNUSED GstElement * rt,
    G_GNUC_UNUSED const gchar * call_id, const gchar * name,
    const gchar * arguments, G_GNUC_UNUSED gpointer user_data)
{
  if (g_strcmp0 (name, "get_time") != 0)
    return NULL;
  gchar *output = get_time (arguments);
  g_print ("function %s(%s) -> %s\n", name, arguments, output);
  return output;
}

static gboolean
on_message (G_GNUC_UNUSED GstBus * bus, GstMessage * msg, gpointer user_data)
{
  GMainLoop *loop = user_data;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err = NULL;
      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("error: %s\n", err->message);
      g_error_free (err);
      g_main_loop_quit (loop);
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (loop);
      break;
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (msg);
      gboolean final = FALSE;
      if (gst_structure_has_name (s, "realtime-transcript")
          && gst_structure_get_boolean (s, "final", &final) && final)
        g_print ("%s: %s\n", gst_structure_get_string (s, "role"),
            gst_structure_get_string (s, "text"));
      else if (gst_structure_has_name (s, "realtime-function-call"))
        g_print ("the model calls %s\n", gst_structure_get_string (s, "name"));
      break;
    }
    default:
      break;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc < 3 || argc > 4) {
    g_printerr ("usage: %s QUESTION.wav REPLY.wav [URL]\n", argv[0]);
    return 2;
  }

  GError *err = NULL;
  gchar *description = g_strdup_printf ("filesrc name=in ! wavparse ! "
      "realtimebin name=rt rt.src_audio ! audioconvert ! wavenc ! "
      "filesink name=out");
  GstElement *pipeline = gst_parse_launch (description, &err);
  g_free (description);
  if (pipeline == NULL) {
    g_printerr ("could not build the pipeline: %s\n", err->message);
    return 1;
  }

  GstElement *in = gst_bin_get_by_name (GST_BIN (pipeline), "in");
  GstElement *out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  GstElement *rt = gst_bin_get_by_name (GST_BIN (pipeline), "rt");
  g_object_set (in, "location", argv[1], NULL);
  g_object_set (out, "location", argv[2], NULL);
  g_object_set (rt, "tools", TOOLS,
      "instructions", "Use get_time to tell the time. Answer briefly.", NULL);
  if (argc == 4)
    g_object_set (rt, "url", argv[3], NULL);
  g_signal_connect (rt, "function-call", G_CALLBACK (on_function_call), NULL);

  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  GstBus *bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, on_message, loop);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_main_loop_run (loop);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (in);
  gst_object_unref (out);
  gst_object_unref (rt);
  gst_object_unref (pipeline);
  g_main_loop_unref (loop);
  return 0;
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* gst-realtime example: an RTSP camera talks with the Realtime API.
 *
 * The camera's audio (rtspsrc, its audio stream only, any codec decodebin
 * decodes: PCMU, PCMA, AAC...) goes into realtimebin; the assistant's voice
 * is served as an RTSP stream (gst-rtsp-server) and, with --backchannel,
 * sent to the camera's speaker over its ONVIF backchannel.
 *
 *   realtime-rtsp-bridge rtsp://camera/stream [--url URL] [--port 8554]
 *       [--mount /assistant] [--codec opus|pcmu] [--backchannel] [--tcp]
 *       [--set PROPERTY=VALUE]...
 *
 * See docs/examples.md ("RTSP camera bridge") and --help.
 */

#include "backchannel.h"
#include "reply-relay.h"
#include "reply-server.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_PORT 8554
#define DEFAULT_MOUNT "/assistant"
#define DEFAULT_CODEC "opus"
#define DEFAULT_CAMERA_LATENCY_MS 200

/* Exit statuses, as --help says. */
#define EXIT_STOPPED 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2

typedef struct
{
  GMainLoop * loop;
  GstElement * pipeline;
  GstElement * camera;   /* rtspsrc */
  GstElement * realtime; /* realtimebin */
  ReplyRelay * relay;
  gchar * camera_url; /* without the password, for messages */
  int exit_status;

  GMutex lock; /* for what rtspsrc's threads touch: */
  gboolean want_backchannel;
  Backchannel * backchannel;
  gint audio_stream;     /* the stream selected, or -1 */
  GString * offered;     /* what the camera offered, for errors */
  GstElement * decoder;  /* decodebin of the camera's audio */
  GstPad * decoded_from; /* the rtspsrc pad feeding it */
  gchar * audio_codec;   /* e.g. "PCMU 8000 Hz" */
} Bridge;

static void
bridge_reset_streams (Bridge * bridge)
{
  g_mutex_lock (&bridge->lock);
  bridge->audio_stream = -1;
  g_string_truncate (bridge->offered, 0);
  g_mutex_unlock (&bridge->lock);
}

static gchar *
describe_rtp (const GstStructure * s)
{
  const gchar * name = gst_structure_get_string (s, "encoding-name");
  gint rate = 0;

  gst_structure_get_int (s, "clock-rate", &rate);
  return g_strdup_printf ("%s %d Hz", name ? name : "unknown codec", rate);
}

/* rtspsrc asks, for each stream of the camera, whether to set it up: the
 * first audio stream, and the backchannel when asked for; no video. */
static gboolean
on_select_stream (GstElement * rtspsrc, guint id, GstCaps * caps,
    Bridge * bridge)
{
  const GstStructure * s = gst_caps_get_structure (caps, 0);
  const gchar * media = gst_structure_get_string (s, "media");
  const gchar * encoding = gst_structure_get_string (s, "encoding-name");
  gboolean backchannel = gst_structure_has_field (s, "a-sendonly");
  gboolean take = FALSE;

  g_mutex_lock (&bridge->lock);
  g_string_append_printf (bridge->offered, "%s%s %s%s",
      bridge->offered->len ? ", " : "", media ? media : "?",
      encoding ? encoding : "?", backchannel ? " (backchannel)" : "");
  if (backchannel) {
    if (bridge->want_backchannel && bridge->backchannel == NULL) {
      GError * error = NULL;
      bridge->backchannel =
          backchannel_new (rtspsrc, id, caps, bridge->relay, &error);
      if (bridge->backchannel) {
        g_print ("backchannel: %s\n",
            backchannel_describe (bridge->backchannel));
        take = TRUE;
      } else {
        g_printerr ("warning: not using the backchannel: %s\n", error->message);
        g_error_free (error);
      }
    }
  } else if (g_strcmp0 (media, "audio") == 0 && bridge->audio_stream < 0) {
    bridge->audio_stream = id;
    take = TRUE;
  }
  g_mutex_unlock (&bridge->lock);
  return take;
}

static void
on_decoded_pad (G_GNUC_UNUSED GstElement * decoder, GstPad * pad,
    Bridge * bridge)
{
  GstCaps * caps = gst_pad_get_current_caps (pad);
  gboolean raw_audio = caps &&
      g_str_has_prefix (gst_structure_get_name (
                            gst_caps_get_structure (caps, 0)),
          "audio/x-raw");
  GstPad * sink = gst_element_get_static_pad (bridge->realtime, "sink_audio");

  if (raw_audio && !gst_pad_is_linked (sink) &&
      GST_PAD_LINK_FAILED (gst_pad_link (pad, sink)))
    g_printerr ("warning: cannot feed the camera's audio to realtimebin\n");
  gst_object_unref (sink);
  if (caps)
    gst_caps_unref (caps);
}

/* The camera's audio stream: decode it into realtimebin. */
static void
on_camera_pad (G_GNUC_UNUSED GstElement * rtspsrc, GstPad * pad,
    Bridge * bridge)
{
  GstCaps * caps = gst_pad_get_current_caps (pad);
  GstElement * decoder;

  if (caps == NULL)
    return;
  gchar * codec = describe_rtp (gst_caps_get_structure (caps, 0));
  gst_caps_unref (caps);

  g_mutex_lock (&bridge->lock);
  if (bridge->decoder) {
    g_mutex_unlock (&bridge->lock);
    g_printerr ("warning: the camera sent a second audio stream (%s); only "
                "the first one is heard\n",
        codec);
    g_free (codec);
    return;
  }
  decoder = bridge->decoder = gst_element_factory_make ("decodebin", NULL);
  bridge->decoded_from = pad;
  g_free (bridge->audio_codec);
  bridge->audio_codec = codec;
  g_mutex_unlock (&bridge->lock);

  g_signal_connect (decoder, "pad-added", G_CALLBACK (on_decoded_pad), bridge);
  gst_bin_add (GST_BIN (bridge->pipeline), decoder);
  gst_element_sync_state_with_parent (decoder);
  GstPad * decoder_sink = gst_element_get_static_pad (decoder, "sink");
  gst_pad_link (pad, decoder_sink);
  gst_object_unref (decoder_sink);
  g_print ("camera audio: %s\n", codec);

  g_mutex_lock (&bridge->lock);
  if (bridge->backchannel)
    backchannel_start (bridge->backchannel);
  else if (bridge->want_backchannel)
    g_print ("backchannel: the camera offers none; the reply is only served "
             "over RTSP\n");
  g_mutex_unlock (&bridge->lock);
}

/* The stream went (e.g. the camera restarted it with a new SSRC): the next
 * one gets a decoder of its own. */
static void
on_camera_pad_removed (G_GNUC_UNUSED GstElement * rtspsrc, GstPad * pad,
    Bridge * bridge)
{
  GstElement * decoder = NULL;

  g_mutex_lock (&bridge->lock);
  if (pad == bridge->decoded_from) {
    decoder = bridge->decoder;
    bridge->decoder = NULL;
    bridge->decoded_from = NULL;
  }
  g_mutex_unlock (&bridge->lock);
  if (decoder) {
    gst_element_set_state (decoder, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (bridge->pipeline), decoder);
  }
}

static void
bridge_quit (Bridge * bridge, int status)
{
  bridge->exit_status = status;
  g_main_loop_quit (bridge->loop);
}

/* Asked for a backchannel the camera does not have, rtspsrc fails at
 * DESCRIBE: start over without it. */
static gboolean
retry_without_backchannel (Bridge * bridge, GstMessage * message,
    const GError * error)
{
  if (GST_MESSAGE_SRC (message) != GST_OBJECT (bridge->camera) ||
      !g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS))
    return FALSE;
  g_mutex_lock (&bridge->lock);
  gboolean retry = bridge->want_backchannel && bridge->backchannel == NULL;
  bridge->want_backchannel = FALSE;
  g_mutex_unlock (&bridge->lock);
  if (!retry)
    return FALSE;

  g_print ("backchannel: the camera offers none (it refused the ONVIF "
           "backchannel request); the reply is only served over RTSP\n");
  gst_element_set_state (bridge->camera, GST_STATE_NULL);
  gst_util_set_object_arg (G_OBJECT (bridge->camera), "backchannel", "none");
  bridge_reset_streams (bridge);
  gst_element_sync_state_with_parent (bridge->camera);
  return TRUE;
}

static void
report_camera_error (Bridge * bridge, const GError * error)
{
  g_mutex_lock (&bridge->lock);
  gboolean no_audio = bridge->audio_stream < 0 && bridge->offered->len > 0;
  gboolean had_audio = bridge->audio_codec != NULL;
  gchar * offered = g_strdup (bridge->offered->str);
  g_mutex_unlock (&bridge->lock);

  if (had_audio)
    g_printerr ("error: lost the camera at %s (%s). The bridge does not "
                "reconnect: start it again.\n",
        bridge->camera_url, error->message);
  else if (no_audio)
    g_printerr (
        "error: the camera at %s offers no audio stream (it offers: "
        "%s). Turn on its audio (microphone) in its settings, or use the URL "
        "of a stream with audio.\n",
        bridge->camera_url, offered);
  else if (g_error_matches (error, GST_RESOURCE_ERROR,
               GST_RESOURCE_ERROR_NOT_AUTHORIZED))
    g_printerr ("error: the camera at %s refused the credentials (%s). "
                "Give the camera's user and password in the URL: "
                "rtsp://USER:PASSWORD@HOST/PATH.\n",
        bridge->camera_url, error->message);
  else if (g_error_matches (error, GST_RESOURCE_ERROR,
               GST_RESOURCE_ERROR_NOT_FOUND))
    g_printerr ("error: the camera has no stream at %s (%s). Check the "
                "path in the URL.\n",
        bridge->camera_url, error->message);
  else if (g_error_matches (error, GST_RESOURCE_ERROR,
               GST_RESOURCE_ERROR_OPEN_READ_WRITE))
    g_printerr ("error: cannot reach the camera at %s (%s). Check the "
                "address and port, and that the camera is on.\n",
        bridge->camera_url, error->message);
  else
    g_printerr ("error: the camera at %s failed: %s\n", bridge->camera_url,
        error->message);
  g_free (offered);
}

/* The last line of a message's debug text says why; the lines before it
 * say where in the code. */
static const gchar *
debug_reason (const gchar * debug)
{
  const gchar * last_line = debug ? strrchr (debug, '\n') : NULL;
  return last_line ? last_line + 1 : debug;
}

static gboolean
is_from (GstMessage * message, GstElement * element)
{
  return element &&
      gst_object_has_as_ancestor (GST_MESSAGE_SRC (message),
          GST_OBJECT (element));
}

static void
on_error (Bridge * bridge, GstMessage * message)
{
  GError * error = NULL;
  gchar * debug = NULL;

  gst_message_parse_error (message, &error, &debug);
  if (retry_without_backchannel (bridge, message, error))
    goto done;

  if (is_from (message, bridge->camera)) {
    report_camera_error (bridge, error);
  } else if (is_from (message, bridge->realtime)) {
    g_printerr ("error: realtime: %s\n", error->message);
  } else {
    g_mutex_lock (&bridge->lock);
    gboolean decoding = is_from (message, bridge->decoder);
    gchar * codec = g_strdup (bridge->audio_codec);
    g_mutex_unlock (&bridge->lock);
    if (decoding)
      g_printerr ("error: cannot decode the camera's audio (%s): %s\n", codec,
          error->message);
    else
      g_printerr ("error: %s: %s (%s)\n", GST_MESSAGE_SRC_NAME (message),
          error->message, debug ? debug_reason (debug) : "");
    g_free (codec);
  }
  bridge_quit (bridge, EXIT_FAILED);
done:
  g_error_free (error);
  g_free (debug);
}

static void
on_element_message (GstMessage * message)
{
  const GstStructure * s = gst_message_get_structure (message);
  gboolean final = FALSE;

  if (gst_structure_has_name (s, "realtime-transcript") &&
      gst_structure_get_boolean (s, "final", &final) && final) {
    g_print ("%s: %s\n", gst_structure_get_string (s, "role"),
        gst_structure_get_string (s, "text"));
  } else if (gst_structure_has_name (s, "realtime-session")) {
    const gchar * state = gst_structure_get_string (s, "state");
    const gchar * reason = gst_structure_get_string (s, "reason");
    if (g_strcmp0 (state, "connecting") != 0)
      g_print ("realtime: %s%s%s%s\n", state, reason ? " (" : "",
          reason ? reason : "", reason ? ")" : "");
  }
}

static gboolean
on_message (G_GNUC_UNUSED GstBus * bus, GstMessage * message, gpointer data)
{
  Bridge * bridge = data;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
      on_error (bridge, message);
      break;
    case GST_MESSAGE_WARNING: {
      GError * error = NULL;
      gchar * debug = NULL;
      gst_message_parse_warning (message, &error, &debug);
      g_printerr ("warning: %s: %s (%s)\n", GST_MESSAGE_SRC_NAME (message),
          error->message, debug ? debug_reason (debug) : "");
      g_error_free (error);
      g_free (debug);
      break;
    }
    case GST_MESSAGE_EOS:
      g_printerr ("error: the camera at %s ended its stream. The bridge does "
                  "not reconnect: start it again.\n",
          bridge->camera_url);
      bridge_quit (bridge, EXIT_FAILED);
      break;
    case GST_MESSAGE_ELEMENT:
      if (is_from (message, bridge->realtime))
        on_element_message (message);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_stop_signal (gpointer data)
{
  bridge_quit (data, EXIT_STOPPED);
  return G_SOURCE_CONTINUE;
}

/* Points rtspsrc at @url, with its credentials as properties: rtspsrc then
 * never has the password in its location (nor in its messages). Returns the
 * URL without the password, for our own messages. */
static gchar *
set_camera_url (GstElement * rtspsrc, const gchar * url, GError ** error)
{
  GUri * uri = g_uri_parse (url,
      G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS,
      error);

  if (uri == NULL || !g_str_has_prefix (g_uri_get_scheme (uri), "rtsp") ||
      g_uri_get_host (uri) == NULL) {
    g_clear_error (error);
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "'%s' is not a camera URL: it looks like rtsp://HOST[:PORT]/PATH", url);
    if (uri)
      g_uri_unref (uri);
    return NULL;
  }
  const gchar * user = g_uri_get_user (uri);
  const gchar * password = g_uri_get_password (uri);
  if (user) {
    gchar * plain_user = g_uri_unescape_string (user, NULL);
    gchar * plain_password =
        password ? g_uri_unescape_string (password, NULL) : NULL;
    g_object_set (rtspsrc, "user-id", plain_user, "user-pw", plain_password,
        NULL);
    g_free (plain_user);
    g_free (plain_password);
  }
  gchar * location = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO);
  g_object_set (rtspsrc, "location", location, NULL);
  g_free (location);
  gchar * shown = g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD);
  g_uri_unref (uri);
  return shown;
}

/* --set PROPERTY=VALUE on realtimebin, with the value parsed as
 * gst-launch-1.0 would. */
static gboolean
set_realtime_property (GstElement * realtime, const gchar * assignment,
    GError ** error)
{
  const gchar * equals = strchr (assignment, '=');
  gchar * name = equals ? g_strndup (assignment, equals - assignment) : NULL;
  GParamSpec * pspec = name
      ? g_object_class_find_property (G_OBJECT_GET_CLASS (realtime), name)
      : NULL;
  GValue value = G_VALUE_INIT;
  gboolean ok = FALSE;

  if (equals == NULL)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--set takes PROPERTY=VALUE, not '%s'", assignment);
  else if (g_strcmp0 (name, "api-key") == 0)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "Set the API key in OPENAI_API_KEY, not with --set: a command line "
        "can be read by every user of the machine (ps)");
  else if (pspec == NULL || !(pspec->flags & G_PARAM_WRITABLE))
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "realtimebin has no property '%s' to set (gst-inspect-1.0 "
        "realtimebin lists them)",
        name);
  else {
    g_value_init (&value, pspec->value_type);
    if (gst_value_deserialize_with_pspec (&value, equals + 1, pspec) &&
        !g_param_value_validate (pspec, &value)) {
      g_object_set_property (G_OBJECT (realtime), name, &value);
      ok = TRUE;
    } else {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "'%s' is not a valid value of realtimebin's %s (gst-inspect-1.0 "
          "realtimebin shows its type and range)",
          equals + 1, name);
    }
    g_value_unset (&value);
  }
  g_free (name);
  return ok;
}

static GstElement *
build_pipeline (Bridge * bridge, GError ** error)
{
  /* realtimebin's voice in its native format into the relay's tap; the
   * camera's audio is linked when rtspsrc has it. */
  GstElement * pipeline = gst_parse_launch (
      "rtspsrc name=camera "
      "realtimebin name=realtime realtime.src_audio ! " REPLY_RELAY_CAPS
      " ! fakesink name=tap sync=false async=false",
      error);
  if (pipeline == NULL)
    return NULL;

  bridge->camera = gst_bin_get_by_name (GST_BIN (pipeline), "camera");
  bridge->realtime = gst_bin_get_by_name (GST_BIN (pipeline), "realtime");
  GstElement * tap = gst_bin_get_by_name (GST_BIN (pipeline), "tap");
  GstPad * tap_pad = gst_element_get_static_pad (tap, "sink");
  bridge->relay = reply_relay_new (tap_pad);
  gst_object_unref (tap_pad);
  gst_object_unref (tap);

  GstClock * clock = gst_system_clock_obtain ();
  gst_pipeline_use_clock (GST_PIPELINE (pipeline), clock);
  gst_object_unref (clock);

  g_signal_connect (bridge->camera, "select-stream",
      G_CALLBACK (on_select_stream), bridge);
  g_signal_connect (bridge->camera, "pad-added", G_CALLBACK (on_camera_pad),
      bridge);
  g_signal_connect (bridge->camera, "pad-removed",
      G_CALLBACK (on_camera_pad_removed), bridge);
  return pipeline;
}

int
main (int argc, char ** argv)
{
  gchar *realtime_url = NULL, *address = NULL, *mount = NULL, *codec = NULL;
  gchar **settings = NULL, **rest = NULL;
  gint port = DEFAULT_PORT, camera_latency = DEFAULT_CAMERA_LATENCY_MS;
  gboolean backchannel = FALSE, tcp = FALSE;
  GOptionEntry entries[] = {
      {"url", 0, 0, G_OPTION_ARG_STRING, &realtime_url,
          "Realtime API endpoint (default: OpenAI's, with the key in "
          "OPENAI_API_KEY)",
          "URL"},
      {"address", 0, 0, G_OPTION_ARG_STRING, &address,
          "Address to serve the reply on (default 0.0.0.0: every interface)",
          "ADDR"},
      {"port", 0, 0, G_OPTION_ARG_INT, &port,
          "RTSP port to serve the reply on (default 8554; 0 picks a free one)",
          "PORT"},
      {"mount", 0, 0, G_OPTION_ARG_STRING, &mount,
          "Path of the reply stream (default " DEFAULT_MOUNT ")", "PATH"},
      {"codec", 0, 0, G_OPTION_ARG_STRING, &codec,
          "Codec of the reply stream: " REPLY_SERVER_CODECS
          " (default " DEFAULT_CODEC ")",
          "CODEC"},
      {"backchannel", 0, 0, G_OPTION_ARG_NONE, &backchannel,
          "Also send the reply to the camera's speaker, over its ONVIF "
          "backchannel (PCMU or PCMA)",
          NULL},
      {"tcp", 0, 0, G_OPTION_ARG_NONE, &tcp,
          "Take the camera's audio over the RTSP connection (TCP) instead of "
          "UDP: for cameras behind NAT or firewalls",
          NULL},
      {"camera-latency", 0, 0, G_OPTION_ARG_INT, &camera_latency,
          "Jitter buffer for the camera's audio in ms (default 200)", "MS"},
      {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &settings,
          "Set a realtimebin property, e.g. --set instructions=\"Be brief.\" "
          "(repeatable; gst-inspect-1.0 realtimebin lists them)",
          "PROPERTY=VALUE"},
      {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL},
      {NULL}};
  GOptionContext * context = g_option_context_new ("CAMERA-URL");
  GError * error = NULL;
  Bridge bridge = {0};
  int status = EXIT_FAILED;

  /* Our output is read line by line by people and scripts. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  g_option_context_set_summary (context,
      "Lets an RTSP camera talk with the OpenAI Realtime API: the camera's "
      "audio goes to realtimebin, the assistant's voice is served as an "
      "RTSP stream (and, with --backchannel, played on the camera).\n\n"
      "CAMERA-URL is rtsp://[USER:PASSWORD@]HOST[:PORT]/PATH; the camera's "
      "first audio stream is used (PCMU, PCMA, AAC or anything else "
      "decodebin decodes), its video is not received.");
  g_option_context_set_description (context,
      "Output: 'serving URL' once the reply stream is up, then the "
      "conversation's transcripts. The stream carries silence while the "
      "assistant is quiet.\n\n"
      "Exit status: 0 when stopped (SIGINT, SIGTERM), 1 on an error "
      "(camera unreachable or gone, no audio stream, port in use, Realtime "
      "API error), 2 on a usage error. The bridge does not reconnect to "
      "a camera that went away: run it under a supervisor that restarts "
      "it.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("error: %s (see --help)\n", error->message);
    return EXIT_USAGE;
  }
  g_option_context_free (context);
  if (rest == NULL || rest[0] == NULL || rest[1] != NULL) {
    g_printerr ("error: give one camera URL (see --help)\n");
    return EXIT_USAGE;
  }
  if (port < 0 || port > 65535) {
    g_printerr ("error: --port %d is not a port (0 to 65535)\n", port);
    return EXIT_USAGE;
  }
  if (camera_latency < 0) {
    g_printerr ("error: --camera-latency must be 0 or more\n");
    return EXIT_USAGE;
  }

  g_mutex_init (&bridge.lock);
  bridge.offered = g_string_new (NULL);
  bridge.audio_stream = -1;
  bridge.want_backchannel = backchannel;
  bridge.pipeline = build_pipeline (&bridge, &error);
  if (bridge.pipeline == NULL) {
    g_printerr ("error: %s (is the realtime plugin installed? "
                "gst-inspect-1.0 realtimebin)\n",
        error->message);
    return EXIT_FAILED;
  }

  bridge.camera_url = set_camera_url (bridge.camera, rest[0], &error);
  if (bridge.camera_url == NULL)
    goto usage_error;
  g_object_set (bridge.camera, "latency", (guint) camera_latency, NULL);
  if (backchannel)
    gst_util_set_object_arg (G_OBJECT (bridge.camera), "backchannel", "onvif");
  if (tcp)
    gst_util_set_object_arg (G_OBJECT (bridge.camera), "protocols", "tcp");
  if (realtime_url)
    g_object_set (bridge.realtime, "url", realtime_url, NULL);
  for (guint i = 0; settings && settings[i]; i++)
    if (!set_realtime_property (bridge.realtime, settings[i], &error))
      goto usage_error;

  ReplyServer * server =
      reply_server_new (bridge.relay, address ? address : "0.0.0.0", port,
          mount ? mount : DEFAULT_MOUNT, codec ? codec : DEFAULT_CODEC, &error);
  if (server == NULL) {
    if (error->domain == G_OPTION_ERROR)
      goto usage_error;
    g_printerr ("error: %s\n", error->message);
    g_clear_error (&error);
    goto done;
  }
  gchar * served = reply_server_get_url (server);
  g_print ("camera %s\nserving %s\n", bridge.camera_url, served);
  g_free (served);

  bridge.loop = g_main_loop_new (NULL, FALSE);
  GstBus * bus = gst_pipeline_get_bus (GST_PIPELINE (bridge.pipeline));
  guint bus_watch = gst_bus_add_watch (bus, on_message, &bridge);
  gst_object_unref (bus);
  guint sigint = g_unix_signal_add (SIGINT, on_stop_signal, &bridge);
  guint sigterm = g_unix_signal_add (SIGTERM, on_stop_signal, &bridge);

  gst_element_set_state (bridge.pipeline, GST_STATE_PLAYING);
  g_main_loop_run (bridge.loop);
  status = bridge.exit_status;

  /* The camera session (TEARDOWN) and the Realtime session (close frame)
   * end first, then the reply's listeners are let go. */
  gst_element_set_state (bridge.pipeline, GST_STATE_NULL);
  if (bridge.backchannel)
    backchannel_free (bridge.backchannel);
  reply_server_free (server);
  g_source_remove (bus_watch);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_main_loop_unref (bridge.loop);
  if (status == EXIT_STOPPED)
    g_print ("stopped\n");
  goto done;

usage_error:
  g_printerr ("error: %s\n", error->message);
  g_clear_error (&error);
  status = EXIT_USAGE;
done:
  reply_relay_free (bridge.relay);
  gst_object_unref (bridge.camera);
  gst_object_unref (bridge.realtime);
  gst_object_unref (bridge.pipeline);
  g_string_free (bridge.offered, TRUE);
  g_free (bridge.camera_url);
  g_free (bridge.audio_codec);
  g_mutex_clear (&bridge.lock);
  g_free (realtime_url);
  g_free (address);
  g_free (mount);
  g_free (codec);
  g_strfreev (settings);
  g_strfreev (rest);
  return status;
}

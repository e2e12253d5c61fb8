/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* gst-realtime example test helper: a loopback RTSP "camera".
 *
 * Serves what an IP camera serves, for the example-rtsp-bridge test:
 *
 *   /pcmu           video (JPEG) + audio (PCMU 8 kHz) + an ONVIF backchannel
 *                   taking PCMU
 *   /aac            video (JPEG) + audio (AAC, mpeg4-generic, 16 kHz) + an
 *                   ONVIF backchannel taking PCMA
 *   /nobackchannel  audio (PCMU 8 kHz) only, no backchannel
 *   /video          video only
 *
 * The audio is live silence until the process gets SIGUSR1: then every
 * connected stream "asks a question" (tone bursts at 300 Hz, 0.8 s in
 * all). What clients send on a backchannel is decoded and written raw
 * (S16LE, 8 kHz, mono) to DIR/backchannel-pcmu.raw or backchannel-aac.raw.
 *
 *   rtsp-test-camera --record-dir DIR
 *
 * The port (a free one, or --port) is printed alone on the first line.
 */

#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-onvif-server.h>
#include <glib-unix.h>

#define QUESTION_VOLUME 0.5

/* The question: volume and how long it lasts, in order. */
static const struct
{
  gdouble volume;
  guint ms;
} QUESTION[] = {
    {QUESTION_VOLUME, 300},
    {0.0, 100},
    {QUESTION_VOLUME, 400},
    {0.0, 0},
};

/* A client that sets up only the audio leaves the video payloader
 * unlinked: the tee keeps that from stopping the whole media, as a camera
 * would. */
#define VIDEO                                                                  \
  "videotestsrc is-live=true pattern=ball ! "                                  \
  "video/x-raw,format=I420,width=160,height=120,framerate=5/1 ! jpegenc ! "    \
  "tee allow-not-linked=true ! rtpjpegpay name=pay0 "

/* The question's tone; 20 ms buffers, so that it starts and stops on time. */
#define VOICE(rate, samples_per_20ms)                                          \
  "audiotestsrc name=voice is-live=true volume=0 freq=300 "                    \
  "samplesperbuffer=" #samples_per_20ms " ! "                                  \
  "audio/x-raw,rate=" #rate ",channels=1 "

/* A G.711 backchannel, decoded and recorded raw; printf arguments: payload
 * type, encoding name, its depayloader and decoder, the file. */
#define BACKCHANNEL                                                            \
  "( capsfilter name=depay_backchannel caps=\"application/x-rtp,"              \
  "media=audio,payload=%d,clock-rate=8000,encoding-name=%s\" ! %s ! %s ! "     \
  "filesink buffer-mode=unbuffered async=false location=\"%s\" )"

typedef struct
{
  GMutex lock;
  GList * voices; /* the "voice" sources of prepared media */
  guint step;     /* next step of QUESTION */
} Camera;

static void
set_volume (Camera * camera, gdouble volume)
{
  g_mutex_lock (&camera->lock);
  for (GList * l = camera->voices; l; l = l->next)
    g_object_set (l->data, "volume", volume, NULL);
  g_mutex_unlock (&camera->lock);
}

static gboolean
question_step (gpointer user_data)
{
  Camera * camera = user_data;
  guint step = camera->step++;

  set_volume (camera, QUESTION[step].volume);
  if (QUESTION[step].ms == 0)
    return G_SOURCE_REMOVE;
  g_timeout_add (QUESTION[step].ms, question_step, camera);
  return G_SOURCE_REMOVE;
}

static gboolean
on_sigusr1 (gpointer user_data)
{
  Camera * camera = user_data;

  camera->step = 0;
  question_step (camera);
  return G_SOURCE_CONTINUE;
}

static void
on_media_unprepared (GstRTSPMedia * media, Camera * camera)
{
  GstElement * voice = g_object_get_data (G_OBJECT (media), "voice");

  g_mutex_lock (&camera->lock);
  if (g_list_find (camera->voices, voice)) {
    camera->voices = g_list_remove (camera->voices, voice);
    gst_object_unref (voice);
  }
  g_mutex_unlock (&camera->lock);
}

static void
on_media_configure (G_GNUC_UNUSED GstRTSPMediaFactory * factory,
    GstRTSPMedia * media, Camera * camera)
{
  GstElement * element = gst_rtsp_media_get_element (media);
  GstElement * voice = gst_bin_get_by_name (GST_BIN (element), "voice");

  gst_object_unref (element);
  if (voice == NULL)
    return;
  g_mutex_lock (&camera->lock);
  camera->voices = g_list_prepend (camera->voices, voice);
  g_mutex_unlock (&camera->lock);
  g_object_set_data (G_OBJECT (media), "voice", voice);
  g_signal_connect (media, "unprepared", G_CALLBACK (on_media_unprepared),
      camera);
}

static void
mount (GstRTSPServer * server, Camera * camera, const gchar * path,
    const gchar * launch, const gchar * backchannel_codec,
    const gchar * record_dir)
{
  GstRTSPMountPoints * mounts = gst_rtsp_server_get_mount_points (server);
  GstRTSPMediaFactory * factory;
  gchar * launch_line = g_strdup_printf ("( %s )", launch);

  if (backchannel_codec) {
    gboolean pcmu = g_str_equal (backchannel_codec, "PCMU");
    gchar * name = g_strdup_printf ("backchannel-%s.raw", path + 1);
    gchar * file = g_build_filename (record_dir, name, NULL);
    gchar * backchannel = g_strdup_printf (BACKCHANNEL, pcmu ? 0 : 8,
        backchannel_codec, pcmu ? "rtppcmudepay" : "rtppcmadepay",
        pcmu ? "mulawdec" : "alawdec", file);
    g_free (name);
    g_free (file);
    factory = gst_rtsp_onvif_media_factory_new ();
    gst_rtsp_onvif_media_factory_set_backchannel_launch (
        GST_RTSP_ONVIF_MEDIA_FACTORY (factory), backchannel);
    gst_rtsp_media_factory_set_media_gtype (factory, GST_TYPE_RTSP_ONVIF_MEDIA);
    g_free (backchannel);
  } else {
    factory = gst_rtsp_media_factory_new ();
  }
  gst_rtsp_media_factory_set_launch (factory, launch_line);
  g_signal_connect (factory, "media-configure", G_CALLBACK (on_media_configure),
      camera);
  gst_rtsp_mount_points_add_factory (mounts, path, factory);
  g_free (launch_line);
  g_object_unref (mounts);
}

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char ** argv)
{
  gint port = 0;
  gchar * record_dir = NULL;
  GOptionEntry entries[] = {
      {"port", 'p', 0, G_OPTION_ARG_INT, &port,
          "Port to serve on; 0 picks a free one (default)", "PORT"},
      {"record-dir", 0, 0, G_OPTION_ARG_FILENAME, &record_dir,
          "Folder for what clients send on the backchannels (required)", "DIR"},
      {NULL}};
  GOptionContext * context = g_option_context_new (NULL);
  GError * error = NULL;

  g_option_context_set_summary (context,
      "A loopback RTSP camera for the example-rtsp-bridge test.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      record_dir == NULL) {
    g_printerr ("%s\n", error ? error->message : "--record-dir is required");
    return 2;
  }
  g_option_context_free (context);

  Camera camera = {0};
  g_mutex_init (&camera.lock);

  GstRTSPServer * server = gst_rtsp_onvif_server_new ();
  gchar * service = g_strdup_printf ("%d", port);
  gst_rtsp_server_set_address (server, "127.0.0.1");
  gst_rtsp_server_set_service (server, service);
  g_free (service);

  mount (server, &camera, "/pcmu",
      VIDEO VOICE (8000, 160) "! mulawenc ! rtppcmupay name=pay1", "PCMU",
      record_dir);
  mount (server, &camera, "/aac",
      VIDEO VOICE (16000, 320) "! avenc_aac ! rtpmp4gpay name=pay1 pt=97",
      "PCMA", record_dir);
  mount (server, &camera, "/nobackchannel",
      VOICE (8000, 160) "! mulawenc ! rtppcmupay name=pay0", NULL, NULL);
  mount (server, &camera, "/video", VIDEO, NULL, NULL);

  GSource * source = gst_rtsp_server_create_source (server, NULL, &error);
  if (source == NULL) {
    g_printerr ("cannot serve RTSP: %s\n", error->message);
    return 1;
  }
  g_source_attach (source, NULL);
  g_print ("%d\n", gst_rtsp_server_get_bound_port (server));

  GMainLoop * loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGUSR1, on_sigusr1, &camera);
  g_unix_signal_add (SIGINT, quit, loop);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_main_loop_run (loop);

  g_source_destroy (source);
  g_source_unref (source);
  g_object_unref (server);
  g_main_loop_unref (loop);
  g_free (record_dir);
  return 0;
}

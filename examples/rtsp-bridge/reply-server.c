/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-rtsp-bridge: the RTSP server that serves the assistant's voice.
 *
 * One shared media per mount: an appsrc fed by the reply relay, encoded and
 * payloaded. The media is made when the first client comes and dropped
 * when the last one leaves; the relay feeds whichever media exists.
 */

#include "reply-server.h"

#include <gst/rtsp-server/rtsp-server.h>
#include <string.h>

static const struct
{
  const gchar * name;
  const gchar * encode;      /* launch fragment: raw audio -> pay0 */
  const gchar * elements[3]; /* what it needs, with their package */
  const gchar * packages[3];
} CODECS[] = {
    {"opus", "opusenc ! rtpopuspay name=pay0 pt=96", {"opusenc", "rtpopuspay"},
        {"gstreamer1.0-plugins-base", "gstreamer1.0-plugins-good"}},
    {"pcmu", "audio/x-raw,rate=8000 ! mulawenc ! rtppcmupay name=pay0",
        {"mulawenc", "rtppcmupay"},
        {"gstreamer1.0-plugins-good", "gstreamer1.0-plugins-good"}},
};

struct _ReplyServer
{
  ReplyRelay * relay;
  GstRTSPServer * server;
  GstRTSPMediaFactory * factory;
  GSource * source;
  gchar * url;

  GMutex lock;
  GList * medias; /* GstRTSPMedia fed by the relay; protected by lock */
};

/* The media's appsrc, in its object data. */
#define MEDIA_REPLY_SRC "realtime-rtsp-bridge-reply-src"

static void
on_media_unprepared (GstRTSPMedia * media, ReplyServer * server)
{
  gboolean ours;

  g_mutex_lock (&server->lock);
  ours = g_list_find (server->medias, media) != NULL;
  server->medias = g_list_remove (server->medias, media);
  g_mutex_unlock (&server->lock);
  if (!ours)
    return;
  reply_relay_remove_outlet (server->relay,
      g_object_get_data (G_OBJECT (media), MEDIA_REPLY_SRC));
  g_signal_handlers_disconnect_by_data (media, server);
  g_object_unref (media);
}

static void
on_media_configure (G_GNUC_UNUSED GstRTSPMediaFactory * factory,
    GstRTSPMedia * media, ReplyServer * server)
{
  GstElement * bin = gst_rtsp_media_get_element (media);
  GstElement * src = gst_bin_get_by_name (GST_BIN (bin), "reply");

  gst_object_unref (bin);
  g_object_set_data_full (G_OBJECT (media), MEDIA_REPLY_SRC, src,
      gst_object_unref);
  g_signal_connect (media, "unprepared", G_CALLBACK (on_media_unprepared),
      server);
  g_mutex_lock (&server->lock);
  server->medias = g_list_prepend (server->medias, g_object_ref (media));
  g_mutex_unlock (&server->lock);
  reply_relay_add_outlet (server->relay, GST_APP_SRC (src));
}

static void
on_client_play (GstRTSPClient * client, GstRTSPContext * ctx)
{
  g_print ("rtsp client %s playing %s\n",
      (const gchar *) g_object_get_data (G_OBJECT (client), "ip"),
      ctx->uri ? ctx->uri->abspath : "?");
}

static void
on_client_closed (GstRTSPClient * client)
{
  g_print ("rtsp client %s left\n",
      (const gchar *) g_object_get_data (G_OBJECT (client), "ip"));
}

static void
on_client_connected (G_GNUC_UNUSED GstRTSPServer * rtsp_server,
    GstRTSPClient * client)
{
  GstRTSPConnection * connection = gst_rtsp_client_get_connection (client);

  g_object_set_data_full (G_OBJECT (client), "ip",
      g_strdup (gst_rtsp_connection_get_ip (connection)), g_free);
  g_signal_connect (client, "play-request", G_CALLBACK (on_client_play), NULL);
  g_signal_connect (client, "closed", G_CALLBACK (on_client_closed), NULL);
}

static gint
find_codec (const gchar * codec, GError ** error)
{
  for (guint i = 0; i < G_N_ELEMENTS (CODECS); i++) {
    if (g_strcmp0 (codec, CODECS[i].name) != 0)
      continue;
    for (guint e = 0; CODECS[i].elements[e]; e++) {
      GstElementFactory * f = gst_element_factory_find (CODECS[i].elements[e]);
      if (f == NULL) {
        g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
            "Cannot serve the reply as %s: the GStreamer element %s is "
            "missing (install %s), or choose another --codec (%s).",
            codec, CODECS[i].elements[e], CODECS[i].packages[e],
            REPLY_SERVER_CODECS);
        return -1;
      }
      gst_object_unref (f);
    }
    return i;
  }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "Unknown --codec '%s': use one of %s.", codec, REPLY_SERVER_CODECS);
  return -1;
}

static gboolean
is_any_address (const gchar * address)
{
  return g_strcmp0 (address, "0.0.0.0") == 0 || g_strcmp0 (address, "::") == 0;
}

ReplyServer *
reply_server_new (ReplyRelay * relay, const gchar * address, gint port,
    const gchar * mount, const gchar * codec, GError ** error)
{
  gint c = find_codec (codec, error);
  if (c < 0)
    return NULL;
  if (mount[0] != '/' || strchr (mount, ' ')) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--mount takes a path starting with '/' (e.g. /assistant), not "
        "'%s'.",
        mount);
    return NULL;
  }

  ReplyServer * server = g_new0 (ReplyServer, 1);
  g_mutex_init (&server->lock);
  server->relay = relay;
  server->server = gst_rtsp_server_new ();
  gchar * service = g_strdup_printf ("%d", port);
  gst_rtsp_server_set_address (server->server, address);
  gst_rtsp_server_set_service (server->server, service);
  g_free (service);

  GstRTSPMediaFactory * factory = gst_rtsp_media_factory_new ();
  gchar * launch = g_strdup_printf ("( appsrc name=reply ! audioconvert ! "
                                    "audioresample ! %s )",
      CODECS[c].encode);
  gst_rtsp_media_factory_set_launch (factory, launch);
  g_free (launch);
  gst_rtsp_media_factory_set_shared (factory, TRUE);
  /* The relay keeps the reply's timing only across pipelines on one clock. */
  GstClock * clock = gst_system_clock_obtain ();
  gst_rtsp_media_factory_set_clock (factory, clock);
  gst_object_unref (clock);
  g_signal_connect (factory, "media-configure", G_CALLBACK (on_media_configure),
      server);
  server->factory = g_object_ref (factory);
  GstRTSPMountPoints * mounts =
      gst_rtsp_server_get_mount_points (server->server);
  gst_rtsp_mount_points_add_factory (mounts, mount, factory);
  g_object_unref (mounts);
  g_signal_connect (server->server, "client-connected",
      G_CALLBACK (on_client_connected), NULL);

  server->source = gst_rtsp_server_create_source (server->server, NULL, error);
  if (server->source == NULL) {
    g_prefix_error (error, "Cannot serve RTSP on %s port %d: ", address, port);
    reply_server_free (server);
    return NULL;
  }
  g_source_attach (server->source, NULL);
  const gchar * host = is_any_address (address) ? "127.0.0.1" : address;
  gboolean ipv6 = strchr (host, ':') != NULL;
  server->url = g_strdup_printf ("rtsp://%s%s%s:%d%s", ipv6 ? "[" : "", host,
      ipv6 ? "]" : "", gst_rtsp_server_get_bound_port (server->server), mount);
  return server;
}

gchar *
reply_server_get_url (ReplyServer * server)
{
  return g_strdup (server->url);
}

static GstRTSPFilterResult
remove_client (G_GNUC_UNUSED GstRTSPServer * rtsp_server,
    G_GNUC_UNUSED GstRTSPClient * client, G_GNUC_UNUSED gpointer user_data)
{
  return GST_RTSP_FILTER_REMOVE;
}

void
reply_server_free (ReplyServer * server)
{
  g_list_free (
      gst_rtsp_server_client_filter (server->server, remove_client, NULL));
  if (server->source) {
    g_source_destroy (server->source);
    g_source_unref (server->source);
  }
  g_signal_handlers_disconnect_by_data (server->factory, server);
  g_object_unref (server->factory);

  /* Medias still being torn down no longer reach the relay. */
  g_mutex_lock (&server->lock);
  GList * medias = server->medias;
  server->medias = NULL;
  g_mutex_unlock (&server->lock);
  for (GList * l = medias; l; l = l->next) {
    g_signal_handlers_disconnect_by_data (l->data, server);
    reply_relay_remove_outlet (server->relay,
        g_object_get_data (G_OBJECT (l->data), MEDIA_REPLY_SRC));
  }
  g_list_free_full (medias, g_object_unref);

  g_object_unref (server->server);
  g_mutex_clear (&server->lock);
  g_free (server->url);
  g_free (server);
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-rtsp-bridge: the RTSP server that serves the assistant's voice.
 */
#pragma once

#include "reply-relay.h"

G_BEGIN_DECLS

typedef struct _ReplyServer ReplyServer;

/* The codecs the reply can be served in, for --help. */
#define REPLY_SERVER_CODECS "opus, pcmu"

/* Serves the audio of @relay at rtsp://@address:@port@mount in @codec (one
 * of REPLY_SERVER_CODECS), one media shared by every client. @port 0 picks
 * a free port. Fails when the codec is unknown or its elements are
 * missing, or the port cannot be bound. The server runs on the default
 * main context. */
ReplyServer * reply_server_new (ReplyRelay * relay, const gchar * address,
    gint port, const gchar * mount, const gchar * codec, GError ** error);

/* The URL clients on this machine can use. */
gchar * reply_server_get_url (ReplyServer * server);

/* Disconnects every client and stops serving. */
void reply_server_free (ReplyServer * server);

G_END_DECLS

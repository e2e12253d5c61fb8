/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-rtsp-bridge: carries the assistant's audio from the bridge's
 * pipeline into other pipelines (the RTSP media, the backchannel) as one
 * continuous stream.
 */
#pragma once

#include <gst/gst.h>
#include <gst/app/gstappsrc.h>

G_BEGIN_DECLS

/* What the relay carries: realtimebin's native format. */
#define REPLY_RELAY_RATE 24000
#define REPLY_RELAY_CAPS                                                       \
  "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved"

/* How late an outlet renders what it gets: covers the time between two of
 * realtimebin's idle GAP events, which become silence here. */
#define REPLY_RELAY_LATENCY (200 * GST_MSECOND)

typedef struct _ReplyRelay ReplyRelay;

/* Taps @tap, the sink pad of a sink that receives REPLY_RELAY_CAPS from
 * realtimebin's src_audio. */
ReplyRelay * reply_relay_new (GstPad * tap);
void reply_relay_free (ReplyRelay * relay);

/* Configures @src (live, timed, REPLY_RELAY_CAPS) and feeds it from now on,
 * whenever its pipeline is PLAYING. That pipeline must run on the same clock
 * as the tapped one: the audio keeps its timing across the two. */
void reply_relay_add_outlet (ReplyRelay * relay, GstAppSrc * src);
void reply_relay_remove_outlet (ReplyRelay * relay, GstAppSrc * src);

G_END_DECLS

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-rtsp-bridge: the assistant's voice sent back to the camera over
 * its ONVIF backchannel.
 */
#pragma once

#include "reply-relay.h"

G_BEGIN_DECLS

typedef struct _Backchannel Backchannel;

/* Prepares to send the audio of @relay to the backchannel stream
 * @stream_id of @rtspsrc, whose caps (from rtspsrc's select-stream) are
 * @caps. Fails when the camera wants a codec the bridge cannot encode. */
Backchannel * backchannel_new (GstElement * rtspsrc, guint stream_id,
    const GstCaps * caps, ReplyRelay * relay, GError ** error);

/* The codec the camera takes, e.g. "PCMU 8000 Hz". */
const gchar * backchannel_describe (Backchannel * backchannel);

/* Starts sending; call once the camera plays. */
void backchannel_start (Backchannel * backchannel);

void backchannel_free (Backchannel * backchannel);

G_END_DECLS

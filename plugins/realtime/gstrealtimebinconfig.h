/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gstrealtimeconversation.h"
#include "gstrealtimeproperties.h"

#include <gst/gst.h>

/* What realtimebin's settings (gstrealtimeproperties.def) mean for its
 * conversation: the configuration it starts with, and the changes it takes
 * while it runs. */

/* READY->PAUSED: copies @settings into @config (all but function_call),
 * warning about a refused prices value on @bin. FALSE, with an error
 * posted on @bin, when they cannot make a session: the url is not ws(s)://
 * or the client-secret-url is not usable. */
gboolean gst_realtime_bin_make_config (GstElement * bin,
    GstRealtimeSettings & settings, RealtimeConversationConfig & config);

/* A property of @settings changed while @conv runs: hands it over as the
 * row's APPLY says. Called without locks. */
void gst_realtime_bin_apply_change (GstElement * bin,
    GstRealtimeSettings & settings, RealtimeConversation & conv,
    GstRealtimeApply how);

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
 * posted on @bin, when they cannot make a session: the url is not ws(s)://,
 * the client-secret-url is not usable, or OpenAI's or Azure's host is named
 * without a key (gst_realtime_bin_key_problem). */
gboolean gst_realtime_bin_make_config (GstElement * bin,
    GstRealtimeSettings & settings, RealtimeConversationConfig & config);

/* Why @url cannot be used without a key, or NULL when it can: OpenAI's
 * and Azure's hosts refuse a session without one (so they are refused
 * before any connection), a host of the user's own (the simulator, a
 * proxy) may accept it. With a client-secret-url no key is needed here. */
const gchar * gst_realtime_bin_key_problem (const std::string & url,
    const std::string & api_key, const std::string & client_secret_url);

/* A property of @settings changed while @conv runs: hands it over as the
 * row's APPLY says. Called without locks. */
void gst_realtime_bin_apply_change (GstElement * bin,
    GstRealtimeSettings & settings, RealtimeConversation & conv,
    GstRealtimeApply how);

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Shared by every element of the plugin; set up by realtime_element_init(). */
GST_DEBUG_CATEGORY_EXTERN (gst_realtime_debug);

void realtime_element_init (GstPlugin * plugin);

GST_ELEMENT_REGISTER_DECLARE (realtimebin);

G_END_DECLS

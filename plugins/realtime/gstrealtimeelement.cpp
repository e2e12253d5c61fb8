/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrealtimeelements.h"

GST_DEBUG_CATEGORY (gst_realtime_debug);

/* One-time setup shared by all elements of the plugin. Each element's
 * registration function calls this, so it runs once whichever element is
 * registered first. */
void
realtime_element_init (GstPlugin * plugin)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (gst_realtime_debug, "realtime", 0,
        "gst-realtime plugin");
    g_once_init_leave (&initialized, 1);
  }
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_REALTIME_BIN (gst_realtime_bin_get_type ())
G_DECLARE_FINAL_TYPE (GstRealtimeBin, gst_realtime_bin, GST, REALTIME_BIN,
    GstBin);

G_END_DECLS

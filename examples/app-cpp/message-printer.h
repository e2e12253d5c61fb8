/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtimebin's bus messages as lines a person reads. */
#pragma once

#include <gst/gst.h>

namespace assistant {

/* Prints @s, the structure of a realtime-* element message, as one line on
 * stdout. Transcript deltas and rate limits are not printed. */
void print_realtime_message (const GstStructure * s);

} // namespace assistant

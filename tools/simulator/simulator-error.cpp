/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "simulator-error.h"

/* G_DEFINE_QUARK turns its first argument into the quark's name, so
 * the formatter must not put spaces into it. */
/* clang-format off */
G_DEFINE_QUARK (realtime-simulator-error-quark, realtime_simulator_error)
/* clang-format on */

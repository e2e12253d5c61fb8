/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "realtime-error.h"

/* G_DEFINE_QUARK turns its first argument into the quark's name, so
 * the formatter must not put spaces into it. */
/* clang-format off */
G_DEFINE_QUARK (realtime-protocol-error-quark, realtime_protocol_error)
/* clang-format on */

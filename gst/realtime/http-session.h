/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include <string>

namespace realtime {

/* A SoupSession for the I/O thread that trusts @ca_file (PEM) instead of
 * the system's CAs when it is not empty, with an I/O timeout of
 * @timeout_s (0: libsoup's default). Null (and @error) when the file
 * cannot be used. Internal: not installed. */
SoupSession * http_session_new (const std::string & ca_file, guint timeout_s,
    GError ** error);

} // namespace realtime

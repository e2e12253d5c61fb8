/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Errors from the protocol library: a client event that could not be built
 * from the settings, or a server event that could not be parsed. */
#define REALTIME_PROTOCOL_ERROR (realtime_protocol_error_quark ())
GQuark realtime_protocol_error_quark (void);

typedef enum {
  REALTIME_PROTOCOL_ERROR_INVALID_JSON,   /* not JSON, or not an object */
  REALTIME_PROTOCOL_ERROR_MISSING_FIELD,  /* a required field is absent */
  REALTIME_PROTOCOL_ERROR_WRONG_TYPE,     /* a field has the wrong JSON type */
  REALTIME_PROTOCOL_ERROR_INVALID_VALUE,  /* right type, value out of range */
  REALTIME_PROTOCOL_ERROR_INVALID_BASE64, /* an audio payload is not base64 */
  REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL,  /* a shape of the retired beta API */
} RealtimeProtocolError;

G_END_DECLS

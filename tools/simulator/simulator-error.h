/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Errors from the simulator's building blocks: a scenario file that does not
 * parse or validate, an audio file it cannot use, a file it cannot read,
 * speech it cannot synthesize. */
#define REALTIME_SIMULATOR_ERROR (realtime_simulator_error_quark ())
GQuark realtime_simulator_error_quark (void);

typedef enum {
  REALTIME_SIMULATOR_ERROR_SCENARIO, /* bad scenario file or JSON */
  REALTIME_SIMULATOR_ERROR_AUDIO,    /* bad or unsupported WAV data */
  REALTIME_SIMULATOR_ERROR_IO,       /* a file could not be read */
  REALTIME_SIMULATOR_ERROR_SPEECH,   /* speech synthesis failed or is absent */
} RealtimeSimulatorError;

G_END_DECLS

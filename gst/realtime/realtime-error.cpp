/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "realtime-error.h"

G_DEFINE_QUARK (realtime - protocol - error - quark, realtime_protocol_error)

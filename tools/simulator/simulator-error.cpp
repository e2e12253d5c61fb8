/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "simulator-error.h"

G_DEFINE_QUARK (realtime - simulator - error - quark, realtime_simulator_error)

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* What a process has used so far (CPU time, memory), for the benchmarks
 * in bench/ (docs/performance.md). Linux: other processes and memory are
 * read from /proc. */
#pragma once

/* User + system CPU seconds of this process (all its threads). */
double cpu_seconds_self ();

/* User + system CPU seconds of process @pid (0 when @pid <= 0 or gone). */
double cpu_seconds_of (int pid);

/* Resident set size of this process now, in KB. */
long rss_kb ();

/* Largest resident set size this process has had, in KB. */
long peak_rss_kb ();

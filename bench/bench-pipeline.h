/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* GStreamer plumbing the benchmarks in bench/ share: the command line, a
 * session's pipeline, probes, and bus errors. Messages start with the
 * program's name (g_get_prgname ()). */
#pragma once

#include <gst/gst.h>

#include <string>

/* What every benchmark is told: where the simulator is, and how to print. */
struct CommonOptions
{
  gchar * url = nullptr;   /* the simulator's ws:// URL */
  gint sim_pid = 0;        /* its process, whose CPU is reported apart */
  gboolean header = FALSE; /* print the CSV header line first */
};

/* Parses the command line with @entries, @common's options (--url,
 * --sim-pid, --header) and GStreamer's own (initializing GStreamer); exits
 * 2 with the error when it does not parse. */
void parse_command_line (int * argc, char *** argv,
    const GOptionEntry * entries, CommonOptions & common, const char * summary);

/* How a pipeline's messages reach the benchmark's bus function. */
enum class BusDelivery {
  /* A bus watch on the default main context: one main-loop iteration per
   * message, and each iteration walks every pipeline's watch. */
  WATCH,
  /* A sync handler: called on the thread that posts, the message then
   * dropped. Costs no main-loop wakeup; the function must be quick and
   * thread-safe. */
  SYNC,
};

/* A pipeline from the launch line @text, its messages given to @bus_func
 * (with @data) as @delivery says; exits 1 when @text does not parse. Not
 * started: add probes first. */
GstElement * launch_pipeline (const std::string & text, GstBusFunc bus_func,
    gpointer data, BusDelivery delivery = BusDelivery::WATCH);

/* Adds @callback as a probe of @type on pad @pad of the child named
 * @element of @pipeline. */
void add_probe_on (GstElement * pipeline, const char * element,
    const char * pad, GstPadProbeType type, GstPadProbeCallback callback,
    gpointer data);

/* An ERROR message is printed and ends the program (exit 1); a WARNING is
 * printed; anything else is left alone. */
void report_problem (GstMessage * m);

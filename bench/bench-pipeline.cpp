/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-pipeline.h"

#include <cstdio>
#include <cstdlib>

#include <unistd.h>

void
parse_command_line (int * argc, char *** argv, const GOptionEntry * entries,
    CommonOptions & common, const char * summary)
{
  const GOptionEntry common_entries[] = {{"url", 0, 0, G_OPTION_ARG_STRING,
                                             &common.url,
                                             "The simulator's ws:// URL",
                                             "URL"},
      {"sim-pid", 0, 0, G_OPTION_ARG_INT, &common.sim_pid,
          "The simulator's process id, to report its CPU separately", "PID"},
      {"header", 0, 0, G_OPTION_ARG_NONE, &common.header,
          "Print the CSV header line first", nullptr},
      {nullptr}};
  GOptionContext * ctx = g_option_context_new (summary);
  g_option_context_add_main_entries (ctx, entries, nullptr);
  g_option_context_add_main_entries (ctx, common_entries, nullptr);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  GError * err = nullptr;
  if (!g_option_context_parse (ctx, argc, argv, &err)) {
    g_printerr ("%s: %s\n", g_get_prgname (), err->message);
    exit (2);
  }
  g_option_context_free (ctx);
}

namespace {

/* What a sync handler needs to call the bus function. */
struct SyncDelivery
{
  GstBusFunc func;
  gpointer data;
};

GstBusSyncReply
deliver_sync (GstBus * bus, GstMessage * m, gpointer data)
{
  auto * d = static_cast<SyncDelivery *> (data);
  d->func (bus, m, d->data);
  /* A sync handler that drops a message owns it. */
  gst_message_unref (m);
  return GST_BUS_DROP;
}

} // namespace

GstElement *
launch_pipeline (const std::string & text, GstBusFunc bus_func, gpointer data,
    BusDelivery delivery)
{
  GError * err = nullptr;
  GstElement * pipeline = gst_parse_launch (text.c_str (), &err);
  if (pipeline == nullptr) {
    g_printerr ("%s: %s\n", g_get_prgname (), err->message);
    exit (1);
  }
  GstBus * bus = gst_element_get_bus (pipeline);
  if (delivery == BusDelivery::SYNC)
    gst_bus_set_sync_handler (bus, deliver_sync,
        new SyncDelivery{bus_func, data},
        [] (gpointer d) { delete static_cast<SyncDelivery *> (d); });
  else
    gst_bus_add_watch (bus, bus_func, data);
  gst_object_unref (bus);
  return pipeline;
}

void
add_probe_on (GstElement * pipeline, const char * element, const char * pad,
    GstPadProbeType type, GstPadProbeCallback callback, gpointer data)
{
  GstElement * e = gst_bin_get_by_name (GST_BIN (pipeline), element);
  GstPad * p = gst_element_get_static_pad (e, pad);
  gst_pad_add_probe (p, type, callback, data, nullptr);
  gst_object_unref (p);
  gst_object_unref (e);
}

void
report_problem (GstMessage * m)
{
  GError * err = nullptr;
  if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
    gst_message_parse_error (m, &err, nullptr);
  else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING)
    gst_message_parse_warning (m, &err, nullptr);
  else
    return;
  bool error = GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR;
  g_printerr ("%s: %s from %s: %s\n", g_get_prgname (),
      error ? "error" : "warning", GST_MESSAGE_SRC_NAME (m), err->message);
  g_error_free (err);
  /* _exit: with --bus sync this runs on a streaming thread, where exit()
   * would tear the process down under the other threads' feet. */
  if (error) {
    fflush (nullptr);
    _exit (1);
  }
}

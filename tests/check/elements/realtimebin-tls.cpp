/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtimebin over wss:// against the in-process simulator serving TLS with
 * a certificate made here with openssl: refused by default (the system does
 * not trust it) with an error that names the ca-file property, accepted with
 * ca-file pointing at the certificate. */
#include "realtimebin-helpers.h"

#include <glib/gstdio.h>

using namespace rtb;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-tls";

struct Certificate
{
  std::string dir, cert, key;
  ~Certificate ()
  {
    g_unlink (cert.c_str ());
    g_unlink (key.c_str ());
    g_rmdir (dir.c_str ());
  }
};

/* A throwaway self-signed certificate for 127.0.0.1; nullptr when openssl
 * is not installed (the test then fails: install-deps.sh installs it). */
static std::unique_ptr<Certificate>
make_certificate ()
{
  auto c = std::make_unique<Certificate> ();
  g_autofree gchar * dir = g_dir_make_tmp ("realtimebin-tls-XXXXXX", nullptr);
  c->dir = dir;
  c->cert = c->dir + "/cert.pem";
  c->key = c->dir + "/key.pem";
  const gchar * argv[] = {"openssl", "req", "-x509", "-newkey", "rsa:2048",
      "-nodes", "-keyout", c->key.c_str (), "-out", c->cert.c_str (), "-days",
      "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      nullptr};
  gint status = 0;
  g_autoptr (GError) error = nullptr;
  fail_unless (g_spawn_sync (nullptr, (gchar **) argv, nullptr,
                   (GSpawnFlags) (G_SPAWN_SEARCH_PATH |
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL),
                   nullptr, nullptr, nullptr, nullptr, &status, &error),
      "openssl: %s", error ? error->message : "");
  fail_unless (g_spawn_check_wait_status (status, nullptr),
      "openssl could not make a certificate");
  return c;
}

static std::unique_ptr<Simulator>
tls_simulator (const Certificate & c, const char * name)
{
  SimulatorOptions o = sim_options (kLogDir, name,
      R"({"turns":[{"assistant":"Hello over TLS."}]})", 0);
  o.tls_certificate = c.cert;
  o.tls_private_key = c.key;
  return start_simulator (std::move (o));
}

/* Without ca-file the self-signed certificate is refused: an ERROR from
 * realtimebin (RESOURCE/OPEN_READ) that says the certificate was not
 * accepted and what to set; the simulator never sees a session. */
GST_START_TEST (test_untrusted_certificate_refused)
{
  auto cert = make_certificate ();
  auto sim = tls_simulator (*cert, "untrusted");
  fail_unless (g_str_has_prefix (sim->url ().c_str (), "wss://"));

  GstElement * pipeline = gst_parse_launch (
      "appsrc name=src is-live=true "
      "format=time caps=audio/x-raw,format=S16LE,rate=24000,channels=1,"
      "layout=interleaved ! realtimebin name=rt ! fakesink",
      nullptr);
  fail_unless (pipeline != nullptr);
  GstElement * rt = gst_bin_get_by_name (GST_BIN (pipeline), "rt");
  g_object_set (rt, "url", sim->url ().c_str (), nullptr);
  GstBus * bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  GstMessage * msg =
      gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_ERROR);
  fail_unless (msg != nullptr, "no error for an untrusted certificate");
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (rt));
  GError * err = nullptr;
  gst_message_parse_error (msg, &err, nullptr);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
                   GST_RESOURCE_ERROR_OPEN_READ),
      "%s", err->message);
  fail_unless (strstr (err->message, "certificate") != nullptr &&
          strstr (err->message, "ca-file") != nullptr,
      "error text '%s' does not say what to do", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  fail_unless_equals_int (sim->connection_count (), 0);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (rt);
  gst_object_unref (pipeline);
}
GST_END_TEST;

/* With ca-file naming the certificate the same endpoint is accepted: the
 * session connects (realtime-session connected) with no error. */
GST_START_TEST (test_ca_file_accepted)
{
  auto cert = make_certificate ();
  auto sim = tls_simulator (*cert, "trusted");

  GstElement * pipeline = gst_parse_launch (
      "appsrc name=src is-live=true "
      "format=time caps=audio/x-raw,format=S16LE,rate=24000,channels=1,"
      "layout=interleaved ! realtimebin name=rt ! fakesink",
      nullptr);
  GstElement * rt = gst_bin_get_by_name (GST_BIN (pipeline), "rt");
  g_object_set (rt, "url", sim->url ().c_str (), "ca-file", cert->cert.c_str (),
      nullptr);
  GstBus * bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  bool connected = false;
  while (!connected) {
    GstMessage * msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
        (GstMessageType) (GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT));
    fail_unless (msg != nullptr, "no realtime-session connected over TLS");
    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR, "error over TLS");
    const GstStructure * s = gst_message_get_structure (msg);
    connected = gst_structure_has_name (s, "realtime-session") &&
        g_strcmp0 (gst_structure_get_string (s, "state"), "connected") == 0;
    gst_message_unref (msg);
  }
  fail_unless_equals_int (sim->connection_count (), 1);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (rt);
  gst_object_unref (pipeline);
}
GST_END_TEST;

static Suite *
realtimebin_tls_suite (void)
{
  Suite * s = suite_create ("realtimebin-tls");
  clear_log_dir (kLogDir);
  TCase * tc = tcase_create ("tls");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_untrusted_certificate_refused);
  tcase_add_test (tc, test_ca_file_accepted);
  return s;
}

GST_CHECK_MAIN (realtimebin_tls);

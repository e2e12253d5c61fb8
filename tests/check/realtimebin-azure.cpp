/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Azure OpenAI (docs/realtimebin.md, "Azure OpenAI"): the GA endpoint
 * /openai/v1/realtime, the key in an `api-key` header (auth=api-key, or auto
 * for Azure hosts), an Entra token as Bearer (auth=bearer). Against the
 * simulator's Azure mode; host detection and the headers themselves are checked
 * directly. */
#include "realtimebin-helpers.h"

#include <gst/realtime/endpoint.h>

using namespace rtb;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-azure";

static const char * kScenario = R"({"turns":[
  {"user":"Hello?","assistant":"Hello from Azure.",
   "audio":{"type":"tone","frequency":440,"duration_ms":500}}]})";

/* A push-to-talk turn (committed at EOS) against an Azure-mode simulator
 * that requires kTestKey; returns how the key arrived ("api-key" or
 * "bearer", from the simulator's log). */
static std::string
azure_turn (const char * name, const char * auth)
{
  SimulatorOptions o = sim_options (kLogDir, name, kScenario, 0);
  o.azure = true;
  o.api_key = kTestKey;
  auto sim = start_simulator (std::move (o));
  fail_unless (g_str_has_suffix (sim->url ().c_str (), "/openai/v1/realtime"));
  {
    Run run (pipeline_text (*sim, "appsrc name=src",
        std::string ("turn-detection=none auth=") + auth));
    push_to_talk_turn (run);
  }
  sim->stop ();
  std::string how;
  for (const LogLine & l : SimLog (kLogDir + "/" + name + ".jsonl").lines)
    if (l.note == "auth")
      how = json_object_get_string_member (json_node_get_object (l.root.get ()),
          "detail");
  return how;
}

/* An Azure key goes in the api-key header; the conversation works. */
GST_START_TEST (test_azure_api_key_header)
{
  std::string how = azure_turn ("api-key", "api-key");
  fail_unless_equals_string (how.c_str (), "api-key");
}
GST_END_TEST;

/* A Microsoft Entra token goes as Authorization: Bearer. */
GST_START_TEST (test_azure_entra_bearer)
{
  std::string how = azure_turn ("bearer", "bearer");
  fail_unless_equals_string (how.c_str (), "bearer");
}
GST_END_TEST;

/* auth=auto picks the api-key header for Azure hosts only. */
GST_START_TEST (test_azure_hosts_detected)
{
  using realtime::is_azure_endpoint;
  fail_unless (is_azure_endpoint (
      "wss://my-res.openai.azure.com/openai/v1/realtime?model=dep"));
  fail_unless (is_azure_endpoint (
      "wss://MY-RES.cognitiveservices.azure.com/openai/v1/realtime"));
  fail_unless (
      is_azure_endpoint ("wss://x.services.ai.azure.com/openai/v1/realtime"));
  fail_if (is_azure_endpoint ("wss://api.openai.com/v1/realtime"));
  fail_if (is_azure_endpoint ("wss://openai.azure.com.evil.example/v1"));
  fail_if (is_azure_endpoint ("ws://127.0.0.1:8765/openai/v1/realtime"));
  fail_if (is_azure_endpoint ("not a url"));

  auto h = realtime::auth_header ("k1", true);
  fail_unless_equals_string (h.first.c_str (), "api-key");
  fail_unless_equals_string (h.second.c_str (), "k1");
  h = realtime::auth_header ("k1", false);
  fail_unless_equals_string (h.first.c_str (), "Authorization");
  fail_unless_equals_string (h.second.c_str (), "Bearer k1");
}
GST_END_TEST;

/* auth=auto with a non-Azure url stays Bearer (the loopback simulator is
 * not an Azure host); the property reads back as set. */
GST_START_TEST (test_auto_is_bearer_off_azure)
{
  std::string how = azure_turn ("auto", "auto");
  fail_unless_equals_string (how.c_str (), "bearer");
  GstElement * bin = gst_element_factory_make ("realtimebin", nullptr);
  gint auth = -1;
  g_object_get (bin, "auth", &auth, nullptr);
  fail_unless_equals_int (auth, 0);
  gst_util_set_object_arg (G_OBJECT (bin), "auth", "api-key");
  g_object_get (bin, "auth", &auth, nullptr);
  fail_unless_equals_int (auth, 2);
  gst_object_unref (bin);
}
GST_END_TEST;

static Suite *
realtimebin_azure_suite (void)
{
  Suite * s = suite_create ("realtimebin-azure");
  clear_log_dir (kLogDir);
  TCase * tc = tcase_create ("azure");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_azure_api_key_header);
  tcase_add_test (tc, test_azure_entra_bearer);
  tcase_add_test (tc, test_azure_hosts_detected);
  tcase_add_test (tc, test_auto_is_bearer_off_azure);
  return s;
}

GST_CHECK_MAIN (realtimebin_azure);

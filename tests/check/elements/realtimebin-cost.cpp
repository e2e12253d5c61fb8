/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The estimated cost of responses: realtime::estimate_cost_usd() and the
 * published price table on their own, then realtimebin's
 * `estimated-cost-usd` on `realtime-response` done and in `stats` — held
 * to figures worked out in this file from the server's usage and the
 * prices, not to the library function the element calls — and the
 * `prices` property (override, read-back, models without prices, bad
 * values). */
#include "realtimebin-helpers.h"

#include <gst/realtime/pricing.h>

#include <cmath>

using namespace rtb;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-cost";

static const char * kScenario = R"({"turns":[
  {"user":"Hello?","assistant":"A priced answer.",
   "audio":{"type":"tone","frequency":440,"duration_ms":1000}},
  {"user":"Again?","assistant":"A second priced answer.",
   "audio":{"type":"tone","frequency":440,"duration_ms":500}}]})";

static void
check_near (double got, double want, const char * what)
{
  fail_unless (std::fabs (got - want) <= 1e-12 + 1e-9 * std::fabs (want),
      "%s: %.12g, expected %.12g", what, got, want);
}

/* Every kind of token at its own price. */
GST_START_TEST (test_estimate_with_cached_details)
{
  realtime::Prices p{4, 0.4, 24, 32, 0.4, 64, 5, 0.5};
  realtime::Usage u;
  u.input_text_tokens = 1000;
  u.input_audio_tokens = 500;
  u.input_image_tokens = 100;
  u.input_cached_tokens = 700;
  u.has_cached_details = true;
  u.input_cached_text_tokens = 600;
  u.input_cached_audio_tokens = 100;
  u.output_text_tokens = 50;
  u.output_audio_tokens = 200;
  double want = (400 * 4 + 600 * 0.4 + 400 * 32 + 100 * 0.4 + 100 * 5 +
                    50 * 24 + 200 * 64) /
      1e6;
  check_near (realtime::estimate_cost_usd (u, p), want, "with details");

  /* Without the split, cached tokens split in proportion to the input. */
  u.has_cached_details = false;
  u.input_cached_text_tokens = u.input_cached_audio_tokens = 0;
  u.input_image_tokens = 0;
  u.input_cached_tokens = 300;
  double cached_text = 300.0 * 1000 / 1500, cached_audio = 300.0 * 500 / 1500;
  want =
      ((1000 - cached_text) * 4 + cached_text * 0.4 +
          (500 - cached_audio) * 32 + cached_audio * 0.4 + 50 * 24 + 200 * 64) /
      1e6;
  check_near (realtime::estimate_cost_usd (u, p), want, "proportional");

  /* More cached than input of a kind never makes a negative cost. */
  u.has_cached_details = true;
  u.input_cached_audio_tokens = 900;
  fail_unless (realtime::estimate_cost_usd (u, p) > 0);
  check_near (realtime::estimate_cost_usd (realtime::Usage (), p), 0, "none");

  /* Totals only (no per-kind details): counted as text. */
  realtime::Usage totals;
  totals.input_tokens = 1000;
  totals.output_tokens = 100;
  check_near (realtime::estimate_cost_usd (totals, p),
      (1000 * 4 + 100 * 24) / 1e6, "totals only");
}
GST_END_TEST;

GST_START_TEST (test_published_prices)
{
  auto p = realtime::published_prices ("gpt-realtime-2.1");
  fail_unless (p.has_value ());
  check_near (p->audio_input, 32, "2.1 audio in");
  check_near (p->audio_output, 64, "2.1 audio out");
  check_near (p->text_output, 24, "2.1 text out");
  auto mini = realtime::published_prices ("gpt-realtime-mini-2025-12-15");
  fail_unless (mini.has_value (), "a dated snapshot has its model's prices");
  check_near (mini->audio_output, 20, "mini audio out");
  fail_if (realtime::published_prices ("my-azure-deployment").has_value ());
  fail_if (realtime::published_prices ("gpt-realtime-2.1-2025").has_value ());
  /* The first preview was dearer than its successors: no guess. */
  fail_if (realtime::published_prices ("gpt-4o-realtime-preview-2024-10-01")
               .has_value ());
  fail_unless (realtime::published_prices ("gpt-4o-realtime-preview-2024-12-17")
                   .has_value ());
  fail_if (realtime::published_prices ("").has_value ());
  fail_unless_equals_int (strlen (realtime::kPricesAsOf), 10);
}
GST_END_TEST;

/* Prices per million tokens, copied by hand from the published table
 * (docs/realtimebin.md, "Cost"; gpt-realtime-2.1): text in / cached in /
 * out, audio in / cached in / out. */
struct HandPrices
{
  double text_in, text_cached, text_out, audio_in, audio_cached, audio_out;
};
static const HandPrices kRealtime21 = {4, 0.4, 24, 32, 0.4, 64};

/* The cost of the response @response_id as billed by the server (the usage
 * in the simulator's response.done, with its split of the cached tokens),
 * worked out here by hand: fresh and cached input of each kind, and the
 * output, each times its price, over a million. Not with
 * realtime::estimate_cost_usd(), which is what the element calls. */
static double
hand_cost (const std::string & log_name, const std::string & response_id,
    const HandPrices & p)
{
  SimLog log (kLogDir + "/" + log_name + ".jsonl");
  JsonObject * usage =
      json_object_get_object_member (log.response_done (response_id), "usage");
  JsonObject * in =
      json_object_get_object_member (usage, "input_token_details");
  JsonObject * cached =
      json_object_get_object_member (in, "cached_tokens_details");
  JsonObject * out =
      json_object_get_object_member (usage, "output_token_details");
  const double in_text = json_object_get_int_member (in, "text_tokens");
  const double in_audio = json_object_get_int_member (in, "audio_tokens");
  const double cached_text = json_object_get_int_member (cached, "text_tokens");
  const double cached_audio =
      json_object_get_int_member (cached, "audio_tokens");
  const double out_text = json_object_get_int_member (out, "text_tokens");
  const double out_audio = json_object_get_int_member (out, "audio_tokens");
  const double micro_usd = (in_text - cached_text) * p.text_in +
      cached_text * p.text_cached + (in_audio - cached_audio) * p.audio_in +
      cached_audio * p.audio_cached + out_text * p.text_out +
      out_audio * p.audio_out;
  GST_INFO ("%s: text %g (cached %g) audio %g (cached %g) in, text %g audio "
            "%g out: %.9f USD",
      response_id.c_str (), in_text, cached_text, in_audio, cached_audio,
      out_text, out_audio, micro_usd / 1e6);
  return micro_usd / 1e6;
}

static double
double_field (const GstStructure * s, const char * name)
{
  return g_value_get_double (field (s, name, G_TYPE_DOUBLE));
}

/* Two spoken turns (server VAD; the second with cached input); returns
 * the done messages' structures (owned by @run). */
static std::vector<const GstStructure *>
two_turns (Run & run)
{
  run.set_input_caps (kS16Mono24kCaps);
  run.play ();
  run.push (to_s16 (render_signal (24000, 1, 5000, {{100, 800}, {2500, 3200}})),
      0);
  run.end_of_stream ();
  run.wait_eos ();
  std::vector<const GstStructure *> done;
  for (const GstStructure * s : run.messages ("realtime-response"))
    if (str_field (s, "event") == "done")
      done.push_back (s);
  return done;
}

/* The default model's published prices: each done message carries the
 * cost of its usage, stats the sum. */
GST_START_TEST (test_cost_on_done_and_in_stats)
{
  auto sim = start_simulator (sim_options (kLogDir, "published", kScenario));
  Run run (pipeline_text (*sim, "appsrc name=src", ""));
  auto done = two_turns (run);
  fail_unless_equals_int (done.size (), 2);
  double sum = 0;
  for (const GstStructure * s : done) {
    fail_unless (uint_field (s, "output-audio-tokens") > 0);
    double want =
        hand_cost ("published", str_field (s, "response-id"), kRealtime21);
    check_near (double_field (s, "estimated-cost-usd"), want, "response cost");
    sum += want;
  }
  fail_unless (uint_field (done[1], "input-cached-tokens") > 0);
  GstStructure * stats = nullptr;
  g_object_get (run.bin, "stats", &stats, nullptr);
  check_near (double_field (stats, "estimated-cost-usd"), sum, "stats sum");
  gst_structure_free (stats);

  /* Read back: the published prices, with model and date. */
  GstStructure * prices = nullptr;
  g_object_get (run.bin, "prices", &prices, nullptr);
  fail_unless (prices != nullptr);
  fail_unless_equals_string (gst_structure_get_string (prices, "model"),
      "gpt-realtime-2.1");
  fail_unless_equals_string (gst_structure_get_string (prices, "as-of"),
      realtime::kPricesAsOf);
  check_near (double_field (prices, "audio-output"), 64, "read back");
  gst_structure_free (prices);
  run.stop ();
  sim->stop ();
}
GST_END_TEST;

/* An override from a launch line (ints parse as ints) replaces a price;
 * the rest stay published. */
GST_START_TEST (test_prices_override)
{
  auto sim = start_simulator (sim_options (kLogDir, "override", kScenario));
  Run run (pipeline_text (*sim, "appsrc name=src",
      ""
      "prices=\"realtime-prices,audio-output=100,audio-input=0.0\""));
  auto done = two_turns (run);
  fail_unless_equals_int (done.size (), 2);
  HandPrices p = kRealtime21;
  p.audio_out = 100;
  p.audio_in = 0;
  for (const GstStructure * s : done)
    check_near (double_field (s, "estimated-cost-usd"),
        hand_cost ("override", str_field (s, "response-id"), p),
        "overridden cost");
  GstStructure * prices = nullptr;
  g_object_get (run.bin, "prices", &prices, nullptr);
  check_near (double_field (prices, "audio-output"), 100, "read back");
  check_near (double_field (prices, "text-output"), 24, "kept");
  gst_structure_free (prices);
  run.stop ();
  sim->stop ();
}
GST_END_TEST;

/* A model without published prices: no estimate, no stats field — until
 * the text and audio prices are given. */
GST_START_TEST (test_unknown_model)
{
  auto sim = start_simulator (sim_options (kLogDir, "unknown", kScenario));
  {
    Run run (pipeline_text (*sim, "appsrc name=src", "model=my-deployment"));
    auto done = two_turns (run);
    for (const GstStructure * s : done)
      fail_if (gst_structure_has_field (s, "estimated-cost-usd"));
    GstStructure * stats = nullptr;
    g_object_get (run.bin, "stats", &stats, nullptr);
    fail_if (gst_structure_has_field (stats, "estimated-cost-usd"));
    gst_structure_free (stats);
    GstStructure * prices = nullptr;
    g_object_get (run.bin, "prices", &prices, nullptr);
    fail_unless (prices == nullptr);
    run.stop ();
  }
  {
    Run run (pipeline_text (*sim, "appsrc name=src",
        "model=my-deployment prices=\"realtime-prices,"
        "text-input=1,text-cached-input=1,text-output=1,audio-input=1,"
        "audio-cached-input=1,audio-output=1\""));
    auto done = two_turns (run);
    fail_unless_equals_int (done.size (), 2);
    for (const GstStructure * s : done)
      check_near (double_field (s, "estimated-cost-usd"),
          hand_cost ("unknown", str_field (s, "response-id"),
              {1, 1, 1, 1, 1, 1}),
          "a dollar per million of everything");
    run.stop ();
  }
  sim->stop ();
}
GST_END_TEST;

/* Bad prices: a warning that says what is wrong; the value is unchanged. */
GST_START_TEST (test_bad_prices_refused)
{
  GstElement * pipeline = gst_pipeline_new (nullptr);
  GstElement * bin = gst_element_factory_make ("realtimebin", nullptr);
  gst_bin_add (GST_BIN (pipeline), bin);
  BusLog bus (pipeline);
  gst_util_set_object_arg (G_OBJECT (bin), "prices",
      "realtime-prices,audio-output=50.0");
  const char * bad[] = {
      "realtime-prices,audio-outptu=1.0",
      "realtime-prices,audio-output=-1.0",
      "realtime-prices,audio-output=cheap",
  };
  for (const char * b : bad)
    gst_util_set_object_arg (G_OBJECT (bin), "prices", b);
  bus.drain ();
  std::vector<std::string> texts;
  for (GstMessage * m : bus.messages)
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING) {
      g_autoptr (GError) err = nullptr;
      gst_message_parse_warning (m, &err, nullptr);
      texts.push_back (err->message);
    }
  fail_unless_equals_int (texts.size (), 3);
  fail_unless (texts[0].find ("unknown field \"audio-outptu\"") !=
          std::string::npos,
      "%s", texts[0].c_str ());
  fail_unless (texts[1].find ("0 or more") != std::string::npos);
  GstStructure * prices = nullptr;
  g_object_get (bin, "prices", &prices, nullptr);
  check_near (double_field (prices, "audio-output"), 50, "unchanged");
  gst_structure_free (prices);
  /* What reads back can be set back (model and as-of are ignored). */
  g_object_set (bin, "prices", nullptr, nullptr);
  g_object_get (bin, "prices", &prices, nullptr);
  gst_structure_set (prices, "audio-output", G_TYPE_DOUBLE, 48.0, nullptr);
  g_object_set (bin, "prices", prices, nullptr);
  gst_structure_free (prices);
  g_object_get (bin, "prices", &prices, nullptr);
  check_near (double_field (prices, "audio-output"), 48, "round trip");
  gst_structure_free (prices);
  bus.drain ();
  gsize warned = 0;
  for (GstMessage * m : bus.messages)
    warned += GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING;
  fail_unless_equals_int (warned, 3);
  /* NULL goes back to the published prices. */
  g_object_set (bin, "prices", nullptr, nullptr);
  g_object_get (bin, "prices", &prices, nullptr);
  check_near (double_field (prices, "audio-output"), 64, "published");
  gst_structure_free (prices);
  gst_object_unref (pipeline);
}
GST_END_TEST;

/* A bad value on a launch line (no bus yet) is warned about when the
 * element starts, not lost. */
GST_START_TEST (test_bad_prices_on_launch_line)
{
  auto sim = start_simulator (sim_options (kLogDir, "launch", kScenario));
  Run run (pipeline_text (*sim, "appsrc name=src",
      "prices=\"realtime-prices,audio-outptu=48.0\""));
  run.set_input_caps (kS16Mono24kCaps);
  run.play ();
  run.wait_connected ();
  std::vector<std::string> w = warnings (run);
  fail_unless_equals_int (w.size (), 1);
  fail_unless (w[0].find ("unknown field \"audio-outptu\"") !=
          std::string::npos,
      "%s", w[0].c_str ());
  run.stop ();
  sim->stop ();
}
GST_END_TEST;

static Suite *
realtimebin_cost_suite (void)
{
  Suite * s = suite_create ("realtimebin-cost");
  clear_log_dir (kLogDir);
  TCase * tc = tcase_create ("cost");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_estimate_with_cached_details);
  tcase_add_test (tc, test_published_prices);
  tcase_add_test (tc, test_cost_on_done_and_in_stats);
  tcase_add_test (tc, test_prices_override);
  tcase_add_test (tc, test_unknown_model);
  tcase_add_test (tc, test_bad_prices_refused);
  tcase_add_test (tc, test_bad_prices_on_launch_line);
  return s;
}

GST_CHECK_MAIN (realtimebin_cost);

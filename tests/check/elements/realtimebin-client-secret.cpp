/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Ephemeral client secrets (docs/realtimebin.md, "Ephemeral client secrets"):
 * with client-secret-url set, realtimebin asks the user's backend for an `ek_…`
 * secret before every connection and opens the session with it; its api-key is
 * the backend's credential, never sent to the Realtime API. The backend here is
 * a small HTTP server in the test that holds the account key and forwards to
 * the simulator's POST /v1/realtime/client_secrets, as a real one would forward
 * to OpenAI's. Also the parts on their own: the request body, the answer
 * parser, the simulator's secret store. */
#include "realtimebin-helpers.h"

#include <tools/simulator/client-secrets.h>

#include <gst/realtime/client-secret.h>
#include <gst/realtime/endpoint.h>

#include <libsoup/soup.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

using namespace rtb;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-client-secret";

/* The account's key: only the backend and the simulator know it. */
static const char * const kAccountKey = "sk-account-key-held-by-the-backend";

static const char * kScenario = R"({"turns":[
  {"user":"Hello?","assistant":"Hello with a short-lived secret.",
   "audio":{"type":"tone","frequency":440,"duration_ms":600}}]})";

/* The user's backend: POST / with the device's token (kTestKey, the bin's
 * api-key) → POST to the simulator's client_secrets with the account key,
 * adding its own instructions; the simulator's answer is passed back. */
class Backend
{
public:
  enum class Mode {
    Forward,
    Refuse,
    Garbage,
    Unavailable_once,
    Redirect,
    Hang
  };

  Backend (std::string upstream, Mode mode)
      : upstream_ (std::move (upstream)), mode_ (mode)
  {
    context_ = g_main_context_new ();
    loop_ = g_main_loop_new (context_, FALSE);
    std::atomic<bool> ready{false};
    thread_ = std::thread ([this, &ready] {
      g_main_context_push_thread_default (context_);
      server_ = soup_server_new (nullptr, nullptr);
      soup_server_add_handler (server_, "/", on_request, this, nullptr);
      g_autoptr (GError) error = nullptr;
      fail_unless (soup_server_listen_local (server_, 0,
                       SOUP_SERVER_LISTEN_IPV4_ONLY, &error),
          "backend: %s", error ? error->message : "");
      GSList * uris = soup_server_get_uris (server_);
      port_ = g_uri_get_port ((GUri *) uris->data);
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
      session_ = soup_session_new ();
      ready = true;
      g_main_loop_run (loop_);
      g_clear_object (&session_);
      soup_server_disconnect (server_);
      g_clear_object (&server_);
      g_main_context_pop_thread_default (context_);
    });
    while (!ready)
      g_usleep (1000);
  }

  ~Backend ()
  {
    g_main_context_invoke (
        context_,
        [] (gpointer loop) -> gboolean {
          g_main_loop_quit (static_cast<GMainLoop *> (loop));
          return G_SOURCE_REMOVE;
        },
        loop_);
    thread_.join ();
    g_main_loop_unref (loop_);
    g_main_context_unref (context_);
  }

  std::string url () const
  {
    return "http://127.0.0.1:" + std::to_string (port_) + "/realtime-secret";
  }

  std::atomic<guint> requests{0};
  std::atomic<guint> forwarded{0};
  /* Mode::Hang: requests received and neither answered nor abandoned. */
  std::atomic<gint> in_flight{0};
  std::atomic<bool> wrong_token{false};
  /* The Authorization header of the last request ("" when none). */
  std::string authorization () const
  {
    std::lock_guard<std::mutex> lk (lock_);
    return authorization_;
  }

private:
  static void on_request (SoupServer *, SoupServerMessage * msg, const char *,
      GHashTable *, gpointer data)
  {
    auto * self = static_cast<Backend *> (data);
    guint n = ++self->requests;
    auto answer = [msg] (guint status, const std::string & body) {
      soup_server_message_set_status (msg, status, nullptr);
      soup_server_message_set_response (msg, "application/json",
          SOUP_MEMORY_COPY, body.data (), body.size ());
    };
    const char * auth =
        soup_message_headers_get_one (soup_server_message_get_request_headers (
                                          msg),
            "Authorization");
    if (g_strcmp0 (auth, (std::string ("Bearer ") + kTestKey).c_str ()) != 0)
      self->wrong_token = true;
    {
      std::lock_guard<std::mutex> lk (self->lock_);
      self->authorization_ = auth ? auth : "";
    }
    if (self->mode_ == Mode::Redirect) {
      soup_server_message_set_redirect (msg, 307,
          "https://elsewhere.example/secret?token=do-not-show");
      return;
    }
    if (self->mode_ == Mode::Hang) {
      /* Never answers; counted in flight until libsoup reports the
       * message finished or its connection gone (it does not notice a
       * client that goes away while the message is paused, so for the
       * tests this counts requests received and not answered). */
      self->in_flight++;
      /* Marked on the message itself: no allocation of ours outlives it. */
      g_object_set_data (G_OBJECT (msg), "in-flight", GINT_TO_POINTER (1));
      auto done = +[] (SoupServerMessage * m, gpointer data) {
        if (g_object_get_data (G_OBJECT (m), "in-flight") != nullptr) {
          g_object_set_data (G_OBJECT (m), "in-flight", nullptr);
          static_cast<Backend *> (data)->in_flight--;
        }
      };
      g_signal_connect (msg, "disconnected", G_CALLBACK (done), self);
      g_signal_connect (msg, "finished", G_CALLBACK (done), self);
      soup_server_message_pause (msg);
      return;
    }
    if (self->mode_ == Mode::Refuse) {
      answer (401,
          R"({"error":{"message":"This device is not enrolled.",)"
          R"("type":"invalid_request_error","param":null,"code":null}})");
      return;
    }
    if (self->mode_ == Mode::Garbage) {
      answer (200, R"({"secret":"ek_in_the_wrong_member"})");
      return;
    }
    if (self->mode_ == Mode::Unavailable_once && n == 1) {
      answer (503, R"({"error":{"message":"Backend warming up."}})");
      return;
    }
    /* The device's request, with the backend's own instructions. */
    GBytes * in =
        soup_message_body_flatten (soup_server_message_get_request_body (msg));
    g_autoptr (GError) error = nullptr;
    realtime::JsonNodePtr body = realtime::json_parse (
        std::string_view ((const char *) g_bytes_get_data (in, nullptr),
            g_bytes_get_size (in)),
        &error);
    g_bytes_unref (in);
    fail_unless (body && JSON_NODE_HOLDS_OBJECT (body.get ()));
    JsonObject * session =
        json_object_get_object_member (json_node_get_object (body.get ()),
            "session");
    fail_unless (session != nullptr);
    json_object_set_string_member (session, "instructions",
        "Instructions from the backend.");
    std::string out = realtime::json_to_string (body.get ());

    SoupMessage * up = soup_message_new ("POST", self->upstream_.c_str ());
    soup_message_headers_replace (soup_message_get_request_headers (up),
        "Authorization", (std::string ("Bearer ") + kAccountKey).c_str ());
    GBytes * req = g_bytes_new (out.data (), out.size ());
    soup_message_set_request_body_from_bytes (up, "application/json", req);
    g_bytes_unref (req);
    /* Blocking is fine here: the backend has a thread of its own. */
    GBytes * reply =
        soup_session_send_and_read (self->session_, up, nullptr, &error);
    fail_unless (reply != nullptr, "upstream: %s", error ? error->message : "");
    self->forwarded++;
    answer (soup_message_get_status (up),
        std::string ((const char *) g_bytes_get_data (reply, nullptr),
            g_bytes_get_size (reply)));
    g_bytes_unref (reply);
    g_object_unref (up);
  }

  std::string upstream_;
  Mode mode_;
  mutable std::mutex lock_;
  std::string authorization_;
  GMainContext * context_ = nullptr;
  GMainLoop * loop_ = nullptr;
  SoupServer * server_ = nullptr;
  SoupSession * session_ = nullptr;
  guint port_ = 0;
  std::thread thread_;
};

static std::string
secrets_url (Simulator & sim)
{
  std::string url = sim.url ();
  url.replace (0, strlen ("ws"), "http");
  return url + "/client_secrets";
}

static SimulatorOptions
account_sim (const char * name)
{
  SimulatorOptions o = sim_options (kLogDir, name, kScenario, 0);
  o.api_key = kAccountKey;
  return o;
}

/* Notes of one kind in a simulator log, as "conn:detail". */
static std::vector<std::string>
notes (const std::string & name, const char * what)
{
  std::vector<std::string> out;
  for (const LogLine & l : SimLog (kLogDir + "/" + name + ".jsonl").lines)
    if (l.note == what)
      out.push_back (std::to_string (l.conn) + ":" +
          json_object_get_string_member (json_node_get_object (l.root.get ()),
              "detail"));
  return out;
}

/* The device holds only its backend token; the session opens with a
 * secret the backend got with the account key, and starts with the
 * secret's configuration. */
GST_START_TEST (test_secret_opens_the_session)
{
  auto sim = start_simulator (account_sim ("flow"));
  Backend backend (secrets_url (*sim), Backend::Mode::Forward);
  {
    Run run (pipeline_text (*sim, "appsrc name=src",
        "turn-detection=none client-secret-url=" + backend.url ()));
    push_to_talk_turn (run);
    fail_unless (warnings (run).empty ());
  }
  sim->stop ();
  fail_unless_equals_int (backend.requests, 1);
  fail_unless_equals_int (backend.forwarded, 1);
  fail_if (backend.wrong_token, "the bin's api-key did not reach the backend");
  /* The secret was issued with the account key, then opened the
   * WebSocket: no other credential ever reached the Realtime API. */
  std::vector<std::string> auth = notes ("flow", "auth");
  fail_unless_equals_int (auth.size (), 2);
  fail_unless_equals_string (auth[0].c_str (), "0:bearer");
  fail_unless_equals_string (auth[1].c_str (), "1:client_secret");
  std::vector<std::string> issued = notes ("flow", "client_secret");
  fail_unless_equals_int (issued.size (), 1);
  fail_unless_equals_string (issued[0].c_str (), "0:issued, valid 60 s");
  /* session.created carries the backend's instructions. */
  bool seen = false;
  SimLog log (kLogDir + "/flow.jsonl");
  for (const LogLine & l : log.lines)
    if (l.type == "session.created") {
      JsonObject * s = json_object_get_object_member (l.event, "session");
      fail_unless_equals_string (json_object_get_string_member (s,
                                     "instructions"),
          "Instructions from the backend.");
      seen = true;
    }
  fail_unless (seen);
}
GST_END_TEST;

/* Every connection gets a fresh secret: after a drop, the reconnect asks
 * the backend again. */
GST_START_TEST (test_fresh_secret_per_connection)
{
  SimulatorOptions o = account_sim ("reconnect");
  o.faults.drop_after_deltas = 2;
  o.faults.fault_connections = 1;
  auto sim = start_simulator (std::move (o));
  Backend backend (secrets_url (*sim), Backend::Mode::Forward);
  {
    Run run (pipeline_text (*sim, "appsrc name=src",
        "turn-detection=none reconnect-initial-delay-ms=20 "
        "client-secret-url=" +
            backend.url ()));
    run.set_input_caps (kS16Mono24kCaps);
    run.play ();
    run.push (to_s16 (render_signal (24000, 1, 1000, {{100, 800}})), 0);
    run.wait_connected ();
    g_signal_emit_by_name (run.bin, "commit-input");
    g_signal_emit_by_name (run.bin, "create-response", nullptr);
    fail_unless (run.bus->wait (is_element_msg (run.bin, "realtime-session",
                                    "state", "reconnecting"),
                     10000) != nullptr);
    fail_unless (run.bus->wait (
                     [&run] (GstMessage * m) {
                       return is_element_msg (run.bin, "realtime-session",
                                  "state", "connected") (m) &&
                           run.messages ("realtime-session").size () >= 4;
                     },
                     10000) != nullptr);
    run.end_of_stream ();
    run.wait_eos ();
  }
  sim->stop ();
  fail_unless_equals_int (backend.requests, 2);
  std::vector<std::string> auth = notes ("reconnect", "auth");
  guint ws_with_secret = 0;
  for (const std::string & a : auth)
    ws_with_secret += g_str_has_suffix (a.c_str (), ":client_secret");
  fail_unless_equals_int (ws_with_secret, 2);
}
GST_END_TEST;

/* The error a bin with client-secret-url against @mode's backend posts
 * (no connection to the Realtime API is made); @requests: the backend's
 * count. */
static GError *
backend_error (const char * name, Backend::Mode mode, std::string * url,
    guint * requests)
{
  auto sim = start_simulator (account_sim (name));
  Backend backend (secrets_url (*sim), mode);
  *url = backend.url ();
  Run run (pipeline_text (*sim, "appsrc name=src",
      "turn-detection=none client-secret-url=" + backend.url ()));
  run.set_input_caps (kS16Mono24kCaps);
  run.play ();
  GstMessage * m = run.bus->wait (is_type (GST_MESSAGE_ERROR), 10000, true);
  fail_unless (m != nullptr);
  GError * err = nullptr;
  gst_message_parse_error (m, &err, nullptr);
  fail_unless_equals_int (sim->connection_count (), 0);
  *requests = backend.requests;
  run.stop ();
  sim->stop ();
  return err;
}

/* The backend refuses the device: a NOT_AUTHORIZED error naming the URL
 * and the api-key's role; no connection to the Realtime API at all. */
GST_START_TEST (test_backend_refuses)
{
  std::string url;
  guint requests = 0;
  g_autoptr (GError) err =
      backend_error ("refused", Backend::Mode::Refuse, &url, &requests);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
                   GST_RESOURCE_ERROR_NOT_AUTHORIZED),
      "%s", err->message);
  fail_unless (strstr (err->message, url.c_str ()) != nullptr, "%s",
      err->message);
  fail_unless (strstr (err->message,
                   "HTTP 401: This device is not "
                   "enrolled.") != nullptr,
      "%s", err->message);
  fail_unless (strstr (err->message, "api-key") != nullptr, "%s", err->message);
  fail_unless_equals_int (requests, 1);
}
GST_END_TEST;

/* A 200 without a secret is a configuration error, said as such. */
GST_START_TEST (test_backend_answers_garbage)
{
  std::string url;
  guint requests = 0;
  g_autoptr (GError) err =
      backend_error ("garbage", Backend::Mode::Garbage, &url, &requests);
  fail_unless (strstr (err->message,
                   "answered without a usable client "
                   "secret (the answer has no \"value\" string") != nullptr,
      "%s", err->message);
  /* The body is never quoted: it may hold a secret. */
  fail_if (strstr (err->message, "ek_in_the_wrong_member") != nullptr);
  fail_unless_equals_int (requests, 1);
}
GST_END_TEST;

/* A backend that is briefly unavailable (503) is retried like a
 * connection that failed. */
GST_START_TEST (test_backend_unavailable_is_retried)
{
  auto sim = start_simulator (account_sim ("retry"));
  Backend backend (secrets_url (*sim), Backend::Mode::Unavailable_once);
  {
    Run run (pipeline_text (*sim, "appsrc name=src",
        "turn-detection=none reconnect-initial-delay-ms=20 "
        "client-secret-url=" +
            backend.url ()));
    push_to_talk_turn (run);
    bool said = false;
    for (const GstStructure * s : run.messages ("realtime-session"))
      said = said ||
          (str_field (s, "state") == "reconnecting" &&
              str_field (s, "reason").find ("client secret: HTTP 503") !=
                  std::string::npos);
    fail_unless (said);
  }
  sim->stop ();
  fail_unless_equals_int (backend.requests, 2);
  fail_unless_equals_int (sim->connection_count (), 1);
}
GST_END_TEST;

/* A redirect is not followed (the POST carries a credential): an error
 * that says where it points, without its query. */
GST_START_TEST (test_redirect_not_followed)
{
  std::string url;
  guint requests = 0;
  g_autoptr (GError) err =
      backend_error ("redirect", Backend::Mode::Redirect, &url, &requests);
  fail_unless (
      strstr (err->message,
          "redirects (HTTP 307) to "
          "https://elsewhere.example/secret; redirects are not followed") !=
          nullptr,
      "%s", err->message);
  fail_if (strstr (err->message, "do-not-show") != nullptr);
  fail_unless_equals_int (requests, 1);
}
GST_END_TEST;

/* OPENAI_API_KEY is the account's key: with client-secret-url it is not
 * sent to the backend, only an api-key set on the element is. */
GST_START_TEST (test_environment_key_stays_home)
{
  auto sim = start_simulator (account_sim ("environment"));
  Backend backend (secrets_url (*sim), Backend::Mode::Forward);
  g_setenv ("OPENAI_API_KEY", "sk-proj-the-account-key", TRUE);
  {
    Run run ("appsrc name=src ! realtimebin name=rt url=" + sim->url () +
        " turn-detection=none client-secret-url=" + backend.url () +
        " rt.src_audio ! fakesink sync=false async=false");
    push_to_talk_turn (run);
  }
  g_unsetenv ("OPENAI_API_KEY");
  sim->stop ();
  fail_unless_equals_str (backend.authorization (), "");
}
GST_END_TEST;

/* A client-secret-url that cannot work fails the state change at once,
 * not after the reconnect attempts. */
GST_START_TEST (test_unusable_url_refused_at_start)
{
  const char * bad[] = {"backend.example.com/secret",
      "ftp://backend.example.com/secret", "http://backend.example.com/secret",
      "http://192.0.2.1/secret"};
  for (const char * url : bad) {
    GstElement * pipeline = gst_parse_launch (
        ("appsrc ! realtimebin name=rt "
         "url=ws://127.0.0.1:9/v1/realtime client-secret-url=" +
            std::string (url))
            .c_str (),
        nullptr);
    BusLog bus (pipeline);
    fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
        GST_STATE_CHANGE_FAILURE);
    GstMessage * m = bus.wait (is_type (GST_MESSAGE_ERROR), 1000, true);
    fail_unless (m != nullptr, "%s", url);
    g_autoptr (GError) err = nullptr;
    gst_message_parse_error (m, &err, nullptr);
    fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
                     GST_RESOURCE_ERROR_SETTINGS),
        "%s: %s", url, err->message);
    fail_unless (strstr (err->message, "client-secret-url") != nullptr);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
  }
  std::string problem;
  fail_unless (
      realtime::check_client_secret_url ("http://localhost:8/s", problem));
  fail_unless (realtime::check_client_secret_url ("http://[::1]:8/s", problem));
  fail_unless (
      realtime::check_client_secret_url ("https://b.example/s", problem));
  std::string redacted =
      realtime::redact_url ("https://user:pw@b.example:8443/s?token=x#f");
  fail_unless_equals_string (redacted.c_str (), "https://b.example:8443/s");
}
GST_END_TEST;

/* Each session of a rollover opens with a secret of its own. */
GST_START_TEST (test_rollover_fetches_a_secret)
{
  SimulatorOptions o = account_sim ("rollover");
  o.session_lifetime_s = 4;
  o.pace = 1.0;
  auto sim = start_simulator (std::move (o));
  Backend backend (secrets_url (*sim), Backend::Mode::Forward);
  guint64 rollovers = 0;
  {
    Run run (pipeline_text (*sim, "appsrc name=src",
        "rollover-margin-s=3 "
        "client-secret-url=" +
            backend.url ()));
    run.set_input_caps (kS16Mono24kCaps);
    run.play ();
    run.wait_connected ();
    /* 3 s of quiet input at real time: sessions that roll over after 1 s. */
    Pcm input = to_s16 (render_signal (24000, 1, 3000, {}));
    GstClockTime pts = 0;
    gint64 start = g_get_monotonic_time ();
    for (gsize i = 0; i < input.size (); i += 2400) {
      pts = run.push (Pcm (input.begin () + i,
                          input.begin () + MIN (i + 2400, input.size ())),
          pts);
      gint64 due = start + (gint64) (i + 2400) / 24 * 1000;
      gint64 now = g_get_monotonic_time ();
      if (due > now)
        g_usleep (due - now);
    }
    run.end_of_stream ();
    run.wait_eos ();
    rollovers = stats_field (run.bin, "rollovers");
  }
  sim->stop ();
  fail_unless (rollovers >= 1);
  fail_unless_equals_int (backend.requests, rollovers + 1);
  guint with_secret = 0;
  for (const std::string & a : notes ("rollover", "auth"))
    with_secret += g_str_has_suffix (a.c_str (), ":client_secret");
  fail_unless_equals_int (with_secret, rollovers + 1);
}
GST_END_TEST;

/* Waits (at most @timeout_ms) until @pred holds. */
static bool
wait_until (const std::function<bool ()> & pred, guint timeout_ms = 5000)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  while (!pred ()) {
    if (g_get_monotonic_time () >= deadline)
      return false;
    g_usleep (2000);
  }
  return true;
}

/* Bins torn down while their secret request hangs: nothing waits on the
 * backend, nothing leaks (LeakSanitizer in the sanitizer build). Each
 * teardown happens with that bin's request in flight: the backend has
 * received it (its count went up by one) and has answered none of them
 * (libsoup reports none finished). */
GST_START_TEST (test_teardown_while_fetching)
{
  auto sim = start_simulator (account_sim ("teardown"));
  Backend backend (secrets_url (*sim), Backend::Mode::Hang);
  for (guint i = 0; i < 10; i++) {
    {
      Run run (pipeline_text (*sim, "appsrc name=src",
          "turn-detection=none "
          "client-secret-url=" +
              backend.url ()));
      run.set_input_caps (kS16Mono24kCaps);
      /* PLAYING returns before the secret is there (the connection is
       * made in the background). */
      run.play ();
      fail_unless (wait_until ([&] { return backend.requests == i + 1; }),
          "teardown %u: the bin's request did not reach the backend", i);
      /* A little later each time: the teardown lands at several points of
       * the pending request. */
      g_usleep (i * 3000);
      fail_unless_equals_int (backend.requests, i + 1);
      fail_unless_equals_int (backend.in_flight, i + 1);
    }
  }
  fail_unless_equals_int (backend.requests, 10);
  fail_unless_equals_int (sim->connection_count (), 0);
  sim->stop ();
}
GST_END_TEST;

/* The request body a backend can forward to OpenAI as is, and the answer
 * parser. */
GST_START_TEST (test_request_and_answer_format)
{
  std::string body =
      realtime::client_secret_request_body ("gpt-realtime-2.1", 60);
  fail_unless_equals_string (body.c_str (),
      "{\"expires_after\":{\"anchor\":"
      "\"created_at\",\"seconds\":60},\"session\":{\"type\":\"realtime\","
      "\"model\":\"gpt-realtime-2.1\"}}");
  /* Clamped to the service's range. */
  fail_unless (realtime::client_secret_request_body ("m", 1).find (
                   "\"seconds\":10") != std::string::npos);

  realtime::ClientSecret secret;
  std::string problem;
  fail_unless (realtime::parse_client_secret (
      R"({"value":"ek_abc",)"
      R"("expires_at":1790000000,"session":{"type":"realtime"}})",
      secret, problem));
  fail_unless_equals_string (secret.value.c_str (), "ek_abc");
  fail_unless_equals_int64 (secret.expires_at, 1790000000);
  const char * bad[] = {"", "[]", "{}", R"({"value":42})", R"({"value":""})",
      R"({"value":"ek_a\r\nX-Injected: 1"})", R"({"value":"ek_\u00e9"})",
      R"({"client_secret":{"value":"ek_old_beta_shape"}})"};
  for (const char * b : bad) {
    problem.clear ();
    fail_if (realtime::parse_client_secret (b, secret, problem), "%s", b);
    fail_if (problem.empty ());
    fail_if (problem.find ("ek_") != std::string::npos, "%s", problem.c_str ());
  }
  /* Kept in a variable: the check reads it after the statement. */
  std::string message = realtime::api_error_message (R"({"error":)"
                                                     R"({"message":"No."}})");
  fail_unless_equals_string (message.c_str (), "No.");
  fail_unless (realtime::api_error_message ("<html>").empty ());
}
GST_END_TEST;

/* The simulator's store: the service's validation, expiry, the session. */
GST_START_TEST (test_simulator_secret_store)
{
  realtime::sim::ClientSecrets store;
  auto a = store.issue (R"({"expires_after":{"anchor":"created_at",)"
                        R"("seconds":10},"session":{"type":"realtime",)"
                        R"("audio":{"output":{"voice":"cedar"}}}})",
      "gpt-realtime-2.1", 1000);
  fail_unless_equals_int (a.status, 200);
  realtime::ClientSecret secret;
  std::string problem;
  fail_unless (realtime::parse_client_secret (a.body, secret, problem));
  fail_unless (g_str_has_prefix (secret.value.c_str (), "ek_"));
  fail_unless_equals_int64 (secret.expires_at, 1010);
  fail_unless (a.body.find ("\"voice\":\"cedar\"") != std::string::npos);
  std::shared_ptr<JsonObject> session;
  fail_unless (store.accept (secret.value, 1009, session));
  fail_unless_equals_string (
      json_object_get_string_member (
          json_object_get_object_member (
              json_object_get_object_member (session.get (), "audio"),
              "output"),
          "voice"),
      "cedar");
  fail_if (store.accept (secret.value, 1010, session)); /* expired */
  fail_if (store.accept ("ek_never_issued", 1000, session));
  fail_unless_equals_int (store.size (), 0);

  /* Default validity 600 s. */
  a = store.issue ("{}", "gpt-realtime-2.1", 0);
  fail_unless (realtime::parse_client_secret (a.body, secret, problem));
  fail_unless_equals_int64 (secret.expires_at, 600);

  struct
  {
    const char *body, *code, *param;
  } refused[] = {
      {"not json", "invalid_json", ""},
      {R"({"ttl":5})", "unknown_parameter", "ttl"},
      {R"({"expires_after":{"anchor":"now","seconds":60}})", "invalid_value",
          "expires_after.anchor"},
      {R"({"expires_after":{"anchor":"created_at","seconds":7201}})",
          "invalid_value", "expires_after.seconds"},
      {R"({"session":{"type":"realtime","temperature":0.8}})",
          "unknown_parameter", "session.temperature"},
      {R"({"session":{"type":"translation"}})", "invalid_value",
          "session.type"},
  };
  for (const auto & r : refused) {
    a = store.issue (r.body, "m", 0);
    fail_unless_equals_int (a.status, 400);
    fail_unless (a.body.find (std::string ("\"code\":\"") + r.code + "\"") !=
            std::string::npos,
        "%s -> %s", r.body, a.body.c_str ());
    if (*r.param)
      fail_unless (a.body.find (std::string ("\"param\":\"") + r.param +
                       "\"") != std::string::npos,
          "%s -> %s", r.body, a.body.c_str ());
  }
}
GST_END_TEST;

static Suite *
realtimebin_client_secret_suite (void)
{
  Suite * s = suite_create ("realtimebin-client-secret");
  clear_log_dir (kLogDir);
  TCase * tc = tcase_create ("client-secret");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_secret_opens_the_session);
  tcase_add_test (tc, test_fresh_secret_per_connection);
  tcase_add_test (tc, test_backend_refuses);
  tcase_add_test (tc, test_backend_answers_garbage);
  tcase_add_test (tc, test_backend_unavailable_is_retried);
  tcase_add_test (tc, test_redirect_not_followed);
  tcase_add_test (tc, test_environment_key_stays_home);
  tcase_add_test (tc, test_unusable_url_refused_at_start);
  tcase_add_test (tc, test_rollover_fetches_a_secret);
  tcase_add_test (tc, test_teardown_while_fetching);
  tcase_add_test (tc, test_request_and_answer_format);
  tcase_add_test (tc, test_simulator_secret_store);
  return s;
}

GST_CHECK_MAIN (realtimebin_client_secret);

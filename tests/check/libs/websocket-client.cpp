/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime::WebSocketClient on the shared I/O thread, against the
 * in-process simulator. */
#include <gst/check/gstcheck.h>
#include <gst/realtime/client-events.h>
#include <gst/realtime/server-events.h>
#include <tools/simulator/simulator.h>
#include <gst/realtime/websocket-client.h>

#include <libsoup/soup.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

using namespace realtime;
using namespace realtime::sim;

/* What the callbacks saw (they run on the I/O thread). */
struct Recorder
{
  std::mutex lock;
  std::condition_variable cond;
  bool opened = false;
  bool failed = false;
  guint http_status = 0;
  std::string error;
  bool closed = false;
  gushort close_code = 0;
  std::vector<std::string> types;
  int callbacks_after_death = 0;

  WebSocketClient::Callbacks callbacks ()
  {
    WebSocketClient::Callbacks c;
    c.opened = [this] { update ([this] { opened = true; }); };
    c.message = [this] (std::string_view text) {
      std::optional<ServerEvent> ev = parse_server_event (text, nullptr);
      update ([&] { types.push_back (ev ? ev->type_name : "<unparsable>"); });
    };
    c.failed = [this] (guint status, const GError * e) {
      update ([&] {
        failed = true;
        http_status = status;
        error = e ? e->message : "";
      });
    };
    c.closed = [this] (gushort code, const std::string &) {
      update ([&] {
        closed = true;
        close_code = code;
      });
    };
    return c;
  }

  template<typename F> void update (F f)
  {
    std::lock_guard<std::mutex> lk (lock);
    f ();
    cond.notify_all ();
  }

  template<typename P> bool wait (P pred, int ms = 5000)
  {
    std::unique_lock<std::mutex> lk (lock);
    return cond.wait_for (lk, std::chrono::milliseconds (ms), pred);
  }

  bool has (const char * type)
  {
    for (const auto & t : types)
      if (t == type)
        return true;
    return false;
  }
};

static std::unique_ptr<Simulator>
start (SimulatorOptions o = {})
{
  o.pace = 0;
  auto sim = std::make_unique<Simulator> (std::move (o));
  fail_unless (sim->start (nullptr));
  return sim;
}

GST_START_TEST (test_open_send_receive_close)
{
  auto sim = start ();
  Recorder r;
  auto client =
      std::make_unique<WebSocketClient> (IoThread::acquire (), r.callbacks ());
  client->connect ({sim->url ()});
  /* Sent before the handshake completes: goes out right after it. */
  client->send (build_session_update (SessionSettings (), "s1", nullptr));
  fail_unless (r.wait ([&] { return r.has ("session.updated"); }));
  fail_unless (r.opened);
  fail_unless_equals_string (r.types[0].c_str (), "session.created");

  client->send (build_response_create ());
  fail_unless (r.wait ([&] { return r.has ("response.done"); }));
  client->close (1000);
  fail_unless (r.wait ([&] { return r.closed; }));
  fail_unless_equals_int (r.close_code, 1000);

  /* After the close, frames are dropped and counted, not queued forever. */
  client->send (build_input_audio_buffer_commit ());
  fail_unless_equals_int (client->dropped (), 1);
  fail_unless_equals_int (client->pending (), 0);
}
GST_END_TEST;

/* Keepalive pings only where nothing goes either way: a quiet connection
 * turns them on, traffic turns them off again. */
GST_START_TEST (test_keepalive_only_when_quiet)
{
  auto sim = start ();
  Recorder r;
  WebSocketClient client (IoThread::acquire (), r.callbacks ());
  WebSocketClient::Options o{sim->url ()};
  o.keepalive_check_ms = 100;
  client.connect (o);
  fail_unless (r.wait ([&] { return r.has ("session.created"); }));
  fail_if (client.pinging ());
  bool pinging = false;
  for (int i = 0; i < 200 && !pinging; i++) {
    g_usleep (10 * 1000);
    pinging = client.pinging ();
  }
  fail_unless (pinging, "a quiet connection does not ping");
  /* Frames every 20 ms for a while: the next looks find it busy. */
  bool stopped = false;
  for (int i = 0; i < 40 && !stopped; i++) {
    client.send (build_input_audio_buffer_clear ());
    g_usleep (20 * 1000);
    stopped = !client.pinging ();
  }
  fail_unless (stopped, "a busy connection keeps pinging");
}
GST_END_TEST;

GST_START_TEST (test_handshake_failures)
{
  SimulatorOptions o;
  o.api_key = "sk-right";
  auto sim = start (o);
  {
    Recorder r;
    WebSocketClient client (IoThread::acquire (), r.callbacks ());
    client.connect ({sim->url ()});
    fail_unless (r.wait ([&] { return r.failed; }));
    fail_unless_equals_int (r.http_status, 401);
    fail_if (r.opened);
  }
  {
    Recorder r;
    WebSocketClient client (IoThread::acquire (), r.callbacks ());
    client.connect ({sim->url (), {{"Authorization", "Bearer sk-right"}}});
    fail_unless (r.wait ([&] { return r.has ("session.created"); }));
  }
  /* Nothing listening any more: a failure without an HTTP status. */
  std::string url = sim->url ();
  sim->stop ();
  Recorder r;
  WebSocketClient client (IoThread::acquire (), r.callbacks ());
  client.connect ({url});
  fail_unless (r.wait ([&] { return r.failed; }));
  fail_unless_equals_int (r.http_status, 0);
  fail_if (r.error.empty ());

  Recorder bad;
  WebSocketClient invalid (IoThread::acquire (), bad.callbacks ());
  invalid.connect ({"not a url"});
  fail_unless (bad.wait ([&] { return bad.failed; }));
}
GST_END_TEST;

GST_START_TEST (test_server_closes_and_drops)
{
  SimulatorOptions o;
  o.faults.drop_after_events = 1;
  auto sim = start (o);
  Recorder r;
  WebSocketClient client (IoThread::acquire (), r.callbacks ());
  client.connect ({sim->url ()});
  fail_unless (r.wait ([&] { return r.closed; }));
  fail_unless_equals_int (r.close_code, 1006);

  auto sim2 = start ();
  Recorder beta;
  WebSocketClient old (IoThread::acquire (), beta.callbacks ());
  old.connect ({sim2->url (), {{"OpenAI-Beta", "realtime=v1"}}});
  fail_unless (beta.wait ([&] { return beta.closed; }));
  fail_unless_equals_int (beta.close_code, 4000);
}
GST_END_TEST;

GST_START_TEST (test_many_clients_share_one_thread)
{
  auto sim = start ();
  std::shared_ptr<IoThread> thread = IoThread::acquire ();
  fail_unless (IoThread::acquire () == thread);

  const int n = 200;
  std::vector<std::unique_ptr<Recorder>> recorders;
  std::vector<std::unique_ptr<WebSocketClient>> clients;
  for (int i = 0; i < n; i++) {
    recorders.push_back (std::make_unique<Recorder> ());
    clients.push_back (std::make_unique<WebSocketClient> (thread,
        recorders.back ()->callbacks ()));
    clients.back ()->connect ({sim->url ()});
  }
  for (auto & r : recorders)
    fail_unless (r->wait ([&] { return r->has ("session.created"); }, 10000));
  fail_unless_equals_int (sim->session_count (), n);
  clients.clear ();
  /* Every client closed: the server ends every session, none lingers. */
  for (int i = 0; i < 200 && sim->session_count () > 0; i++)
    g_usleep (10 * 1000);
  fail_unless_equals_int (sim->session_count (), 0);
}
GST_END_TEST;

GST_START_TEST (test_destroy_while_connecting)
{
  auto sim = start ();
  for (int i = 0; i < 20; i++) {
    Recorder r;
    {
      WebSocketClient client (IoThread::acquire (), r.callbacks ());
      client.connect ({sim->url ()});
      client.send (build_input_audio_buffer_commit ());
    }
    /* Whatever was in flight, no callback may run after the destructor. */
    bool before = r.opened || r.failed || !r.types.empty ();
    g_usleep (20 * 1000);
    std::lock_guard<std::mutex> lk (r.lock);
    bool after = r.opened || r.failed || !r.types.empty ();
    fail_unless (before == after, "a callback ran after destruction");
  }
}
GST_END_TEST;

/* A WebSocket peer that completes the handshake and then goes silent: its
 * thread stops running its context, so it never answers a close frame and
 * never closes the TCP connection. */
struct SilentPeer
{
  GMainContext * context = g_main_context_new ();
  SoupServer * server = nullptr;
  std::string url;
  std::thread thread;
  std::atomic<bool> silent{false}, quit{false};
  std::vector<SoupWebsocketConnection *> connections; /* its thread */

  SilentPeer ()
  {
    g_main_context_push_thread_default (context);
    server = soup_server_new (nullptr, nullptr);
    soup_server_add_websocket_handler (server, nullptr, nullptr, nullptr,
        on_connection, this, nullptr);
    fail_unless (soup_server_listen_local (server, 0,
        SOUP_SERVER_LISTEN_IPV4_ONLY, nullptr));
    GSList * uris = soup_server_get_uris (server);
    gchar * text = g_uri_to_string ((GUri *) uris->data);
    url = std::string ("ws") + (text + strlen ("http"));
    g_free (text);
    g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
    g_main_context_pop_thread_default (context);
    thread = std::thread ([this] {
      g_main_context_push_thread_default (context);
      while (!quit)
        if (!silent)
          g_main_context_iteration (context, FALSE);
        else
          g_usleep (1000);
      for (SoupWebsocketConnection * c : connections)
        g_object_unref (c);
      soup_server_disconnect (server);
      g_clear_object (&server);
      while (g_main_context_iteration (context, FALSE)) {
      }
      g_main_context_pop_thread_default (context);
    });
  }

  ~SilentPeer ()
  {
    quit = true;
    thread.join ();
    g_main_context_unref (context);
  }

  static void on_connection (SoupServer *, SoupServerMessage *, const char *,
      SoupWebsocketConnection * connection, gpointer data)
  {
    auto * self = static_cast<SilentPeer *> (data);
    self->connections.push_back (
        (SoupWebsocketConnection *) g_object_ref (connection));
    self->silent = true;
  }
};

/* A peer that never closes the TCP connection after the close handshake
 * began: the client drops it after CLOSE_WAIT_MS, and libsoup's own close
 * timeout (5 s), which leaks its GSource when it fires, never fires. The
 * leak check (LeakSanitizer, in the sanitizer build) sees that. */
GST_START_TEST (test_peer_never_closes)
{
  SilentPeer peer;
  std::shared_ptr<IoThread> thread = IoThread::acquire ();
  {
    Recorder r;
    WebSocketClient client (thread, r.callbacks ());
    client.connect ({peer.url});
    fail_unless (r.wait ([&] { return r.opened; }));
    gint64 start = g_get_monotonic_time ();
    client.close (1000);
    fail_unless (r.wait ([&] { return r.closed; },
        WebSocketClient::CLOSE_WAIT_MS + 5000));
    gint64 waited_ms = (g_get_monotonic_time () - start) / 1000;
    /* The peer had its time; it sent no close frame: the drop code. */
    fail_unless (waited_ms >= WebSocketClient::CLOSE_WAIT_MS,
        "closed after %" G_GINT64_FORMAT " ms", waited_ms);
    fail_unless_equals_int (r.close_code, 1006);
  }
  /* The I/O thread is late: both our wait and libsoup's close timeout
   * (due 5-6 s after the close) are due in one iteration. Ours must run
   * first and take libsoup's timeout down with the connection. */
  peer.silent = false;
  Recorder r;
  WebSocketClient client (thread, r.callbacks ());
  client.connect ({peer.url});
  fail_unless (r.wait ([&] { return r.opened; }));
  client.close (1000);
  thread->invoke ([] { g_usleep (6100 * 1000); });
  fail_unless (r.wait ([&] { return r.closed; }, 6100 + 5000));
  fail_unless_equals_int (r.close_code, 1006);
}
GST_END_TEST;

static Suite *
websocket_client_suite (void)
{
  Suite * s = suite_create ("websocket-client");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_open_send_receive_close);
  tcase_add_test (tc, test_handshake_failures);
  tcase_add_test (tc, test_keepalive_only_when_quiet);
  tcase_add_test (tc, test_server_closes_and_drops);
  tcase_add_test (tc, test_many_clients_share_one_thread);
  tcase_add_test (tc, test_destroy_while_connecting);
  tcase_add_test (tc, test_peer_never_closes);
  return s;
}

GST_CHECK_MAIN (websocket_client);

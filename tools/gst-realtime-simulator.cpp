/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* gst-realtime-simulator: the GA Realtime protocol on loopback, with no model
 * and no internet, for tests, demos and CI. See docs/simulator.md. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <tools/simulator/simulator.h>

#include <glib-unix.h>

#include <cstdio>

using namespace realtime::sim;

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (static_cast<GMainLoop *> (loop));
  return G_SOURCE_REMOVE;
}

int
main (int argc, char ** argv)
{
  SimulatorOptions o;
  FaultOptions & f = o.faults;
  g_autofree gchar *host = nullptr, *api_key = nullptr, *scenario = nullptr;
  g_autofree gchar *log = nullptr, *close_reason = nullptr;
  g_autofree gchar *tls_cert = nullptr, *tls_key = nullptr;
  gboolean azure = FALSE;
  gint port = 0, close_code = f.close_code, handshake_status = 0;
  gint64 delta_ms = o.delta_ms, lifetime = o.session_lifetime_s;
  gint64 oversized_bytes = (gint64) f.oversized_bytes;
  gdouble pace = o.pace;
  gboolean invalid_base64 = FALSE, odd_delta_bytes = FALSE, version = FALSE;
  gboolean duplicate_events = FALSE, speak = FALSE;

  const GOptionEntry entries[] = {
      {"host", 0, 0, G_OPTION_ARG_STRING, &host,
          "Address to listen on (default 127.0.0.1)", "ADDR"},
      {"port", 'p', 0, G_OPTION_ARG_INT, &port,
          "Port to listen on; 0 picks a free one (default). The port is "
          "printed alone on the first line of stdout",
          "PORT"},
      {"api-key", 0, 0, G_OPTION_ARG_STRING, &api_key,
          "Require 'Authorization: Bearer KEY' (or a client secret it issued "
          "at POST /v1/realtime/client_secrets); others get HTTP 401. Also "
          "read from GST_REALTIME_SIMULATOR_API_KEY",
          "KEY"},
      {"scenario", 's', 0, G_OPTION_ARG_FILENAME, &scenario,
          "Scenario file (JSON) scripting what the assistant says; default: a "
          "built-in three-turn conversation",
          "FILE"},
      {"speak", 0, 0, G_OPTION_ARG_NONE, &speak,
          "Speak the assistant's text (espeak-ng) in every turn whose audio "
          "the "
          "scenario does not give, instead of a tone",
          nullptr},
      {"pace", 0, 0, G_OPTION_ARG_DOUBLE, &pace,
          "Speed of audio deltas: 1 = real time (default), 4 = four times "
          "faster, 0 = all at once",
          "FACTOR"},
      {"delta-ms", 0, 0, G_OPTION_ARG_INT64, &delta_ms,
          "Audio per response.output_audio.delta in ms (default 100)", "MS"},
      {"session-lifetime", 0, 0, G_OPTION_ARG_INT64, &lifetime,
          "Seconds until expires_at, when the session closes with 1001 like "
          "the service's 60-minute cap (default 3600)",
          "S"},
      {"log", 'l', 0, G_OPTION_ARG_FILENAME, &log,
          "Write every frame, both directions, as JSON lines to FILE", "FILE"},
      {"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
          "Serve wss:// with this PEM certificate (needs --tls-key)", "FILE"},
      {"azure", 0, 0, G_OPTION_ARG_NONE, &azure,
          "Serve Azure OpenAI's GA endpoint, /openai/v1/realtime, taking the "
          "key (--api-key) in an api-key header or as Bearer",
          nullptr},
      {"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
          "PEM private key for --tls-cert", "FILE"},
      {"drop-after-events", 0, 0, G_OPTION_ARG_INT64, &f.drop_after_events,
          "Fault: cut the TCP connection (no close frame) after N server "
          "events",
          "N"},
      {"drop-after-ms", 0, 0, G_OPTION_ARG_INT64, &f.drop_after_ms,
          "Fault: cut the TCP connection MS after it opened", "MS"},
      {"drop-jitter-ms", 0, 0, G_OPTION_ARG_INT64, &f.drop_jitter_ms,
          "With --drop-after-ms: each connection drops up to MS later, at "
          "random",
          "MS"},
      {"close-after-events", 0, 0, G_OPTION_ARG_INT64, &f.close_after_events,
          "Fault: close the WebSocket (--close-code) after N server events",
          "N"},
      {"close-after-ms", 0, 0, G_OPTION_ARG_INT64, &f.close_after_ms,
          "Fault: close the WebSocket (--close-code) MS after it opened", "MS"},
      {"close-code", 0, 0, G_OPTION_ARG_INT, &close_code,
          "Close code for --close-after-* (default 1011)", "CODE"},
      {"close-reason", 0, 0, G_OPTION_ARG_STRING, &close_reason,
          "Close reason for --close-after-*", "TEXT"},
      {"malformed-after-events", 0, 0, G_OPTION_ARG_INT64,
          &f.malformed_after_events,
          "Fault: send one frame that is not JSON after N server events", "N"},
      {"unknown-event-after-events", 0, 0, G_OPTION_ARG_INT64,
          &f.unknown_event_after_events,
          "Fault: send one event of an unknown type after N server events",
          "N"},
      {"oversized-after-events", 0, 0, G_OPTION_ARG_INT64,
          &f.oversized_after_events,
          "Fault: send one oversized frame (--oversized-bytes) after N server "
          "events",
          "N"},
      {"oversized-bytes", 0, 0, G_OPTION_ARG_INT64, &oversized_bytes,
          "Size of the oversized frame (default 16 MiB)", "BYTES"},
      {"invalid-base64-delta", 0, 0, G_OPTION_ARG_NONE, &invalid_base64,
          "Fault: the first audio delta of every response is not valid base64",
          nullptr},
      {"duplicate-events", 0, 0, G_OPTION_ARG_NONE, &duplicate_events,
          "Fault: every event is sent twice", nullptr},
      {"odd-delta-bytes", 0, 0, G_OPTION_ARG_NONE, &odd_delta_bytes,
          "Fault: every audio delta carries an odd number of bytes (samples "
          "split across deltas)",
          nullptr},
      {"stall-after-events", 0, 0, G_OPTION_ARG_INT64, &f.stall_after_events,
          "Fault: after N server events, send nothing for --stall-ms", "N"},
      {"drop-after-deltas", 0, 0, G_OPTION_ARG_INT64, &f.drop_after_deltas,
          "Fault: cut the TCP connection 100 ms after the Nth audio delta sent "
          "on it, sending nothing more (mid-response)",
          "N"},
      {"stall-after-deltas", 0, 0, G_OPTION_ARG_INT64, &f.stall_after_deltas,
          "Fault: after the Nth audio delta on a connection, send nothing for "
          "--stall-ms",
          "N"},
      {"stall-ms", 0, 0, G_OPTION_ARG_INT64, &f.stall_ms,
          "How long a stall lasts", "MS"},
      {"handshake-status", 0, 0, G_OPTION_ARG_INT, &handshake_status,
          "Fault: refuse the WebSocket handshake with this HTTP status (e.g. "
          "429, 503)",
          "STATUS"},
      {"fault-connections", 0, 0, G_OPTION_ARG_INT64, &f.fault_connections,
          "Apply the faults to the first N connections only, so reconnects can "
          "succeed (default: all)",
          "N"},
      {"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version",
          nullptr},
      {nullptr}};

  g_autoptr (GOptionContext) context = g_option_context_new (nullptr);
  g_option_context_set_summary (context,
      "Serves the OpenAI Realtime API (GA protocol) on "
      "ws://HOST:PORT/v1/realtime with no model, no internet and no key:\n"
      "server VAD on signal energy, scripted replies (tones, WAV files, "
      "speech), "
      "transcripts, function calls, barge-in, truncation and fault "
      "injection. Every event it sends follows the official GA schema.");
  g_option_context_set_description (context,
      "Example:\n  gst-realtime-simulator --port 8765 --log frames.jsonl\n"
      "  gst-launch-1.0 ... realtimebin url=ws://127.0.0.1:8765/v1/realtime "
      "...\n\nSee docs/simulator.md for the behaviour and the scenario "
      "format.");
  g_option_context_add_main_entries (context, entries, nullptr);
  g_autoptr (GError) error = nullptr;
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("gst-realtime-simulator: %s\n", error->message);
    return 2;
  }
  if (version) {
    g_print ("gst-realtime-simulator %s (speech: %s)\n", VERSION,
        speech_is_available () ? speech_engine () : "none, tones instead");
    return 0;
  }
  if (port < 0 || port > 65535 || pace < 0 || delta_ms < 10 || lifetime < 1 ||
      oversized_bytes < 1) {
    g_printerr (
        "gst-realtime-simulator: --port must be 0..65535, --pace >= 0, "
        "--delta-ms >= 10, --session-lifetime >= 1, --oversized-bytes >= 1\n");
    return 2;
  }

  if ((tls_cert == nullptr) != (tls_key == nullptr)) {
    g_printerr (
        "gst-realtime-simulator: --tls-cert and --tls-key go together\n");
    return 2;
  }
  if (tls_cert) {
    o.tls_certificate = tls_cert;
    o.tls_private_key = tls_key;
  }
  o.azure = azure;
  if (host)
    o.host = host;
  o.port = (guint) port;
  if (api_key)
    o.api_key = api_key;
  else if (const char * env = g_getenv ("GST_REALTIME_SIMULATOR_API_KEY"))
    o.api_key = env;
  if (scenario) {
    std::optional<Scenario> s = Scenario::load (scenario, &error);
    if (!s) {
      g_printerr ("gst-realtime-simulator: %s\n", error->message);
      return 2;
    }
    o.scenario = std::move (*s);
  }
  if (speak)
    o.scenario.speak_turns_without_audio ();
  bool wants_speech = false;
  for (const Turn & turn : o.scenario.turns)
    wants_speech |= turn.audio.kind == AudioSource::Kind::Speech;
  if (wants_speech && !speech_is_available ())
    g_printerr ("gst-realtime-simulator: note: built without espeak-ng: "
                "speech is replaced by tones as long as the text\n");
  /* Simulator::start() would too; here an unknown voice names the file. */
  if (!o.scenario.prepare_speech (&error)) {
    g_printerr ("gst-realtime-simulator: %s%s%s\n", scenario ? scenario : "",
        scenario ? ": " : "", error->message);
    return 2;
  }
  o.pace = pace;
  o.delta_ms = delta_ms;
  o.session_lifetime_s = lifetime;
  if (log)
    o.log_path = log;
  f.close_code = close_code;
  if (close_reason)
    f.close_reason = close_reason;
  f.oversized_bytes = (gsize) oversized_bytes;
  f.invalid_base64_delta = invalid_base64;
  f.odd_delta_bytes = odd_delta_bytes;
  f.duplicate_events = duplicate_events;
  f.handshake_status = (guint) handshake_status;

  Simulator simulator (std::move (o));
  if (!simulator.start (&error)) {
    g_printerr ("gst-realtime-simulator: %s\n", error->message);
    return 1;
  }
  /* Scripts read the port from the first line. */
  printf ("%u\n", simulator.port ());
  fflush (stdout);
  g_printerr ("gst-realtime-simulator: serving %s (Ctrl-C to stop)\n",
      simulator.url ().c_str ());

  GMainLoop * loop = g_main_loop_new (nullptr, FALSE);
  g_unix_signal_add (SIGINT, quit, loop);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  simulator.stop ();
  return 0;
}

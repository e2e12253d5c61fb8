/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-realtimebin
 * @title: realtimebin
 * @short_description: Converse with an OpenAI Realtime speech-to-speech model
 *
 * realtimebin holds one conversation with one OpenAI Realtime (GA) session
 * over WebSocket. The user's speech goes in on `sink_audio`, the
 * assistant's speech comes out on `src_audio`, transcripts come out on
 * `src_text`, and what happens in the conversation (voice activity,
 * transcripts, responses, function calls) is posted on the bus.
 *
 * Pads:
 *
 * * `sink_audio` (always): any `audio/x-raw`. Converted inside the bin by
 *   audioconvert and audioresample (one resampler for the whole stream) to
 *   PCM S16LE 24 kHz mono, and sent as `input_audio_buffer.append` events of
 *   #GstRealtimeBin:input-chunk-ms each.
 * * `src_audio` (always): the assistant's speech, natively S16LE 24 kHz
 *   mono, converted inside to whatever raw format downstream asks for.
 *   Buffers carry sample-accurate PTS, duration and offsets; the first
 *   buffer of each response (and the first after a flush) is DISCONT.
 * * `src_text` (always): `text/x-raw, format=utf8`, one buffer per
 *   finished transcript (see #GstRealtimeBin:text-roles), stamped with the
 *   PTS and duration of the audio it describes. User transcripts arrive
 *   after the assistant may have started to answer, so their timestamps can
 *   be earlier than the previous text buffer's.
 *
 * Unlinked source pads are not an error.
 *
 * ## Timing
 *
 * With a live input (a microphone, RTSP camera, phone line), each
 * response's first sample is stamped with the running time at which it
 * arrived; the src pads report upstream's latency plus
 * #GstRealtimeBin:latency, so sinks render it that much later and network
 * jitter is absorbed. With a non-live input (a file), a response is stamped
 * at the input running time where the user's turn ended (the server's
 * `audio_end_ms`), or where the previous response ends if that is later,
 * so mixing the input and `src_audio` gives the conversation as it
 * happened. Between responses the src pads push GAP events (live input:
 * while idle; any input: before a response that starts later than the last
 * data).
 *
 * Barge-in: when the user starts speaking over the assistant (and
 * #GstRealtimeBin:interrupt-response is set) or the application emits
 * #GstRealtimeBin::cancel-response, queued assistant audio is dropped, late
 * audio of that response is ignored, the item is truncated where the
 * listener heard it or deleted when nothing was heard, and a
 * `realtime-interrupted` message is posted. With live input the heard
 * position comes from the pipeline clock and the latency downstream renders
 * with, and `src_audio` is flushed (unless
 * #GstRealtimeBin:interrupt-flush is FALSE: then only audio not yet pushed
 * is dropped and what was pushed counts as heard); with non-live input it
 * is the user's speech start on the input's running time, and nothing is
 * flushed (a recording downstream keeps what it wrote).
 *
 * End of stream: with #GstRealtimeBin:turn-detection `none` the remaining
 * input is committed and a response requested; a turn the server's VAD
 * still had open is committed and answered. The bin then waits for the last
 * response to finish, at most #GstRealtimeBin:eos-timeout-ms, pushes EOS on
 * both src pads, posts EOS and closes the session with a close frame.
 *
 * ## States
 *
 * READY→PAUSED connects (the WebSocket handshake runs on a thread shared
 * by every realtimebin of the process; the state change does not wait for
 * it) and is a live, no-preroll change. `progress` messages of type start,
 * complete (session ready) or error surround the connection. PAUSED→READY
 * closes the session. Audio that arrives before the session is ready waits,
 * bounded (#GstRealtimeBin:input-backlog-ms, then it is dropped and counted
 * in #GstRealtimeBin:stats).
 *
 * ## Reliability
 *
 * A dropped connection (close 1001, 1005, 1006, 1011, 1012, 1013, a network
 * error), HTTP 408/429/5xx at the handshake, or a server silent during a
 * response (#GstRealtimeBin:stall-timeout-ms) is reconnected with back-off
 * (#GstRealtimeBin:reconnect-attempts): the new session gets the same
 * configuration, the conversation replayed as text
 * (#GstRealtimeBin:replay-turns) and the input spoken meanwhile. Before the
 * session cap (`expires_at`) the next session is prepared and takes over at
 * a quiet moment (#GstRealtimeBin:rollover-margin-s). HTTP 401/403, close
 * 4000, key/quota/billing error codes and TLS failures are errors.
 *
 * ## Bus messages
 *
 * Element messages from realtimebin (run gst-launch-1.0 with `-m` to see
 * them):
 *
 * * `realtime-session`: `state` (string: connecting, connected,
 *   reconnecting, closed), `session-id` (string), `reason` (string: on
 *   reconnecting why and which attempt; on connected `reconnected` or
 *   "rolled over from …"; on closed why).
 * * `realtime-vad`: `event` (string: speech-started, speech-stopped,
 *   timeout), `audio-ms` (guint64: the server's audio_start_ms /
 *   audio_end_ms; the service includes the prefix padding in the start and
 *   the silence in the end), `running-time` (GstClockTime: that instant
 *   mapped back to the input's running time, across gaps and
 *   discontinuities; GST_CLOCK_TIME_NONE for untimed input), `item-id`
 *   (string).
 * * `realtime-transcript`: `role` (string: user, assistant), `item-id`
 *   (string), `text` (string), `final` (gboolean: FALSE for a delta, TRUE
 *   for the finished transcript), `running-time` (GstClockTime: where the
 *   item's audio starts).
 * * `realtime-response`: `event` (string: started, done), `response-id`,
 *   `status` (in_progress, completed, cancelled, incomplete, failed),
 *   `reason` (string, may be empty); on done also the usage as guint
 *   fields `input-tokens`, `output-tokens`, `input-audio-tokens`,
 *   `input-text-tokens`, `input-cached-tokens`, `output-audio-tokens`,
 *   `output-text-tokens`, and `first-audio-latency` (GstClockTime: from the
 *   end of the user's speech to the response's first sample, on the
 *   pipeline's running time; GST_CLOCK_TIME_NONE when unknown).
 * * `realtime-function-call`: `call-id`, `name`, `arguments` (string,
 *   JSON). Answer with #GstRealtimeBin::send-function-result.
 * * `realtime-interrupted`: `item-id`, `played-ms` (guint64: audio of that
 *   item the listener heard), `action` (string: truncated, deleted, none).
 * * `realtime-rate-limits`: one #GstStructure field per limit name
 *   (`requests`, `tokens`), each a `rate-limit` structure with `remaining`,
 *   `limit` and `reset-seconds` (gdouble).
 *
 * Server `error` events that leave the session usable are posted as
 * warnings whose details structure, `realtime-error`, has the string fields
 * `type`, `code`, `message`, `param` and `event-id`. Failures that stop the
 * conversation are errors that say what to do, for example "The Realtime
 * API refused the API key (HTTP 401)" (#GST_RESOURCE_ERROR_NOT_AUTHORIZED,
 * details `http-status-code`). The API key never appears in any message or
 * log.
 *
 * ## Example launch line
 * |[
 * gst-realtime-simulator --port 8765 &
 * gst-launch-1.0 -m filesrc location=question.wav ! wavparse ! realtimebin name=rt url=ws://127.0.0.1:8765/v1/realtime \
 *     rt.src_audio ! audioconvert ! wavenc ! filesink location=reply.wav \
 *     rt.src_text ! filesink location=reply.txt
 * ]| Answers the question in question.wav with the local simulator: the
 * reply's audio goes to reply.wav, its transcript to reply.txt, and the VAD,
 * transcript and response messages are printed. Without `url` (and with
 * `OPENAI_API_KEY` set) the same line talks to OpenAI.
 * |[
 * gst-launch-1.0 autoaudiosrc ! realtimebin name=rt instructions="Be brief." rt.src_audio ! autoaudiosink
 * ]| A spoken conversation with the microphone and speakers (use
 * headphones: the model must not hear itself).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrealtimebin.h"
#include "gstrealtimeconversation.h"
#include "gstrealtimeprices.h"
#include "gstrealtimeelements.h"
#include "gstrealtimeenums.h"
#include "gstrealtimeinput.h"
#include "gstrealtimemessages.h"
#include "gstrealtimeoutput.h"

#include <gst/pbutils/missing-plugins.h>
#include <gst/realtime/endpoint.h>
#include <gst/realtime/session-settings.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

GST_DEBUG_CATEGORY_STATIC (gst_realtime_bin_debug);
#define GST_CAT_DEFAULT gst_realtime_bin_debug

#define DEFAULT_URL realtime::DEFAULT_URL
#define DEFAULT_MODEL realtime::DEFAULT_MODEL
#define DEFAULT_VOICE realtime::DEFAULT_VOICE
#define DEFAULT_TURN_DETECTION GST_REALTIME_TURN_DETECTION_SERVER_VAD
#define DEFAULT_VAD_THRESHOLD 0.5
#define DEFAULT_VAD_PREFIX_PADDING_MS 300
#define DEFAULT_VAD_SILENCE_DURATION_MS 500
#define DEFAULT_VAD_EAGERNESS GST_REALTIME_VAD_EAGERNESS_AUTO
#define DEFAULT_CREATE_RESPONSE TRUE
#define DEFAULT_INTERRUPT_RESPONSE TRUE
#define DEFAULT_TRANSCRIPTION_MODEL realtime::DEFAULT_TRANSCRIPTION_MODEL
#define DEFAULT_NOISE_REDUCTION GST_REALTIME_NOISE_REDUCTION_NONE
#define DEFAULT_OUTPUT_MODALITIES GST_REALTIME_OUTPUT_MODALITIES_AUDIO
#define DEFAULT_MAX_OUTPUT_TOKENS 0
#define DEFAULT_SPEED 1.0
#define DEFAULT_TOOL_CHOICE realtime::DEFAULT_TOOL_CHOICE
#define DEFAULT_TEXT_ROLES GST_REALTIME_TEXT_ROLES_ASSISTANT
#define DEFAULT_LATENCY_MS 100
#define DEFAULT_INPUT_CHUNK_MS 50
#define DEFAULT_EOS_TIMEOUT_MS 30000
#define DEFAULT_RECONNECT_ATTEMPTS 5
#define DEFAULT_RECONNECT_INITIAL_DELAY_MS 500
#define DEFAULT_RECONNECT_MAX_DELAY_MS 8000
#define DEFAULT_STALL_TIMEOUT_MS 15000
#define DEFAULT_INPUT_BACKLOG_MS 10000
#define DEFAULT_REPLAY_TURNS 20
#define DEFAULT_INTERRUPT_FLUSH TRUE
#define DEFAULT_ROLLOVER_MARGIN_S 120
#define DEFAULT_MAX_INCOMING_PAYLOAD (16 * 1024 * 1024)

#define NATIVE_AUDIO_CAPS                                                      \
  "audio/x-raw, format = (string) S16LE, "                                     \
  "rate = (int) 24000, channels = (int) 1, layout = (string) interleaved"

/* Shown by gst-inspect-1.0 (continuation lines indented to its column). */
#define DOC_NL "\n                           "
#define PADS_DOC                                                               \
  "sink_audio: any audio/x-raw, converted inside to S16LE 24 kHz mono" DOC_NL  \
  "src_audio: the assistant's speech, S16LE 24 kHz mono converted to "         \
  "what" DOC_NL                                                                \
  "  downstream asks; sample-accurate PTS/duration/offsets, DISCONT at" DOC_NL \
  "  each response" DOC_NL "src_text: text/x-raw,format=utf8, one buffer per " \
  "finished transcript," DOC_NL                                                \
  "  stamped with the audio it describes (text-roles chooses whose)"
#define BUS_MESSAGES_DOC                                                       \
  "element messages from the bin:" DOC_NL                                      \
  "realtime-session: state (connecting|connected|reconnecting|closed)," DOC_NL \
  "  session-id, reason (why: reconnecting, reconnected, rolled over," DOC_NL  \
  "  closed)" DOC_NL                                                           \
  "realtime-vad: event (speech-started|speech-stopped|timeout)," DOC_NL        \
  "  audio-ms (guint64, server's audio_start_ms/audio_end_ms)," DOC_NL         \
  "  running-time (GstClockTime, in input running time), item-id" DOC_NL       \
  "realtime-transcript: role (user|assistant), item-id, text," DOC_NL          \
  "  final (gboolean), running-time (GstClockTime)" DOC_NL                     \
  "realtime-response: event (started|done), response-id, status, "             \
  "reason;" DOC_NL                                                             \
  "  on done guint input-tokens, output-tokens, input-audio-tokens," DOC_NL    \
  "  input-text-tokens, input-cached-tokens, output-audio-tokens," DOC_NL      \
  "  output-text-tokens, first-audio-latency (GstClockTime)" DOC_NL            \
  "realtime-function-call: call-id, name, arguments (JSON)" DOC_NL             \
  "realtime-interrupted: item-id, played-ms (guint64)," DOC_NL                 \
  "  action (truncated|deleted|none)" DOC_NL                                   \
  "realtime-rate-limits: one rate-limit structure per limit name" DOC_NL       \
  "  (remaining, limit, reset-seconds)" DOC_NL                                 \
  "server error events: WARNING with details realtime-error" DOC_NL            \
  "  (type, code, message, param, event-id); fatal failures: ERROR" DOC_NL     \
  "progress messages (code connect) around connecting"
#define TIMING_DOC                                                             \
  "live input: a response starts at the running time it arrived; src "         \
  "pads" DOC_NL                                                                \
  "  report upstream latency + latency; GAP events while idle" DOC_NL          \
  "non-live input: a response starts where the user's turn ended (or" DOC_NL   \
  "  where the previous response ends); GAP events before it" DOC_NL           \
  "sink_audio EOS: commit (turn-detection=none), wait for the last" DOC_NL     \
  "  response (eos-timeout-ms), EOS on both src pads, close the session"

enum {
  PROP_0,
  PROP_URL,
  PROP_MODEL,
  PROP_API_KEY,
  PROP_VOICE,
  PROP_INSTRUCTIONS,
  PROP_TURN_DETECTION,
  PROP_VAD_THRESHOLD,
  PROP_VAD_PREFIX_PADDING_MS,
  PROP_VAD_SILENCE_DURATION_MS,
  PROP_VAD_EAGERNESS,
  PROP_CREATE_RESPONSE,
  PROP_INTERRUPT_RESPONSE,
  PROP_INPUT_TRANSCRIPTION_MODEL,
  PROP_TRANSCRIPTION_LANGUAGE,
  PROP_NOISE_REDUCTION,
  PROP_OUTPUT_MODALITIES,
  PROP_MAX_OUTPUT_TOKENS,
  PROP_SPEED,
  PROP_TOOLS,
  PROP_TOOL_CHOICE,
  PROP_SESSION_CONFIG,
  PROP_TEXT_ROLES,
  PROP_CA_FILE,
  PROP_CLIENT_SECRET_URL,
  PROP_AUTH,
  PROP_LATENCY,
  PROP_INPUT_CHUNK_MS,
  PROP_EOS_TIMEOUT_MS,
  PROP_RECONNECT_ATTEMPTS,
  PROP_RECONNECT_INITIAL_DELAY_MS,
  PROP_RECONNECT_MAX_DELAY_MS,
  PROP_STALL_TIMEOUT_MS,
  PROP_INPUT_BACKLOG_MS,
  PROP_REPLAY_TURNS,
  PROP_INTERRUPT_FLUSH,
  PROP_ROLLOVER_MARGIN_S,
  PROP_MAX_INCOMING_PAYLOAD,
  PROP_PRICES,
  PROP_SESSION_ID,
  PROP_STATS,
};

enum {
  SIGNAL_COMMIT_INPUT,
  SIGNAL_CLEAR_INPUT,
  SIGNAL_CREATE_RESPONSE,
  SIGNAL_CANCEL_RESPONSE,
  SIGNAL_SEND_TEXT,
  SIGNAL_SEND_FUNCTION_RESULT,
  SIGNAL_SEND_EVENT,
  SIGNAL_FUNCTION_CALL,
  LAST_SIGNAL
};

static guint gst_realtime_bin_signals[LAST_SIGNAL];

static GstStaticPadTemplate sink_audio_template =
    GST_STATIC_PAD_TEMPLATE ("sink_audio", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS ("audio/x-raw"));

static GstStaticPadTemplate src_audio_template =
    GST_STATIC_PAD_TEMPLATE ("src_audio", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS ("audio/x-raw"));

static GstStaticPadTemplate src_text_template =
    GST_STATIC_PAD_TEMPLATE ("src_text", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS ("text/x-raw, format = (string) utf8"));

/* What the properties set; copied under the lock when connecting. */
struct GstRealtimeBinSettings
{
  std::mutex lock;
  std::string url = DEFAULT_URL;
  std::string model = DEFAULT_MODEL;
  std::string api_key;           /* never logged, never readable */
  bool api_key_explicit = false; /* not from OPENAI_API_KEY */
  std::string ca_file;
  std::string client_secret_url;
  GstRealtimeAuth auth = GST_REALTIME_AUTH_AUTO;
  realtime::SessionSettings session;
  guint text_roles = DEFAULT_TEXT_ROLES;
  guint latency_ms = DEFAULT_LATENCY_MS;
  guint input_chunk_ms = DEFAULT_INPUT_CHUNK_MS;
  guint eos_timeout_ms = DEFAULT_EOS_TIMEOUT_MS;
  guint reconnect_attempts = DEFAULT_RECONNECT_ATTEMPTS;
  guint reconnect_initial_delay_ms = DEFAULT_RECONNECT_INITIAL_DELAY_MS;
  guint reconnect_max_delay_ms = DEFAULT_RECONNECT_MAX_DELAY_MS;
  guint stall_timeout_ms = DEFAULT_STALL_TIMEOUT_MS;
  guint input_backlog_ms = DEFAULT_INPUT_BACKLOG_MS;
  guint replay_turns = DEFAULT_REPLAY_TURNS;
  gboolean interrupt_flush = DEFAULT_INTERRUPT_FLUSH;
  guint rollover_margin_s = DEFAULT_ROLLOVER_MARGIN_S;
  guint max_incoming_payload = DEFAULT_MAX_INCOMING_PAYLOAD;
  std::shared_ptr<const GstStructure> prices; /* the `prices` override */
  /* A refused `prices` value set while no bus could take the warning
   * (e.g. on a launch line): warned about at READY->PAUSED. */
  std::string prices_problem;
};

/* What exists only while the element runs. */
struct GstRealtimeBinState
{
  /* Guards `conversation`; entry points copy the pointer and let go, so a
   * state change may drop it while a signal still uses its copy. */
  std::mutex lock;
  std::shared_ptr<RealtimeConversation> conversation;
  GstStructure * last_stats = nullptr; /* of the previous conversation */
  std::string last_session_id;
  /* When the buffer now on its way through the input converters entered
   * sink_audio (monotonic µs; the streaming thread's own). */
  std::atomic<gint64> input_entered_us{0};

  ~GstRealtimeBinState ()
  {
    if (last_stats)
      gst_structure_free (last_stats);
  }
};

struct _GstRealtimeBin
{
  GstBin parent;

  GstRealtimeBinSettings * settings;
  GstRealtimeBinState * state;

  /* Ghost pads, owned by the element; set in init, never changed */
  GstPad * sink_audio;
  GstPad * src_audio;
  GstPad * src_text;

  /* Children, owned by the bin; NULL when a factory is missing */
  GstRealtimeInput * input;
  GstRealtimeOutput * audio_output;
  GstRealtimeOutput * text_output;
  const gchar * missing_factory; /* first converter not installed */
};

static void gst_realtime_bin_wake_outputs (GstRealtimeBin * self);
static void gst_realtime_bin_state_changed (GstElement * element,
    GstState oldstate, GstState newstate, GstState pending);
static GstStateChangeReturn gst_realtime_bin_change_state (GstElement * element,
    GstStateChange transition);
static void gst_realtime_bin_finalize (GObject * object);
static void gst_realtime_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_realtime_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

#define gst_realtime_bin_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRealtimeBin, gst_realtime_bin, GST_TYPE_BIN,
    GST_DEBUG_CATEGORY_INIT (gst_realtime_bin_debug, "realtimebin", 0,
        "OpenAI Realtime conversation bin"));
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (realtimebin, "realtimebin",
    GST_RANK_NONE, GST_TYPE_REALTIME_BIN, realtime_element_init (plugin));

/* Connection settings apply at the next connect; session settings may
 * change while PLAYING (sent as session.update once the engine exists). */
#define CONNECT_FLAGS                                                          \
  (GParamFlags) (G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)
#define SESSION_FLAGS                                                          \
  (GParamFlags) (                                                              \
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)

static void
gst_realtime_bin_install_properties (GObjectClass * gobject_class)
{
  g_object_class_install_property (gobject_class, PROP_URL,
      g_param_spec_string ("url", "URL",
          "WebSocket endpoint of the Realtime API; ?model= is added unless "
          "the URL has a query. ws:// is allowed (local simulator)",
          DEFAULT_URL, (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "Realtime model, fixed for the life of a connection", DEFAULT_MODEL,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:api-key:
   *
   * Sent as `Authorization: Bearer …`. Write-only: it is never printed,
   * logged, posted or readable back. Defaults to the `OPENAI_API_KEY`
   * environment variable.
   */
  g_object_class_install_property (gobject_class, PROP_API_KEY,
      g_param_spec_string ("api-key", "API key",
          "OpenAI API key (write-only; default: $OPENAI_API_KEY)", nullptr,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_WRITABLE)));
  g_object_class_install_property (gobject_class, PROP_VOICE,
      g_param_spec_string ("voice", "Voice",
          "Assistant voice (audio.output.voice), e.g. marin, cedar, alloy; "
          "fixed once the assistant has spoken",
          DEFAULT_VOICE, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_INSTRUCTIONS,
      g_param_spec_string ("instructions", "Instructions",
          "System instructions; empty keeps the server's default", nullptr,
          SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_TURN_DETECTION,
      g_param_spec_enum ("turn-detection", "Turn detection",
          "Who decides when the user has finished speaking "
          "(audio.input.turn_detection; none = push-to-talk)",
          GST_TYPE_REALTIME_TURN_DETECTION, DEFAULT_TURN_DETECTION,
          SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_VAD_THRESHOLD,
      g_param_spec_double ("vad-threshold", "VAD threshold",
          "server-vad: activation threshold, higher needs louder speech", 0.0,
          1.0, DEFAULT_VAD_THRESHOLD, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_VAD_PREFIX_PADDING_MS,
      g_param_spec_uint ("vad-prefix-padding-ms", "VAD prefix padding",
          "server-vad: audio kept before detected speech, in ms", 0, 10000,
          DEFAULT_VAD_PREFIX_PADDING_MS, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_VAD_SILENCE_DURATION_MS,
      g_param_spec_uint ("vad-silence-duration-ms", "VAD silence duration",
          "server-vad: silence that ends the user's turn, in ms", 0, 10000,
          DEFAULT_VAD_SILENCE_DURATION_MS, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_VAD_EAGERNESS,
      g_param_spec_enum ("vad-eagerness", "VAD eagerness",
          "semantic-vad: how soon the assistant answers",
          GST_TYPE_REALTIME_VAD_EAGERNESS, DEFAULT_VAD_EAGERNESS,
          SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_CREATE_RESPONSE,
      g_param_spec_boolean ("create-response", "Create response",
          "Answer automatically when the user's turn ends (VAD modes)",
          DEFAULT_CREATE_RESPONSE, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_INTERRUPT_RESPONSE,
      g_param_spec_boolean ("interrupt-response", "Interrupt response",
          "Let the user's speech interrupt the assistant (VAD modes)",
          DEFAULT_INTERRUPT_RESPONSE, SESSION_FLAGS));
  g_object_class_install_property (gobject_class,
      PROP_INPUT_TRANSCRIPTION_MODEL,
      g_param_spec_string ("input-transcription-model",
          "Input transcription model",
          "Model that transcribes the user's speech; empty turns it off",
          DEFAULT_TRANSCRIPTION_MODEL, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_TRANSCRIPTION_LANGUAGE,
      g_param_spec_string ("transcription-language", "Transcription language",
          "ISO-639-1 language of the user's speech (e.g. en); empty: "
          "detected",
          nullptr, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_NOISE_REDUCTION,
      g_param_spec_enum ("noise-reduction", "Noise reduction",
          "Server-side noise reduction of the input audio",
          GST_TYPE_REALTIME_NOISE_REDUCTION, DEFAULT_NOISE_REDUCTION,
          SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_OUTPUT_MODALITIES,
      g_param_spec_enum ("output-modalities", "Output modalities",
          "What the assistant answers with",
          GST_TYPE_REALTIME_OUTPUT_MODALITIES, DEFAULT_OUTPUT_MODALITIES,
          SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MAX_OUTPUT_TOKENS,
      g_param_spec_int ("max-output-tokens", "Max output tokens",
          "Token limit per response, tool calls included; 0 = unlimited", 0,
          realtime::MAX_OUTPUT_TOKENS_LIMIT, DEFAULT_MAX_OUTPUT_TOKENS,
          SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_SPEED,
      g_param_spec_double ("speed", "Speed",
          "Speaking speed of the assistant (applies between responses)",
          realtime::SPEED_MIN, realtime::SPEED_MAX, DEFAULT_SPEED,
          SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_TOOLS,
      g_param_spec_string ("tools", "Tools",
          "Function tools as a JSON array "
          "([{\"type\":\"function\",\"name\":…,\"parameters\":…}])",
          nullptr, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_TOOL_CHOICE,
      g_param_spec_string ("tool-choice", "Tool choice",
          "auto, none, required, a function name, or a JSON object",
          DEFAULT_TOOL_CHOICE, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_SESSION_CONFIG,
      g_param_spec_string ("session-config", "Session config",
          "JSON object merged over the generated GA session object, for "
          "fields without a property",
          nullptr, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_TEXT_ROLES,
      g_param_spec_flags ("text-roles", "Text roles",
          "Whose transcripts go out on src_text (all go to the bus)",
          GST_TYPE_REALTIME_TEXT_ROLES, DEFAULT_TEXT_ROLES, SESSION_FLAGS));

  /**
   * GstRealtimeBin:ca-file:
   *
   * A PEM file with the CA certificate(s) that sign a private `wss://`
   * endpoint's certificate (or the simulator's, with `--tls-cert`). When
   * set, only these CAs are trusted; empty: the system's trust store.
   */
  g_object_class_install_property (gobject_class, PROP_CA_FILE,
      g_param_spec_string ("ca-file", "CA file",
          "PEM file of the CA certificates trusted for wss:// instead of the "
          "system's (private endpoints); empty: the system's",
          nullptr, (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:client-secret-url:
   *
   * An `http(s)://` URL that hands out ephemeral client secrets: a backend
   * the user runs, which holds the real API key and calls OpenAI's
   * `POST /v1/realtime/client_secrets` (or OpenAI's endpoint itself).
   * When set, realtimebin POSTs there before every connection (reconnects
   * and rollovers included) and opens the session with the `ek_…` secret
   * it gets back, so the device never holds the account's key. An
   * `api-key` set on the element is then sent to this URL (as
   * `Authorization: Bearer`), not to the Realtime API; `OPENAI_API_KEY` is
   * never sent there. https only, or plain http to this machine.
   */
  g_object_class_install_property (gobject_class, PROP_CLIENT_SECRET_URL,
      g_param_spec_string ("client-secret-url", "Client secret URL",
          "URL to POST to for an ephemeral client secret before each "
          "connection (https, or http to this machine; a backend holding the "
          "real key); an api-key set on the element (never OPENAI_API_KEY) "
          "is then sent there, not to the Realtime API; empty: use api-key "
          "directly",
          nullptr, (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:auth:
   *
   * How the key is sent: `bearer` (`Authorization: Bearer`, OpenAI keys
   * and Microsoft Entra tokens), `api-key` (the `api-key` header of Azure
   * OpenAI keys), or `auto`: `api-key` when the url's host is an Azure
   * OpenAI one (…openai.azure.com, …cognitiveservices.azure.com,
   * …services.ai.azure.com), else `bearer`.
   */
  g_object_class_install_property (gobject_class, PROP_AUTH,
      g_param_spec_enum ("auth", "Authentication",
          "How the API key is sent (auto: api-key header for Azure OpenAI "
          "hosts, else Authorization: Bearer)",
          GST_TYPE_REALTIME_AUTH, GST_REALTIME_AUTH_AUTO,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:latency:
   *
   * Added to upstream's latency in LATENCY queries on the src pads: with a
   * live input, sinks render the assistant's audio this much after it
   * arrived, which absorbs network jitter. Lower it for less delay, raise
   * it if audio arrives late on a slow network.
   */
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Latency added on the src pads to absorb network jitter, in ms", 0,
          10000, DEFAULT_LATENCY_MS, SESSION_FLAGS));
  /**
   * GstRealtimeBin:input-chunk-ms:
   *
   * Input audio is sent in `input_audio_buffer.append` events of this
   * duration (the last one of a turn or of the stream may be shorter).
   * Shorter chunks let the server hear the end of speech sooner at the cost
   * of more events.
   */
  g_object_class_install_property (gobject_class, PROP_INPUT_CHUNK_MS,
      g_param_spec_uint ("input-chunk-ms", "Input chunk duration",
          "Duration of input audio per input_audio_buffer.append, in ms", 10,
          1000, DEFAULT_INPUT_CHUNK_MS, SESSION_FLAGS));
  /**
   * GstRealtimeBin:eos-timeout-ms:
   *
   * After EOS on `sink_audio`, how long to wait for the last response to
   * finish before pushing EOS on the src pads anyway (with a warning).
   * 0 pushes EOS at once, without waiting.
   */
  g_object_class_install_property (gobject_class, PROP_EOS_TIMEOUT_MS,
      g_param_spec_uint ("eos-timeout-ms", "EOS timeout",
          "After input EOS, longest wait for the last response, in ms "
          "(0: do not wait)",
          0, 3600000, DEFAULT_EOS_TIMEOUT_MS, SESSION_FLAGS));

  /* Reliability: docs/reliability.md tells what is retried and kept. */
  /**
   * GstRealtimeBin:reconnect-attempts:
   *
   * After a dropped connection (close codes 1001, 1005, 1006, 1011, 1012,
   * 1013, a network error, HTTP 408/429/5xx at the handshake, or a stall),
   * how many times to try again before posting an error; the count starts
   * over once a new session has worked. Never retried: HTTP 401/403,
   * close 4000, quota/billing/key error codes, TLS failures. 0 never
   * reconnects.
   */
  g_object_class_install_property (gobject_class, PROP_RECONNECT_ATTEMPTS,
      g_param_spec_uint ("reconnect-attempts", "Reconnect attempts",
          "Tries after a lost connection before giving up (0: none)", 0, 1000,
          DEFAULT_RECONNECT_ATTEMPTS,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:reconnect-initial-delay-ms:
   *
   * Wait before the first reconnect attempt; it doubles with each failed
   * attempt up to #GstRealtimeBin:reconnect-max-delay-ms, spread by ±20 %
   * so that sessions that dropped together do not return together.
   */
  g_object_class_install_property (gobject_class,
      PROP_RECONNECT_INITIAL_DELAY_MS,
      g_param_spec_uint ("reconnect-initial-delay-ms",
          "Reconnect initial delay",
          "Wait before the first reconnect "
          "attempt, in ms (doubles per attempt)",
          0, 600000, DEFAULT_RECONNECT_INITIAL_DELAY_MS,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  g_object_class_install_property (gobject_class, PROP_RECONNECT_MAX_DELAY_MS,
      g_param_spec_uint ("reconnect-max-delay-ms", "Reconnect maximum delay",
          "Longest wait between reconnect attempts, in ms", 0, 600000,
          DEFAULT_RECONNECT_MAX_DELAY_MS,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:stall-timeout-ms:
   *
   * While a response is being produced, a server that sends nothing for
   * this long is taken for a dead connection (a half-open TCP connection
   * can take minutes to notice) and the session is reconnected. 0 turns
   * the check off.
   */
  g_object_class_install_property (gobject_class, PROP_STALL_TIMEOUT_MS,
      g_param_spec_uint ("stall-timeout-ms", "Stall timeout",
          "Silence from the server during a response taken for a dead "
          "connection, in ms (0: never)",
          0, 600000, DEFAULT_STALL_TIMEOUT_MS,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:input-backlog-ms:
   *
   * Input audio kept while the session is not ready (connecting,
   * reconnecting), sent once it is. Audio beyond it is dropped, counted in
   * `dropped-audio-ms` of #GstRealtimeBin:stats and reported once with a
   * warning. (Audio the socket has not written on a slow uplink is bounded
   * separately, at 10 s.)
   */
  g_object_class_install_property (gobject_class, PROP_INPUT_BACKLOG_MS,
      g_param_spec_uint ("input-backlog-ms", "Input backlog",
          "Input audio kept while the session is not ready (connecting, "
          "reconnecting), in ms",
          0, 600000, DEFAULT_INPUT_BACKLOG_MS,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:replay-turns:
   *
   * A new session (after a reconnect, or a rollover before the session
   * cap) knows nothing: the last this many turns (a user item and the
   * assistant's answer each) are replayed into it as text items, from the
   * transcripts. User speech is replayed only when
   * #GstRealtimeBin:input-transcription-model is set. 0 replays nothing.
   */
  g_object_class_install_property (gobject_class, PROP_REPLAY_TURNS,
      g_param_spec_uint ("replay-turns", "Replay turns",
          "Turns of the conversation replayed as text into a new session", 0,
          10000, DEFAULT_REPLAY_TURNS,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:interrupt-flush:
   *
   * What a barge-in does to the assistant's audio that has already left
   * for a live output. TRUE: `src_audio` is flushed, so playback stops
   * within a buffer. FALSE: only the audio not yet pushed is dropped, with
   * no FLUSH events downstream (filesink, for one, truncates its file on
   * FLUSH_STOP, so a recording would lose everything before the
   * interruption); the next buffer is DISCONT, and what was pushed counts
   * as heard, since it will still be played. The cost: playback stops only
   * once downstream has played what it holds, so the stop latency grows by
   * what downstream buffers. Non-live output is never flushed.
   */
  g_object_class_install_property (gobject_class, PROP_INTERRUPT_FLUSH,
      g_param_spec_boolean ("interrupt-flush", "Interrupt flush",
          "Barge-in flushes src_audio (playback stops at once); FALSE drops "
          "only audio not yet pushed, without FLUSH events (recordings keep "
          "what was said), and stops later by what downstream buffers",
          DEFAULT_INTERRUPT_FLUSH,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:rollover-margin-s:
   *
   * Sessions end at `expires_at` (60 minutes). This long before, the next
   * session is opened in the background, given the configuration and the
   * conversation, and takes over when nobody speaks and no response
   * plays. 0 turns this off (the session then ends at the cap and is
   * reconnected).
   */
  g_object_class_install_property (gobject_class, PROP_ROLLOVER_MARGIN_S,
      g_param_spec_uint ("rollover-margin-s", "Rollover margin",
          "Open the next session this long before the current one expires, "
          "in s (0: never)",
          0, 7200, DEFAULT_ROLLOVER_MARGIN_S,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:max-incoming-payload:
   *
   * Largest server frame accepted, in bytes; a larger one closes the
   * connection (close code 1009), which is then reconnected. Server
   * events are small: the default leaves ample room.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_INCOMING_PAYLOAD,
      g_param_spec_uint ("max-incoming-payload", "Max incoming payload",
          "Largest server frame accepted, in bytes", 1024, G_MAXINT,
          DEFAULT_MAX_INCOMING_PAYLOAD,
          (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
  /**
   * GstRealtimeBin:prices:
   *
   * What a million tokens cost, in USD, for the `estimated-cost-usd` of
   * `realtime-response` done messages and `stats`: a `realtime-prices`
   * structure with any of `text-input`, `text-cached-input`,
   * `text-output`, `audio-input`, `audio-cached-input`, `audio-output`,
   * `image-input`, `image-cached-input`, over the prices OpenAI published
   * for the model (dated: read back the property to see them, with `model`
   * and `as-of`). A model without published prices (an Azure deployment,
   * a new model) needs at least the six text and audio fields, else no
   * estimate is made. From gst-launch:
   * `prices="realtime-prices,audio-output=48.0"`.
   */
  g_object_class_install_property (gobject_class, PROP_PRICES,
      g_param_spec_boxed ("prices", "Prices",
          "USD per million tokens (realtime-prices structure: text-input, "
          "text-cached-input, text-output, audio-input, audio-cached-input, "
          "audio-output, image-input, image-cached-input) over the model's "
          "published prices; reads back the prices for the model property",
          GST_TYPE_STRUCTURE,
          (GParamFlags) (G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
              G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_SESSION_ID,
      g_param_spec_string ("session-id", "Session ID",
          "session.id of the live session (or of the last one)", nullptr,
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  /**
   * GstRealtimeBin:stats:
   *
   * Counters of the running (or last) conversation, a `realtime-stats`
   * structure of guint64 fields: `bytes-sent`, `bytes-received`,
   * `events-sent`, `events-received`, `responses`, `interruptions`,
   * `reconnects` (sessions reopened after a lost connection), `rollovers`
   * (sessions replaced before they expired), `dropped-audio-ms` (input
   * audio dropped because no session was ready or the connection could not
   * keep up) and `first-audio-latency` (GstClockTime, of the last
   * response); what the element itself adds to the audio's way, as p50 and
   * p99 in microseconds (0 until measured): `input-latency-p50-us` and
   * `input-latency-p99-us` (a buffer entering `sink_audio` to its append
   * frame written to the socket; audio waiting for a session is not
   * counted) and `output-latency-p50-us` and `output-latency-p99-us` (a
   * server frame arriving to its audio leaving on `src_audio`, not
   * counting time downstream spent holding the previous buffer); and,
   * when prices are known (#GstRealtimeBin:prices), the gdouble
   * `estimated-cost-usd` of the responses so far.
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters of the conversation (realtime-stats structure)",
          GST_TYPE_STRUCTURE,
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_TURN_DETECTION,
      (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_VAD_EAGERNESS,
      (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_NOISE_REDUCTION,
      (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_OUTPUT_MODALITIES,
      (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_AUTH, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_TEXT_ROLES,
      (GstPluginAPIFlags) 0);
}

/* Runs @fn with the running conversation, or warns that there is none. */
template<typename Fn>
static void
with_conversation (GstRealtimeBin * self, const char * what, Fn fn)
{
  std::shared_ptr<RealtimeConversation> conv;
  {
    std::lock_guard<std::mutex> lk (self->state->lock);
    conv = self->state->conversation;
  }
  if (!conv) {
    GST_ELEMENT_WARNING (self, CORE, STATE_CHANGE,
        ("%s needs a session: set realtimebin to PAUSED or PLAYING first; "
         "nothing was sent.",
            what),
        (nullptr));
    return;
  }
  fn (*conv);
}

static void
gst_realtime_bin_commit_input (GstRealtimeBin * self)
{
  with_conversation (self, "commit-input",
      [] (RealtimeConversation & c) { c.commit_input (); });
}

static void
gst_realtime_bin_clear_input (GstRealtimeBin * self)
{
  with_conversation (self, "clear-input",
      [] (RealtimeConversation & c) { c.clear_input (); });
}

static void
gst_realtime_bin_create_response (GstRealtimeBin * self,
    const gchar * instructions)
{
  with_conversation (self, "create-response",
      [&] (RealtimeConversation & c) { c.create_response (instructions); });
}

static void
gst_realtime_bin_cancel_response (GstRealtimeBin * self)
{
  with_conversation (self, "cancel-response",
      [] (RealtimeConversation & c) { c.cancel_response (); });
}

static void
gst_realtime_bin_send_text (GstRealtimeBin * self, const gchar * text)
{
  if (text == nullptr || *text == '\0') {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("send-text needs a non-empty text; nothing was sent."), (nullptr));
    return;
  }
  with_conversation (self, "send-text",
      [&] (RealtimeConversation & c) { c.send_text (text); });
}

static void
gst_realtime_bin_send_function_result (GstRealtimeBin * self,
    const gchar * call_id, const gchar * output)
{
  if (call_id == nullptr || *call_id == '\0') {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("send-function-result needs the call-id of the "
         "realtime-function-call message; nothing was sent."),
        (nullptr));
    return;
  }
  with_conversation (self, "send-function-result",
      [&] (RealtimeConversation & c) {
        c.send_function_result (call_id, output ? output : "");
      });
}

static void
gst_realtime_bin_send_event (GstRealtimeBin * self, const gchar * json)
{
  with_conversation (self, "send-event",
      [&] (RealtimeConversation & c) { c.send_event (json ? json : ""); });
}

static void
gst_realtime_bin_install_signals (GstRealtimeBinClass * klass)
{
  GType type = G_TYPE_FROM_CLASS (klass);
  GSignalFlags flags = (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION);

  /**
   * GstRealtimeBin::commit-input:
   * @realtimebin: the #GstRealtimeBin
   *
   * Sends the input audio so far and commits it as a user turn
   * (`input_audio_buffer.commit`): the push-to-talk release with
   * #GstRealtimeBin:turn-detection `none`. Emit #GstRealtimeBin::create-response
   * to have it answered.
   */
  gst_realtime_bin_signals[SIGNAL_COMMIT_INPUT] =
      g_signal_new_class_handler ("commit-input", type, flags,
          G_CALLBACK (gst_realtime_bin_commit_input), nullptr, nullptr, nullptr,
          G_TYPE_NONE, 0);
  /**
   * GstRealtimeBin::clear-input:
   * @realtimebin: the #GstRealtimeBin
   *
   * Drops the input audio not committed yet (`input_audio_buffer.clear`):
   * the push-to-talk press.
   */
  gst_realtime_bin_signals[SIGNAL_CLEAR_INPUT] =
      g_signal_new_class_handler ("clear-input", type, flags,
          G_CALLBACK (gst_realtime_bin_clear_input), nullptr, nullptr, nullptr,
          G_TYPE_NONE, 0);
  /**
   * GstRealtimeBin::create-response:
   * @realtimebin: the #GstRealtimeBin
   * @instructions: (nullable): instructions for this response only, or NULL
   *
   * Asks for a response (`response.create`); queued until the active
   * response, if any, is done.
   */
  gst_realtime_bin_signals[SIGNAL_CREATE_RESPONSE] =
      g_signal_new_class_handler ("create-response", type, flags,
          G_CALLBACK (gst_realtime_bin_create_response), nullptr, nullptr,
          nullptr, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * GstRealtimeBin::cancel-response:
   * @realtimebin: the #GstRealtimeBin
   *
   * Stops the assistant: `response.cancel`, and the barge-in handling
   * described above (queued audio dropped, `src_audio` flushed, the item
   * truncated where it was heard, `realtime-interrupted` posted).
   */
  gst_realtime_bin_signals[SIGNAL_CANCEL_RESPONSE] =
      g_signal_new_class_handler ("cancel-response", type, flags,
          G_CALLBACK (gst_realtime_bin_cancel_response), nullptr, nullptr,
          nullptr, G_TYPE_NONE, 0);
  /**
   * GstRealtimeBin::send-text:
   * @realtimebin: the #GstRealtimeBin
   * @text: what the user says, as text
   *
   * Adds a user text message (`conversation.item.create`) and asks for a
   * response.
   */
  gst_realtime_bin_signals[SIGNAL_SEND_TEXT] =
      g_signal_new_class_handler ("send-text", type, flags,
          G_CALLBACK (gst_realtime_bin_send_text), nullptr, nullptr, nullptr,
          G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * GstRealtimeBin::send-function-result:
   * @realtimebin: the #GstRealtimeBin
   * @call_id: `call-id` of the `realtime-function-call` message
   * @output: the function's result (usually JSON)
   *
   * Adds the result (`function_call_output` item) and asks for a response
   * once the current one is done.
   */
  gst_realtime_bin_signals[SIGNAL_SEND_FUNCTION_RESULT] =
      g_signal_new_class_handler ("send-function-result", type, flags,
          G_CALLBACK (gst_realtime_bin_send_function_result), nullptr, nullptr,
          nullptr, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * GstRealtimeBin::send-event:
   * @realtimebin: the #GstRealtimeBin
   * @json: one client event, a JSON object with a `type`
   *
   * Sends any client event as is, for protocol features without a property
   * or signal. It gets an `event_id` when it has none. Text that is not a
   * JSON object with a `type` is refused with a warning.
   */
  gst_realtime_bin_signals[SIGNAL_SEND_EVENT] =
      g_signal_new_class_handler ("send-event", type, flags,
          G_CALLBACK (gst_realtime_bin_send_event), nullptr, nullptr, nullptr,
          G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * GstRealtimeBin::function-call:
   * @realtimebin: the #GstRealtimeBin
   * @call_id: the call's `call_id`
   * @name: the function's name
   * @arguments: its arguments, a JSON object as text
   *
   * The model calls a function (also posted as `realtime-function-call`).
   * A handler may answer at once by returning the output (a newly allocated
   * string, usually JSON): the bin then sends it as with
   * #GstRealtimeBin::send-function-result. Returning NULL leaves the answer
   * to a later send-function-result. Emitted from realtimebin's internal
   * threads (usually the I/O thread shared by all realtimebins of the
   * process): a handler must return quickly.
   *
   * Returns: (transfer full) (nullable): the function's output, or NULL
   */
  gst_realtime_bin_signals[SIGNAL_FUNCTION_CALL] =
      g_signal_new ("function-call", type, G_SIGNAL_RUN_LAST, 0,
          g_signal_accumulator_first_wins, nullptr, nullptr, G_TYPE_STRING, 3,
          G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
gst_realtime_bin_class_init (GstRealtimeBinClass * klass)
{
  GObjectClass * gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass * element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_realtime_bin_finalize;
  gobject_class->set_property = gst_realtime_bin_set_property;
  gobject_class->get_property = gst_realtime_bin_get_property;
  gst_realtime_bin_install_properties (gobject_class);
  gst_realtime_bin_install_signals (klass);

  gst_element_class_add_static_pad_template (element_class,
      &sink_audio_template);
  gst_element_class_add_static_pad_template (element_class,
      &src_audio_template);
  gst_element_class_add_static_pad_template (element_class, &src_text_template);

  gst_element_class_set_static_metadata (element_class,
      "OpenAI Realtime conversation", "Filter/Audio/Network",
      "Converses with an OpenAI Realtime (GA) speech-to-speech model over "
      "WebSocket: user speech in, assistant speech and transcripts out",
      "gst-realtime developers");

  /* gst-inspect-1.0 prints every metadata key: the bus messages and the
   * timing rules are part of the element's contract, so they go here. */
  gst_element_class_add_static_metadata (element_class, "pads", PADS_DOC);
  gst_element_class_add_static_metadata (element_class, "bus-messages",
      BUS_MESSAGES_DOC);
  gst_element_class_add_static_metadata (element_class, "timing", TIMING_DOC);
  gst_element_class_add_static_metadata (element_class,
      GST_ELEMENT_METADATA_DOC_URI,
      "https://github.com/gst-realtime/gst-realtime/blob/main/docs/"
      "realtimebin.md");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_realtime_bin_change_state);
  element_class->state_changed =
      GST_DEBUG_FUNCPTR (gst_realtime_bin_state_changed);
}

/* Adds an always pad made from our class template @name, aimed at @target
 * (none when a converter is missing; NULL->READY then fails). */
static GstPad *
gst_realtime_bin_add_ghost_pad (GstRealtimeBin * self, const gchar * name,
    GstPad * target)
{
  GstPadTemplate * templ =
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self), name);
  GstPad * pad = gst_ghost_pad_new_no_target_from_template (name, templ);

  if (target) {
    gst_ghost_pad_set_target (GST_GHOST_PAD (pad), target);
    gst_object_unref (target);
  }
  gst_element_add_pad (GST_ELEMENT (self), pad);
  return pad;
}

/* Makes a converter child; NULL (remembered) when its plugin is missing. */
static GstElement *
gst_realtime_bin_make (GstRealtimeBin * self, const gchar * factory,
    const gchar * name)
{
  GstElement * e = gst_element_factory_make (factory, name);
  if (e == nullptr) {
    if (self->missing_factory == nullptr)
      self->missing_factory = factory;
    return nullptr;
  }
  gst_bin_add (GST_BIN (self), e);
  return e;
}

static gboolean
link_chain (GstElement * first, ...)
{
  va_list args;
  gboolean ok = TRUE;
  GstElement *prev = first, *next;

  va_start (args, first);
  while (ok && (next = va_arg (args, GstElement *)) != nullptr) {
    ok = gst_element_link_pads_full (prev, "src", next, "sink",
        GST_PAD_LINK_CHECK_TEMPLATE_CAPS);
    prev = next;
  }
  va_end (args);
  return ok;
}

static std::shared_ptr<RealtimeConversation>
gst_realtime_bin_conversation (GstRealtimeBin * self)
{
  std::lock_guard<std::mutex> lk (self->state->lock);
  return self->state->conversation;
}

/* The children's interfaces to the bin, given at their construction: they
 * call into whichever conversation is running. */
static GstRealtimeInputCallbacks
gst_realtime_bin_input_callbacks (GstRealtimeBin * self)
{
  GstRealtimeInputCallbacks in;
  in.audio = [self] (GstBuffer * buffer, GstClockTime running_time) {
    auto conv = gst_realtime_bin_conversation (self);
    gint64 entered_us =
        self->state->input_entered_us.load (std::memory_order_relaxed);
    return conv ? conv->push_audio (buffer, running_time, entered_us)
                : GST_FLOW_FLUSHING;
  };
  in.eos = [self] () {
    if (auto conv = gst_realtime_bin_conversation (self))
      conv->input_eos ();
    else
      gst_realtime_input_post_eos (self->input);
  };
  in.flush = [self] () {
    if (auto conv = gst_realtime_bin_conversation (self))
      conv->input_flushed ();
  };
  /* Live input makes idle time: the outputs' GAPs may start. */
  in.live_changed = [self] () { gst_realtime_bin_wake_outputs (self); };
  return in;
}

static GstRealtimeOutputCallbacks
gst_realtime_bin_output_callbacks (GstRealtimeBin * self, bool audio)
{
  GstRealtimeOutputCallbacks out;
  out.latency = [self] (GstQuery * query) {
    if (auto conv = gst_realtime_bin_conversation (self))
      return conv->answer_latency (query);
    return FALSE;
  };
  out.idle_horizon = [self] () {
    auto conv = gst_realtime_bin_conversation (self);
    return conv ? conv->idle_horizon () : GST_CLOCK_TIME_NONE;
  };
  out.render_latency = [self] (GstClockTime latency) {
    if (auto conv = gst_realtime_bin_conversation (self))
      conv->set_render_latency (latency);
  };
  if (audio)
    out.delivered = [self] (gint64 delay_us) {
      if (auto conv = gst_realtime_bin_conversation (self))
        conv->audio_delivered (delay_us);
    };
  return out;
}

/* sink_audio -> audioconvert -> audioresample -> capsfilter -> input;
 * audio output -> audioconvert -> audioresample -> src_audio;
 * text output -> src_text. */
static void
gst_realtime_bin_build (GstRealtimeBin * self)
{
  GstCaps * native = gst_caps_from_string (NATIVE_AUDIO_CAPS);
  GstCaps * text = gst_caps_from_string ("text/x-raw, format = (string) utf8");

  /* Children's names are prefixed: a launch line's references ("input.")
   * are looked up recursively and would find them otherwise. */
  self->input = gst_realtime_input_new ("realtimebin-input",
      gst_realtime_bin_input_callbacks (self));
  self->audio_output = gst_realtime_output_new ("realtimebin-audio-output",
      native, gst_realtime_bin_output_callbacks (self, true));
  self->text_output = gst_realtime_output_new ("realtimebin-text-output", text,
      gst_realtime_bin_output_callbacks (self, false));
  gst_bin_add_many (GST_BIN (self), GST_ELEMENT (self->input),
      GST_ELEMENT (self->audio_output), GST_ELEMENT (self->text_output),
      nullptr);

  GstElement * in_convert =
      gst_realtime_bin_make (self, "audioconvert", "realtimebin-input-convert");
  GstElement * in_resample = gst_realtime_bin_make (self, "audioresample",
      "realtimebin-input-resample");
  GstElement * in_caps =
      gst_realtime_bin_make (self, "capsfilter", "realtimebin-input-caps");
  GstElement * out_convert = gst_realtime_bin_make (self, "audioconvert",
      "realtimebin-output-convert");
  GstElement * out_resample = gst_realtime_bin_make (self, "audioresample",
      "realtimebin-output-resample");

  GstPad *sink_target = nullptr, *audio_target = nullptr;
  if (self->missing_factory == nullptr) {
    g_object_set (in_caps, "caps", native, nullptr);
    if (!link_chain (in_convert, in_resample, in_caps,
            GST_ELEMENT (self->input), nullptr) ||
        !link_chain (GST_ELEMENT (self->audio_output), out_convert,
            out_resample, nullptr))
      g_critical ("realtimebin: could not link its own children");
    sink_target = gst_element_get_static_pad (in_convert, "sink");
    audio_target = gst_element_get_static_pad (out_resample, "src");
  }

  /* The converters run in the streaming thread that pushes into
   * sink_audio: note when each buffer entered, for the input latency. */
  if (sink_target)
    gst_pad_add_probe (
        sink_target,
        (GstPadProbeType) (GST_PAD_PROBE_TYPE_BUFFER |
            GST_PAD_PROBE_TYPE_BUFFER_LIST),
        [] (GstPad *, GstPadProbeInfo *, gpointer data) {
          auto * state = static_cast<GstRealtimeBinState *> (data);
          state->input_entered_us.store (g_get_monotonic_time (),
              std::memory_order_relaxed);
          return GST_PAD_PROBE_OK;
        },
        self->state, nullptr);
  self->sink_audio =
      gst_realtime_bin_add_ghost_pad (self, "sink_audio", sink_target);
  self->src_audio =
      gst_realtime_bin_add_ghost_pad (self, "src_audio", audio_target);
  self->src_text = gst_realtime_bin_add_ghost_pad (self, "src_text",
      gst_element_get_static_pad (GST_ELEMENT (self->text_output), "src"));

  gst_caps_unref (native);
  gst_caps_unref (text);
}

static void
gst_realtime_bin_init (GstRealtimeBin * self)
{
  self->settings = new GstRealtimeBinSettings ();
  self->state = new GstRealtimeBinState ();
  if (const gchar * key = g_getenv ("OPENAI_API_KEY"))
    self->settings->api_key = key;

  gst_realtime_bin_build (self);
}

static void
gst_realtime_bin_finalize (GObject * object)
{
  GstRealtimeBin * self = GST_REALTIME_BIN (object);

  delete self->state;
  delete self->settings;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static std::string
string_or_empty (const GValue * value)
{
  const gchar * s = g_value_get_string (value);
  return s ? s : "";
}

static void gst_realtime_bin_apply (GstRealtimeBin * self, guint prop_id);
static void gst_realtime_bin_store_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);

static void
gst_realtime_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  /* Checked before any lock: the warning may reach a sync bus handler. */
  std::string problem;
  if (prop_id == PROP_PRICES && gst_value_get_structure (value) &&
      !realtime_prices_valid (gst_value_get_structure (value), problem)) {
    GST_WARNING_OBJECT (object, "prices refused: %s", problem.c_str ());
    GstBus * bus = gst_element_get_bus (GST_ELEMENT (object));
    if (bus != nullptr) {
      gst_object_unref (bus);
      GST_ELEMENT_WARNING (object, LIBRARY, SETTINGS,
          ("The prices property was not changed: %s.", problem.c_str ()),
          (nullptr));
    } else {
      GstRealtimeBinSettings * st = GST_REALTIME_BIN (object)->settings;
      std::lock_guard<std::mutex> lk (st->lock);
      st->prices_problem = problem;
    }
    return;
  }
  gst_realtime_bin_store_property (object, prop_id, value, pspec);
  gst_realtime_bin_apply (GST_REALTIME_BIN (object), prop_id);
}

/* A property changed while a conversation runs takes effect now: session
 * fields go out as session.update (INTERFACE.md §3). */
static void
gst_realtime_bin_apply (GstRealtimeBin * self, guint prop_id)
{
  auto conv = gst_realtime_bin_conversation (self);
  if (!conv)
    return;

  GstRealtimeBinSettings * st = self->settings;
  std::unique_lock<std::mutex> lk (st->lock);
  switch (prop_id) {
    case PROP_URL:
    case PROP_MODEL:
    case PROP_API_KEY:
    case PROP_CA_FILE:
    case PROP_CLIENT_SECRET_URL:
    case PROP_AUTH:
    case PROP_RECONNECT_ATTEMPTS:
    case PROP_RECONNECT_INITIAL_DELAY_MS:
    case PROP_RECONNECT_MAX_DELAY_MS:
    case PROP_STALL_TIMEOUT_MS:
    case PROP_INPUT_BACKLOG_MS:
    case PROP_REPLAY_TURNS:
    case PROP_INTERRUPT_FLUSH:
    case PROP_ROLLOVER_MARGIN_S:
    case PROP_MAX_INCOMING_PAYLOAD:
      break; /* next conversation */
    case PROP_TEXT_ROLES:
      conv->set_text_roles (st->text_roles);
      break;
    case PROP_PRICES:
      conv->set_prices (st->prices.get ());
      break;
    case PROP_INPUT_CHUNK_MS:
      conv->set_chunk_ms (st->input_chunk_ms);
      break;
    case PROP_EOS_TIMEOUT_MS:
      conv->set_eos_timeout_ms (st->eos_timeout_ms);
      break;
    case PROP_LATENCY:
      conv->set_latency (st->latency_ms * GST_MSECOND);
      lk.unlock ();
      gst_element_post_message (GST_ELEMENT (self),
          gst_message_new_latency (GST_OBJECT (self)));
      break;
    default: {
      realtime::SessionSettings session = st->session;
      lk.unlock ();
      conv->update_session (session);
      break;
    }
  }
}

static void
gst_realtime_bin_store_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRealtimeBinSettings * st = GST_REALTIME_BIN (object)->settings;
  std::lock_guard<std::mutex> lk (st->lock);
  realtime::SessionSettings & s = st->session;

  switch (prop_id) {
    case PROP_URL:
      st->url =
          g_value_get_string (value) ? g_value_get_string (value) : DEFAULT_URL;
      break;
    case PROP_MODEL:
      st->model = g_value_get_string (value) ? g_value_get_string (value)
                                             : DEFAULT_MODEL;
      break;
    case PROP_API_KEY:
      st->api_key = string_or_empty (value);
      st->api_key_explicit = true;
      break;
    case PROP_CA_FILE:
      st->ca_file = string_or_empty (value);
      break;
    case PROP_CLIENT_SECRET_URL:
      st->client_secret_url = string_or_empty (value);
      break;
    case PROP_VOICE:
      s.voice = g_value_get_string (value) ? g_value_get_string (value)
                                           : DEFAULT_VOICE;
      break;
    case PROP_INSTRUCTIONS:
      s.instructions = string_or_empty (value);
      break;
    case PROP_TURN_DETECTION:
      s.turn_detection = (realtime::TurnDetection) g_value_get_enum (value);
      break;
    case PROP_VAD_THRESHOLD:
      s.vad_threshold = g_value_get_double (value);
      break;
    case PROP_VAD_PREFIX_PADDING_MS:
      s.vad_prefix_padding_ms = g_value_get_uint (value);
      break;
    case PROP_VAD_SILENCE_DURATION_MS:
      s.vad_silence_duration_ms = g_value_get_uint (value);
      break;
    case PROP_VAD_EAGERNESS:
      s.vad_eagerness = (realtime::VadEagerness) g_value_get_enum (value);
      break;
    case PROP_CREATE_RESPONSE:
      s.create_response = g_value_get_boolean (value);
      break;
    case PROP_INTERRUPT_RESPONSE:
      s.interrupt_response = g_value_get_boolean (value);
      break;
    case PROP_INPUT_TRANSCRIPTION_MODEL:
      s.input_transcription_model = string_or_empty (value);
      break;
    case PROP_TRANSCRIPTION_LANGUAGE:
      s.transcription_language = string_or_empty (value);
      break;
    case PROP_NOISE_REDUCTION:
      s.noise_reduction = (realtime::NoiseReduction) g_value_get_enum (value);
      break;
    case PROP_OUTPUT_MODALITIES:
      s.output_modality = (realtime::OutputModality) g_value_get_enum (value);
      break;
    case PROP_MAX_OUTPUT_TOKENS:
      s.max_output_tokens = g_value_get_int (value);
      break;
    case PROP_SPEED:
      s.speed = g_value_get_double (value);
      break;
    case PROP_TOOLS:
      s.tools = string_or_empty (value);
      break;
    case PROP_TOOL_CHOICE:
      s.tool_choice = g_value_get_string (value) ? g_value_get_string (value)
                                                 : DEFAULT_TOOL_CHOICE;
      break;
    case PROP_SESSION_CONFIG:
      s.session_config = string_or_empty (value);
      break;
    case PROP_TEXT_ROLES:
      st->text_roles = g_value_get_flags (value);
      break;
    case PROP_PRICES:
      /* checked by gst_realtime_bin_set_property */
      st->prices = realtime_prices_share (gst_value_get_structure (value));
      break;
    case PROP_LATENCY:
      st->latency_ms = g_value_get_uint (value);
      break;
    case PROP_INPUT_CHUNK_MS:
      st->input_chunk_ms = g_value_get_uint (value);
      break;
    case PROP_EOS_TIMEOUT_MS:
      st->eos_timeout_ms = g_value_get_uint (value);
      break;
    case PROP_RECONNECT_ATTEMPTS:
      st->reconnect_attempts = g_value_get_uint (value);
      break;
    case PROP_AUTH:
      st->auth = (GstRealtimeAuth) g_value_get_enum (value);
      break;
    case PROP_RECONNECT_INITIAL_DELAY_MS:
      st->reconnect_initial_delay_ms = g_value_get_uint (value);
      break;
    case PROP_RECONNECT_MAX_DELAY_MS:
      st->reconnect_max_delay_ms = g_value_get_uint (value);
      break;
    case PROP_STALL_TIMEOUT_MS:
      st->stall_timeout_ms = g_value_get_uint (value);
      break;
    case PROP_INPUT_BACKLOG_MS:
      st->input_backlog_ms = g_value_get_uint (value);
      break;
    case PROP_REPLAY_TURNS:
      st->replay_turns = g_value_get_uint (value);
      break;
    case PROP_INTERRUPT_FLUSH:
      st->interrupt_flush = g_value_get_boolean (value);
      break;
    case PROP_ROLLOVER_MARGIN_S:
      st->rollover_margin_s = g_value_get_uint (value);
      break;
    case PROP_MAX_INCOMING_PAYLOAD:
      st->max_incoming_payload = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* Empty strings read back as NULL, the GLib way of "not set". */
static void
set_string_or_null (GValue * value, const std::string & s)
{
  g_value_set_string (value, s.empty () ? nullptr : s.c_str ());
}

static void
gst_realtime_bin_get_runtime_property (GstRealtimeBin * self, guint prop_id,
    GValue * value)
{
  auto conv = gst_realtime_bin_conversation (self);
  std::lock_guard<std::mutex> lk (self->state->lock);
  if (prop_id == PROP_SESSION_ID) {
    std::string id = conv ? conv->session_id () : self->state->last_session_id;
    set_string_or_null (value, id);
  } else if (conv) {
    g_value_take_boxed (value, conv->stats ());
  } else if (self->state->last_stats) {
    g_value_set_boxed (value, self->state->last_stats);
  } else {
    g_value_take_boxed (value, realtime_stats_structure (RealtimeStats ()));
  }
}

static void
gst_realtime_bin_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  if (prop_id == PROP_SESSION_ID || prop_id == PROP_STATS) {
    gst_realtime_bin_get_runtime_property (GST_REALTIME_BIN (object), prop_id,
        value);
    return;
  }

  GstRealtimeBinSettings * st = GST_REALTIME_BIN (object)->settings;
  std::lock_guard<std::mutex> lk (st->lock);
  const realtime::SessionSettings & s = st->session;

  switch (prop_id) {
    case PROP_URL:
      g_value_set_string (value, st->url.c_str ());
      break;
    case PROP_MODEL:
      g_value_set_string (value, st->model.c_str ());
      break;
    case PROP_CA_FILE:
      set_string_or_null (value, st->ca_file);
      break;
    case PROP_CLIENT_SECRET_URL:
      set_string_or_null (value, st->client_secret_url);
      break;
    case PROP_VOICE:
      g_value_set_string (value, s.voice.c_str ());
      break;
    case PROP_INSTRUCTIONS:
      set_string_or_null (value, s.instructions);
      break;
    case PROP_TURN_DETECTION:
      g_value_set_enum (value, (gint) s.turn_detection);
      break;
    case PROP_VAD_THRESHOLD:
      g_value_set_double (value, s.vad_threshold);
      break;
    case PROP_VAD_PREFIX_PADDING_MS:
      g_value_set_uint (value, s.vad_prefix_padding_ms);
      break;
    case PROP_VAD_SILENCE_DURATION_MS:
      g_value_set_uint (value, s.vad_silence_duration_ms);
      break;
    case PROP_VAD_EAGERNESS:
      g_value_set_enum (value, (gint) s.vad_eagerness);
      break;
    case PROP_CREATE_RESPONSE:
      g_value_set_boolean (value, s.create_response);
      break;
    case PROP_INTERRUPT_RESPONSE:
      g_value_set_boolean (value, s.interrupt_response);
      break;
    case PROP_INPUT_TRANSCRIPTION_MODEL:
      set_string_or_null (value, s.input_transcription_model);
      break;
    case PROP_TRANSCRIPTION_LANGUAGE:
      set_string_or_null (value, s.transcription_language);
      break;
    case PROP_NOISE_REDUCTION:
      g_value_set_enum (value, (gint) s.noise_reduction);
      break;
    case PROP_OUTPUT_MODALITIES:
      g_value_set_enum (value, (gint) s.output_modality);
      break;
    case PROP_MAX_OUTPUT_TOKENS:
      g_value_set_int (value, s.max_output_tokens);
      break;
    case PROP_SPEED:
      g_value_set_double (value, s.speed);
      break;
    case PROP_TOOLS:
      set_string_or_null (value, s.tools);
      break;
    case PROP_TOOL_CHOICE:
      g_value_set_string (value, s.tool_choice.c_str ());
      break;
    case PROP_SESSION_CONFIG:
      set_string_or_null (value, s.session_config);
      break;
    case PROP_TEXT_ROLES:
      g_value_set_flags (value, st->text_roles);
      break;
    case PROP_PRICES:
      g_value_take_boxed (value,
          realtime_prices_structure (st->model, st->prices.get ()));
      break;
    case PROP_LATENCY:
      g_value_set_uint (value, st->latency_ms);
      break;
    case PROP_INPUT_CHUNK_MS:
      g_value_set_uint (value, st->input_chunk_ms);
      break;
    case PROP_EOS_TIMEOUT_MS:
      g_value_set_uint (value, st->eos_timeout_ms);
      break;
    case PROP_RECONNECT_ATTEMPTS:
      g_value_set_uint (value, st->reconnect_attempts);
      break;
    case PROP_AUTH:
      g_value_set_enum (value, st->auth);
      break;
    case PROP_RECONNECT_INITIAL_DELAY_MS:
      g_value_set_uint (value, st->reconnect_initial_delay_ms);
      break;
    case PROP_RECONNECT_MAX_DELAY_MS:
      g_value_set_uint (value, st->reconnect_max_delay_ms);
      break;
    case PROP_STALL_TIMEOUT_MS:
      g_value_set_uint (value, st->stall_timeout_ms);
      break;
    case PROP_INPUT_BACKLOG_MS:
      g_value_set_uint (value, st->input_backlog_ms);
      break;
    case PROP_REPLAY_TURNS:
      g_value_set_uint (value, st->replay_turns);
      break;
    case PROP_INTERRUPT_FLUSH:
      g_value_set_boolean (value, st->interrupt_flush);
      break;
    case PROP_ROLLOVER_MARGIN_S:
      g_value_set_uint (value, st->rollover_margin_s);
      break;
    case PROP_MAX_INCOMING_PAYLOAD:
      g_value_set_uint (value, st->max_incoming_payload);
      break;
    case PROP_SESSION_ID:
    case PROP_STATS:
      /* from the conversation, below, without the settings lock */
      break;
    default:
      /* api-key is write-only and never read back. */
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* READY->PAUSED: a new conversation from the current settings. */
static gboolean
gst_realtime_bin_start (GstRealtimeBin * self)
{
  RealtimeConversationConfig config;
  std::string prices_problem;
  {
    GstRealtimeBinSettings * st = self->settings;
    std::lock_guard<std::mutex> lk (st->lock);
    config.url = st->url;
    config.model = st->model;
    config.api_key = st->api_key;
    config.api_key_explicit = st->api_key_explicit;
    config.ca_file = st->ca_file;
    config.client_secret_url = st->client_secret_url;
    config.api_key_header = st->auth == GST_REALTIME_AUTH_API_KEY ||
        (st->auth == GST_REALTIME_AUTH_AUTO &&
            realtime::is_azure_endpoint (st->url));
    config.session = st->session;
    config.text_roles = st->text_roles;
    config.chunk_ms = st->input_chunk_ms;
    config.latency = st->latency_ms * GST_MSECOND;
    config.eos_timeout_ms = st->eos_timeout_ms;
    config.reconnect.max_attempts = st->reconnect_attempts;
    config.reconnect.initial_delay_ms = st->reconnect_initial_delay_ms;
    config.reconnect.max_delay_ms =
        MAX (st->reconnect_max_delay_ms, st->reconnect_initial_delay_ms);
    config.stall_timeout_ms = st->stall_timeout_ms;
    config.input_backlog_ms = st->input_backlog_ms;
    config.replay_turns = st->replay_turns;
    config.interrupt_flush = st->interrupt_flush;
    config.rollover_margin_s = st->rollover_margin_s;
    config.max_incoming_payload = st->max_incoming_payload;
    config.prices = st->prices;
    prices_problem.swap (st->prices_problem);
  }
  if (!prices_problem.empty ())
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("The prices property was not changed: %s.", prices_problem.c_str ()),
        (nullptr));
  config.function_call =
      [self] (const std::string & call_id, const std::string & name,
          const std::string & arguments) -> std::optional<std::string> {
    gchar * output = nullptr;
    g_signal_emit (self, gst_realtime_bin_signals[SIGNAL_FUNCTION_CALL], 0,
        call_id.c_str (), name.c_str (), arguments.c_str (), &output);
    if (output == nullptr)
      return std::nullopt;
    std::string result = output;
    g_free (output);
    return result;
  };

  if (!g_str_has_prefix (config.url.c_str (), "ws://") &&
      !g_str_has_prefix (config.url.c_str (), "wss://")) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The url property must be a ws:// or wss:// URL, not \"%s\".",
            config.url.c_str ()),
        (nullptr));
    return FALSE;
  }

  std::string problem;
  if (!config.client_secret_url.empty () &&
      !realtime::check_client_secret_url (config.client_secret_url, problem)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The client-secret-url property \"%s\" cannot be used: %s.",
            realtime::redact_url (config.client_secret_url).c_str (),
            problem.c_str ()),
        (nullptr));
    return FALSE;
  }

  auto conv = std::make_shared<RealtimeConversation> (GST_ELEMENT (self),
      self->input, self->audio_output, self->text_output, std::move (config));
  {
    std::lock_guard<std::mutex> lk (self->state->lock);
    self->state->conversation = conv;
  }
  GError * err = nullptr;
  if (!conv->start (&err)) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("The session settings are not valid: %s", err->message), (nullptr));
    g_error_free (err);
    std::lock_guard<std::mutex> lk (self->state->lock);
    self->state->conversation.reset ();
    return FALSE;
  }
  return TRUE;
}

/* PAUSED->READY: closes the session (close frame) and keeps its stats. */
static void
gst_realtime_bin_stop (GstRealtimeBin * self)
{
  std::shared_ptr<RealtimeConversation> conv;
  {
    std::lock_guard<std::mutex> lk (self->state->lock);
    conv = std::move (self->state->conversation);
  }
  if (!conv)
    return;
  GstStructure * stats = conv->stats ();
  std::string id = conv->session_id ();
  conv.reset ();
  std::lock_guard<std::mutex> lk (self->state->lock);
  if (self->state->last_stats)
    gst_structure_free (self->state->last_stats);
  self->state->last_stats = stats;
  self->state->last_session_id = id;
}

/* Both outputs look at their idle time again. */
static void
gst_realtime_bin_wake_outputs (GstRealtimeBin * self)
{
  gst_realtime_output_wake (self->audio_output);
  gst_realtime_output_wake (self->text_output);
}

/* Idle GAPs follow the clock, which runs only in PLAYING: the outputs look
 * again once the bin is there (GST_STATE is set by now, unlike in
 * change_state). */
static void
gst_realtime_bin_state_changed (GstElement * element, GstState oldstate,
    GstState newstate, GstState pending)
{
  GstRealtimeBin * self = GST_REALTIME_BIN (element);

  if (GST_ELEMENT_CLASS (parent_class)->state_changed)
    GST_ELEMENT_CLASS (parent_class)
        ->state_changed (element, oldstate, newstate, pending);
  if (newstate == GST_STATE_PLAYING)
    gst_realtime_bin_wake_outputs (self);
}

static GstStateChangeReturn
gst_realtime_bin_change_state (GstElement * element, GstStateChange transition)
{
  GstRealtimeBin * self = GST_REALTIME_BIN (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (self->missing_factory) {
        gst_element_post_message (element,
            gst_missing_element_message_new (element, self->missing_factory));
        GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
            ("Missing element '%s' - check your GStreamer installation "
             "(gstreamer1.0-plugins-base).",
                self->missing_factory),
            ("realtimebin converts audio with audioconvert and "
             "audioresample"));
        return GST_STATE_CHANGE_FAILURE;
      }
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* The children run; now connect, without waiting for the network. */
      if (!gst_realtime_bin_start (self))
        return GST_STATE_CHANGE_FAILURE;
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* The children's pads are inactive: no streaming thread calls in. */
      gst_realtime_bin_stop (self);
      break;
    default:
      break;
  }

  return ret;
}

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
 * complete (session ready) or error surround the connection. Against
 * OpenAI's or Azure's host without a key (#GstRealtimeBin:api-key,
 * `OPENAI_API_KEY` or #GstRealtimeBin:client-secret-url) READY→PAUSED
 * fails at once with a #GST_RESOURCE_ERROR_NOT_AUTHORIZED error that says
 * how to give one. PAUSED→READY closes the session. Audio that arrives
 * before the session is ready waits, bounded
 * (#GstRealtimeBin:input-backlog-ms, then it is dropped and counted in
 * #GstRealtimeBin:stats).
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
 *   pipeline's running time; GST_CLOCK_TIME_NONE when unknown; for
 *   server-vad the silence that ended the turn is not counted as speech),
 *   and `estimated-cost-usd` (gdouble, when prices are known: see
 *   #GstRealtimeBin:prices). A response cut by a lost connection ends with
 *   status `failed`, reason `connection_lost`.
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
#include "gstrealtimebinconfig.h"
#include "gstrealtimebindoc.h"
#include "gstrealtimebinstate.h"
#include "gstrealtimeconversation.h"
#include "gstrealtimeconverters.h"
#include "gstrealtimeelements.h"
#include "gstrealtimeinput.h"
#include "gstrealtimemessages.h"
#include "gstrealtimeoutput.h"
#include "gstrealtimeproperties.h"

#include <gst/pbutils/missing-plugins.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

GST_DEBUG_CATEGORY_STATIC (gst_realtime_bin_debug);
#define GST_CAT_DEFAULT gst_realtime_bin_debug

#define NATIVE_AUDIO_CAPS                                                      \
  "audio/x-raw, format = (string) S16LE, "                                     \
  "rate = (int) 24000, channels = (int) 1, layout = (string) interleaved"

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

struct _GstRealtimeBin
{
  GstBin parent;

  GstRealtimeSettings * settings; /* the properties */
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

/* Runs @fn with the running conversation, or warns that there is none. */
template<typename Fn>
static void
with_conversation (GstRealtimeBin * self, const char * what, Fn fn)
{
  std::shared_ptr<RealtimeConversation> conv = self->state->conversation ();
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
  gst_realtime_properties_install (gobject_class,
      GST_REALTIME_PROPERTY_GROUP_ALL);
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

static std::shared_ptr<RealtimeConversation>
gst_realtime_bin_conversation (GstRealtimeBin * self)
{
  return self->state->conversation ();
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

  GstRealtimeConverters converters =
      gst_realtime_converters_add (GST_BIN (self), GST_ELEMENT (self->input),
          GST_ELEMENT (self->audio_output), native);
  self->missing_factory = converters.missing;
  GstPad * sink_target = converters.sink_target;
  GstPad * audio_target = converters.audio_target;

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
  self->settings = new GstRealtimeSettings ();
  self->state = new GstRealtimeBinState ();

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

/* The table stores the value; a running conversation takes it as the row's
 * APPLY says. */
static void
gst_realtime_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRealtimeBin * self = GST_REALTIME_BIN (object);
  GstRealtimeApply how = gst_realtime_properties_set (GST_ELEMENT (self),
      *self->settings, prop_id, value);
  if (auto conv = gst_realtime_bin_conversation (self))
    gst_realtime_bin_apply_change (GST_ELEMENT (self), *self->settings, *conv,
        how);
}

/* session-id and stats: of the running conversation, else the last one. */
static void
gst_realtime_bin_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstRealtimeBin * self = GST_REALTIME_BIN (object);
  if (gst_realtime_properties_get (*self->settings, prop_id, value))
    return;

  if (prop_id == GST_REALTIME_PROP_SESSION_ID)
    self->state->get_session_id (value);
  else if (prop_id == GST_REALTIME_PROP_STATS)
    self->state->get_stats (value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

/* READY->PAUSED: a new conversation from the current settings. */
static gboolean
gst_realtime_bin_start (GstRealtimeBin * self)
{
  RealtimeConversationConfig config;
  if (!gst_realtime_bin_make_config (GST_ELEMENT (self), *self->settings,
          config))
    return FALSE;
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

  auto conv = std::make_shared<RealtimeConversation> (GST_ELEMENT (self),
      self->input, self->audio_output, self->text_output, std::move (config));
  self->state->set_conversation (conv);
  GError * err = nullptr;
  if (!conv->start (&err)) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("The session settings are not valid: %s", err->message), (nullptr));
    g_error_free (err);
    self->state->set_conversation (nullptr);
    return FALSE;
  }
  return TRUE;
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
      self->state->stop ();
      break;
    default:
      break;
  }

  return ret;
}

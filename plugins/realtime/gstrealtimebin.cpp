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
 * realtimebin is meant to hold one conversation with one OpenAI Realtime
 * (GA) session over WebSocket: the user's speech goes in on `sink_audio`,
 * the assistant's speech comes out on `src_audio` and transcripts come out
 * on `src_text`.
 *
 * In this build the element is a skeleton. It has its final pads:
 *
 * * `sink_audio` (always): `audio/x-raw`, any format, rate, channels and
 *   layout.
 * * `src_audio` (always): `audio/x-raw`.
 * * `src_text` (always): `text/x-raw, format=utf8`.
 *
 * The pads are ghost pads with no target yet. The properties of the
 * user-facing contract are there (connection: url, model, api-key; the
 * session: voice, instructions, turn detection and VAD settings,
 * transcription, noise reduction, output modalities, token limit, speed,
 * tools, session-config; text-roles) and keep their values, but nothing
 * uses them yet: the session engine (WebSocket connection, audio path, bus
 * messages, signals) is not in this build, so the element cannot run a
 * conversation. Going from NULL to READY posts a
 * #GST_CORE_ERROR_NOT_IMPLEMENTED error and the state change fails. It
 * never pretends to work.
 *
 * ## Example launch line
 * |[
 * gst-inspect-1.0 realtimebin
 * ]| Shows the pads described above. A pipeline such as
 * |[
 * gst-launch-1.0 -m filesrc location=question.wav ! wavparse ! realtimebin name=rt url=ws://127.0.0.1:PORT/v1/realtime rt.src_audio ! audioconvert ! wavenc ! filesink location=reply.wav rt.src_text ! filesink location=reply.txt
 * ]| is how the element is meant to be used once the session engine lands. In
 * this build it stops at once with the error above.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrealtimebin.h"
#include "gstrealtimeelements.h"
#include "gstrealtimeenums.h"

#include <gst/realtime/session-settings.h>

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

enum
{
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
};

static GstStaticPadTemplate sink_audio_template =
GST_STATIC_PAD_TEMPLATE ("sink_audio",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw"));

static GstStaticPadTemplate src_audio_template =
GST_STATIC_PAD_TEMPLATE ("src_audio",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw"));

static GstStaticPadTemplate src_text_template =
GST_STATIC_PAD_TEMPLATE ("src_text",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("text/x-raw, format = (string) utf8"));

/* What the properties set; copied under the lock when connecting. */
struct GstRealtimeBinSettings
{
  std::mutex lock;
  std::string url = DEFAULT_URL;
  std::string model = DEFAULT_MODEL;
  std::string api_key;          /* never logged, never readable */
  realtime::SessionSettings session;
  guint text_roles = DEFAULT_TEXT_ROLES;
};

struct _GstRealtimeBin
{
  GstBin parent;

  GstRealtimeBinSettings *settings;

  /* Ghost pads, owned by the element; set in init, never changed */
  GstPad *sink_audio;
  GstPad *src_audio;
  GstPad *src_text;
};

static GstStateChangeReturn gst_realtime_bin_change_state (GstElement *
    element, GstStateChange transition);
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
#define CONNECT_FLAGS (GParamFlags) (G_PARAM_STATIC_STRINGS \
    | GST_PARAM_MUTABLE_READY)
#define SESSION_FLAGS (GParamFlags) (G_PARAM_READWRITE \
    | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)

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
          "Realtime model, fixed for the life of a connection",
          DEFAULT_MODEL, (GParamFlags) (CONNECT_FLAGS | G_PARAM_READWRITE)));
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
          "fixed once the assistant has spoken", DEFAULT_VOICE,
          SESSION_FLAGS));
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
          "server-vad: activation threshold, higher needs louder speech",
          0.0, 1.0, DEFAULT_VAD_THRESHOLD, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_VAD_PREFIX_PADDING_MS,
      g_param_spec_uint ("vad-prefix-padding-ms", "VAD prefix padding",
          "server-vad: audio kept before detected speech, in ms", 0, 10000,
          DEFAULT_VAD_PREFIX_PADDING_MS, SESSION_FLAGS));
  g_object_class_install_property (gobject_class,
      PROP_VAD_SILENCE_DURATION_MS,
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
          "detected", nullptr, SESSION_FLAGS));
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
          "Token limit per response, tool calls included; 0 = unlimited",
          0, realtime::MAX_OUTPUT_TOKENS_LIMIT, DEFAULT_MAX_OUTPUT_TOKENS,
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
          "fields without a property", nullptr, SESSION_FLAGS));
  g_object_class_install_property (gobject_class, PROP_TEXT_ROLES,
      g_param_spec_flags ("text-roles", "Text roles",
          "Whose transcripts go out on src_text (all go to the bus)",
          GST_TYPE_REALTIME_TEXT_ROLES, DEFAULT_TEXT_ROLES, SESSION_FLAGS));

  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_TURN_DETECTION,
      (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_VAD_EAGERNESS,
      (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_NOISE_REDUCTION,
      (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_OUTPUT_MODALITIES,
      (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_REALTIME_TEXT_ROLES,
      (GstPluginAPIFlags) 0);
}

static void
gst_realtime_bin_class_init (GstRealtimeBinClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_realtime_bin_finalize;
  gobject_class->set_property = gst_realtime_bin_set_property;
  gobject_class->get_property = gst_realtime_bin_get_property;
  gst_realtime_bin_install_properties (gobject_class);

  gst_element_class_add_static_pad_template (element_class,
      &sink_audio_template);
  gst_element_class_add_static_pad_template (element_class,
      &src_audio_template);
  gst_element_class_add_static_pad_template (element_class,
      &src_text_template);

  gst_element_class_set_static_metadata (element_class,
      "OpenAI Realtime conversation", "Filter/Audio/Network",
      "Converses with an OpenAI Realtime (GA) speech-to-speech model over "
      "WebSocket: user speech in, assistant speech and transcripts out",
      "gst-realtime developers");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_realtime_bin_change_state);
}

/* Adds an always pad made from our class template @name, without a target
 * until the session engine provides the elements inside the bin. */
static GstPad *
gst_realtime_bin_add_ghost_pad (GstRealtimeBin * self, const gchar * name)
{
  GstPadTemplate *templ =
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self), name);
  GstPad *pad = gst_ghost_pad_new_no_target_from_template (name, templ);

  gst_element_add_pad (GST_ELEMENT (self), pad);

  return pad;
}

static void
gst_realtime_bin_init (GstRealtimeBin * self)
{
  self->settings = new GstRealtimeBinSettings ();
  if (const gchar * key = g_getenv ("OPENAI_API_KEY"))
    self->settings->api_key = key;

  self->sink_audio = gst_realtime_bin_add_ghost_pad (self, "sink_audio");
  self->src_audio = gst_realtime_bin_add_ghost_pad (self, "src_audio");
  self->src_text = gst_realtime_bin_add_ghost_pad (self, "src_text");
}

static void
gst_realtime_bin_finalize (GObject * object)
{
  GstRealtimeBin *self = GST_REALTIME_BIN (object);

  delete self->settings;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static std::string
string_or_empty (const GValue * value)
{
  const gchar *s = g_value_get_string (value);
  return s ? s : "";
}

static void
gst_realtime_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRealtimeBinSettings *st = GST_REALTIME_BIN (object)->settings;
  std::lock_guard < std::mutex > lk (st->lock);
  realtime::SessionSettings & s = st->session;

  switch (prop_id) {
    case PROP_URL:
      st->url = g_value_get_string (value) ? g_value_get_string (value)
          : DEFAULT_URL;
      break;
    case PROP_MODEL:
      st->model = g_value_get_string (value) ? g_value_get_string (value)
          : DEFAULT_MODEL;
      break;
    case PROP_API_KEY:
      st->api_key = string_or_empty (value);
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* Empty strings read back as NULL, the GLib way of "not set". */
static void
set_string_or_null (GValue * value, const std::string & s)
{
  g_value_set_string (value, s.empty ()? nullptr : s.c_str ());
}

static void
gst_realtime_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRealtimeBinSettings *st = GST_REALTIME_BIN (object)->settings;
  std::lock_guard < std::mutex > lk (st->lock);
  const realtime::SessionSettings & s = st->session;

  switch (prop_id) {
    case PROP_URL:
      g_value_set_string (value, st->url.c_str ());
      break;
    case PROP_MODEL:
      g_value_set_string (value, st->model.c_str ());
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
    default:
      /* api-key is write-only and never read back. */
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static GstStateChangeReturn
gst_realtime_bin_change_state (GstElement * element,
    GstStateChange transition)
{
  GstRealtimeBin *self = GST_REALTIME_BIN (element);

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      /* Refuse honestly rather than pretend to converse. */
      GST_ELEMENT_ERROR (self, CORE, NOT_IMPLEMENTED,
          ("realtimebin in gst-realtime %s cannot run a conversation yet: "
              "the session engine is not in this build.", VERSION), (nullptr));
      return GST_STATE_CHANGE_FAILURE;
    default:
      break;
  }

  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}

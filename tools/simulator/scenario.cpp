/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "scenario.h"

#include "simulator-error.h"

#include <gst/realtime/json-util.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <initializer_list>
#include <utility>

namespace realtime::sim {

namespace {

constexpr double FREQUENCY_MIN = 20, FREQUENCY_MAX = 12000;
constexpr gint64 DURATION_MAX_MS = 600000;
constexpr gint64 DELAY_MAX_MS = 60000;
constexpr gint64 AUDIO_ITEMS_MAX = 16;
constexpr gsize FUNCTION_NAME_MAX = 64;
constexpr gsize VOICE_NAME_MAX = 64;

bool scenario_error (GError ** error, const std::string & path,
    const char * format, ...) G_GNUC_PRINTF (3, 4);

bool
scenario_error (GError ** error, const std::string & path, const char * format,
    ...)
{
  va_list args;
  va_start (args, format);
  g_autofree gchar * message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, REALTIME_SIMULATOR_ERROR,
      REALTIME_SIMULATOR_ERROR_SCENARIO, "%s: %s", path.c_str (), message);
  return false;
}

std::string
member_path (const std::string & path, const char * key)
{
  return path.empty () ? std::string (key) : path + "." + key;
}

bool
holds_type (JsonNode * node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == type;
}

/* Every member of @object must be one of @allowed. */
bool
check_keys (JsonObject * object, const std::string & path,
    std::initializer_list<const char *> allowed, GError ** error)
{
  JsonObjectIter iter;
  const gchar * name;
  JsonNode * value;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value)) {
    bool known = std::any_of (allowed.begin (), allowed.end (),
        [name] (const char * key) { return strcmp (key, name) == 0; });
    if (!known)
      return scenario_error (error, member_path (path, name), "unknown key");
  }
  return true;
}

/* The get_* helpers leave @out alone when @key is absent and not required. */
bool
get_string (JsonObject * object, const std::string & path, const char * key,
    bool required, std::string & out, GError ** error)
{
  JsonNode * node = json_object_get_member (object, key);
  if (node == nullptr)
    return required
        ? scenario_error (error, member_path (path, key), "is required")
        : true;
  if (!holds_type (node, G_TYPE_STRING))
    return scenario_error (error, member_path (path, key), "must be a string");
  out = json_node_get_string (node);
  return true;
}

bool
get_number (JsonObject * object, const std::string & path, const char * key,
    double min, double max, double & out, GError ** error)
{
  JsonNode * node = json_object_get_member (object, key);
  if (node == nullptr)
    return true;
  if (!holds_type (node, G_TYPE_INT64) && !holds_type (node, G_TYPE_DOUBLE))
    return scenario_error (error, member_path (path, key), "must be a number");
  double value = json_node_get_double (node);
  if (!(value >= min && value <= max))
    return scenario_error (error, member_path (path, key),
        "must be between %g and %g", min, max);
  out = value;
  return true;
}

bool
get_integer (JsonObject * object, const std::string & path, const char * key,
    gint64 min, gint64 max, gint64 & out, GError ** error)
{
  JsonNode * node = json_object_get_member (object, key);
  if (node == nullptr)
    return true;

  double value;
  if (holds_type (node, G_TYPE_INT64)) {
    value = (double) json_node_get_int (node);
  } else if (holds_type (node, G_TYPE_DOUBLE)) {
    /* 1500.0 is fine, 1500.5 is not. */
    value = json_node_get_double (node);
    if (value != std::floor (value))
      return scenario_error (error, member_path (path, key),
          "must be an integer");
  } else {
    return scenario_error (error, member_path (path, key),
        "must be an integer");
  }
  if (!(value >= (double) min && value <= (double) max))
    return scenario_error (error, member_path (path, key),
        "must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT, min, max);
  out = (gint64) value;
  return true;
}

JsonObject *
get_object (JsonObject * object, const std::string & path, const char * key,
    GError ** error)
{
  JsonNode * node = json_object_get_member (object, key);
  if (node != nullptr && !JSON_NODE_HOLDS_OBJECT (node)) {
    scenario_error (error, member_path (path, key), "must be an object");
    return nullptr;
  }
  return node ? json_node_get_object (node) : nullptr;
}

/* espeak-ng voice names ("en-us", "en+f3"); nothing that reads as a path. */
bool
voice_name_is_valid (const std::string & name)
{
  if (name.empty () || name.size () > VOICE_NAME_MAX)
    return false;
  return std::all_of (name.begin (), name.end (), [] (char c) {
    return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '+';
  });
}

bool
parse_audio (JsonObject * object, const std::string & path,
    const std::string & base_dir, AudioSource & audio, GError ** error)
{
  std::string type;
  if (!get_string (object, path, "type", true, type, error))
    return false;

  if (type == "tone") {
    audio.kind = AudioSource::Kind::Tone;
    return check_keys (object, path,
               {"type", "frequency", "amplitude", "duration_ms"}, error) &&
        get_number (object, path, "frequency", FREQUENCY_MIN, FREQUENCY_MAX,
            audio.frequency_hz, error) &&
        get_number (object, path, "amplitude", 0.0, 1.0, audio.amplitude,
            error) &&
        get_integer (object, path, "duration_ms", 0, DURATION_MAX_MS,
            audio.duration_ms, error);
  }
  if (type == "silence") {
    audio.kind = AudioSource::Kind::Silence;
    return check_keys (object, path, {"type", "duration_ms"}, error) &&
        get_integer (object, path, "duration_ms", 0, DURATION_MAX_MS,
            audio.duration_ms, error);
  }
  if (type == "wav") {
    audio.kind = AudioSource::Kind::Wav;
    std::string file;
    if (!check_keys (object, path, {"type", "path"}, error) ||
        !get_string (object, path, "path", true, file, error))
      return false;
    if (file.empty ())
      return scenario_error (error, member_path (path, "path"),
          "must not be empty");
    g_autofree gchar * base =
        g_canonicalize_filename (base_dir.empty () ? "." : base_dir.c_str (),
            nullptr);
    g_autofree gchar * absolute = g_canonicalize_filename (file.c_str (), base);
    audio.path = absolute;
    return true;
  }
  if (type == "speech") {
    audio.kind = AudioSource::Kind::Speech;
    if (!check_keys (object, path, {"type", "voice", "rate", "pitch"}, error) ||
        !get_string (object, path, "voice", false, audio.voice.name, error) ||
        !get_integer (object, path, "rate", SPEECH_RATE_MIN_WPM,
            SPEECH_RATE_MAX_WPM, audio.voice.rate_wpm, error) ||
        !get_integer (object, path, "pitch", 0, SPEECH_PITCH_MAX,
            audio.voice.pitch, error))
      return false;
    if (!voice_name_is_valid (audio.voice.name))
      return scenario_error (error, member_path (path, "voice"),
          "must be 1 to %" G_GSIZE_FORMAT " letters, digits, '-', '_' or '+' "
          "(an espeak-ng voice such as \"en-us\" or \"en+f3\")",
          VOICE_NAME_MAX);
    return true;
  }
  return scenario_error (error, member_path (path, "type"),
      "must be \"tone\", \"silence\", \"wav\" or \"speech\"");
}

bool
function_name_is_valid (const std::string & name)
{
  if (name.empty () || name.size () > FUNCTION_NAME_MAX)
    return false;
  return std::all_of (name.begin (), name.end (),
      [] (char c) { return g_ascii_isalnum (c) || c == '_' || c == '-'; });
}

bool
parse_function_call (JsonObject * object, const std::string & path,
    FunctionCall & call, GError ** error)
{
  if (!check_keys (object, path, {"name", "arguments"}, error) ||
      !get_string (object, path, "name", true, call.name, error))
    return false;
  if (!function_name_is_valid (call.name))
    return scenario_error (error, member_path (path, "name"),
        "must be 1 to %" G_GSIZE_FORMAT " letters, digits, '_' or '-'",
        FUNCTION_NAME_MAX);

  call.arguments = "{}";
  JsonNode * arguments = json_object_get_member (object, "arguments");
  if (arguments == nullptr)
    return true;
  if (JSON_NODE_HOLDS_OBJECT (arguments)) {
    call.arguments = json_to_string (arguments);
    return true;
  }
  /* The protocol carries arguments as JSON text: accept that as is, once we
   * know it is an object. */
  if (holds_type (arguments, G_TYPE_STRING)) {
    const char * text = json_node_get_string (arguments);
    JsonNodePtr parsed = json_parse (text, nullptr);
    if (parsed && JSON_NODE_HOLDS_OBJECT (parsed.get ())) {
      call.arguments = text;
      return true;
    }
  }
  return scenario_error (error, member_path (path, "arguments"),
      "must be an object or a string holding a JSON object");
}

bool
parse_turn (JsonObject * object, const std::string & path,
    const std::string & base_dir, Turn & turn, GError ** error)
{
  if (!check_keys (object, path,
          {"user", "assistant", "audio", "function_call",
              "first_delta_delay_ms", "audio_items"},
          error) ||
      !get_string (object, path, "user", false, turn.user_transcript, error) ||
      !get_string (object, path, "assistant", true, turn.assistant_text,
          error) ||
      !get_integer (object, path, "first_delta_delay_ms", 0, DELAY_MAX_MS,
          turn.first_delta_delay_ms, error) ||
      !get_integer (object, path, "audio_items", 1, AUDIO_ITEMS_MAX,
          turn.audio_items, error))
    return false;

  g_autoptr (GError) local = nullptr;
  JsonObject * audio = get_object (object, path, "audio", &local);
  if (local) {
    g_propagate_error (error, std::exchange (local, nullptr));
    return false;
  }
  if (audio &&
      !parse_audio (audio, member_path (path, "audio"), base_dir, turn.audio,
          error))
    return false;
  turn.audio_given = audio != nullptr;

  JsonObject * call = get_object (object, path, "function_call", &local);
  if (local) {
    g_propagate_error (error, std::exchange (local, nullptr));
    return false;
  }
  if (call) {
    FunctionCall parsed;
    if (!parse_function_call (call, member_path (path, "function_call"), parsed,
            error))
      return false;
    turn.function_call = std::move (parsed);
  }
  return true;
}

Turn
make_turn (const char * user, const char * assistant, double frequency_hz)
{
  Turn turn;
  turn.user_transcript = user;
  turn.assistant_text = assistant;
  turn.audio.frequency_hz = frequency_hz;
  return turn;
}

} // namespace

gint64
duration_for_text (std::string_view text)
{
  gint64 characters =
      g_utf8_validate (text.data (), (gssize) text.size (), nullptr)
      ? (gint64) g_utf8_strlen (text.data (), (gssize) text.size ())
      : (gint64) text.size ();
  return std::max (MIN_TEXT_DURATION_MS, characters * MS_PER_CHARACTER);
}

const Turn &
Scenario::turn (gsize index) const
{
  static const Turn empty;
  if (turns.empty ())
    return empty;
  return turns[std::min (index, turns.size () - 1)];
}

Scenario
Scenario::make_default ()
{
  /* A, C sharp, E: an A major chord across the conversation, so a listener
   * can tell the turns apart. */
  Scenario scenario;
  scenario.turns.push_back (make_turn ("Hello, who are you?",
      "Hello! I am the gst-realtime simulator, a stand-in for the "
      "Realtime API.",
      440.0));
  scenario.turns.push_back (make_turn ("What can you do?",
      "I answer every turn with a tone and a transcript, from a "
      "scenario file.",
      554.37));
  scenario.turns.push_back (make_turn ("Thank you, goodbye.",
      "Goodbye! Give me a scenario to say something else.", 659.25));
  return scenario;
}

std::optional<Scenario>
Scenario::parse (std::string_view json, const std::string & base_dir,
    GError ** error)
{
  g_autoptr (GError) json_error = nullptr;
  JsonNodePtr root =
      json_parse (json.data () ? json : std::string_view (""), &json_error);
  if (!root) {
    g_set_error (error, REALTIME_SIMULATOR_ERROR,
        REALTIME_SIMULATOR_ERROR_SCENARIO, "Invalid scenario: %s",
        json_error->message);
    return std::nullopt;
  }
  if (!JSON_NODE_HOLDS_OBJECT (root.get ())) {
    scenario_error (error, "scenario", "must be a JSON object");
    return std::nullopt;
  }

  JsonObject * object = json_node_get_object (root.get ());
  if (!check_keys (object, "", {"turns"}, error))
    return std::nullopt;
  JsonNode * turns = json_object_get_member (object, "turns");
  if (turns == nullptr || !JSON_NODE_HOLDS_ARRAY (turns) ||
      json_array_get_length (json_node_get_array (turns)) == 0) {
    scenario_error (error, "turns", "must be a non-empty array");
    return std::nullopt;
  }

  Scenario scenario;
  JsonArray * array = json_node_get_array (turns);
  guint length = json_array_get_length (array);
  for (guint i = 0; i < length; i++) {
    g_autofree gchar * path = g_strdup_printf ("turns[%u]", i);
    JsonNode * element = json_array_get_element (array, i);
    if (!JSON_NODE_HOLDS_OBJECT (element)) {
      scenario_error (error, path, "must be an object");
      return std::nullopt;
    }
    Turn turn;
    if (!parse_turn (json_node_get_object (element), path, base_dir, turn,
            error))
      return std::nullopt;
    scenario.turns.push_back (std::move (turn));
  }
  return scenario;
}

std::optional<Scenario>
Scenario::load (const std::string & path, GError ** error)
{
  g_autofree gchar * contents = nullptr;
  gsize length = 0;
  g_autoptr (GError) io_error = nullptr;

  if (!g_file_get_contents (path.c_str (), &contents, &length, &io_error)) {
    g_set_error (error, REALTIME_SIMULATOR_ERROR, REALTIME_SIMULATOR_ERROR_IO,
        "Cannot read scenario file \"%s\": %s", path.c_str (),
        io_error->message);
    return std::nullopt;
  }

  g_autofree gchar * absolute =
      g_canonicalize_filename (path.c_str (), nullptr);
  g_autofree gchar * base_dir = g_path_get_dirname (absolute);
  std::optional<Scenario> scenario =
      parse (std::string_view (contents, length), base_dir, error);
  if (!scenario)
    g_prefix_error (error, "%s: ", path.c_str ());
  return scenario;
}

void
Scenario::speak_turns_without_audio (const SpeechVoice & voice)
{
  for (Turn & turn : turns) {
    if (turn.audio_given)
      continue;
    turn.audio.kind = AudioSource::Kind::Speech;
    turn.audio.voice = voice;
  }
}

bool
Scenario::prepare_speech (GError ** error) const
{
  if (!speech_is_available ())
    return true;
  for (gsize i = 0; i < turns.size (); i++) {
    const Turn & turn = turns[i];
    if (turn.audio.kind != AudioSource::Kind::Speech)
      continue;
    Pcm unused;
    if (!synthesize_speech (turn.assistant_text, turn.audio.voice, unused,
            error)) {
      g_prefix_error (error, "turns[%" G_GSIZE_FORMAT "].audio: ", i);
      return false;
    }
  }
  return true;
}

bool
Scenario::render_audio (const Turn & turn, Pcm & out, GError ** error)
{
  const AudioSource & audio = turn.audio;
  gint64 duration_ms = audio.duration_ms >= 0
      ? audio.duration_ms
      : duration_for_text (turn.assistant_text);

  switch (audio.kind) {
    case AudioSource::Kind::Tone:
      out = make_tone (audio.frequency_hz, duration_ms, audio.amplitude);
      return true;
    case AudioSource::Kind::Silence:
      out = make_silence (duration_ms);
      return true;
    case AudioSource::Kind::Wav:
      return load_wav (audio.path, out, error);
    case AudioSource::Kind::Speech:
      if (!speech_is_available ()) {
        out = make_tone (440.0, duration_for_text (turn.assistant_text));
        return true;
      }
      return synthesize_speech (turn.assistant_text, audio.voice, out, error);
  }
  g_return_val_if_reached (false);
}

} // namespace realtime::sim

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "audio-synth.h"
#include "speech-synth.h"

#include <glib.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace realtime::sim {

/* Where the audio of an assistant turn comes from. */
struct AudioSource
{
  enum class Kind {
    Tone,
    Silence,
    Wav,
    Speech
  };
  Kind kind = Kind::Tone;
  double frequency_hz = 440; /* Tone */
  double amplitude = 0.25;   /* Tone: peak, fraction of full scale */
  gint64 duration_ms = -1;   /* Tone, Silence; -1: from the text */
  std::string path;          /* Wav; absolute after parse */
  SpeechVoice voice;         /* Speech: the text spoken by espeak-ng */
};

struct FunctionCall
{
  std::string name;
  std::string arguments; /* JSON text of an object */
};

/* What happens in one user turn. */
struct Turn
{
  /* What input transcription reports for the user's turn. */
  std::string user_transcript;
  /* The assistant's words: the audio transcript, or the text in text-only
   * sessions. */
  std::string assistant_text;
  AudioSource audio;
  /* The scenario gave `audio` (else `audio` holds the default). */
  bool audio_given = false;
  /* When set, the turn's first response only calls this function; the
   * response after the function output speaks assistant_text. */
  std::optional<FunctionCall> function_call;
  /* Pause between response.created and the first delta. */
  gint64 first_delta_delay_ms = 0;
  /* Output items the spoken answer is split into (audio responses): the
   * audio in equal parts, the words as evenly as whole words allow. */
  gint64 audio_items = 1;
};

/* Spoken duration of @text when no duration is given: 60 ms per character,
 * at least 400 ms. */
inline constexpr gint64 MS_PER_CHARACTER = 60;
inline constexpr gint64 MIN_TEXT_DURATION_MS = 400;
gint64 duration_for_text (std::string_view text);

/* What the simulated assistant says, one Turn per user turn. */
struct Scenario
{
  /* In order; after the last, the last repeats. Never empty once made by
   * make_default(), parse() or load(). */
  std::vector<Turn> turns;

  /* The @index-th user turn (from 0), repeating the last. */
  const Turn & turn (gsize index) const;

  /* A 3-turn conversation introducing the simulator, each answered with a
   * tone of a different pitch, no function call. */
  static Scenario make_default ();

  /* Parses a scenario (see docs/simulator.md, "Scenario files"). Strict:
   * unknown keys, wrong types and out-of-range values are
   * REALTIME_SIMULATOR_ERROR_SCENARIO errors naming the JSON path, e.g.
   * "turns[1].audio.frequency: must be a number". Relative WAV paths are
   * resolved against @base_dir (the current directory when empty). WAV files
   * are not opened here. */
  static std::optional<Scenario> parse (std::string_view json,
      const std::string & base_dir, GError ** error);

  /* Reads and parses the file at @path; relative WAV paths are resolved
   * against its folder. A file that cannot be read is a
   * REALTIME_SIMULATOR_ERROR_IO error; parse errors are prefixed with
   * @path. */
  static std::optional<Scenario> load (const std::string & path,
      GError ** error);

  /* Every turn whose audio the scenario did not give speaks its text with
   * @voice (gst-realtime-simulator --speak). */
  void speak_turns_without_audio (const SpeechVoice & voice = SpeechVoice ());

  /* Synthesizes the speech of every speech turn now (see
   * synthesize_speech(): cached, so responses do not synthesize on the
   * simulator's thread, and the same scenario sounds the same in every
   * run). An unknown voice is a REALTIME_SIMULATOR_ERROR_SPEECH error naming
   * the turn, e.g. "turns[1].audio: espeak-ng has no voice \"xx\" ...". Does
   * nothing without speech (speech_is_available()). */
  bool prepare_speech (GError ** error) const;

  /* Renders the audio of @turn into @out (replacing its content): a tone or
   * silence lasting duration_ms, or duration_for_text (assistant_text) when
   * that is -1; the decoded WAV file; or the text spoken, which without
   * speech (speech_is_available()) is a 440 Hz tone as long as
   * duration_for_text (assistant_text). */
  static bool render_audio (const Turn & turn, Pcm & out, GError ** error);
};

} // namespace realtime::sim

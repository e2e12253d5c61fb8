/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "audio-synth.h"

#include <glib.h>

#include <string>
#include <string_view>

namespace realtime::sim {

/* How synthesized speech sounds: an espeak-ng voice, its speed and pitch. */
struct SpeechVoice
{
  std::string name = "en"; /* e.g. "en", "en-us", "de", "en+f3" */
  gint64 rate_wpm = 175;   /* words per minute */
  gint64 pitch = 50;       /* 0 to 100 */
};

/* espeak-ng's limits (speak_lib.h), repeated here so that scenarios are
 * validated the same way with and without it. */
inline constexpr gint64 SPEECH_RATE_MIN_WPM = 80;
inline constexpr gint64 SPEECH_RATE_MAX_WPM = 450;
inline constexpr gint64 SPEECH_PITCH_MAX = 100;
/* Rendered speech kept for reuse, in bytes of 24 kHz PCM16 (about 23
 * minutes); what does not fit is synthesized again when it is needed. */
inline constexpr gsize SPEECH_CACHE_MAX_BYTES = 64 * 1024 * 1024;

/* Whether this build can speak: it was built with libespeak-ng. */
bool speech_is_available ();

/* "espeak-ng 1.51" (the library in use), or nullptr without speech. */
const char * speech_engine ();

/* Speaks @text with @voice into @out (replacing its content), 24 kHz PCM16
 * mono. espeak-ng is process-global and not thread-safe: every call is
 * serialized on one lock, and the engine is started on the first call.
 * Results are cached per voice and text (up to SPEECH_CACHE_MAX_BYTES), so
 * a text sounds the same for the life of the process: espeak-ng carries a
 * little state from one synthesis to the next (its pitch flutter), so the
 * same text synthesized after different ones comes out slightly different
 * (a few milliseconds longer or shorter per sentence). From the same
 * engine state, e.g. in a new process, the same text gives the same
 * samples.
 *
 * Returns false and sets @error (REALTIME_SIMULATOR_ERROR_SPEECH) when this
 * build has no speech, espeak-ng cannot start (no espeak-ng-data) or has no
 * voice called @voice.name. */
bool synthesize_speech (std::string_view text, const SpeechVoice & voice,
    Pcm & out, GError ** error);

/* Forgets every cached rendering. */
void clear_speech_cache ();

} // namespace realtime::sim

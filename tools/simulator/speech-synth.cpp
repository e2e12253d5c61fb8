/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "speech-synth.h"

#include "simulator-error.h"

#include <map>
#include <mutex>

#if HAVE_ESPEAK_NG
#include <espeak-ng/speak_lib.h>
#endif

namespace realtime::sim {

namespace {

/* Guards espeak-ng (one engine per process) and the cache. */
std::mutex speech_lock;

std::map<std::string, Pcm> cache; /* by cache_key () */
gsize cache_bytes = 0;

std::string
cache_key (std::string_view text, const SpeechVoice & voice)
{
  std::string key = voice.name;
  key += '\n' + std::to_string (voice.rate_wpm) + '\n' +
      std::to_string (voice.pitch) + '\n';
  key.append (text.data (), text.size ());
  return key;
}

#if HAVE_ESPEAK_NG

/* espeak-ng's sample rate once started, or EE_INTERNAL_ERROR. */
int engine_rate = 0;

int
collect_samples (short * samples, int n_samples, espeak_EVENT * events)
{
  /* Synchronous mode: called on the synthesizing thread, with our
   * user_data on every event. */
  auto * out =
      events ? static_cast<std::vector<double> *> (events->user_data) : nullptr;
  if (out != nullptr && samples != nullptr)
    for (int i = 0; i < n_samples; i++)
      out->push_back (samples[i] / 32768.0);
  return 0;
}

bool
start_engine (GError ** error)
{
  if (engine_rate == 0) {
    /* DONT_EXIT: a missing espeak-ng-data must not end the process. */
    engine_rate = espeak_Initialize (AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
        espeakINITIALIZE_DONT_EXIT);
    if (engine_rate > 0)
      espeak_SetSynthCallback (collect_samples);
  }
  if (engine_rate <= 0) {
    g_set_error_literal (error, REALTIME_SIMULATOR_ERROR,
        REALTIME_SIMULATOR_ERROR_SPEECH,
        "espeak-ng could not start: its "
        "voice data is missing (install the espeak-ng-data package)");
    return false;
  }
  return true;
}

bool
render (const std::string & text, const SpeechVoice & voice, Pcm & out,
    GError ** error)
{
  if (!start_engine (error))
    return false;
  if (espeak_SetVoiceByName (voice.name.c_str ()) != EE_OK) {
    g_set_error (error, REALTIME_SIMULATOR_ERROR,
        REALTIME_SIMULATOR_ERROR_SPEECH,
        "espeak-ng has no voice \"%s\" "
        "(`espeak-ng --voices` lists them)",
        voice.name.c_str ());
    return false;
  }
  /* Every parameter, every time: they are the engine's, not the call's. */
  espeak_SetParameter (espeakRATE, (int) voice.rate_wpm, 0);
  espeak_SetParameter (espeakPITCH, (int) voice.pitch, 0);
  espeak_SetParameter (espeakVOLUME, 100, 0);
  espeak_SetParameter (espeakRANGE, 50, 0);
  espeak_SetParameter (espeakWORDGAP, 0, 0);
  espeak_SetParameter (espeakCAPITALS, 0, 0);
  espeak_SetParameter (espeakPUNCTUATION, espeakPUNCT_NONE, 0);

  std::vector<double> samples;
  espeak_ERROR result = espeak_Synth (text.c_str (), text.size () + 1, 0,
      POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, &samples);
  if (result != EE_OK) {
    g_set_error (error, REALTIME_SIMULATOR_ERROR,
        REALTIME_SIMULATOR_ERROR_SPEECH,
        "espeak-ng could not speak the "
        "text (error %d)",
        (int) result);
    return false;
  }
  resample_to_pcm (samples, (guint) engine_rate, out);
  return true;
}

#else /* !HAVE_ESPEAK_NG */

bool
render (const std::string &, const SpeechVoice &, Pcm &, GError ** error)
{
  g_set_error_literal (error, REALTIME_SIMULATOR_ERROR,
      REALTIME_SIMULATOR_ERROR_SPEECH,
      "This simulator was built without "
      "espeak-ng, so it cannot speak (install libespeak-ng-dev and rebuild)");
  return false;
}

#endif

} // namespace

bool
speech_is_available ()
{
  return HAVE_ESPEAK_NG;
}

const char *
speech_engine ()
{
#if HAVE_ESPEAK_NG
  static const std::string name =
      std::string ("espeak-ng ") + espeak_Info (nullptr);
  return name.c_str ();
#else
  return nullptr;
#endif
}

bool
synthesize_speech (std::string_view text, const SpeechVoice & voice, Pcm & out,
    GError ** error)
{
  std::string key = cache_key (text, voice);
  std::lock_guard<std::mutex> guard (speech_lock);

  auto found = cache.find (key);
  if (found != cache.end ()) {
    out = found->second;
    return true;
  }

  Pcm rendered;
  if (!render (std::string (text), voice, rendered, error))
    return false;
  gsize bytes = rendered.size () * sizeof (gint16);
  if (cache_bytes + bytes <= SPEECH_CACHE_MAX_BYTES) {
    cache.emplace (std::move (key), rendered);
    cache_bytes += bytes;
  }
  out = std::move (rendered);
  return true;
}

void
clear_speech_cache ()
{
  std::lock_guard<std::mutex> guard (speech_lock);
  cache.clear ();
  cache_bytes = 0;
}

} // namespace realtime::sim

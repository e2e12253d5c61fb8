/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "core.h"
#include "uplink.h"

#include <gst/realtime/server-events.h>
#include <gst/realtime/session-settings.h>

#include <map>
#include <optional>
#include <string>

namespace engine {

/* What the server hears in the input, mapped back to the pipeline: voice
 * activity (speech started/stopped, timeout) and the user's transcripts,
 * each at the running time of the input it is about (through the Uplink's
 * input timeline), posted as realtime-vad and realtime-transcript
 * messages, and final transcripts pushed as text when @text_roles asks.
 * This is what a transcription session needs besides Link and Uplink; it
 * knows nothing of responses or playout. Called with the Core's lock held
 * (through a Guard). */
class Voice
{
public:
  /* @session and @text_roles are the owner's, changed under the lock;
   * @text_output: where user text goes (NULL: nowhere). */
  Voice (Core & core, const Uplink & uplink,
      const realtime::SessionSettings & session, const guint & text_roles,
      GstRealtimeOutput * text_output);

  /* Each returns the running time the event maps to. */
  GstClockTime speech_started (const realtime::ServerEvent & ev);
  GstClockTime speech_stopped (const realtime::ServerEvent & ev);
  void timeout (const realtime::ServerEvent & ev);
  /* Item @item_id was committed; a push-to-talk turn (no VAD span) ends
   * at @turn_end. */
  void committed (const std::string & item_id, GstClockTime turn_end);
  /* A user transcript delta or final; returns the final text. */
  std::optional<std::string> user_transcript (const realtime::ServerEvent & ev,
      bool final);
  void transcription_failed (const realtime::ServerEvent & ev);

  /* The user is speaking (between speech started and stopped). */
  bool speech_active () const { return speech_active_; }
  /* The turn was committed at the end of the stream. */
  void end_speech () { speech_active_ = false; }
  /* Server-side state that does not carry over to another session. */
  void reset ();

private:
  /* A user turn's audio on the input timeline (for user transcripts). */
  struct Span
  {
    GstClockTime start = GST_CLOCK_TIME_NONE;
    GstClockTime end = GST_CLOCK_TIME_NONE;
  };

  bool transcribing () const
  {
    return !session_.input_transcription_model.empty ();
  }

  Core & core_;
  const Uplink & uplink_;
  const realtime::SessionSettings & session_;
  const guint & text_roles_;
  GstRealtimeOutput * const text_output_;

  bool speech_active_ = false;
  std::string speech_item_;
  std::map<std::string, Span> spans_; /* user items */
};

} // namespace engine

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstrealtimebinstate.h"

#include "gstrealtimemessages.h"

GstRealtimeBinState::~GstRealtimeBinState ()
{
  if (last_stats_)
    gst_structure_free (last_stats_);
}

std::shared_ptr<RealtimeConversation>
GstRealtimeBinState::conversation ()
{
  std::lock_guard<std::mutex> lk (lock_);
  return conversation_;
}

void
GstRealtimeBinState::set_conversation (
    std::shared_ptr<RealtimeConversation> conversation)
{
  std::lock_guard<std::mutex> lk (lock_);
  conversation_ = std::move (conversation);
}

void
GstRealtimeBinState::stop ()
{
  std::shared_ptr<RealtimeConversation> conv;
  {
    std::lock_guard<std::mutex> lk (lock_);
    conv = std::move (conversation_);
  }
  if (!conv)
    return;
  GstStructure * stats = conv->stats ();
  std::string id = conv->session_id ();
  conv.reset ();
  std::lock_guard<std::mutex> lk (lock_);
  if (last_stats_)
    gst_structure_free (last_stats_);
  last_stats_ = stats;
  last_session_id_ = id;
}

void
GstRealtimeBinState::get_session_id (GValue * value)
{
  auto conv = conversation ();
  std::lock_guard<std::mutex> lk (lock_);
  std::string id = conv ? conv->session_id () : last_session_id_;
  g_value_set_string (value, id.empty () ? nullptr : id.c_str ());
}

void
GstRealtimeBinState::get_stats (GValue * value)
{
  auto conv = conversation ();
  std::lock_guard<std::mutex> lk (lock_);
  if (conv)
    g_value_take_boxed (value, conv->stats ());
  else if (last_stats_)
    g_value_set_boxed (value, last_stats_);
  else
    g_value_take_boxed (value, realtime_stats_structure (RealtimeStats ()));
}

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace realtime::sim {

/* Writes every WebSocket frame, both directions, as one JSON line:
 *   {"ms":12,"conn":1,"dir":"out","frame":{…the event…}}
 * `frame` is the event itself when the text is JSON, else the text as a
 * string with "json":false. Frames the simulator sent as an injected fault
 * carry "fault":true, so a conformance check can leave them out. Used only
 * from the simulator thread. */
class FrameLog
{
public:
  FrameLog () = default;
  ~FrameLog ();
  FrameLog (const FrameLog &) = delete;
  FrameLog & operator= (const FrameLog &) = delete;

  gboolean open (const std::string & path, GError ** error);
  bool is_open () const { return file_ != nullptr; }

  enum class Direction {
    In,
    Out
  };
  /* @is_json: whether @text is known to be one JSON value (frames we built,
   * or incoming ones that parsed). */
  void write (guint connection, Direction direction, std::string_view text,
      bool is_json, bool fault = false);
  /* A line about the connection itself (opened, closed, dropped). */
  void note (guint connection, const char * what, std::string_view detail = {});

private:
  FILE * file_ = nullptr;
  gint64 start_us_ = 0;
};

} // namespace realtime::sim

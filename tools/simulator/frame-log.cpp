/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "frame-log.h"

#include "simulator-error.h"

#include <gst/realtime/json-util.h>

#include <cerrno>
#include <cstring>

namespace realtime::sim {

FrameLog::~FrameLog ()
{
  if (file_ != nullptr)
    fclose (file_);
}

gboolean
FrameLog::open (const std::string & path, GError ** error)
{
  file_ = fopen (path.c_str (), "w");
  if (file_ == nullptr) {
    int err = errno;
    g_set_error (error, REALTIME_SIMULATOR_ERROR, REALTIME_SIMULATOR_ERROR_IO,
        "Cannot open the frame log %s: %s", path.c_str (), g_strerror (err));
    return FALSE;
  }
  start_us_ = g_get_monotonic_time ();
  return TRUE;
}

void
FrameLog::write (guint connection, Direction direction, std::string_view text,
    bool is_json, bool fault)
{
  if (file_ == nullptr)
    return;
  std::string line = "{\"ms\":" +
      std::to_string ((g_get_monotonic_time () - start_us_) / 1000) +
      ",\"conn\":" + std::to_string (connection) + ",\"dir\":\"" +
      (direction == Direction::In ? "in" : "out") + "\"";
  if (fault)
    line += ",\"fault\":true";
  /* A frame only goes in verbatim when it is one JSON value on one line. */
  if (is_json && text.find ('\n') == std::string_view::npos) {
    line += ",\"frame\":";
    line.append (text);
  } else {
    line += ",\"json\":false,\"frame\":";
    json_append_quoted (line, text.substr (0, 4096));
  }
  line += "}\n";
  fwrite (line.data (), 1, line.size (), file_);
  fflush (file_);
}

void
FrameLog::note (guint connection, const char * what, std::string_view detail)
{
  if (file_ == nullptr)
    return;
  std::string line = "{\"ms\":" +
      std::to_string ((g_get_monotonic_time () - start_us_) / 1000) +
      ",\"conn\":" + std::to_string (connection) + ",\"note\":";
  json_append_quoted (line, what);
  if (!detail.empty ()) {
    line += ",\"detail\":";
    json_append_quoted (line, detail);
  }
  line += "}\n";
  fwrite (line.data (), 1, line.size (), file_);
  fflush (file_);
}

} // namespace realtime::sim

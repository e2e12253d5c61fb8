/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Lines typed on stdin, read without blocking the main loop. */
#pragma once

#include <gio/gio.h>

#include <functional>
#include <string>

namespace assistant {

class LineReader
{
public:
  using Callback = std::function<void (const std::string & line)>;

  /* Calls @on_line on the main loop for every non-empty line of stdin
   * until end of file. */
  explicit LineReader (Callback on_line);
  ~LineReader ();
  LineReader (const LineReader &) = delete;
  LineReader & operator= (const LineReader &) = delete;

private:
  void read_next ();
  static void on_read (GObject * source, GAsyncResult * result, gpointer self);

  Callback on_line_;
  GDataInputStream * stream_;
  GCancellable * cancellable_;
};

} // namespace assistant

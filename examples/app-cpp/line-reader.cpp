/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "line-reader.h"

#include <gio/gunixinputstream.h>

namespace assistant {

LineReader::LineReader (Callback on_line)
    : on_line_ (std::move (on_line)), cancellable_ (g_cancellable_new ())
{
  /* poll() then read(): stdin stays a blocking descriptor, as the shell
   * that started us expects to find it. */
  g_autoptr (GInputStream) in = g_unix_input_stream_new (0, FALSE);
  stream_ = g_data_input_stream_new (in);
  read_next ();
}

LineReader::~LineReader ()
{
  g_cancellable_cancel (cancellable_);
  g_object_unref (stream_);
  g_object_unref (cancellable_);
}

void
LineReader::read_next ()
{
  g_data_input_stream_read_line_async (stream_, G_PRIORITY_DEFAULT,
      cancellable_, on_read, this);
}

void
LineReader::on_read (GObject * source, GAsyncResult * result, gpointer data)
{
  g_autoptr (GError) error = nullptr;
  gsize length = 0;
  g_autofree gchar * line =
      g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
          result, &length, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != nullptr) {
    g_printerr ("warning: stopped reading stdin: %s\n", error->message);
    return;
  }
  if (line == nullptr)
    return; /* end of file: nothing more to type */

  auto * self = static_cast<LineReader *> (data);
  g_autofree gchar * text = g_utf8_make_valid (g_strstrip (line), -1);
  if (*text != '\0')
    self->on_line_ (text);
  self->read_next ();
}

} // namespace assistant

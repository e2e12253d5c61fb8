/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <string>
#include <string_view>
#include <vector>

namespace realtime {

/* Audio payloads (input_audio_buffer.append `audio`, response.output_audio.delta
 * `delta`) are standard base64 (RFC 4648 §4) with padding. */

/* Appends the base64 text of @size bytes at @data to @out. Any size works,
 * odd ones included (PCM16 chunks may split a sample). */
void base64_encode_append (std::string & out, const guint8 * data, gsize size);
std::string base64_encode (const guint8 * data, gsize size);

/* Decodes @text and appends the bytes to @out. Unlike g_base64_decode(), it
 * refuses anything that is not canonical base64: characters outside the
 * alphabet, whitespace, misplaced or missing padding, or a length that is not
 * a multiple of 4. On failure @out is left as it was, @error is set
 * (REALTIME_PROTOCOL_ERROR_INVALID_BASE64) and FALSE is returned. */
gboolean base64_decode_append (std::string_view text, std::vector<guint8> & out,
    GError ** error);

} // namespace realtime

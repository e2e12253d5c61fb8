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

/* What fuzz-conversation does with one input: server frames to send and
 * things the application does in between, in order.
 *
 * The input is read line by line:
 *  - a line starting with '#' is a comment (seeds explain themselves);
 *  - a line starting with '!' is a program: each byte after the '!' picks
 *    an operation (a GA server event built from a template, a broken
 *    frame, an action signal, a sync point, a server-side close) and the
 *    bytes after it its parameters. Ids come from small pools (resp_1..3,
 *    item_1..4, call_1..2) so events of one response meet, collide and
 *    arrive out of order;
 *  - any other non-empty line is sent as it is, as one text frame, except
 *    that its top-level "event_id" (when it has one) gets a prefix naming
 *    the input: a session never repeats an id, and realtimebin drops an
 *    event whose id it has seen lately, so ids from earlier inputs must not
 *    come back. Repeats within one input stay repeats.
 * Running out of bytes mid-operation reads zeros, so every input is a
 * valid script. @input_serial numbers the inputs (ids of generated events
 * carry it too). */
struct ScriptStep
{
  enum Kind {
    Frame, /* send `text` */
    CancelResponse,
    CreateResponse, /* `text`: instructions, empty for NULL */
    CommitInput,
    ClearInput,
    SendText,           /* `text` */
    SendFunctionResult, /* `call_id`, `text` */
    Sync,               /* wait until the element has read every frame so far */
    ServerClose,        /* close the connection with `code` */
  } kind;
  std::string text;
  std::string call_id;
  gushort code = 1000;
};

std::vector<ScriptStep> parse_script (std::string_view input,
    guint64 input_serial);

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace realtime {

/* The conversation so far as text, to replay into a new session after a
 * reconnect or a rollover (a new server session remembers nothing, and clients
 * cannot create assistant audio items; docs/reliability.md, "What is kept").
 * Items keep the server's order: a slot is taken when the item appears (a user
 * turn committed, an assistant item added) and its text filled in when the
 * transcript is final, which may be later. Bounded to the last @max_turns
 * user/assistant pairs. Not thread-safe: one owner. */
class ConversationHistory
{
public:
  enum class Role {
    User,
    Assistant
  };

  explicit ConversationHistory (guint max_turns = 20) : max_turns_ (max_turns)
  {}

  void set_max_turns (guint max_turns);

  /* A slot for @item_id (no-op if it has one); returns its serial. */
  guint64 add (Role role, const std::string & item_id);
  /* The final text of @item_id; ignored when it has no slot (removed, or
   * aged out). */
  void set_text (Role role, const std::string & item_id, std::string_view text);
  /* A user text item whose text is known at once (send-text). */
  guint64 add_text (Role role, std::string_view text);
  /* @item_id is no longer part of the conversation (deleted, or truncated
   * where its text is unknown). */
  void remove (const std::string & item_id);

  /* Serial the next slot will get: replay (from) picks up what was added
   * since a mark. */
  guint64 next_serial () const { return serial_; }

  /* conversation.item.create events for the items with text whose serial
   * is in [@from, @to), oldest first. */
  std::vector<std::string> replay_events (guint64 from = 0,
      guint64 to = G_MAXUINT64) const;

  gsize size () const { return items_.size (); }

private:
  struct Item
  {
    guint64 serial;
    Role role;
    std::string item_id; /* empty for text we sent ourselves */
    std::string text;
  };

  Item * find (const std::string & item_id);
  void trim ();

  guint max_turns_;
  guint64 serial_ = 0;
  std::deque<Item> items_;
};

} // namespace realtime

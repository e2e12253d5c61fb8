/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "conversation-history.h"

#include "client-events.h"

#include <algorithm>

namespace realtime {

void
ConversationHistory::set_max_turns (guint max_turns)
{
  max_turns_ = max_turns;
  trim ();
}

ConversationHistory::Item *
ConversationHistory::find (const std::string & item_id)
{
  if (item_id.empty ())
    return nullptr;
  for (Item & item : items_)
    if (item.item_id == item_id)
      return &item;
  return nullptr;
}

guint64
ConversationHistory::add (Role role, const std::string & item_id)
{
  if (Item * item = find (item_id))
    return item->serial;
  items_.push_back ({serial_, role, item_id, {}});
  trim ();
  return serial_++;
}

void
ConversationHistory::set_text (Role role, const std::string & item_id,
    std::string_view text)
{
  /* No slot: the item was removed (interrupted) or has aged out; a late
   * transcript must not bring it back, out of order. */
  if (Item * item = find (item_id))
    item->text = std::string (text);
}

guint64
ConversationHistory::add_text (Role role, std::string_view text)
{
  items_.push_back ({serial_, role, {}, std::string (text)});
  trim ();
  return serial_++;
}

void
ConversationHistory::remove (const std::string & item_id)
{
  if (item_id.empty ())
    return;
  items_.erase (std::remove_if (items_.begin (), items_.end (),
                    [&] (
                        const Item & item) { return item.item_id == item_id; }),
      items_.end ());
}

/* A turn is a user item and the assistant's answer: 2 items per turn. */
void
ConversationHistory::trim ()
{
  while (items_.size () > 2 * (gsize) max_turns_)
    items_.pop_front ();
}

std::vector<std::string>
ConversationHistory::replay_events (guint64 from, guint64 to) const
{
  std::vector<std::string> events;
  for (const Item & item : items_) {
    if (item.serial < from || item.serial >= to || item.text.empty ())
      continue;
    JsonObjectPtr obj = item.role == Role::User
        ? make_user_text_item (item.text)
        : make_assistant_text_item (item.text);
    events.push_back (build_conversation_item_create (obj.get ()));
  }
  return events;
}

} // namespace realtime

/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/realtime/json-util.h>

#include <string>
#include <string_view>

namespace realtime::sim {

/* Builds a JsonObject member by member, for the many nested objects of
 * server events: Obj ().str ("type", "x").num ("n", 1).take (). */
class Obj
{
public:
  Obj () : object_ (json_object_new ()) {}

  Obj & str (const char * name, std::string_view value)
  {
    std::string copy (value);
    json_object_set_string_member (object_.get (), name, copy.c_str ());
    return *this;
  }
  /* A string, or null when empty (the service sends null for unset ids). */
  Obj & str_or_null (const char * name, std::string_view value)
  {
    return value.empty () ? null (name) : str (name, value);
  }
  Obj & num (const char * name, gint64 value)
  {
    json_object_set_int_member (object_.get (), name, value);
    return *this;
  }
  Obj & real (const char * name, double value)
  {
    json_object_set_double_member (object_.get (), name, value);
    return *this;
  }
  Obj & boolean (const char * name, bool value)
  {
    json_object_set_boolean_member (object_.get (), name, value);
    return *this;
  }
  Obj & null (const char * name)
  {
    json_object_set_null_member (object_.get (), name);
    return *this;
  }
  /* Takes the child's object; chained calls return Obj&, hence both. */
  Obj & obj (const char * name, Obj & child)
  {
    json_object_set_object_member (object_.get (), name, child.take ());
    return *this;
  }
  Obj & obj (const char * name, Obj && child) { return obj (name, child); }
  Obj & obj (const char * name, JsonObject * child) /* takes ownership */
  {
    json_object_set_object_member (object_.get (), name, child);
    return *this;
  }
  Obj & arr (const char * name, JsonArray * array) /* takes ownership */
  {
    json_object_set_array_member (object_.get (), name, array);
    return *this;
  }

  JsonObject * get () const { return object_.get (); }
  JsonObject * take () { return object_.release (); }

private:
  JsonObjectPtr object_;
};

/* A JSON array of the given objects, taking ownership of them. */
inline JsonArray *
array_of (std::initializer_list<JsonObject *> objects)
{
  JsonArray * array = json_array_new ();
  for (JsonObject * o : objects)
    json_array_add_object_element (array, o);
  return array;
}

} // namespace realtime::sim

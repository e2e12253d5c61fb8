/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The tools: get_time answers at once, disk_usage walks a folder tree and
 * may take seconds, so it is answered later (see assistant.cpp). */
#include "tools.h"

#include <json-glib/json-glib.h>

namespace assistant {

namespace {

const char GET_TIME[] = R"({"type": "function", "name": "get_time",
  "description": "The current time in a time zone",
  "parameters": {"type": "object",
    "properties": {"tz": {"type": "string",
        "description": "IANA time zone, e.g. Europe/Paris"}},
    "required": ["tz"]}})";

const char DISK_USAGE[] = R"({"type": "function", "name": "disk_usage",
  "description": "The size of the files in a folder and its subfolders",
  "parameters": {"type": "object",
    "properties": {"path": {"type": "string",
        "description": "The folder, absolute or relative to the current folder"}},
    "required": ["path"]}})";

std::string
to_json (JsonBuilder * builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  json_generator_set_root (generator, root);
  g_autofree gchar * text = json_generator_to_data (generator, nullptr);
  return text;
}

/* {"tz": "Europe/Paris"} -> {"tz": "Europe/Paris", "time": "HH:MM"} */
std::string
get_time (JsonObject * args)
{
  const char * tz_name =
      json_object_get_string_member_with_default (args, "tz", "UTC");
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier (tz_name);
  if (tz == nullptr)
    return error_output (std::string ("unknown time zone \"") + tz_name +
        "\"; use an IANA name such as Europe/Paris");

  g_autoptr (GDateTime) now = g_date_time_new_now (tz);
  g_autofree gchar * time = g_date_time_format (now, "%H:%M");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tz");
  json_builder_add_string_value (b, g_time_zone_get_identifier (tz));
  json_builder_set_member_name (b, "time");
  json_builder_add_string_value (b, time);
  json_builder_end_object (b);
  return to_json (b);
}

struct Usage
{
  gint64 bytes = 0;
  gint64 files = 0;
  gint64 unreadable_folders = 0;
};

/* Adds the regular files below @folder to @usage, without following
 * symbolic links. Subfolders that cannot be read are counted, not fatal. */
bool
add_folder (GFile * folder, Usage & usage, GCancellable * cancellable,
    GError ** error)
{
  g_autoptr (GFileEnumerator) children = g_file_enumerate_children (folder,
      G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
      G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);
  if (children == nullptr)
    return false;

  for (;;) {
    GFileInfo * info;
    GFile * child;
    if (!g_file_enumerator_iterate (children, &info, &child, cancellable,
            error))
      return false;
    if (info == nullptr)
      return true;

    switch (g_file_info_get_file_type (info)) {
      case G_FILE_TYPE_DIRECTORY: {
        g_autoptr (GError) sub_error = nullptr;
        if (!add_folder (child, usage, cancellable, &sub_error)) {
          if (g_error_matches (sub_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_propagate_error (error, g_steal_pointer (&sub_error));
            return false;
          }
          usage.unreadable_folders++;
        }
        break;
      }
      case G_FILE_TYPE_REGULAR:
        usage.bytes += g_file_info_get_size (info);
        usage.files++;
        break;
      default:
        break;
    }
  }
}

/* {"path": "."} -> {"path": ".", "bytes": N, "files": N,
 * "unreadable_folders": N} */
std::string
disk_usage (JsonObject * args, GCancellable * cancellable)
{
  const char * path =
      json_object_get_string_member_with_default (args, "path", nullptr);
  if (path == nullptr || *path == '\0')
    return error_output ("the path argument is missing");

  g_autoptr (GFile) folder = g_file_new_for_path (path);
  g_autoptr (GError) error = nullptr;
  Usage usage;
  if (!add_folder (folder, usage, cancellable, &error))
    return error_output (error->message);

  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, usage.bytes);
  json_builder_set_member_name (b, "files");
  json_builder_add_int_value (b, usage.files);
  json_builder_set_member_name (b, "unreadable_folders");
  json_builder_add_int_value (b, usage.unreadable_folders);
  json_builder_end_object (b);
  return to_json (b);
}

} // namespace

std::string
error_output (const std::string & message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message.c_str ());
  json_builder_end_object (b);
  return to_json (b);
}

const std::vector<Tool> &
all_tools ()
{
  static const std::vector<Tool> tools = {
      {"get_time", false, GET_TIME},
      {"disk_usage", true, DISK_USAGE},
  };
  return tools;
}

const Tool *
find_tool (const std::string & name)
{
  for (const Tool & tool : all_tools ())
    if (name == tool.name)
      return &tool;
  return nullptr;
}

std::string
tools_json (const std::vector<std::string> & names)
{
  std::string json = "[";
  for (const std::string & name : names) {
    if (const Tool * tool = find_tool (name)) {
      if (json.size () > 1)
        json += ",";
      json += tool->declaration;
    }
  }
  return json + "]";
}

std::string
run_tool (const std::string & name, const char * arguments,
    GCancellable * cancellable)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, arguments, -1, nullptr) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return error_output ("the arguments are not a JSON object");
  JsonObject * args = json_node_get_object (json_parser_get_root (parser));

  if (name == "get_time")
    return get_time (args);
  if (name == "disk_usage")
    return disk_usage (args, cancellable);
  return error_output ("there is no function called " + name);
}

} // namespace assistant

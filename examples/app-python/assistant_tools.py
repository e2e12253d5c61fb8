# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

"""The functions realtime_assistant.py offers the model as tools.

get_time answers at once; disk_usage walks a folder tree and may take
seconds, so the assistant runs it in a worker thread and answers later.
"""

import json
import os
import threading
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DECLARATIONS = {
    "get_time": {
        "type": "function",
        "name": "get_time",
        "description": "The current time in a time zone",
        "parameters": {
            "type": "object",
            "properties": {
                "tz": {"type": "string",
                       "description": "IANA time zone, e.g. Europe/Paris"}},
            "required": ["tz"]}},
    "disk_usage": {
        "type": "function",
        "name": "disk_usage",
        "description": "The size of the files in a folder and its subfolders",
        "parameters": {
            "type": "object",
            "properties": {
                "path": {"type": "string",
                         "description": "The folder, absolute or relative "
                                        "to the current folder"}},
            "required": ["path"]}},
}

# Tools that take long enough to need a worker thread.
SLOW = {"disk_usage"}


def to_json(value):
    """Compact JSON, as the function output is sent."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def error_output(message):
    """How a tool tells the model what went wrong."""
    return to_json({"error": message})


def tools_json(names):
    """The session's `tools` array for the tools called `names`."""
    return to_json([DECLARATIONS[name] for name in names])


def get_time(args):
    """{"tz": "Europe/Paris"} -> {"tz": "Europe/Paris", "time": "HH:MM"}"""
    tz_name = args.get("tz", "UTC")
    try:
        tz = ZoneInfo(str(tz_name))
    except (ZoneInfoNotFoundError, ValueError):
        return error_output(f'unknown time zone "{tz_name}"; use an IANA '
                            f'name such as Europe/Paris')
    return to_json({"tz": tz.key, "time": datetime.now(tz).strftime("%H:%M")})


class Cancelled(Exception):
    pass


def _add_folder(path, usage, cancelled):
    """Adds the regular files below `path` to `usage`, without following
    symbolic links. Subfolders that cannot be read are counted."""
    with os.scandir(path) as entries:
        for entry in entries:
            if cancelled.is_set():
                raise Cancelled()
            if entry.is_dir(follow_symlinks=False):
                try:
                    _add_folder(entry.path, usage, cancelled)
                except OSError:
                    usage["unreadable_folders"] += 1
            elif entry.is_file(follow_symlinks=False):
                usage["bytes"] += entry.stat(follow_symlinks=False).st_size
                usage["files"] += 1


def disk_usage(args, cancelled):
    """{"path": "."} -> {"path": ".", "bytes": N, "files": N,
    "unreadable_folders": N}"""
    path = args.get("path")
    if not isinstance(path, str) or not path:
        return error_output("the path argument is missing")
    usage = {"path": path, "bytes": 0, "files": 0, "unreadable_folders": 0}
    try:
        _add_folder(path, usage, cancelled)
    except OSError as e:
        return error_output(f"{e.strerror}: {path}")
    return to_json(usage)


def run_tool(name, arguments, cancelled=None):
    """Runs tool `name` with `arguments` (a JSON object as text); returns
    its output as JSON text. Slow tools block (run them in a thread) and
    stop early, raising Cancelled, once the `cancelled` event is set."""
    try:
        args = json.loads(arguments)
    except ValueError:
        args = None
    if not isinstance(args, dict):
        return error_output("the arguments are not a JSON object")
    if name == "get_time":
        return get_time(args)
    if name == "disk_usage":
        return disk_usage(args, cancelled or threading.Event())
    return error_output(f"there is no function called {name}")

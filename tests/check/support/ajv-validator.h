/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Test helper: runs tests/conformance/validate.mjs (ajv under node) on
 * JSON lines. Needs the CONFORMANCE_DIR, NODE_PATH and PROJECT_SOURCE_DIR
 * defines that tests/meson.build passes. */
#pragma once

#include <gst/check/gstcheck.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

struct ValidatorRun
{
  int exit_status = -1;
  std::string output;
};

/* Runs tests/conformance/validate.mjs on @lines (one JSON per line).
 * ajv is resolved from the project's node_modules (npm ci). */
static inline ValidatorRun
run_validator (const char * kind, const std::vector<std::string> & lines)
{
  fail_if (strlen (NODE_PATH) == 0,
      "node was not found at configure time; run scripts/install-deps.sh");
  g_autofree gchar * validator =
      g_build_filename (CONFORMANCE_DIR, "validate.mjs", nullptr);
  fail_unless (g_file_test (validator, G_FILE_TEST_EXISTS),
      "%s is missing: the conformance schemas live in tests/conformance/",
      validator);

  g_autofree gchar * dir = g_dir_make_tmp ("conformance-XXXXXX", nullptr);
  g_autofree gchar * file = g_build_filename (dir, "events.jsonl", nullptr);
  /* JSONL: one event per line. Raw newlines can only be whitespace between
   * tokens (inside strings JSON escapes them), so folding them is safe. */
  std::string text;
  for (std::string l : lines) {
    std::replace (l.begin (), l.end (), '\n', ' ');
    text += l + "\n";
  }
  fail_unless (
      g_file_set_contents (file, text.c_str (), text.size (), nullptr));

  /* Node's output goes to a file, not a pipe: validate.mjs ends with
   * process.exit(), which drops console.log output still queued for a pipe
   * (seen in CI: 2487 of 4114 verdicts), while writes to files are
   * synchronous. */
  g_autofree gchar * out_file = g_build_filename (dir, "verdicts.txt", nullptr);
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_cwd (launcher, PROJECT_SOURCE_DIR);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_file);
  g_autoptr (GError) error = nullptr;
  g_autoptr (GSubprocess) proc = g_subprocess_launcher_spawn (launcher, &error,
      NODE_PATH, validator, kind, file, nullptr);
  fail_unless (proc != nullptr, "could not run node: %s",
      error ? error->message : "");
  fail_unless (g_subprocess_wait (proc, nullptr, &error),
      "waiting for node: %s", error ? error->message : "");
  ValidatorRun run;
  g_autofree gchar * out = nullptr;
  g_file_get_contents (out_file, &out, nullptr, nullptr);
  run.output = out ? out : "";
  gint status = g_subprocess_get_status (proc);
  fail_unless (WIFEXITED (status), "validator crashed: %s",
      run.output.c_str ());
  run.exit_status = WEXITSTATUS (status);
  fail_if (run.exit_status == 2,
      "validator usage error (is ajv installed? "
      "run npm ci): %s",
      run.output.c_str ());

  g_unlink (file);
  g_unlink (out_file);
  g_rmdir (dir);
  return run;
}

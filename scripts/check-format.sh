#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Checks that every C and C++ file of the tree is as clang-format leaves it
# (the style is .clang-format at the top). Prints the places that are not
# and exits 1; `scripts/check-format.sh --fix` rewrites them instead.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Version 14 exactly: other versions lay out some lines differently.
cf=$(command -v clang-format-14 || true)
if [ -z "$cf" ]; then
  echo "check-format: clang-format-14 not found; scripts/install-deps.sh installs it (package clang-format-14)" >&2
  exit 1
fi

# The files git tracks, or every source file outside build trees when this
# is not a git checkout (a release tarball).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.c' '*.h' '*.cpp')
else
  mapfile -t files < <(find . \( -name 'build*' -o -name node_modules \) -prune \
    -o -type f \( -name '*.c' -o -name '*.h' -o -name '*.cpp' \) -print | sort)
fi
[ ${#files[@]} -gt 0 ] || { echo "check-format: no source files found" >&2; exit 1; }

if [ "${1:-}" = "--fix" ]; then
  # Twice: clang-format 14 may move a macro's line continuations again on
  # a second pass (long string macros); the second pass settles them.
  "$cf" -i "${files[@]}"
  "$cf" -i "${files[@]}"
  exit 0
fi

if ! "$cf" --dry-run -Werror "${files[@]}"; then
  echo "check-format: run scripts/check-format.sh --fix" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files clean"

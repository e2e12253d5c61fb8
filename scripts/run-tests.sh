#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# The README test command. Installs the dependencies, builds and tests in
# build/ (plain) and build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer),
# runs the libFuzzer targets from build-fuzz/ (clang) for a minute, then
# prints one line: "tests: N passed, N failed[, N skipped]".
# Exits non-zero if any test or any step failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

failed_steps=()

step() {
  printf '\n== %s\n' "$*"
  if ! "$@"; then
    printf '== FAILED: %s\n' "$*" >&2
    failed_steps+=("$*")
    return 1
  fi
}

# setup_build DIR [meson options...]: configure DIR, or reconfigure it if it
# already holds a build tree (so options given here always apply).
setup_build() {
  local dir=$1
  shift
  if [ -f "$dir/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "$dir" "$@"
  else
    meson setup "$dir" "$@"
  fi
}

# build_and_test DIR [meson options...]
build_and_test() {
  local dir=$1
  shift
  rm -f "$dir/meson-logs/testlog.json"
  step setup_build "$dir" "$@" || return 0
  step meson compile -C "$dir" || return 0
  step meson test -C "$dir" --print-errorlogs || true
}

step bash scripts/install-deps.sh || {
  echo "tests: 0 passed, 0 failed"
  exit 1
}

build_and_test build

build_and_test build-asan -Db_sanitize=address,undefined -Db_lundef=false

# The fuzz targets (docs/development.md, "Fuzzing"): a clang build of their
# own, then both at once for FUZZ_SECONDS (60) each, as the `fuzz` meson
# tests, so each counts as one test and any finding fails it.
setup_fuzz_build() {
  CC=clang-14 CXX=clang++-14 setup_build build-fuzz -Dfuzzing=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dtests=disabled -Dexamples=disabled -Ddoc=disabled
}

fuzz() {
  rm -f build-fuzz/meson-logs/testlog.json
  step setup_fuzz_build || return 0
  # Only the fuzzers and what they link: nothing else is needed here.
  step meson compile -C build-fuzz fuzz/fuzz-server-event fuzz/fuzz-conversation \
    || return 0
  step meson test -C build-fuzz --suite fuzz --no-rebuild --num-processes 2 \
    --print-errorlogs || true
  # Runs, exec/s and coverage of each target; what the conversations did.
  grep -h -e '^fuzz-[a-z-]*: .* runs, ' -e '^fuzz-conversation: .* inputs, ' \
    build-fuzz/meson-logs/testlog.txt 2>/dev/null || true
}

fuzz

echo
status=0
if [ ${#failed_steps[@]} -gt 0 ]; then
  printf 'failed step: %s\n' "${failed_steps[@]}"
  status=1
fi

# One line from all builds' test logs; non-zero if a test failed or none ran.
python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
  build-fuzz/meson-logs/testlog.json <<'PY' || status=1
import json, os, sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    if not os.path.exists(path):
        continue
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:  # FAIL, TIMEOUT, UNEXPECTEDPASS, ERROR
                failed += 1
if passed + failed == 0:
    print("no test ran", file=sys.stderr)
line = f"tests: {passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
PY
exit $status

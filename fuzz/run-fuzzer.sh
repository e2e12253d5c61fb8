#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Runs one libFuzzer target for FUZZ_SECONDS (default 60) on a copy of its
# seed corpus, so the corpus in the repository never changes; what the run
# adds is thrown away. Exits non-zero on any finding (crash, sanitizer
# report, hang, leak, out-of-memory) and leaves the input that caused it in
# FINDINGS_DIR. Ends with one line of figures (runs, exec/s, coverage).
#
#   run-fuzzer.sh FUZZER SEED_CORPUS_DIR FINDINGS_DIR [libFuzzer flags...]
set -euo pipefail

fuzzer=$1
seeds=$2
findings=$3
shift 3
seconds=${FUZZ_SECONDS:-60}
name=$(basename "$fuzzer")

work=$(mktemp -d "${TMPDIR:-/tmp}/$name-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$findings"
cp -r "$seeds/." "$work/corpus/"

# UBSan stops at its first report, with a stack; libFuzzer saves the input.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Stacks with file:line: llvm-14's symbolizer (install-deps.sh installs it)
# when no unversioned llvm-symbolizer is on PATH.
llvm14_symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null \
    && [ -x "$llvm14_symbolizer" ]; then
  export ASAN_SYMBOLIZER_PATH=$llvm14_symbolizer
fi

status=0
# A hang in LLVMFuzzerInitialize, before libFuzzer's own clock runs, must
# not stall the caller either.
timeout -k 10 $((seconds + 120)) "$fuzzer" \
  -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$findings/$name-" \
  "$@" "$work/corpus" >"$work/log" 2>&1 || status=$?

# The log has one line per new coverage point: keep the start and the end.
lines=$(wc -l <"$work/log")
if [ "$status" -ne 0 ] || [ "$lines" -le 120 ]; then
  cat "$work/log"
else
  head -n 40 "$work/log"
  printf '... (%d lines) ...\n' "$((lines - 100))"
  tail -n 60 "$work/log"
fi

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*  *ft: [0-9]*' "$work/log" | tail -n 1 || true)
corpus=$(find "$work/corpus" -type f | wc -l)
printf '%s: %s runs, %s exec/s, %s, corpus %s files, exit %s\n' "$name" \
  "${runs:-?}" "${rate:-?}" "${cov:-no coverage line}" "$corpus" "$status"
if [ "$status" -ne 0 ]; then
  printf '%s: FINDING (exit %s); inputs kept in %s\n' "$name" "$status" \
    "$findings" >&2
  # Not libFuzzer's own code: its 77 (a crash) means "skipped" to meson.
  exit 1
fi

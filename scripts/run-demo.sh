#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# The README run command: one spoken question, answered through a GStreamer
# pipeline by realtimebin. Offline against the local simulator by default;
# against OpenAI when OPENAI_API_KEY is set. Installs the dependencies and
# builds gst-realtime in build/, then runs scripts/demo-conversation.sh.
# Output goes to build/demo/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { printf 'run-demo: error: %s\n' "$*" >&2; exit 1; }

bash scripts/install-deps.sh || die "installing the dependencies failed"

echo "run-demo: configuring build/"
if [ -f build/meson-private/coredata.dat ]; then
  setup=(meson setup --reconfigure build)
else
  setup=(meson setup build)
fi
out=$("${setup[@]}" 2>&1) || { printf '%s\n' "$out" >&2; die "meson setup failed"; }
echo "run-demo: building"
meson compile -C build plugins/realtime/gstrealtime tools/gst-realtime-simulator \
  >/dev/null || die "the build failed"

# The conversation itself (also run by the `demo` test).
DEMO_BUILD=build exec bash scripts/demo-conversation.sh

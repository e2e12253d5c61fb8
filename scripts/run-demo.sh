#!/usr/bin/env bash
# The README run command. Installs the dependencies, builds gst-realtime in
# build/ and shows the realtimebin element through the uninstalled plugin.
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
echo "run-demo: building the plugin"
meson compile -C build plugins/realtime/gstrealtime || die "the build failed"

# `meson devenv` puts build/plugins/realtime on GST_PLUGIN_PATH, with a
# private registry.
echo
meson devenv -C build gst-inspect-1.0 realtimebin || die "gst-inspect-1.0 could not load realtimebin"
echo
echo "realtimebin is a skeleton in this build: the spoken conversation demo arrives with the element."

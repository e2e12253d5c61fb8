#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Installs everything gst-realtime's build, tests and demo need on Debian 12.
# Run as root (or with password-less sudo). Safe to run again: when nothing is
# missing it only checks, which takes well under a second.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive

say() { printf 'install-deps: %s\n' "$*"; }
die() { printf 'install-deps: error: %s\n' "$*" >&2; exit 1; }

packages=(
  meson ninja-build pkg-config g++
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-tools
  libsoup-3.0-dev glib-networking libjson-glib-dev
  espeak-ng sox valgrind
  # The openssl command makes the TLS tests' throwaway certificates
  # (realtimebin-tls, openai-client, the benchmark's peers); nothing links
  # against OpenSSL.
  openssl
  # The simulator speaks its scenario text (libespeak-ng); the examples:
  # echo cancellation (webrtcdsp, in -bad), the RTSP camera bridge
  # (gst-rtsp-server, rtspsrc, AAC from libav), the Python application.
  libespeak-ng-dev gstreamer1.0-plugins-bad gstreamer1.0-libav
  libgstrtspserver-1.0-dev gstreamer1.0-rtsp
  python3-gst-1.0 python3-gi gir1.2-gst-rtsp-server-1.0
  # The benchmark's Python peer client (bench/peers/python-websockets.py).
  python3-websockets
  # The libFuzzer targets (fuzz/): clang, its fuzzer/sanitizer runtimes
  # (libclang_rt.fuzzer), llvm-symbolizer for readable stacks.
  clang-14 libclang-rt-14-dev llvm-14
  # The formatter the test command checks the tree with (.clang-format).
  clang-format-14
)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
command -v git >/dev/null 2>&1 || packages+=(git)

# Packages dpkg reports as installed; unknown names are simply absent.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null \
  | awk '$2 == "installed" { print $1 }') || true

missing=()
for p in "${packages[@]}"; do
  grep -qxF "$p" <<<"$installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  say "missing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo -n)
  else
    die "installing packages needs root; run this script as root"
  fi
  say "apt-get update"
  "${sudo[@]}" apt-get update -q </dev/null \
    || die "apt-get update failed"
  say "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null \
    || die "apt-get install failed for: ${missing[*]}"
else
  say "Debian packages: all ${#packages[@]} present"
fi

command -v node >/dev/null 2>&1 || die "node is not on PATH after installing nodejs"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH (install npm, or a Node.js that ships it)"

# Node packages for the conformance validator (ajv), pinned by package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  say "npm ci"
  npm ci --no-audit --no-fund </dev/null || die "npm ci failed"
  touch node_modules
else
  say "node_modules: up to date"
fi

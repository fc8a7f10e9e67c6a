#!/usr/bin/env bash
# Debian's Chromium for the browser check (playwright-core drives it; no browser download).
# apt keeps the downloaded packages in /var/cache/apt/archives, so a second install is local.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "[ensure-browser] $(chromium --version 2>/dev/null | head -1)" >&2
  exit 0
fi
echo "[ensure-browser] installing Debian's chromium" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
chromium --version >&2

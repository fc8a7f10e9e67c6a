#!/usr/bin/env bash
# Debian's Chromium for the browser check (playwright-core drives it; no browser download).
# apt keeps the downloaded packages in /var/cache/apt/archives, so a second install is local.
set -euo pipefail
source "$(dirname "$0")/lib/apt-install.sh"
if command -v chromium >/dev/null 2>&1; then
  echo "[ensure-browser] $(chromium --version 2>/dev/null | head -1)" >&2
  exit 0
fi
apt_install ensure-browser chromium
chromium --version >&2

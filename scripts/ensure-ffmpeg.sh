#!/usr/bin/env bash
# Debian's ffmpeg for `npm run video` (it encodes Chromium's screencast frames into WebM).
set -euo pipefail
source "$(dirname "$0")/lib/apt-install.sh"
if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then
  exit 0
fi
apt_install ensure-ffmpeg ffmpeg
ffmpeg -version | head -1 >&2

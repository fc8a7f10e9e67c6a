#!/usr/bin/env bash
# Debian's ffmpeg for `npm run video` (it encodes Chromium's screencast frames into WebM).
set -euo pipefail
if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then
  exit 0
fi
echo "[ensure-ffmpeg] installing Debian's ffmpeg" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq ffmpeg >&2
ffmpeg -version | head -1 >&2

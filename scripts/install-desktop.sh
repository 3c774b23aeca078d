#!/usr/bin/env bash
# Installs what the desktop build of the phone app needs (`cargo build -p ltci-mobile --features
# desktop --bin ltci-app`): WebKitGTK and libxdo; with xvfb, xdotool and imagemagick to run it
# without a screen and take screenshots. Idempotent; run as root (as CI does).
set -euo pipefail
if ! pkg-config --exists webkit2gtk-4.1 2>/dev/null || ! [ -e /usr/include/xdo.h ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends libwebkit2gtk-4.1-dev libxdo-dev xvfb xdotool imagemagick \
    fonts-noto-cjk >/dev/null
fi

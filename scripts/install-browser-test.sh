#!/usr/bin/env bash
# Installs what the browser test needs: Debian's Chromium, the CJK fonts (or Chinese renders as
# boxes in screenshots), and playwright-core from npm (no browser download: it drives the system
# Chromium). Idempotent; run as root (as CI does).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
fi
command -v node >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
(cd tests/browser && npm ci --no-audit --no-fund --silent)

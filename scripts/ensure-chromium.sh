#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; Playwright's own browser downloads are not used.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium from Debian's packages for the browser tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit 0
fi
if [ "${CI:-}" = "true" ]; then
    echo "Chromium is missing at $CHROMIUM and cannot be installed here." >&2
    exit 1
fi
echo "Chromium not found at $CHROMIUM: browser tests will be skipped."
echo "Enable them with: sudo apt-get install chromium (or set CHROMIUM_PATH)."

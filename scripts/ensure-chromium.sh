#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (Playwright drives
# /usr/bin/chromium; it never downloads a browser of its own). A no-op when it is there.
set -euo pipefail

[ -x /usr/bin/chromium ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing Chromium from the system packages for the browser tests..." >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

if [ ! -x /usr/bin/chromium ]; then
    echo "error: the browser tests need /usr/bin/chromium (apt-get install chromium)." >&2
    exit 1
fi

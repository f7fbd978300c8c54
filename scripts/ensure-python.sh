#!/usr/bin/env bash
# Make sure $PYTHON (default python3) is Python 3.11+ with a working venv module.
# A no-op when it already is; on Debian/Ubuntu it installs the system Python otherwise.
set -euo pipefail

python=${PYTHON:-python3}

usable() {
    command -v "$python" >/dev/null 2>&1 &&
        "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

usable && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing Python 3 with venv from the system packages..." >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3 python3-venv python3-dev
fi

if ! usable; then
    echo "error: this project needs Python 3.11 or newer with the venv module as '$python'." >&2
    echo "Install it (e.g. apt-get install python3 python3-venv) or run: make PYTHON=/path/to/python3.11" >&2
    exit 1
fi

#!/usr/bin/env bash
# Make sure cxml's optional C accelerator (src/cxml/reading/_speedups.pyx) can be built: a C
# compiler and the headers of $PYTHON (default python3). A no-op when both are there; on
# Debian/Ubuntu as root it installs gcc and python3-dev. Without them the install still
# succeeds and cxml reads lxml's elements directly (slower; tests/unit/cxml says so).
set -euo pipefail

python=${PYTHON:-python3}
missing=()

command -v cc >/dev/null 2>&1 || missing+=(gcc)
"$python" - <<'PY' || missing+=(python3-dev)
import os, sys, sysconfig
sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))
PY

[ ${#missing[@]} = 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing ${missing[*]} for cxml's C accelerator..." >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
else
    echo "warning: ${missing[*]} missing; cxml will read without its accelerator." >&2
fi

#!/usr/bin/env bash
# Make sure a C compiler is there for cxml's optional accelerator (src/cxml/reading/_speedups.pyx).
# A no-op when `cc` works; on Debian/Ubuntu as root it installs gcc. Without one the install
# still succeeds and cxml reads lxml's elements directly (slower; tests/unit/cxml says so).
set -euo pipefail

command -v cc >/dev/null 2>&1 && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing gcc for cxml's C accelerator..." >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y gcc
else
    echo "warning: no C compiler; cxml will read without its accelerator (install gcc)." >&2
fi

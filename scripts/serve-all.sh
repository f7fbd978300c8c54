#!/usr/bin/env bash
# Serve the marketplace (127.0.0.1:8000) and the buyer sandbox (127.0.0.1:8100) together
# in the foreground. Ctrl-C stops both; if either one stops, the other is stopped too.
set -euo pipefail

bin=${VENV_BIN:-.venv/bin}
pids=()

stop() {
    trap - INT TERM EXIT
    if [ ${#pids[@]} -gt 0 ]; then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin/marketplace" serve --host 127.0.0.1 --port 8000 "$@" &
pids+=($!)
"$bin/sandbox" serve --host 127.0.0.1 --port 8100 &
pids+=($!)

wait -n

#!/usr/bin/env bash
# Serve the marketplace (127.0.0.1:8000) and the buyer sandbox (127.0.0.1:8100) together, wired:
# `marketplace demo setup` gives the demo buyer organization a Coupa connection whose invoices go
# to the sandbox's inbox, and the sandbox a "Software Marketplace" supplier (its Shop Online
# tile) with that connection's purchase information and secret. It is idempotent: the next run
# reuses both. In the foreground: Ctrl-C stops both apps; if either one stops, so does the other.
#
# Arguments go to `marketplace serve` (--no-demo also skips the wiring). MARKETPLACE_PORT and
# SANDBOX_PORT move the apps to other ports (the end-to-end tests do).
set -euo pipefail

bin=${VENV_BIN:-.venv/bin}
marketplace_port=${MARKETPLACE_PORT:-8000}
sandbox_port=${SANDBOX_PORT:-8100}
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

"$bin/sandbox" serve --host 127.0.0.1 --port "$sandbox_port" &
pids+=($!)

wire=1
[ "${MARKETPLACE_DEMO:-1}" = 0 ] && wire=0
for argument in "$@"; do
    [ "$argument" = --no-demo ] && wire=0
done
if [ $wire = 1 ]; then
    # Migrates and seeds too; waits for the sandbox to answer. The purchase information must
    # name the address the browser uses, the one `marketplace serve` below derives as well.
    MARKETPLACE_BASE_URL=${MARKETPLACE_BASE_URL:-http://127.0.0.1:$marketplace_port} \
        "$bin/marketplace" demo setup --sandbox-url "http://127.0.0.1:$sandbox_port"
fi

"$bin/marketplace" serve --host 127.0.0.1 --port "$marketplace_port" "$@" &
pids+=($!)

wait -n

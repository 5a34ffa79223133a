#!/usr/bin/env bash
# Start the Portkey gateway (Node/Hono build) in the foreground on $PEER_PORT.
# The upstream is chosen per request by headers (see headers.txt / request.env), so MOCK_PORT is
# only needed by the load generator; it is checked here so misconfiguration fails early.
# Note: the Node entrypoint has no host flag; it listens on all interfaces (:::$PEER_PORT).
# Readiness: GET / returns 200 "AI Gateway says hey!".
set -euo pipefail
: "${PEER_PORT:?PEER_PORT must be set}"
: "${MOCK_PORT:?MOCK_PORT must be set}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENTRY="$HERE/node_modules/@portkey-ai/gateway/build/start-server.js"
[ -f "$ENTRY" ] || { echo "portkey gateway not installed; run $HERE/install.sh" >&2; exit 1; }
export NODE_ENV=production          # production mode: no dev console UI routes
# Custom hosts on localhost/127.0.0.1 are allowed by default; pin the allow-list explicitly.
export TRUSTED_CUSTOM_HOSTS="${TRUSTED_CUSTOM_HOSTS:-127.0.0.1,localhost}"
cd "$HERE"
# mutable-fetch-headers.mjs: workaround for the streaming 500 described in that file / README.
exec node --import "$HERE/mutable-fetch-headers.mjs" "$ENTRY" --port="$PEER_PORT" --headless

#!/usr/bin/env bash
# Start the Bifrost HTTP gateway in the foreground on 127.0.0.1:$PEER_PORT against the mock on $MOCK_PORT.
# Bifrost reads <app-dir>/config.json; we render config.template.json (substituting ${MOCK_PORT})
# into a throwaway app dir so no state (config.db / logs.db) lands in the repo.
# Readiness: GET /health returns 200.
set -euo pipefail
: "${PEER_PORT:?PEER_PORT must be set}"
: "${MOCK_PORT:?MOCK_PORT must be set}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH="$(cd "$HERE/../.." && pwd)"
BIN="$BENCH/.peers-bin/bifrost-http"
[ -x "$BIN" ] || { echo "bifrost-http not built; run $HERE/install.sh" >&2; exit 1; }

APP_DIR="${BIFROST_APP_DIR:-${TMPDIR:-/tmp}/gantry-bench-bifrost-$PEER_PORT}"
rm -rf "$APP_DIR"; mkdir -p "$APP_DIR"
sed "s/\${MOCK_PORT}/$MOCK_PORT/g" "$HERE/config.template.json" > "$APP_DIR/config.json"

# GOMAXPROCS is left to the runtime (automaxprocs); the bench machine has 2 cores.
exec "$BIN" -app-dir "$APP_DIR" -host 127.0.0.1 -port "$PEER_PORT" -log-level "${BIFROST_LOG_LEVEL:-error}"

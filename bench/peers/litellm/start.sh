#!/usr/bin/env bash
# Start the LiteLLM proxy in the foreground on 127.0.0.1:$PEER_PORT against the mock on $MOCK_PORT.
# Readiness: GET /health/readiness (or /health/liveliness) returns 200.
set -euo pipefail
: "${PEER_PORT:?PEER_PORT must be set}"
: "${MOCK_PORT:?MOCK_PORT must be set}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH="$(cd "$HERE/../.." && pwd)"
VENV="$BENCH/.venv-litellm"
[ -x "$VENV/bin/litellm" ] || { echo "litellm not installed; run $HERE/install.sh" >&2; exit 1; }

export MOCK_BASE_URL="http://127.0.0.1:${MOCK_PORT}/v1"
# Production-like, quiet, no outbound traffic:
export LITELLM_LOG="${LITELLM_LOG:-ERROR}"          # no per-request INFO logging
export LITELLM_LOCAL_MODEL_COST_MAP=True            # use bundled cost map; do not fetch it from GitHub at startup
export LITELLM_TELEMETRY=False
export DISABLE_ADMIN_UI="${DISABLE_ADMIN_UI:-True}"
export NO_DOCS="${NO_DOCS:-True}"
unset DATABASE_URL || true                          # never pick up a DB from the environment

# LiteLLM's production guide: one uvicorn worker per CPU core (--num_workers $(nproc)).
WORKERS="${LITELLM_NUM_WORKERS:-$(nproc)}"

exec "$VENV/bin/litellm" --config "$HERE/config.yaml" \
  --host 127.0.0.1 --port "$PEER_PORT" \
  --num_workers "$WORKERS" --telemetry False

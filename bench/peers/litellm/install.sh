#!/usr/bin/env bash
# Idempotent install of the LiteLLM proxy into bench/.venv-litellm (build output, not committed).
set -euo pipefail
LITELLM_VERSION="${LITELLM_VERSION:-1.99.4}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH="$(cd "$HERE/../.." && pwd)"
VENV="$BENCH/.venv-litellm"
PY="${PYTHON:-python3}"

fail() { echo "litellm install FAILED: $*" >&2; exit 1; }

command -v "$PY" >/dev/null || fail "$PY not found"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || fail "need Python >= 3.10"

if [ -x "$VENV/bin/litellm" ] && \
   [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("litellm"))' 2>/dev/null)" = "$LITELLM_VERSION" ]; then
  echo "litellm $LITELLM_VERSION already installed in $VENV"
  exit 0
fi

[ -d "$VENV" ] || "$PY" -m venv "$VENV" || fail "could not create venv $VENV"
"$VENV/bin/pip" install --disable-pip-version-check -q --upgrade pip || fail "pip upgrade failed"
"$VENV/bin/pip" install --disable-pip-version-check -q "litellm[proxy]==$LITELLM_VERSION" \
  || fail "pip install litellm[proxy]==$LITELLM_VERSION failed (see output above)"
"$VENV/bin/litellm" --help >/dev/null 2>&1 || fail "litellm CLI not runnable after install"
echo "litellm $LITELLM_VERSION installed in $VENV"

#!/usr/bin/env bash
# Runs every test: installs the Node client packages the compatibility tests drive, then Maven verify.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/java-home.sh"
cd "$ROOT"
if [ -f clients/node/package-lock.json ]; then
  if [ ! -d clients/node/node_modules ] || [ clients/node/package-lock.json -nt clients/node/node_modules ]; then
    npm ci --prefix clients/node --no-audit --no-fund
  fi
fi
exec ./mvnw -B verify "$@"

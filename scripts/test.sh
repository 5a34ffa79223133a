#!/usr/bin/env bash
# Runs every test: installs the Node client packages the compatibility tests drive, then Maven verify.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/java-home.sh"
cd "$ROOT"

# The tests need Node.js (client SDK checks) and PostgreSQL + Redis binaries (they start their own
# private servers). On a fresh Debian/Ubuntu machine, install what is missing.
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "gantry test: installing ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
  else
    echo "gantry test: please install ${missing[*]} (the tests need them)" >&2
    exit 1
  fi
fi

if [ -f clients/node/package-lock.json ]; then
  if [ ! -d clients/node/node_modules ] || [ clients/node/package-lock.json -nt clients/node/node_modules ]; then
    npm ci --prefix clients/node --no-audit --no-fund
  fi
fi
exec ./mvnw -B verify "$@"

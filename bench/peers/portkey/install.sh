#!/usr/bin/env bash
# Idempotent install of the pinned Portkey AI gateway (@portkey-ai/gateway) into ./node_modules
# from package.json + package-lock.json (node_modules is build output, not committed).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
fail() { echo "portkey install FAILED: $*" >&2; exit 1; }
command -v node >/dev/null || fail "node not found on PATH"
command -v npm >/dev/null || fail "npm not found on PATH"
node -e 'process.exit(parseInt(process.versions.node) >= 18 ? 0 : 1)' || fail "need node >= 18 (have $(node --version))"

want="$(node -p 'require("./package.json").dependencies["@portkey-ai/gateway"]')"
entry="node_modules/@portkey-ai/gateway/build/start-server.js"
have="$(node -p 'try{require("./node_modules/@portkey-ai/gateway/package.json").version}catch(e){""}' 2>/dev/null || true)"
if [ -f "$entry" ] && [ "$have" = "$want" ]; then
  echo "@portkey-ai/gateway $have already installed in $HERE/node_modules"
  exit 0
fi
# npm ci: exact versions from package-lock.json. The package's only install script is
# `patch-package` (a no-op: the published tarball ships no patches/), so scripts are skipped.
npm ci --no-audit --no-fund --ignore-scripts || fail "npm ci failed (see output above)"
[ -f "$entry" ] || fail "$entry missing after npm ci"
echo "@portkey-ai/gateway $want installed in $HERE/node_modules"

#!/usr/bin/env bash
# Self-check of the bench tools: start MockUpstream on an ephemeral port, drive it with LoadGen at
# 500 and 2000 req/s, non-stream and stream (20 chunks), and print one summary line per run.
# Usage: bench/selfcheck.sh [seconds per run, default 5]   (build first: see bench/README.md)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../scripts/java-home.sh
. "$here/../scripts/java-home.sh"
jar="$here/target/gantry-bench.jar"
[ -f "$jar" ] || { echo "missing $jar: build it first (see bench/README.md)" >&2; exit 1; }
secs="${1:-5}"
out="$(mktemp -d)"
java -cp "$jar" dev.gantry.bench.MockUpstream --port 0 --chunks 20 >"$out/mock.out" 2>"$out/mock.err" &
mock=$!
trap 'kill "$mock" 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q LISTENING "$out/mock.out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/LISTENING/{print $2}' "$out/mock.out")
[ -n "$port" ] || { cat "$out/mock.err" >&2; exit 1; }
url="http://127.0.0.1:$port/v1/chat/completions"
plain='{"model":"bench-model","messages":[{"role":"user","content":"hi"}]}'
streamed='{"model":"bench-model","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}'
for rate in 500 2000; do
  echo "== non-stream $rate req/s"
  java -jar "$jar" --url "$url" --body "$plain" --rate "$rate" --duration "$secs" --warmup 5 --json-out "$out/ns-$rate.json"
done
for rate in 500 2000; do
  echo "== stream (20 chunks) $rate req/s"
  java -jar "$jar" --url "$url" --body "$streamed" --stream --rate "$rate" --duration "$secs" --warmup 5 --json-out "$out/s-$rate.json"
done
echo "== ollama /api/chat NDJSON stream 1000 req/s"
java -jar "$jar" --url "http://127.0.0.1:$port/api/chat" --body "$plain" --stream --rate 1000 --duration "$secs" --warmup 3 --json-out "$out/ollama-1000.json"
echo "JSON results in $out"

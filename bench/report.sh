#!/usr/bin/env bash
# report.sh WORKDIR OUT_PREFIX: tables (OUT_PREFIX.md, .json) and the plot (OUT_PREFIX.png).
# matplotlib comes from PyPI into bench/.venv-plot on first use; without it the report has no plot.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$BENCH/../scripts/java-home.sh"   # the report names the JDK the run used
VENV="$BENCH/.venv-plot"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import matplotlib' 2>/dev/null; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q 'matplotlib==3.10.*' >/dev/null 2>&1 \
    || echo "report: matplotlib could not be installed; writing tables only" >&2
fi
PY="$VENV/bin/python"
[ -x "$PY" ] || PY=python3
exec "$PY" "$BENCH/report.py" "$@"

#!/usr/bin/env bash
# Install xlsuite and run the main job on the bundled examples: extract, check, import into workbooks.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
python3 -m venv .venv
# pip's own output goes to a log, shown only when the install fails
if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input -e . >"$log" 2>&1; then
  cat "$log" >&2
  echo "安装失败（见上）" >&2
  exit 1
fi
.venv/bin/python - <<'PY'
from importlib.metadata import distributions, version
print(f"installed xlsuite {version('xlsuite')} in .venv ({sum(1 for _ in distributions())} packages)")
PY
xl=.venv/bin/xlsuite
echo "== xlsuite extract examples/ (summary)"
$xl extract examples/ || true
echo "== xlsuite check examples/"
$xl check examples/ || true
echo "== xlsuite import examples/ -o out/"
$xl import examples/ -o out/ --overwrite || true
ls -1 out/

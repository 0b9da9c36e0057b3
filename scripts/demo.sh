#!/usr/bin/env bash
# Install xlsuite and run the main job on the bundled examples: extract, check, import into workbooks.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
xl=.venv/bin/xlsuite
echo "== xlsuite extract examples/ (summary)"
$xl extract examples/ || true
echo "== xlsuite check examples/"
$xl check examples/ || true
if $xl --help | grep -q "^  import"; then
  echo "== xlsuite import examples/ -o out/"
  $xl import examples/ -o out/ --overwrite || true
  ls -1 out/
fi

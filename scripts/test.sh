#!/usr/bin/env bash
# Install everything the test suite needs (LibreOffice included), type-check the package, then run the tests.
# Usage: ./scripts/test.sh [pytest args]      (works on a fresh Debian/Ubuntu machine)
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=0
for cmd in soffice pdftoppm; do command -v "$cmd" >/dev/null 2>&1 || need_apt=1; done
# The collect tests run a real IMAP server (Dovecot) on loopback.
[ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || need_apt=1
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need_apt=1
# OpenCV (under the OCR engine) needs these system libraries.
ldconfig -p 2>/dev/null | grep "libGL.so.1" >/dev/null || need_apt=1
ldconfig -p 2>/dev/null | grep "libglib-2.0.so.0" >/dev/null || need_apt=1
if [ "$need_apt" = 1 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
    libreoffice-calc-nogui libreoffice-writer-nogui fonts-noto-cjk poppler-utils fontconfig \
    libgl1 libglib2.0-0 dovecot-imapd
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# The type check first: the package must stay clean ([tool.mypy] in pyproject.toml).
.venv/bin/python -m mypy
exec .venv/bin/python -m pytest "$@"

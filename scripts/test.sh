#!/usr/bin/env bash
# The tests: install ngayhoi with its test, CP-SAT and CalDAV extras into .venv, build the shared
# ics_check harness (five real calendar parsers; needs apt and npm), then run
# ruff, mypy --strict, the import-linter layers contract and pytest. Extra pytest arguments pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
SHARED="${NGAYHOI_SHARED:-$(cd .. && pwd)/shared}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,cpsat,caldav,plot,vn-units]'
# Debian packages: Chromium renders the HTML run sheets in a real browser test;
# strace kills an export at a chosen disk call in the fault tests.
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v strace >/dev/null 2>&1 || missing="$missing strace"
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # one word per package
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null \
      || echo "test.sh: could not install$missing; the tests that need them will be skipped" >&2
  fi
fi
if [ -x "$SHARED/ics_check/setup.sh" ]; then
  "$SHARED/ics_check/setup.sh" >/dev/null
else
  echo "test.sh: no $SHARED/ics_check; calendar-parser tests will be skipped" >&2
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache
exec .venv/bin/python -m pytest "$@"

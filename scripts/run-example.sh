#!/usr/bin/env bash
# The main job: install ngayhoi (with the Gantt-chart extra) into .venv and plan
# the 17-commune Cần Đước day, writing its calendars into out/can-duoc-2023/ (or
# the folder given as $1). Afterwards `. .venv/bin/activate` puts `ngayhoi` on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q '.[plot]'
exec .venv/bin/python examples/can_duoc_2023.py --out "${1:-out/can-duoc-2023}"

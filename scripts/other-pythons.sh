#!/usr/bin/env bash
# Test ngayhoi on every other CPython 3.11+ this machine has (python3.N on PATH and pyenv's
# versions; here 3.12 and 3.13 beside .venv's 3.11). Each gets its own venv under
# .venv/pyX.Y with the test and CP-SAT extras, and runs the downstream package
# (tests/downstream), the library conventions, the model, the graph and every doctest of
# src/ngayhoi: the parts a tool builder imports. The full suite runs once, in test.sh.
# A Python whose install fails is reported and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
main="$(version .venv/bin/python)"
seen=" $main "
tested=""
candidates=()
for n in 11 12 13 14 15; do
  found="$(command -v "python3.$n" 2>/dev/null || true)"
  case "$found" in "" | */shims/*) ;; *) candidates+=("$found") ;; esac  # pyenv's shims: below
done
for py in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[1-9]*/bin/python; do
  [ -x "$py" ] && candidates+=("$py")
done
for py in "${candidates[@]}"; do
  v="$(version "$py")" || continue
  case "$v" in 3.1[1-9]) ;; *) continue ;; esac
  case "$seen" in *" $v "*) continue ;; esac
  seen="$seen$v "
  venv=".venv/py$v"
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q -e '.[test,cpsat]'
  "$venv/bin/python" -m pytest -q -n 2 --dist loadfile -p no:cacheprovider tests/downstream \
    tests/test_library_conventions.py tests/test_model.py tests/test_graph.py src/ngayhoi
  tested="$tested $v"
done
echo "other-pythons: tested${tested:- no other version} beside $main"

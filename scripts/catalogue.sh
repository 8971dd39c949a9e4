#!/usr/bin/env bash
# The command line's message catalogue (gettext, with Babel's pybabel; pip install babel):
# extract every _("...") and N_("...") text of src/ngayhoi into locale/ngayhoi.pot, merge it
# into the Vietnamese catalogue locale/vi/LC_MESSAGES/ngayhoi.po (translate the new entries
# there, then run this again), and compile ngayhoi.mo beside it (committed: the package
# ships it). tests/test_i18n.py fails when the catalogue is not complete and current.
set -euo pipefail
cd "$(dirname "$0")/.."
BABEL="${PYBABEL:-.venv/bin/pybabel}"
LOCALE=src/ngayhoi/locale
"$BABEL" extract --no-location --sort-output --no-wrap -k N_ -k _ \
  --project ngayhoi --copyright-holder "ngayhoi developers" \
  -o "$LOCALE/ngayhoi.pot" src/ngayhoi
if [ -f "$LOCALE/vi/LC_MESSAGES/ngayhoi.po" ]; then
  "$BABEL" update --no-fuzzy-matching --ignore-obsolete --no-wrap -D ngayhoi \
    -i "$LOCALE/ngayhoi.pot" -d "$LOCALE" -l vi
else
  "$BABEL" init -D ngayhoi -i "$LOCALE/ngayhoi.pot" -d "$LOCALE" -l vi --no-wrap
fi
"$BABEL" compile --statistics -D ngayhoi -d "$LOCALE" -l vi

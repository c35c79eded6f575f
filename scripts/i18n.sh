#!/usr/bin/env bash
# Refresh the translation catalogs: extract every msgid from meeting/**.py and
# templates/**.html, update the zh and en catalogs (new msgids arrive untranslated, never
# fuzzy-guessed), optionally merge translations handed over as a list, then compile the .mo files.
#
#   scripts/i18n.sh                      # extract + update + compile
#   scripts/i18n.sh zh_list.txt ...      # ... and merge "msgid<TAB>中文" / "msgid → 中文" / JSON files
#
# tests/test_i18n.py fails while any zh_CN msgid is untranslated or a .mo is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=.venv/bin/pybabel
POT="$(mktemp -t minkao-messages-XXXXXX.pot)"
trap 'rm -f "$POT"' EXIT

"$PYBABEL" -q extract -F babel.cfg -k _l -k lazy_gettext -k N_ --add-location=file --sort-output \
  --project=Minkao --copyright-holder="Minkao contributors" -o "$POT" .
for locale in zh en; do
  if [ -f "meeting/translations/$locale/LC_MESSAGES/messages.po" ]; then
    "$PYBABEL" -q update --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date \
      -i "$POT" -d meeting/translations -l "$locale"
  else
    "$PYBABEL" -q init -i "$POT" -d meeting/translations -l "$locale"
    .venv/bin/python scripts/i18n_merge.py "meeting/translations/$locale/LC_MESSAGES/messages.po"
  fi
done
if [ $# -gt 0 ]; then
  .venv/bin/python scripts/i18n_merge.py meeting/translations/zh/LC_MESSAGES/messages.po "$@"
fi
"$PYBABEL" -q compile -d meeting/translations
.venv/bin/python scripts/i18n_merge.py --report meeting/translations/zh/LC_MESSAGES/messages.po

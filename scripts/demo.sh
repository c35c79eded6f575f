#!/usr/bin/env bash
# Install the app and start it with a ready demo: a SQLite file (./minkao.db), the generated
# Yishui-scale roster, demo accounts (printed), simulated telephony. Extra arguments go to
# `python -m meeting demo` (e.g. --port 8000, --scale 0.05).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
export DATABASE_URL="${DATABASE_URL:-sqlite:///$PWD/minkao.db}"
exec .venv/bin/python -m meeting demo "$@"

#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, then run the whole suite twice:
# on SQLite (embedded default) and on PostgreSQL (production). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

# System packages: Chromium for the browser tests (no browser downloads: Debian's package),
# CJK fonts so screenshots show Chinese, PostgreSQL and Redis if the machine lacks them.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q "${need[@]}"
fi

# Services: start them if they are down.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# Python packages, in a project-local virtual environment.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-test.txt

PG_URL="${MINKAO_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}"
status=0
echo "=== test suite on SQLite ==="
env -u DATABASE_URL .venv/bin/python -m pytest "$@" || status=$?
echo "=== test suite on PostgreSQL ($PG_URL) ==="
DATABASE_URL="$PG_URL" .venv/bin/python -m pytest "$@" || status=$?
exit "$status"

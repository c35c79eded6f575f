#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, then run the whole suite twice:
# on SQLite (embedded default) and on PostgreSQL (production). One line per step.
#
# Installs with apt (as root, or through sudo), without recommended packages, only what is
# missing: python3/python3-venv, ca-certificates, chromium + fonts-noto-cjk (browser tests, Debian's browser:
# nothing is downloaded by Playwright), postgresql, redis-server, and nginx + libnginx-mod-nchan
# (the public tier's tests; nginx is started by the tests on free ports, never as a service). Starts PostgreSQL and
# Redis if they are down. PostgreSQL: postgresql://postgres@127.0.0.1:5432/test when that
# connects (trust auth and a `test` database, as on CI); otherwise, on a local Debian cluster
# (password auth on 127.0.0.1, no `test` database) it creates its own role and database
# `minkao_test` with a password it sets, kept in instance/test-pg-url; the server's own
# configuration (pg_hba.conf, other roles and databases) is left alone. MINKAO_TEST_PG_URL
# overrides all of that.
#
#   --install-only   install, then exit (no services, no tests)
# Every other argument goes to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

install_only=""
args=()
for a in "$@"; do
  if [ "$a" = --install-only ]; then install_only=1; else args+=("$a"); fi
done

ROOT=()
if [ "$(id -u)" != 0 ]; then
  ROOT=(sudo)
fi
need_root() {
  if [ ${#ROOT[@]} -gt 0 ] && ! command -v sudo >/dev/null 2>&1; then
    die "needs root for: $*; run as root (or install sudo)"
  fi
}

# Quiet, one line: the log is shown only if something fails.
quietly() {
  local what="$1" log; shift
  log="$(mktemp)"
  step "$what"
  if ! "$@" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "failed: $what (full log: $log)"
  fi
  rm -f "$log"
}

# 1. System packages, only those missing.
PG_URL="${MINKAO_TEST_PG_URL:-}"
py_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
need=()
py="${PYTHON:-python3}"
if ! { [ -x .venv/bin/python ] && py_ok .venv/bin/python; }; then
  if [ -z "${PYTHON:-}" ] && command -v python3 >/dev/null 2>&1 && ! py_ok python3; then
    for c in python3.13 python3.12 python3.11; do
      if command -v "$c" >/dev/null 2>&1 && py_ok "$c"; then py="$c"; break; fi
    done
  fi
  if ! command -v "$py" >/dev/null 2>&1; then need+=(python3 python3-venv)
  elif ! py_ok "$py"; then die "needs Python 3.11 or newer; $py here is $("$py" -V 2>&1) (install python3.11 python3.11-venv)"
  elif ! "$py" -c 'import ensurepip' 2>/dev/null; then
    if [ "$py" = python3 ]; then need+=(python3-venv)
    else need+=("$("$py" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')")
    fi
  fi
fi
# Debian's pip checks PyPI's certificate against the system's CA bundle (absent on minimal systems).
[ -s /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
if [ -z "$PG_URL" ]; then
  command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
fi
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# The public tier's tests (docs/DEPLOY.md): nginx with the Nchan module, Debian's packages.
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -e /usr/lib/nginx/modules/ngx_nchan_module.so ] || need+=(libnginx-mod-nchan)
if [ ${#need[@]} -gt 0 ]; then
  need_root "apt-get install ${need[*]}"
  command -v apt-get >/dev/null 2>&1 || die "no apt-get here: install ${need[*]} yourself"
  quietly "Updating the package lists (apt-get update)" \
    "${ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq update
  quietly "Installing system packages (no recommends): ${need[*]}" \
    "${ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq install --no-install-recommends "${need[@]}"
else
  step "System packages: all present"
fi

# 2. Python packages, in a project-local virtual environment.
if ! { py_ok .venv/bin/python && .venv/bin/python -m pip --version >/dev/null 2>&1; }; then
  quietly "Creating the Python environment .venv ($("$py" -V 2>&1))" "$py" -m venv --clear .venv
fi
quietly "Installing Python packages (requirements-test.txt) into .venv" \
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-test.txt

if [ -n "$install_only" ]; then
  step "Installed. Run the suite with: bash scripts/test.sh"
  exit 0
fi

# 3. Services: start them if they are down. PostgreSQL: 127.0.0.1:5432, or else the machine's
# first cluster on its own port (pg_createcluster picks 5433 when 5432 was taken at install).
pg_port=5432
if [ -z "$PG_URL" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  read -r pg_version pg_cluster pg_port _ < <(pg_lsclusters -h | head -n 1) || die "PostgreSQL has no cluster (pg_createcluster 15 main)"
  if ! pg_isready -q -h 127.0.0.1 -p "$pg_port"; then
    need_root "starting PostgreSQL"
    quietly "Starting PostgreSQL $pg_version/$pg_cluster (port $pg_port)" \
      "${ROOT[@]}" pg_ctlcluster --skip-systemctl-redirect "$pg_version" "$pg_cluster" start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 1; done
  fi
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  need_root "starting Redis"
  step "Starting Redis on 127.0.0.1:6379"
  "${ROOT[@]}" mkdir -p /var/lib/redis /var/log/redis
  "${ROOT[@]}" redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# 4. The PostgreSQL test database.
pg_connects() {
  .venv/bin/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1].replace("+psycopg", ""), connect_timeout=5).close()' \
    "$1" >/dev/null 2>&1
}
shown() { printf '%s' "$1" | sed -E 's#(://[^:@/]*):[^@]*@#\1:***@#'; }
SAVED=instance/test-pg-url
if [ -n "$PG_URL" ]; then
  pg_connects "$PG_URL" || die "cannot connect to MINKAO_TEST_PG_URL=$(shown "$PG_URL")"
elif pg_connects postgresql://postgres@127.0.0.1:5432/test; then
  PG_URL=postgresql://postgres@127.0.0.1:5432/test
elif [ -s "$SAVED" ] && pg_connects "$(cat "$SAVED")"; then
  PG_URL="$(cat "$SAVED")"
else
  # A stock Debian server: peer auth on the socket, scram-sha-256 on 127.0.0.1, no `test`.
  need_root "creating the PostgreSQL role minkao_test (or set MINKAO_TEST_PG_URL)"
  id postgres >/dev/null 2>&1 || die "PostgreSQL on 127.0.0.1:5432 refuses postgres@/test and this is not a local Debian server; set MINKAO_TEST_PG_URL"
  as_postgres=(runuser -u postgres --)
  [ ${#ROOT[@]} -eq 0 ] || as_postgres=(sudo -u postgres)
  password="$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(16))')"
  quietly "Creating PostgreSQL role and database minkao_test (password login on 127.0.0.1)" \
    bash -c 'cd / && "$@"' _ "${as_postgres[@]}" psql -X -q -p "$pg_port" -v ON_ERROR_STOP=1 -v pass="$password" <<'SQL'
SELECT 'CREATE ROLE minkao_test LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'minkao_test') \gexec
ALTER ROLE minkao_test PASSWORD :'pass';
SELECT 'CREATE DATABASE minkao_test OWNER minkao_test' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'minkao_test') \gexec
SQL
  PG_URL="postgresql://minkao_test:$password@127.0.0.1:$pg_port/minkao_test"
  mkdir -p instance
  (umask 077 && printf '%s\n' "$PG_URL" > "$SAVED")
  pg_connects "$PG_URL" || die "created minkao_test, but password login on 127.0.0.1 is refused (see pg_hba.conf); set MINKAO_TEST_PG_URL"
fi

# 5. The suite, twice; -rfEs lists what failed and why any test was skipped (e.g. no Chromium).
status=0
echo "=== test suite on SQLite ==="
env -u DATABASE_URL .venv/bin/python -m pytest -rfEs ${args[@]+"${args[@]}"} || status=$?
echo "=== test suite on PostgreSQL ($(shown "$PG_URL")) ==="
DATABASE_URL="$PG_URL" .venv/bin/python -m pytest -rfEs ${args[@]+"${args[@]}"} || status=$?
exit "$status"

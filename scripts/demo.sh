#!/usr/bin/env bash
# Install the app and start it with a ready demo: a SQLite file (./minkao.db), the generated
# Yishui-scale roster, demo accounts (printed), simulated telephony.
#
# On a stock Debian/Ubuntu it first installs python3 and python3-venv with apt (as root, or
# through sudo; without either it says what to install). Then a project-local .venv with
# requirements.txt. Once installed, it needs no network.
#
#   --install-only   install, then exit (prepare the laptop while online)
# Every other argument goes to `python -m meeting demo` (--port 8000, --host 0.0.0.0,
# --scale 0.05 for a new database, --no-serve).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*"; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

install_only=""
args=()
for a in "$@"; do
  if [ "$a" = --install-only ]; then install_only=1; else args+=("$a"); fi
done

# Run apt-get as root (directly, or through sudo), quietly; on failure show the log's tail.
apt_install() {
  local root=() log
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "needs root to install $*; run as root, or first: apt-get install --no-install-recommends $*"
    root=(sudo)
    step "Installing $* needs root: asking sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || die "no apt-get here: install $* (Python 3.11 or newer with venv) yourself"
  log="$(mktemp)"
  step "Installing system packages: $*"
  if ! { "${root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq update &&
         "${root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq install --no-install-recommends "$@"; } \
       >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "apt-get failed (full log: $log)"
  fi
  rm -f "$log"
}

py_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

venv_ok() { py_ok .venv/bin/python && .venv/bin/python -m pip --version >/dev/null 2>&1; }

need=()
py=""
if ! venv_ok; then
  py="${PYTHON:-}"
  if [ -z "$py" ]; then
    for c in python3 python3.13 python3.12 python3.11; do
      if command -v "$c" >/dev/null 2>&1 && py_ok "$c"; then py="$c"; break; fi
    done
  fi
  if [ -z "$py" ]; then
    if command -v python3 >/dev/null 2>&1; then
      die "needs Python 3.11 or newer; python3 here is $(python3 -V 2>&1). Install one (e.g. apt-get install python3.11 python3.11-venv) and run again, or set PYTHON=/path/to/python3.11"
    fi
    need+=(python3 python3-venv)
    py=python3
  elif ! "$py" -c 'import ensurepip' 2>/dev/null; then
    # Debian/Ubuntu ship venv's pip bootstrap (ensurepip) separately: python3-venv.
    if [ "$py" = python3 ]; then need+=(python3-venv)
    else need+=("$("$py" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')")
    fi
  fi
fi
# Debian's pip checks PyPI's certificate against the system's CA bundle (absent on minimal systems).
if [ ! -s /etc/ssl/certs/ca-certificates.crt ] && command -v apt-get >/dev/null 2>&1; then
  need+=(ca-certificates)
fi
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
if [ -n "$py" ]; then
  step "Creating the Python environment .venv ($("$py" -V 2>&1))"
  "$py" -m venv --clear .venv || die "could not create .venv with $py"
fi

step "Installing Python packages (requirements.txt) into .venv"
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt

if [ -n "$install_only" ]; then
  step "Installed. Start the demo with: bash scripts/demo.sh"
  exit 0
fi

export DATABASE_URL="${DATABASE_URL:-sqlite:///$PWD/minkao.db}"
export MINKAO_DEMO_COMMAND="bash scripts/demo.sh"
step "Demo database: ${DATABASE_URL}"
exec .venv/bin/python -m meeting demo ${args[@]+"${args[@]}"}

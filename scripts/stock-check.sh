#!/usr/bin/env bash
# Check the README's two commands on a stock Debian 12: a fresh `debootstrap --variant=minbase
# bookworm` root (no Python, PostgreSQL, Redis or Chromium), entered with chroot, on a clean
# clone of this repository's HEAD (commit first: uncommitted changes are not checked).
#
#   Phase 1, with the network: inside the root, `bash scripts/demo.sh --install-only` and
#     `bash scripts/test.sh --install-only` (the apt and pip steps of the two commands).
#   Phase 2, without it (`unshare --net --pid --mount`: only a loopback of its own, so the
#     host's PostgreSQL and Redis are out of reach): `bash scripts/demo.sh` (waits until the
#     login page answers, then SIGTERM), `bash scripts/demo.sh --scale 0.05` against that
#     database (must refuse, exit 2), and `bash scripts/test.sh`, which has to start and
#     configure the root's own PostgreSQL and Redis.
#
# What differs from a booted stock machine: the host's extra CAs (a TLS-inspecting network's),
# if any, are trusted in the root; no systemd, so package installation starts no
# daemons (a policy-rc.d says so, as in a container image; on a booted machine apt starts
# PostgreSQL and Redis and test.sh finds them running). Debian's apt sources are those of a
# default install (bookworm, bookworm-updates, bookworm-security).
#
# Usage, as root on a Debian/Ubuntu host: bash scripts/stock-check.sh [WORKDIR]
# WORKDIR (default /var/tmp/minkao-stock) keeps the pristine debootstrap in base/ between runs;
# every run starts from a fresh copy of it in root/. Ends with a summary (demo answered? the
# refusal's exit status, each pass's pytest line); exit status 0 when everything passed.
# For quick tries: MINKAO_STOCK_PYTEST_ARGS (e.g. a few test files) goes to test.sh instead of
# the whole suite; MINKAO_STOCK_PHASE2_ONLY=1 reuses the last root and skips to phase 2 (then
# it is no stock check).
set -euo pipefail
{ # the whole script is one block, parsed before it runs: editing the file meanwhile is harmless
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mkdir -p "${1:-/var/tmp/minkao-stock}" && cd "${1:-/var/tmp/minkao-stock}" && pwd)"
BASE="$WORK/base" ROOTFS="$WORK/root"
MIRROR="${MINKAO_STOCK_MIRROR:-http://deb.debian.org/debian}"
SECURITY="${MINKAO_STOCK_SECURITY:-http://deb.debian.org/debian-security}"
step() { printf '\n##### %s  (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
[ "$(id -u)" = 0 ] || { echo "stock-check.sh: run as root (debootstrap, chroot, unshare)" >&2; exit 1; }
case "$WORK/" in "$REPO"/*) echo "stock-check.sh: WORKDIR must be outside the repository" >&2; exit 1;; esac

if [ ! -f "$BASE/etc/debian_version" ]; then
  command -v debootstrap >/dev/null 2>&1 || apt-get -qq install -y --no-install-recommends debootstrap >/dev/null
  step "debootstrap --variant=minbase bookworm $BASE $MIRROR"
  rm -rf "$BASE.tmp"
  debootstrap --variant=minbase bookworm "$BASE.tmp" "$MIRROR" > "$WORK/debootstrap.log" 2>&1
  mv "$BASE.tmp" "$BASE"
fi

cleanup() {
  for m in dev/pts dev/shm proc sys; do
    mountpoint -q "$ROOTFS/$m" 2>/dev/null && umount -l "$ROOTFS/$m"
  done
  return 0
}
trap cleanup EXIT
cleanup
if [ -z "${MINKAO_STOCK_PHASE2_ONLY:-}" ]; then
step "fresh root from $BASE"
if grep -q " $ROOTFS/" /proc/mounts; then echo "stock-check.sh: still mounted under $ROOTFS" >&2; exit 1; fi
rm -rf "$ROOTFS"
cp -a "$BASE" "$ROOTFS"
cat > "$ROOTFS/etc/apt/sources.list" <<SRC
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY bookworm-security main
SRC
printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d"
chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
# A network that inspects TLS has its own CA, which the host trusts and any machine on that
# network must trust too: the host's CAs that are not Mozilla's go to the root's local CAs
# (installed into the bundle when test.sh/demo.sh install ca-certificates). None on most hosts.
python3 - "$ROOTFS/usr/local/share/ca-certificates" <<'PY'
import glob, pathlib, re, sys
pem = lambda text: re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", text, re.S)
mozilla = {c for f in glob.glob("/usr/share/ca-certificates/mozilla/*.crt") for c in pem(open(f).read())}
try:
    host = pem(open("/etc/ssl/certs/ca-certificates.crt").read())
except OSError:
    host = []
extra = [c for c in host if c not in mozilla]
pathlib.Path(sys.argv[1]).mkdir(parents=True, exist_ok=True)
for i, cert in enumerate(extra, 1):
    pathlib.Path(sys.argv[1], f"host-network-{i}.crt").write_text(cert + "\n")
print(f"host CAs that are not Mozilla's, given to the root: {len(extra)}")
PY
echo "in the root: $(chroot "$ROOTFS" sh -c 'command -v python3 psql pg_ctlcluster redis-server chromium || true' | wc -l) of python3, psql, pg_ctlcluster, redis-server, chromium"

step "clean clone of $(git -C "$REPO" rev-parse --short HEAD) into the root's /root/minkao"
git clone -q --no-local "$REPO" "$ROOTFS/root/minkao"
git -C "$ROOTFS/root/minkao" checkout -q --detach "$(git -C "$REPO" rev-parse HEAD)"

else
  step "reusing $ROOTFS, its clone moved to $(git -C "$REPO" rev-parse --short HEAD) (not a stock check)"
  git -C "$ROOTFS/root/minkao" fetch -q "$REPO" HEAD
  git -C "$ROOTFS/root/minkao" checkout -q --detach FETCH_HEAD
fi

mount -t proc proc "$ROOTFS/proc"
mount -t sysfs sys "$ROOTFS/sys"
# /dev: debootstrap's device nodes, plus a private pts and shm (Chromium needs /dev/shm).
ln -sf pts/ptmx "$ROOTFS/dev/ptmx"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$ROOTFS/dev/pts"
mount -t tmpfs -o mode=1777 shm "$ROOTFS/dev/shm"

# A stock shell's environment, nothing of the host's (no PIP_* settings, no host PATH).
inroot() {
  chroot "$ROOTFS" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    bash -c "cd /root/minkao && $1"
}

if [ -z "${MINKAO_STOCK_PHASE2_ONLY:-}" ]; then
pkgs() { chroot "$ROOTFS" dpkg-query -W -f='${Installed-Size}\n' | awk '{n++; kb+=$1} END {printf "%d %d\n", n, kb/1024}'; }
read -r pkgs0 mb0 < <(pkgs)

step "phase 1 (network): bash scripts/demo.sh --install-only"
t0=$SECONDS
inroot 'bash scripts/demo.sh --install-only'
echo "demo install: $((SECONDS - t0)) s"
step "phase 1 (network): bash scripts/test.sh --install-only"
t0=$SECONDS
inroot 'bash scripts/test.sh --install-only'
echo "test install: $((SECONDS - t0)) s"
read -r pkgs1 mb1 < <(pkgs)
echo "apt installed $((pkgs1 - pkgs0)) packages, $((mb1 - mb0)) MB (the debootstrap root had $pkgs0)"
fi
umount -l "$ROOTFS/proc"

step "phase 2 (no network): the two README commands"
export ROOTFS PYTEST_ARGS="${MINKAO_STOCK_PYTEST_ARGS:-}"
export -f inroot
set +e
unshare --net --pid --mount --fork bash -s <<'PHASE2'
set -uo pipefail
mount -t proc proc "$ROOTFS/proc"
ip link set lo up
echo "network interfaces: $(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
result=0
: > "$ROOTFS/root/summary.txt"
note() { echo "$*"; echo "$*" >> "$ROOTFS/root/summary.txt"; }

echo "--- bash scripts/demo.sh (in the background; waiting for http://127.0.0.1:5000/login)"
t0=$SECONDS
# Not through inroot (a function runs in a subshell): $! must be the server's PID. chroot, env,
# bash and demo.sh all exec, so it is.
chroot "$ROOTFS" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  bash -c 'cd /root/minkao && exec bash scripts/demo.sh' > "$ROOTFS/root/demo.log" 2>&1 &
demo=$!
answered=""
for _ in $(seq 1 240); do
  if code=$(inroot '.venv/bin/python -c "import urllib.request as u; print(u.urlopen(\"http://127.0.0.1:5000/login\", timeout=5).status)"' 2>/dev/null); then
    answered="$code"; break
  fi
  kill -0 "$demo" 2>/dev/null || break
  sleep 1
done
cat "$ROOTFS/root/demo.log"
if [ -n "$answered" ]; then
  note "DEMO ANSWERED: GET /login -> $answered after $((SECONDS - t0)) s"
  kill -TERM "$demo"; wait "$demo"; note "demo after SIGTERM: exit status $? (143 = ended by SIGTERM)"
  sleep 1
  if inroot '.venv/bin/python -c "import urllib.request as u; u.urlopen(\"http://127.0.0.1:5000/login\", timeout=3)"' 2>/dev/null; then
    note "DEMO STILL ANSWERS AFTER SIGTERM"; result=1
  else
    note "demo stopped: port 5000 no longer answers"
  fi
else
  note "DEMO DID NOT ANSWER"; result=1; kill -TERM "$demo" 2>/dev/null
fi

echo "--- bash scripts/demo.sh --scale 0.05 --no-serve (existing full demo database: must refuse)"
inroot 'bash scripts/demo.sh --scale 0.05 --no-serve'
rc=$?
note "SCALE REFUSAL: exit status $rc (expected 2)"
[ "$rc" = 2 ] || result=1

echo "--- bash scripts/test.sh $PYTEST_ARGS"
t0=$SECONDS
inroot "bash scripts/test.sh $PYTEST_ARGS" 2>&1 | tee "$ROOTFS/root/test.log"
rc=${PIPESTATUS[0]}
note "TEST SUITE: exit status $rc after $((SECONDS - t0)) s"
[ "$rc" = 0 ] || result=1
echo
echo "===== SUMMARY"
cat "$ROOTFS/root/summary.txt"
grep -E "^=== test suite|^[0-9]+ (passed|failed)|^FAILED|^ERROR" "$ROOTFS/root/test.log"
exit "$result"
PHASE2
status=$?
set -e
step "done: exit status $status"
exit "$status"
}

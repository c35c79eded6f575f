#!/usr/bin/env bash
# The Nchan public tier on one node (docs/DEPLOY.md): render deploy/nginx's template into DIR and
# run nginx with -p DIR, or stop it.
#
#   scripts/nchan.sh start --dir DIR --port P --publish-port Q --app http://127.0.0.1:A
#                          [--redis redis://127.0.0.1:6379/0] [--redis-namespace NS]
#                          [--host 127.0.0.1] [--workers auto] [--static DIR] [--user NAME]
#                          [--publish-host 127.0.0.1] [--publish-allow CIDR]... [--access-log]
#   scripts/nchan.sh stop --dir DIR
#
# start prints two lines: the public URL (pages, /live/m<id>, /static) and the publisher URL
# (the app's NCHAN_PUBLISH_URL). Everything nginx writes (pid, logs, temp files) stays in DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMPLATE="$ROOT/deploy/nginx/minkao-nchan.conf.template"
NGINX="${NGINX:-/usr/sbin/nginx}"
MODULE=/usr/lib/nginx/modules/ngx_nchan_module.so

die() { echo "nchan.sh: $*" >&2; exit 2; }

cmd="${1:-}"; [[ -n "$cmd" ]] || die "usage: nchan.sh start|stop --dir DIR …"; shift
dir="" port="" publish_port="" app="" redis="" namespace="minkao" host="127.0.0.1"
workers="auto" static="$ROOT/static" user="" access_log="off" publish_allow="" publish_host="127.0.0.1"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --publish-port) publish_port="$2"; shift 2 ;;
    --app) app="$2"; shift 2 ;;
    --redis) redis="$2"; shift 2 ;;
    --redis-namespace) namespace="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --static) static="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    # A private address for app hosts on other machines: --publish-allow must then name them.
    --publish-host) publish_host="$2"; shift 2 ;;
    --publish-allow) publish_allow+="        allow $2;"$'\n'; shift 2 ;;
    --access-log) access_log="ACCESS"; shift ;;
    *) die "unknown option $1" ;;
  esac
done
[[ -n "$dir" ]] || die "--dir is required"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

stop() {
  local pidfile="$dir/nginx.pid" pid
  [[ -f "$pidfile" ]] || { echo "nchan.sh: not running in $dir"; return 0; }
  pid="$(cat "$pidfile")"
  # TERM is nginx's fast shutdown: a graceful quit would wait for every open subscriber.
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "nchan.sh: stopped"; return 0; }
    sleep 0.1
  done
  die "nginx (pid $pid) did not stop within 10 s"
}

start() {
  [[ -n "$port" && -n "$publish_port" && -n "$app" ]] || die "start needs --port, --publish-port and --app"
  [[ -x "$NGINX" ]] || die "$NGINX not found (apt-get install nginx libnginx-mod-nchan)"
  [[ -f "$MODULE" ]] || die "$MODULE not found (apt-get install libnginx-mod-nchan)"
  [[ -d "$static" ]] || die "static directory $static not found"
  if [[ -f "$dir/nginx.pid" ]] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null; then
    die "already running in $dir (pid $(cat "$dir/nginx.pid"))"
  fi
  local upstream="${app#http://}"; upstream="${upstream%/}"
  [[ "$upstream" != *"/"* ]] || die "--app must be http://host:port, not $app"

  local user_line="" redis_upstream="" redis_pass=""
  # As root the workers would become `nobody`, who may not read the static folder or write DIR.
  if [[ "$(id -u)" == 0 ]]; then user_line="user ${user:-root};"; fi
  if [[ -n "$redis" ]]; then
    redis_upstream=$'    upstream minkao_redis {\n'"        nchan_redis_server $redis;"$'\n    }\n'
    redis_upstream+="    nchan_redis_namespace $namespace;"$'\n'
    redis_pass="            nchan_redis_pass minkao_redis;  # in each location: server level is not enough"
  fi
  local log="off"; [[ "$access_log" == off ]] || log="$dir/access.log"
  local conf; conf="$(<"$TEMPLATE")"
  conf="${conf//@DIR@/$dir}"
  conf="${conf//@USER@/$user_line}"
  conf="${conf//@WORKERS@/$workers}"
  # Never ask for more descriptors than this shell may have (a container's hard limit).
  local nofile="${NCHAN_NOFILE:-$(ulimit -Hn)}"
  [[ "$nofile" =~ ^[0-9]+$ ]] || nofile=65536
  # Each worker may hold this many (a screen is one descriptor; `reuseport` in the template
  # spreads new connections evenly over the workers, so the node holds workers × this).
  local connections="${NCHAN_CONNECTIONS:-$nofile}"
  conf="${conf//@NOFILE@/$nofile}"
  conf="${conf//@CONNECTIONS@/$connections}"
  conf="${conf//@SHM@/${NCHAN_SHM:-128M}}"
  conf="${conf//@ACCESS_LOG@/$log}"
  conf="${conf//@REDIS_UPSTREAM@/$redis_upstream}"
  conf="${conf//@REDIS_PASS@/$redis_pass}"
  conf="${conf//@APP@/$upstream}"
  conf="${conf//@LISTEN@/$host:$port}"
  conf="${conf//@PUBLISH_LISTEN@/$publish_host:$publish_port}"
  conf="${conf//@PUBLISH_ALLOW@/$publish_allow}"
  conf="${conf//@STATIC@/$static}"
  mkdir -p "$dir/tmp"
  printf '%s\n' "$conf" > "$dir/nginx.conf"
  # -e: the error log before the configuration is read, else nginx tries /var/log/nginx.
  "$NGINX" -q -t -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
  "$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
  echo "public:  http://$host:$port"
  echo "publish: http://$publish_host:$publish_port/pub"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) die "unknown command $cmd (start|stop)" ;;
esac

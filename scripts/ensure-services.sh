#!/usr/bin/env bash
# PostgreSQL and Redis for the queue-mode suite (npm run test:queue): Debian's `postgresql` and
# `redis-server` packages, installed with apt-get only when their binaries are missing (root or sudo).
# Nothing is started here and no system service is used: the suite runs its own throw-away cluster and
# redis-server on loopback ports. Prints `PG_BIN=<dir with initdb/pg_ctl>` and `REDIS_SERVER=<path>`.
set -euo pipefail
source "$(dirname "$0")/lib/apt-install.sh"
log() { echo "[ensure-services] $*" >&2; }

pg_bin() {
  # Debian puts the server binaries under /usr/lib/postgresql/<major>/bin (not on PATH); the newest wins.
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then echo "$dir"; fi
}
redis_bin() { command -v redis-server || true; }

missing=()
[ -n "$(pg_bin)" ] || missing+=(postgresql)
[ -n "$(redis_bin)" ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  # The packages' own services are not used (the suite starts its own processes); where a service
  # cannot start (a container), apt-get may report it, which must not stop the suite.
  apt_install ensure-services --no-install-recommends "${missing[@]}" || {
    log "apt-get reported an error; checking whether the binaries are there anyway"
  }
fi

PG_BIN="$(pg_bin)"
REDIS_SERVER="$(redis_bin)"
[ -n "$PG_BIN" ] || { log "ERROR: PostgreSQL's initdb/pg_ctl not found under /usr/lib/postgresql/*/bin"; exit 1; }
[ -n "$REDIS_SERVER" ] || { log "ERROR: redis-server not found"; exit 1; }
# initdb refuses to run as root: the suite runs the cluster as this user (the package creates it).
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  log "ERROR: running as root and there is no 'postgres' user to run the cluster as"
  exit 1
fi
echo "PG_BIN=$PG_BIN"
echo "REDIS_SERVER=$REDIS_SERVER"

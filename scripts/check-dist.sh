#!/usr/bin/env bash
# Fails when dist/ or schema/ differ from a fresh build: the committed bundles are what GitHub Actions run.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
if [ -n "$(git status --porcelain -- dist schema)" ]; then
  echo "dist/ or schema/ is stale: run 'npm run build' and commit the result." >&2
  git status --short -- dist schema >&2
  git --no-pager diff --stat -- dist schema >&2
  exit 1
fi
echo "dist/ and schema/ are up to date."

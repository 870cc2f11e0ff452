#!/usr/bin/env bash
# Installs axe-core (Deque's accessibility engine) into .ci/tools/axe-core (git-ignored), once. The portal's browser
# tests call this when the folder is missing and inject axe.min.js into every page they check.
set -euo pipefail
cd "$(dirname "$0")"
target=tools/axe-core
if [[ ! -f "$target/node_modules/axe-core/axe.min.js" ]]; then
  command -v npm >/dev/null || { echo "npm is required to install axe-core (Debian package: npm)" >&2; exit 1; }
  mkdir -p "$target"
  (cd "$target" && npm install --no-audit --no-fund --loglevel=error --no-save axe-core@4.14.1 >&2)
fi
echo "$(pwd)/$target/node_modules/axe-core/axe.min.js"

#!/usr/bin/env bash
# Installs the npm dicomweb-client (a DICOMweb client we did not write, used by OHIF) and an XMLHttpRequest for
# node into .ci/tools/dicomweb-client (git-ignored), once. The DICOMweb end-to-end test calls this when the folder
# is missing, so a fresh CI machine needs only npm.
set -euo pipefail
cd "$(dirname "$0")"
target=tools/dicomweb-client
if [[ ! -f "$target/node_modules/dicomweb-client/package.json" || ! -f "$target/node_modules/xhr2/package.json" ]]; then
  command -v npm >/dev/null || { echo "npm is required to install dicomweb-client (Debian package: npm)" >&2; exit 1; }
  mkdir -p "$target"
  (cd "$target" && npm install --no-audit --no-fund --loglevel=error --no-save dicomweb-client@0.11.3 xhr2@0.2.1 >&2)
fi
echo "$(pwd)/$target/node_modules"

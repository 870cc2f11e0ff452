#!/usr/bin/env bash
# Stops the emulators that start-emulators.sh started (by their recorded process ids only).
set -euo pipefail
run="$(cd "$(dirname "$0")" && pwd)/tools/run"
for name in azurite cosmosdb-server; do
  pidfile="$run/$name.pid"
  [[ -f "$pidfile" ]] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
done
rm -f "$run/../emulators.env"

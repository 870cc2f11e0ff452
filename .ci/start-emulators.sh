#!/usr/bin/env bash
# Installs (into the git-ignored .ci/tools/emulators) and starts the storage and Cosmos DB emulators on loopback for the
# Azure adapter contract tests: Azurite (Blob + Queue) and @vercel/cosmosdb-server (Cosmos DB SQL API, HTTPS with its
# self-signed certificate). Writes .ci/tools/emulators.env with the endpoints the tests read. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
tools="$PWD/tools/emulators"
run="$PWD/tools/run"
mkdir -p "$tools" "$run"

: "${VNCH_AZURITE_BLOB_PORT:=41000}" "${VNCH_AZURITE_QUEUE_PORT:=41001}" "${VNCH_COSMOS_PORT:=41002}"

if [[ ! -x "$tools/node_modules/.bin/azurite" || ! -x "$tools/node_modules/.bin/cosmosdb-server" ]]; then
  command -v npm >/dev/null || { echo "npm is required to install the emulators (Debian package: npm)" >&2; exit 1; }
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error --no-save azurite@3.37.0 @vercel/cosmosdb-server@1.0.1 >&2)
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() { # name, port, command...
  local name=$1 port=$2; shift 2
  if [[ -f "$run/$name.pid" ]] && kill -0 "$(cat "$run/$name.pid")" 2>/dev/null; then return; fi
  if port_open "$port"; then echo "port $port is taken; set VNCH_*_PORT to free ports" >&2; exit 1; fi
  nohup "$@" >"$run/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
  for _ in $(seq 1 100); do port_open "$port" && return; sleep 0.2; done
  echo "$name did not start; log:" >&2; cat "$run/$name.log" >&2; exit 1
}

start azurite "$VNCH_AZURITE_QUEUE_PORT" "$tools/node_modules/.bin/azurite" --silent --inMemoryPersistence \
  --blobHost 127.0.0.1 --blobPort "$VNCH_AZURITE_BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$VNCH_AZURITE_QUEUE_PORT" \
  --tableHost 127.0.0.1 --tablePort 0 --skipApiVersionCheck --loose
start cosmosdb-server "$VNCH_COSMOS_PORT" "$tools/node_modules/.bin/cosmosdb-server" --host 127.0.0.1 --port "$VNCH_COSMOS_PORT"

# Well-known emulator credentials (public, documented development keys; never valid on a real account).
devkey='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
cat >"$PWD/tools/emulators.env" <<ENV
VNCH_TEST_STORAGE='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$devkey;BlobEndpoint=http://127.0.0.1:$VNCH_AZURITE_BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$VNCH_AZURITE_QUEUE_PORT/devstoreaccount1;'
VNCH_TEST_COSMOS='AccountEndpoint=https://127.0.0.1:$VNCH_COSMOS_PORT/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=='
ENV
echo "emulators up: azurite blob :$VNCH_AZURITE_BLOB_PORT queue :$VNCH_AZURITE_QUEUE_PORT, cosmosdb-server :$VNCH_COSMOS_PORT" >&2

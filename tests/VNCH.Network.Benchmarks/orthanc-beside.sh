#!/usr/bin/env bash
# Shared by the benchmarks that measure our embedded server beside Debian's Orthanc in one run (dicomweb-orthanc.sh,
# ingest-orthanc.sh); source it, do not run it. Orthanc listens on every address, so both servers and the client run
# inside a network namespace of their own with only loopback up (unshare -n: run as root).
#   orthanc_beside_prepare NAME [ORTHANC_JSON_EXTRA]   builds (unless VNCH_BENCH_SKIP_BUILD=1), makes $work, a tenant and
#                                                      $token, and Orthanc's configuration (extra JSON members appended)
#   orthanc_beside_run CLIENT_SCRIPT [SERVER_ARGS...]  starts Orthanc on 127.0.0.1:8042 and our server on 127.0.0.1:5080
#                                                      in the namespace, waits for both, runs CLIENT_SCRIPT (bash) with
#                                                      $vnch_pid and $orthanc_pid set, and stops both
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$(cd "${VNCH_TESTDATA:-$repo/../shared/data}" && pwd)"

orthanc_beside_prepare() {
  local name=$1 extra=${2:-}
  if ! command -v Orthanc >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq orthanc >/dev/null
  fi

  cd "$repo"
  if [[ "${VNCH_BENCH_SKIP_BUILD:-}" != 1 ]]; then
    for project in src/VNCH.Network.Server src/VNCH.Network.Cli tests/VNCH.Network.Benchmarks; do
      nice -n 10 dotnet build "$project" -c Release -v quiet >/dev/null
    done
  fi
  cli="$repo/src/VNCH.Network.Cli/bin/Release/net10.0/vnch.dll"
  # VNCH_BENCH_SERVER_DLL: another build of the server (an earlier commit, for a before/after run)
  server_dll="${VNCH_BENCH_SERVER_DLL:-$repo/src/VNCH.Network.Server/bin/Release/net10.0/VNCH.Network.Server.dll}"
  bench_dll="$repo/tests/VNCH.Network.Benchmarks/bin/Release/net10.0/VNCH.Network.Benchmarks.dll"
  models="$repo/models"

  work="$(mktemp -d "/tmp/vnch-$name.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/vnch" "$work/orthanc/storage"
  dotnet "$cli" tenant add bench --name "Bench hospital" --data-path "$work/vnch" >/dev/null
  token="$(dotnet "$cli" token --tenant bench --roles Studies.Read,Studies.Upload --data-path "$work/vnch")"
  cat >"$work/orthanc/orthanc.json" <<JSON
{
  "Name": "bench", "StorageDirectory": "$work/orthanc/storage", "IndexDirectory": "$work/orthanc/storage",
  "HttpPort": 8042, "DicomPort": 4242, "RemoteAccessAllowed": true, "AuthenticationEnabled": false,
  "HttpCompressionEnabled": false, "StorageCompression": false, "HttpThreadsCount": 50${extra:+,
  $extra}
}
JSON
  export repo data work token cli server_dll bench_dll models
}

orthanc_beside_run() {
  local client=$1; shift
  export client server_args="$*"
  unshare -n bash -c '
    set -euo pipefail
    ip link set lo up
    Orthanc "$work/orthanc/orthanc.json" >"$work/orthanc.log" 2>&1 & orthanc_pid=$!
    # shellcheck disable=SC2086
    dotnet "$server_dll" --urls http://127.0.0.1:5080 --data-path "$work/vnch" \
      --Logging:LogLevel:Default=Warning --Inference:ModelsPath="$models" $server_args >"$work/vnch.log" 2>&1 & vnch_pid=$!
    trap "status=\$?; kill $orthanc_pid $vnch_pid 2>/dev/null || true; wait 2>/dev/null || true
      [[ \$status == 0 ]] || tail -n 30 \"\$work/vnch.log\" \"\$work/orthanc.log\" >&2" EXIT
    for port in 8042 5080; do
      for _ in $(seq 1 900); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
    done
    export vnch_pid orthanc_pid
    bash -c "set -euo pipefail; $client"
  '
}

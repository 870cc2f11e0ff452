#!/usr/bin/env bash
# DICOMweb read side side by side with Orthanc (Debian's orthanc + orthanc-dicomweb) on the same corpus files in one
# run: the embedded server, Orthanc and the load client (benchmark case dicomweb-orthanc) all run inside a network
# namespace of their own with only loopback up, because Orthanc listens on every address.
# Usage: tests/VNCH.Network.Benchmarks/dicomweb-orthanc.sh [requests=300] [concurrency=4] [rounds=2]   (as root: unshare)
# VNCH_BENCH_SKIP_BUILD=1 uses the Release builds already there (a no-op build takes minutes on a loaded machine).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="$(cd "${VNCH_TESTDATA:-$repo/../shared/data}" && pwd)"
requests=${1:-300} concurrency=${2:-4} rounds=${3:-2}

if ! command -v Orthanc >/dev/null || [[ ! -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq orthanc orthanc-dicomweb >/dev/null
fi

cd "$repo"
if [[ "${VNCH_BENCH_SKIP_BUILD:-}" != 1 ]]; then
  for project in src/VNCH.Network.Server src/VNCH.Network.Cli tests/VNCH.Network.Benchmarks; do
    nice -n 10 dotnet build "$project" -c Release -v quiet >/dev/null
  done
fi
bin() { echo "$repo/$1/bin/Release/net10.0/$(basename "$1").dll"; }
cli="$repo/src/VNCH.Network.Cli/bin/Release/net10.0/vnch.dll"

work="$(mktemp -d /tmp/vnch-dicomweb-orthanc.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/vnch" "$work/orthanc/storage"
dotnet "$cli" tenant add bench --name "Bench hospital" --data-path "$work/vnch" >/dev/null
token="$(dotnet "$cli" token --tenant bench --roles Studies.Read,Studies.Upload --data-path "$work/vnch")"
cat >"$work/orthanc/orthanc.json" <<JSON
{
  "Name": "bench", "StorageDirectory": "$work/orthanc/storage", "IndexDirectory": "$work/orthanc/storage",
  "HttpPort": 8042, "DicomPort": 4242, "RemoteAccessAllowed": true, "AuthenticationEnabled": false,
  "HttpCompressionEnabled": false, "StorageCompression": false, "HttpThreadsCount": 50,
  "Plugins": [ "/usr/share/orthanc/plugins/libOrthancDicomWeb.so" ],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": false }
}
JSON

# The corpus holds deliberately broken and exotic files, some of which crash Orthanc 1.10 (segmentation fault, even
# among those dcmtk reads): offer both servers Orthanc's own test files and the pediatric chest X-rays that GDCM and
# dcmtk both read (CATALOG.tsv columns gdcmconv_raw and dcmdump), through a catalog of their own.
mkdir -p "$work/data/dicom"
for entry in "$data"/dicom/*/; do ln -s "$entry" "$work/data/dicom/$(basename "$entry")"; done
awk -F'\t' 'NR == 1 || (($1 ~ /^orthanc-tests\// || $1 ~ /^derived_pediatric_cxr\//) && $11 ~ /^ok/ && $12 ~ /^ok/)' "$data/dicom/CATALOG.tsv" >"$work/data/dicom/CATALOG.tsv"
data="$work/data"

export work data token requests concurrency rounds
export server_dll="$(bin src/VNCH.Network.Server)" bench_dll="$(bin tests/VNCH.Network.Benchmarks)" models="$repo/models"
unshare -n bash -c '
  set -euo pipefail
  ip link set lo up
  Orthanc "$work/orthanc/orthanc.json" >"$work/orthanc.log" 2>&1 & orthanc_pid=$!
  dotnet "$server_dll" --urls http://127.0.0.1:5080 --data-path "$work/vnch" --Embedded:AnalysisWorkers=1 \
    --Logging:LogLevel:Default=Warning --Inference:ModelsPath="$models" >"$work/vnch.log" 2>&1 & vnch_pid=$!
  trap "status=\$?; kill $orthanc_pid $vnch_pid 2>/dev/null || true; wait 2>/dev/null || true
    [[ \$status == 0 ]] || tail -n 30 \"\$work/vnch.log\" \"\$work/orthanc.log\" >&2" EXIT
  for port in 8042 5080; do
    for _ in $(seq 1 900); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
  done
  dotnet "$bench_dll" dicomweb-orthanc --ours http://127.0.0.1:5080 --token "$token" --orthanc http://127.0.0.1:8042 \
    --data "$data" --requests "$requests" --concurrency "$concurrency" --rounds "$rounds"
'

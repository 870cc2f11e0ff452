#!/usr/bin/env bash
# DICOMweb read side side by side with Orthanc (Debian's orthanc + orthanc-dicomweb) on the same corpus files in one
# run: the embedded server, Orthanc and the load client (benchmark case dicomweb-orthanc) all run inside a network
# namespace of their own with only loopback up, because Orthanc listens on every address (orthanc-beside.sh).
# Usage: tests/VNCH.Network.Benchmarks/dicomweb-orthanc.sh [requests=300] [concurrency=4] [rounds=2]   (as root: unshare)
# VNCH_BENCH_SKIP_BUILD=1 uses the Release builds already there (a no-op build takes minutes on a loaded machine).
set -euo pipefail
source "$(dirname "$0")/orthanc-beside.sh"
requests=${1:-300} concurrency=${2:-4} rounds=${3:-2}

if [[ ! -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq orthanc orthanc-dicomweb >/dev/null
fi
orthanc_beside_prepare dicomweb-orthanc \
  '"Plugins": [ "/usr/share/orthanc/plugins/libOrthancDicomWeb.so" ], "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": false }'

# The corpus holds deliberately broken and exotic files, some of which crash Orthanc 1.10 (segmentation fault, even
# among those dcmtk reads): offer both servers Orthanc's own test files and the pediatric chest X-rays that GDCM and
# dcmtk both read (CATALOG.tsv columns gdcmconv_raw and dcmdump), through a catalog of their own.
mkdir -p "$work/data/dicom"
for entry in "$data"/dicom/*/; do ln -s "$entry" "$work/data/dicom/$(basename "$entry")"; done
awk -F'\t' 'NR == 1 || (($1 ~ /^orthanc-tests\// || $1 ~ /^derived_pediatric_cxr\//) && $11 ~ /^ok/ && $12 ~ /^ok/)' "$data/dicom/CATALOG.tsv" >"$work/data/dicom/CATALOG.tsv"
export data="$work/data" requests concurrency rounds

orthanc_beside_run 'dotnet "$bench_dll" dicomweb-orthanc --ours http://127.0.0.1:5080 --token "$token" --orthanc http://127.0.0.1:8042 \
    --data "$data" --requests "$requests" --concurrency "$concurrency" --rounds "$rounds"' --Embedded:AnalysisWorkers=1

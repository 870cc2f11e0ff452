#!/usr/bin/env bash
# Ingestion beside Orthanc in one run (benchmark case ingest-orthanc): the same unique uncompressed chest X-ray
# instances, sent by the same client, stored by Debian's Orthanc and ingested + analysed by our embedded server; then
# the results API under a fixed request rate from Debian's wrk while uploads run beside it (orthanc-beside.sh: both
# servers and the client in a loopback-only network namespace).
# Usage: tests/VNCH.Network.Benchmarks/ingest-orthanc.sh [instances=300] [concurrency=4] [load-rate=500] [load-seconds=60] [rounds=2]
# VNCH_BENCH_SKIP_BUILD=1 uses the Release builds already there. VNCH_BENCH_LOAD_UPLOADS=0: the results-API load without uploads beside it. Extra server arguments: VNCH_BENCH_SERVER_ARGS.
# VNCH_BENCH_PROFILE=DIR also records our server: a dotnet-trace (sampled thread stacks, GC and sampled allocations) and dotnet-counters for the first
# VNCH_BENCH_PROFILE_SECONDS (default 45); with VNCH_BENCH_STRACE=1 instead the fsync/fdatasync/rename calls counted by
# strace -c (ptrace slows the server many times over). Profile runs say where the time goes, never the figures. Tools: dotnet tool install --tool-path /tmp/tools dotnet-trace
# (and dotnet-counters); VNCH_BENCH_TOOLS names another folder.
set -euo pipefail
source "$(dirname "$0")/orthanc-beside.sh"
export instances=${1:-300} concurrency=${2:-4} rate=${3:-500} seconds=${4:-60} rounds=${5:-2}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
orthanc_beside_prepare ingest-orthanc
export template="$data/dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm"
export wrk_script="$repo/tests/VNCH.Network.Benchmarks/Service/fixed-rate.lua"

export profile="${VNCH_BENCH_PROFILE:-}" strace="${VNCH_BENCH_STRACE:+${VNCH_BENCH_PROFILE:?VNCH_BENCH_STRACE needs VNCH_BENCH_PROFILE}}" tools="${VNCH_BENCH_TOOLS:-/tmp/tools}" profile_seconds="${VNCH_BENCH_PROFILE_SECONDS:-45}"
[[ -z "$profile" ]] || mkdir -p "$profile"
orthanc_beside_run 'if [[ -n "$profile" && -z "$strace" ]]; then
    "$tools/dotnet-trace" collect -p "$vnch_pid" --profile dotnet-common,dotnet-sampled-thread-time,gc-verbose --duration "00:00:$profile_seconds" -o "$profile/ingest.nettrace" >"$profile/trace.log" 2>&1 &
    "$tools/dotnet-counters" collect -p "$vnch_pid" --duration "00:00:$profile_seconds" --format csv -o "$profile/counters.csv" >"$profile/counters.log" 2>&1 &
  fi
  if [[ -n "$strace" ]]; then strace -f -c -e trace=fsync,fdatasync,rename -o "$strace/fsync.txt" -p "$vnch_pid" 2>/dev/null & strace_pid=$!; fi
  dotnet "$bench_dll" ingest-orthanc --ours http://127.0.0.1:5080 --token "$token" --orthanc http://127.0.0.1:8042 \
    --template "$template" --instances "$instances" --rounds "$rounds" --concurrency "$concurrency" --server-pid "$vnch_pid" --orthanc-pid "$orthanc_pid" \
    --load-rate "$rate" --load-seconds "$seconds" --load-uploads "${VNCH_BENCH_LOAD_UPLOADS:-1}" --wrk-script "$wrk_script"
  if [[ -n "$strace" ]]; then kill -INT "$strace_pid"; fi
  wait' ${VNCH_BENCH_SERVER_ARGS:-}

#!/usr/bin/env bash
# Reruns the peer DICOM parse timings of dicom/PEER_TIMINGS.md (dcmdump a2, pydicom b1/b2/b3) on this machine,
# reporting wall time (as PEER_TIMINGS.md does) and CPU time (user+system), which stays comparable when the
# machine is shared. Needs dcmtk and Debian's python3-pydicom. Data: $VNCH_TESTDATA or ../shared/data.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
data="${VNCH_TESTDATA:-$repo/../shared/data}"
cd "$data/dicom"
list=reference/bench_parse_ok_files.txt
mb=$(xargs -d '\n' stat -c %s < "$list" | awk '{s+=$1} END {printf "%.2f", s/1e6}')
echo "corpus: $(wc -l < "$list") files, $mb MB ($list)"

for run in 1 2 3; do
  /usr/bin/time -f "dcmdump (a2) one process, all files: wall %e s, CPU %U+%S s" \
    dcmdump -q $(cat "$list") > /dev/null 2>/tmp/vnch-dcmdump-time.txt || true
  tail -1 /tmp/vnch-dcmdump-time.txt
done

for kind in meta full full_walk; do
  /usr/bin/python3 "$repo/tools/pydicom-parse-timing.py" "$kind" "$list"
done

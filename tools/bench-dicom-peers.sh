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
  /usr/bin/python3 - "$kind" "$list" <<'PY'
import sys, time, warnings, pydicom
warnings.simplefilter("ignore")
kind, listfile = sys.argv[1], sys.argv[2]
paths = [l.strip() for l in open(listfile) if l.strip()]
def once():
    for p in paths:
        try:
            if kind == "meta":
                pydicom.dcmread(p, force=True, stop_before_pixels=True)
            else:
                ds = pydicom.dcmread(p, force=True, defer_size=None)
                if kind == "full_walk":
                    ds.walk(lambda d, e: None)
        except Exception:
            pass
once()  # warm-up
walls, cpus = [], []
for _ in range(3):
    w, c = time.perf_counter(), time.process_time()
    once()
    walls.append(time.perf_counter() - w); cpus.append(time.process_time() - c)
walls.sort(); cpus.sort()
print(f"pydicom {pydicom.__version__} {kind}: wall median {walls[1]:.3f} s, CPU median {cpus[1]:.3f} s")
PY
done

#!/usr/bin/python3
# pydicom's side of the DICOM parse comparison (dicom/PEER_TIMINGS.md loops b1/b2/b3): reads every file of a list
# (paths relative to the current folder) once as warm-up, then 3 times; prints the median wall and CPU seconds.
# Usage: pydicom-parse-timing.py meta|full|full_walk <list file>. Needs Debian's python3-pydicom.
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

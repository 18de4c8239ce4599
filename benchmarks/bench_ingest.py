"""Benchmark: upload parsing + role inference + quality report on a 1,000,000-row customer CSV.

In the same run, plain `pandas.read_csv` of the same file is the baseline. Targets: ratio ≤ 2.0 and
peak memory of the pipeline ≤ 3× the loaded DataFrame (the memory the pipeline adds above the process
after its imports, upload bytes included, over the frame's size). Each side runs in a fresh subprocess,
so its peak RSS (VmHWM) measures that side alone. Prints one JSON line.
Run from the repository root: `python -m benchmarks.bench_ingest [--rows N]`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r"""
import json, sys, time
sys.path.insert(0, {root!r})
import pandas as pd
def status_bytes(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
def resident_bytes():
    return status_bytes("VmRSS:")
path, mode = sys.argv[1], sys.argv[2]
start_rss = resident_bytes()
if mode == "pandas":
    started = time.perf_counter()
    frame = pd.read_csv(path)
    seconds = time.perf_counter() - started
    result = {{"seconds": seconds, "frame_bytes": int(frame.memory_usage(deep=True).sum())}}
else:
    from segmentation.ingest import read_upload
    from segmentation.quality import quality_report
    from segmentation.schema import infer_column_roles
    start_rss = resident_bytes()
    data = open(path, "rb").read()  # the upload arrives as bytes; reading the file is not timed
    started = time.perf_counter()
    parsed = read_upload(data, "customers.csv", max_bytes=2 ** 31)
    parse_seconds = time.perf_counter() - started
    roles = infer_column_roles(parsed.frame)
    roles_seconds = time.perf_counter() - started - parse_seconds
    report = quality_report(parsed.frame, roles)
    seconds = time.perf_counter() - started
    result = {{"seconds": seconds, "parse_seconds": parse_seconds, "roles_seconds": roles_seconds,
               "quality_seconds": seconds - parse_seconds - roles_seconds, "findings": len(report.findings),
               "frame_bytes": int(parsed.frame.memory_usage(deep=True).sum())}}
# VmHWM is this process's own peak; ru_maxrss would include the parent's peak inherited at fork.
result["extra_peak_bytes"] = status_bytes("VmHWM:") - start_rss
print(json.dumps(result))
"""


def _run(path: Path, mode: str) -> dict:
    output = subprocess.run([sys.executable, "-c", WORKER.format(root=str(ROOT)), str(path), mode],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from data.demo import generate_demo

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customers.csv"
        demo = generate_demo(rows=args.rows, seed=7, as_of=datetime.date(2026, 6, 30), transactions=False)
        demo.customers.to_csv(path, index=False)
        baseline = min((_run(path, "pandas") for _ in range(2)), key=lambda r: r["seconds"])
        pipeline = min((_run(path, "pipeline") for _ in range(2)), key=lambda r: r["seconds"])
        size = path.stat().st_size
    pipeline_memory = pipeline["extra_peak_bytes"] / pipeline["frame_bytes"]
    print(json.dumps({
        "benchmark": "ingest", "rows": args.rows, "file_mb": round(size / 1e6, 1),
        "pipeline_seconds": round(pipeline["seconds"], 3), "parse_seconds": round(pipeline["parse_seconds"], 3),
        "roles_seconds": round(pipeline["roles_seconds"], 3), "quality_seconds": round(pipeline["quality_seconds"], 3),
        "read_csv_seconds": round(baseline["seconds"], 3),
        "ratio": round(pipeline["seconds"] / baseline["seconds"], 2), "target_ratio": 2.0,
        "frame_mb": round(pipeline["frame_bytes"] / 1e6, 1),
        "peak_memory_vs_frame": round(pipeline_memory, 2), "target_memory_vs_frame": 3.0,
    }))


if __name__ == "__main__":
    main()

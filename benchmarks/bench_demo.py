"""Benchmark: generate 1,000,000 demo customers (with transactions and consent) against a numpy baseline.

The baseline builds a plain DataFrame with as many columns of uniform random numbers as the customers
table has, so the ratio says how much the realistic structure costs over raw random data on the same
machine. Prints one JSON line. Run from the repository root: `python -m benchmarks.bench_demo` or
`python benchmarks/bench_demo.py [--rows N]`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.demo import COLUMN_ROLES, generate_demo  # noqa: E402

TARGET_SECONDS = 60
AS_OF = datetime.date(2025, 6, 30)


def baseline_seconds(rows: int, columns: int, repeats: int = 3) -> float:
    """Fastest of a few runs building a rows x columns DataFrame of uniform random numbers."""
    timings = []
    for repeat in range(repeats):
        started = time.perf_counter()
        rng = np.random.default_rng(repeat)
        pd.DataFrame(rng.random((rows, columns)), columns=[f"c{i}" for i in range(columns)])
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    baseline = baseline_seconds(rows, len(COLUMN_ROLES))
    started = time.perf_counter()
    data = generate_demo(rows, seed=42, as_of=AS_OF, transactions=True)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "benchmark": "demo_generation",
                "rows": rows,
                "seconds": round(seconds, 3),
                "baseline_seconds": round(baseline, 3),
                "ratio": round(seconds / baseline, 1),
                "target_seconds": TARGET_SECONDS,
                "transactions_rows": len(data.transactions),
            }
        )
    )


if __name__ == "__main__":
    main()

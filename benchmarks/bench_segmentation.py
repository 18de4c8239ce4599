"""Benchmark: rule-segment evaluation and clustering on a 1,000,000-row customer table, against its read time.

One run, one machine: the demo generator writes 1,000,000 customers (an id plus 12 mixed
features: numbers, categories, multi-value interests, a date) to Parquet and CSV in a temporary
folder; then it times
- reading the table back (`segmentation.ingest.read_upload`, the app's reader; Parquet is what the
  app stores, CSV what users upload);
- evaluating a nested six-condition `RuleSegment` on it (target ≤ 0.1 × the read time);
- the full `Segmenter(k="auto")` fit (role-based column choice, encoding, k chosen from 2–10 with
  stability seeds, final fit on every row, profiles) against one plain `KMeans(n_clusters=6,
  n_init=1)` fit on the Segmenter's own encoded matrix (target ≤ 5×);
- the overlap matrix of 20 segments (target: well under a second);
- peak memory (VmHWM, reset before the Segmenter fit where Linux allows it).
Prints one JSON line. Run from the repository root: `python -m benchmarks.bench_segmentation [--rows N]`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402

from data.demo import COLUMN_ROLES, generate_demo  # noqa: E402
from segmentation.clustering import Segmenter  # noqa: E402
from segmentation.ingest import read_upload  # noqa: E402
from segmentation.overlap import overlap_matrix  # noqa: E402

AS_OF = datetime.date(2026, 6, 30)
FEATURES = [
    "age", "gender", "income_band", "region", "country", "customer_type", "lifestyle", "interests",
    "loyalty_tier", "last_purchase", "order_count", "revenue",
]
RULE = {"all": [
    {"column": "age", "op": "between", "value": [25, 45]},
    {"column": "country", "op": "in", "value": ["NL", "DE", "BE"]},
    {"any": [
        {"column": "interests", "op": "contains", "value": "travel"},
        {"column": "revenue", "op": ">=", "value": 500},
    ]},
    {"not": {"column": "loyalty_tier", "op": "==", "value": "bronze"}},
    {"column": "last_purchase", "op": "within_last_days", "value": 365},
    {"column": "customer_type", "op": "!=", "value": "business"},
]}
TAGS = {"demographic", "geographic", "psychographic", "behavioural"}


def _peak_bytes() -> int:
    """The process's peak resident memory since start or since the last `_reset_peak`."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset VmHWM to the current RSS


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def _read_back(path: Path) -> tuple[pd.DataFrame, float]:
    """The table read with the app's reader, and the seconds the parse took (the bytes are read untimed)."""
    data = path.read_bytes()
    result, seconds = _timed(read_upload, data, path.name, max_bytes=2**31)
    return result.frame, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    try:
        from segmentation.rules import RuleSegment
    except ImportError:  # the rule engine is optional for this benchmark
        RuleSegment = None  # noqa: N806

    customers = generate_demo(rows, seed=42, as_of=AS_OF, transactions=False).customers[["customer_id", *FEATURES]]
    roles = {column: {"role": "feature", "tag": role} if role in TAGS else {"role": role}
             for column, role in COLUMN_ROLES.items() if column in customers.columns}
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        parquet, csv = Path(folder) / "customers.parquet", Path(folder) / "customers.csv"
        customers.to_parquet(parquet, index=False)
        customers.to_csv(csv, index=False)
        del customers
        frame, read_parquet = _read_back(parquet)
        _, read_csv = _read_back(csv)

    result = {"benchmark": "segmentation", "rows": len(frame), "features": len(FEATURES),
              "read_parquet_seconds": round(read_parquet, 3), "read_csv_seconds": round(read_csv, 3)}
    if RuleSegment is not None:
        segment = RuleSegment(RULE, name="benchmark")
        segment.mask(frame.head(1000), as_of=AS_OF)  # warm-up: imports and first-call setup
        mask, rule_seconds = _timed(segment.mask, frame, as_of=AS_OF)
        result.update({"rule_seconds": round(rule_seconds, 3), "rule_members": int(mask.sum()),
                       "rule_vs_parquet_read": round(rule_seconds / read_parquet, 3),
                       "rule_vs_csv_read": round(rule_seconds / read_csv, 3), "rule_target": 0.1})

    ages = frame["age"].to_numpy()
    masks = {f"age under {18 + 3 * i}": pd.Series(ages < 18 + 3 * i) for i in range(1, 21)}
    _, overlap_seconds = _timed(overlap_matrix, masks)
    result["overlap_20_segments_seconds"] = round(overlap_seconds, 3)
    del masks

    _reset_peak()
    before = _peak_bytes()
    model, fit_seconds = _timed(Segmenter(k="auto", column_roles=roles, random_state=0).fit, frame)
    fit_peak = _peak_bytes() - before
    matrix, encode_seconds = _timed(model.preprocessor_.transform, frame[model.used_columns_])
    _, kmeans_seconds = _timed(KMeans(n_clusters=6, n_init=1, random_state=0).fit, matrix)
    result.update({
        "segmenter_seconds": round(fit_seconds, 3), "k": int(model.k_),
        "encoded_columns": int(matrix.shape[1]), "encode_seconds": round(encode_seconds, 3),
        "kmeans6_seconds": round(kmeans_seconds, 3),
        "segmenter_vs_kmeans": round(fit_seconds / kmeans_seconds, 2), "segmenter_target": 5.0,
        "segmenter_peak_extra_mb": round(fit_peak / 2**20, 1),
        "frame_mb": round(frame.memory_usage(deep=True).sum() / 2**20, 1),
        "encoded_mb": round(matrix.nbytes / 2**20, 1),
        "process_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    })
    print(json.dumps(result))


if __name__ == "__main__":
    main()

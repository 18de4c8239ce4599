"""Benchmark: the KPI pages' work on a 1,000,000-row per-customer outcome table.

Times what a page rerun does after the first load (KPI tiles, trend, ranking with intervals, an A/B/n
analysis per segment, chart specs) on the aggregated table, plus the one-off aggregation, against a
plain pandas groupby-sum of the same frame as the baseline. Target: a rerun under 2 s. Prints one JSON line.
Run from the repository root: `python -m benchmarks.bench_kpi_pages [--rows N]`.
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

from kpis.charts import experiment_lift_chart, kpi_tiles_data, kpi_trend_chart, segment_comparison_chart  # noqa: E402
from kpis.experiments import analyse_experiment  # noqa: E402
from kpis.ranking import rank_segments  # noqa: E402
from kpis.results import aggregate_outcomes  # noqa: E402


def outcomes(rows: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    segment = rng.choice([f"segment {i}" for i in range(8)], rows)
    variant = rng.choice(["A", "B", "C"], rows)
    converted = rng.random(rows) < np.where(variant == "B", 0.022, 0.02)
    start = np.datetime64("2026-08-03")
    return pd.DataFrame({
        "customer_id": pd.Series(np.char.add("p_", np.arange(rows).astype(str)), dtype="string"),
        "campaign": "Benchmark", "message": "offer", "segment": segment, "variant": variant,
        "date": start + rng.integers(0, 12, rows).astype("timedelta64[W]"), "delivered": 1,
        "opened": (rng.random(rows) < 0.3).astype(int), "clicked": (rng.random(rows) < 0.05).astype(int),
        "converted": converted.astype(int), "revenue": np.where(converted, rng.gamma(2, 40, rows), 0.0),
        "cost": 0.12})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    frame = outcomes(args.rows)
    frame["sent"] = 1

    started = time.perf_counter()
    frame.groupby(["campaign", "message", "variant", "segment", "date"], observed=True)[
        ["sent", "delivered", "opened", "clicked", "converted", "revenue", "cost"]].sum()
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    aggregated = aggregate_outcomes(frame.drop(columns="sent"), ["campaign", "message", "variant", "segment", "date"])
    aggregation = time.perf_counter() - started

    started = time.perf_counter()
    kpi_tiles_data(aggregated, "conversion_rate").to_dict()
    kpi_trend_chart(aggregated, "conversion_rate").to_dict()
    ranked = rank_segments(aggregated, "conversion_rate")
    segment_comparison_chart(ranked, "conversion_rate").to_dict()
    rerun_overview = time.perf_counter() - started

    started = time.perf_counter()
    report = analyse_experiment(frame, "variant", "A", "converted", by="segment")
    experiment_lift_chart(report.to_frame()).to_dict()
    experiment = time.perf_counter() - started

    print(json.dumps({
        "benchmark": "kpi_pages", "rows": args.rows, "aggregated_rows": len(aggregated),
        "baseline_groupby_seconds": round(baseline, 3), "aggregation_seconds": round(aggregation, 3),
        "overview_rerun_seconds": round(rerun_overview, 3), "experiment_page_seconds": round(experiment, 3),
        "ratio_aggregation_vs_groupby": round(aggregation / baseline, 2),
        "target_rerun_seconds": 2.0, "as_of": datetime.date.today().isoformat(),
    }))


if __name__ == "__main__":
    main()

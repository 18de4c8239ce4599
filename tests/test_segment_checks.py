"""Overlap, proxy-fairness, criteria and chart builders for segments."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats.contingency import association

from segmentation.charts import distribution_chart, overlap_heatmap
from segmentation.criteria import segment_criteria
from segmentation.fairness import cramers_v, proxy_check
from segmentation.overlap import cannibalisation_warnings, overlap_matrix


def test_overlap_counts_and_jaccard():
    rng = np.random.default_rng(0)
    a, b = pd.Series(rng.random(10_000) < 0.3), pd.Series(rng.random(10_000) < 0.5)
    matrix = overlap_matrix({"a": a, "b": b}).set_index(["a", "b"])
    both = int((a & b).sum())
    assert matrix.loc[("a", "b"), "both"] == both
    assert matrix.loc[("a", "b"), "jaccard"] == pytest.approx(both / int((a | b).sum()))
    assert matrix.loc[("a", "a"), "jaccard"] == 1.0


def test_cannibalisation_warning_only_above_threshold():
    base = pd.Series([True] * 60 + [False] * 40)
    similar = pd.Series([True] * 55 + [False] * 45)
    other = pd.Series([False] * 60 + [True] * 40)
    warnings = cannibalisation_warnings(overlap_matrix({"x": base, "y": similar, "z": other}), threshold=0.3)
    assert len(warnings) == 1 and "'x' and 'y'" in warnings[0]


def test_cramers_v_is_close_to_scipy_without_correction_on_large_tables():
    table = np.array([[3000, 1000, 500], [500, 2500, 2500]])
    assert cramers_v(table) == pytest.approx(association(table, method="cramer"), abs=0.01)
    assert cramers_v(np.array([[50, 50], [50, 50]])) == 0.0


def test_proxy_warning_for_a_region_segment_that_selects_by_religion():
    rng = np.random.default_rng(1)
    region = rng.choice(["north", "south"], 4000)
    religion = np.where(region == "north", rng.choice(["A", "B"], 4000, p=[0.9, 0.1]),
                        rng.choice(["A", "B"], 4000, p=[0.1, 0.9]))
    special = pd.DataFrame({"religion": religion})
    warnings = proxy_check(pd.Series(region == "north"), special)
    assert len(warnings) == 1 and warnings[0].over_represented == "A" and warnings[0].cramers_v > 0.7
    assert "proxy discrimination" in warnings[0].message
    unrelated = pd.Series(rng.random(4000) < 0.5)
    assert proxy_check(unrelated, special) == []


def test_criteria_flag_small_segments():
    frame = pd.DataFrame({"x": np.r_[np.zeros(500), np.ones(50) * 10], "c": ["a"] * 500 + ["b"] * 50})
    labels = np.r_[np.zeros(500, int), np.ones(50, int)]
    table = segment_criteria(frame, labels, ["x", "c"], min_size=100).set_index("segment")
    assert bool(table.loc[0, "meets_min_size"]) and not bool(table.loc[1, "meets_min_size"])
    assert "too small" in table.loc[1, "verdict"]
    assert table.loc[1, "homogeneity"] == pytest.approx(1.0)


def test_charts_carry_aggregates_not_rows():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"age": rng.integers(18, 90, 100_000), "city": rng.choice(list("ABCDEFGHIJKLMNOP"), 100_000)})
    mask = pd.Series(frame["age"] < 40)
    for column in ("age", "city"):
        spec = distribution_chart(frame, column, mask).to_dict()
        rows = next(iter(spec["datasets"].values()))
        assert len(rows) <= 500
    heat = overlap_heatmap(overlap_matrix({"a": mask, "b": ~mask})).to_dict()
    assert len(next(iter(heat["datasets"].values()))) == 4

"""Overlap matrix (counts, Jaccard, share of a), cannibalisation warnings and the overlap heat map."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from segmentation.charts import overlap_heatmap
from segmentation.overlap import OVERLAP_COLUMNS, cannibalisation_warnings, overlap_matrix


@pytest.fixture
def masks() -> dict[str, pd.Series]:
    rng = np.random.default_rng(0)
    return {name: pd.Series(rng.random(5_000) < share) for name, share in (("a", 0.3), ("b", 0.5), ("c", 0.1))}


def test_counts_jaccard_and_share_match_pandas(masks):
    matrix = overlap_matrix(masks)
    assert list(matrix.columns) == OVERLAP_COLUMNS
    assert len(matrix) == 9  # every ordered pair, the diagonal included
    indexed = matrix.set_index(["a", "b"])
    for first, second in [("a", "b"), ("b", "a"), ("a", "c"), ("c", "b")]:
        row = indexed.loc[(first, second)]
        both = int((masks[first] & masks[second]).sum())
        assert row["both"] == both
        assert (row["count_a"], row["count_b"]) == (masks[first].sum(), masks[second].sum())
        assert row["jaccard"] == pytest.approx(both / (masks[first] | masks[second]).sum())
        assert row["share_of_a"] == pytest.approx(both / masks[first].sum())
    assert indexed.loc[("a", "a"), "jaccard"] == 1.0 and indexed.loc[("a", "a"), "share_of_a"] == 1.0


def test_missing_membership_counts_as_not_a_member():
    first = pd.Series([True, pd.NA, True, False], dtype="boolean")
    second = pd.Series([True, True, pd.NA, True], dtype="boolean")
    row = overlap_matrix({"x": first, "y": second}).set_index(["a", "b"]).loc[("x", "y")]
    assert (row["count_a"], row["count_b"], row["both"]) == (2, 3, 1)


def test_empty_segments_and_no_segments():
    matrix = overlap_matrix({"none": pd.Series([False] * 4), "all": pd.Series([True] * 4)})
    row = matrix.set_index(["a", "b"]).loc[("none", "all")]
    assert (row["both"], row["jaccard"], row["share_of_a"]) == (0, 0.0, 0.0)
    assert overlap_matrix({}).columns.tolist() == OVERLAP_COLUMNS


@pytest.mark.parametrize("second, message", [
    (pd.Series([True, False]), "masks: 'y' covers 2 rows but 'x' covers 3"),
    (pd.Series([True, False, True], index=[5, 6, 7]), "masks: 'y' is indexed differently from 'x'"),
])
def test_masks_from_different_tables_are_refused(second, message):
    with pytest.raises(ValueError, match=message):
        overlap_matrix({"x": pd.Series([True, False, True]), "y": second})


def test_twenty_segments_over_many_rows_are_fast():
    rng = np.random.default_rng(1)
    rows = 200_000
    masks = {f"segment {i}": pd.Series(rng.random(rows) < 0.05 * (i % 10 + 1)) for i in range(20)}
    started = time.perf_counter()
    matrix = overlap_matrix(masks)
    elapsed = time.perf_counter() - started
    assert len(matrix) == 400
    assert elapsed < 1.0, f"{elapsed:.2f} s for 20 segments × {rows:,} rows"


def test_cannibalisation_warns_once_per_pair_in_plain_words():
    big = pd.Series([True] * 600 + [False] * 400)
    inside = pd.Series([True] * 100 + [False] * 900)  # entirely inside 'big', Jaccard only 1/6
    apart = pd.Series([False] * 600 + [True] * 400)
    warnings = cannibalisation_warnings(overlap_matrix({"big": big, "inside": inside, "apart": apart}))
    assert warnings == [
        "'big' and 'inside' share 100 customers (17% of 'big', 100% of 'inside', Jaccard 0.17; every customer of "
        "'inside' is also in 'big'): campaigns to both would compete for the same people — make them exclusive "
        "(e.g. add NOT 'big' to 'inside') or merge them"
    ]


def test_cannibalisation_threshold_and_order():
    base = pd.Series(np.arange(1000) < 500)
    half = pd.Series((np.arange(1000) >= 250) & (np.arange(1000) < 750))  # shares 50% of 'base'
    most = pd.Series(np.arange(1000) < 450)  # 90% of 'base'; 'half' shares 44% of it
    matrix = overlap_matrix({"base": base, "half": half, "most": most})
    warnings = cannibalisation_warnings(matrix, threshold=0.3)
    assert [w.split(" share ")[0] for w in warnings] == ["'base' and 'most'", "'base' and 'half'", "'half' and 'most'"]
    assert cannibalisation_warnings(matrix, threshold=0.99) == [warnings[0]]
    with pytest.raises(ValueError, match="threshold=1.5: need a share between 0 and 1"):
        cannibalisation_warnings(matrix, threshold=1.5)


def test_heatmap_shows_every_pair_from_the_aggregate_only(masks):
    spec = overlap_heatmap(overlap_matrix(masks)).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 9
    assert {row["a"] for row in rows} == {"a", "b", "c"}

"""Segment criteria: size (nobody singled out), distinctness, homogeneity, missing data, reach and the verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.criteria import segment_criteria


@pytest.fixture
def two_groups() -> tuple[pd.DataFrame, np.ndarray]:
    """Two clearly different groups: 400 low spenders in Utrecht and 300 high spenders in Amsterdam."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "spend": np.r_[rng.normal(100, 10, 400), rng.normal(900, 10, 300)],
        "city": ["Utrecht"] * 400 + ["Amsterdam"] * 300,
    })
    return frame, np.repeat([0, 1], [400, 300])


def test_distinct_homogeneous_large_segments_are_ready(two_groups):
    frame, labels = two_groups
    table = segment_criteria(frame, labels, ["spend", "city"]).set_index("segment")
    assert table["size"].tolist() == [400, 300]
    assert table["share"].tolist() == pytest.approx([400 / 700, 300 / 700])
    assert table["meets_min_size"].all()
    assert (table["distinctness"] > 2).all() and (table["homogeneity"] > 0.9).all()
    assert table["nearest_segment"].tolist() == [1, 0]
    assert table["verdict"].tolist() == ["ready: large enough, distinct and homogeneous"] * 2


def test_random_labels_are_neither_distinct_nor_homogeneous(two_groups):
    frame, _ = two_groups
    labels = np.random.default_rng(1).integers(0, 2, len(frame))
    table = segment_criteria(frame, labels, ["spend", "city"])
    assert (table["distinctness"] < 0.5).all() and (table["homogeneity"].abs() < 0.1).all()
    assert all(verdict.startswith("review: hard to tell apart from segment") for verdict in table["verdict"])
    assert all("hardly more alike than the whole base" in verdict for verdict in table["verdict"])


def test_small_segments_are_flagged_as_too_small_to_target(two_groups):
    frame, labels = two_groups
    table = segment_criteria(frame, labels, ["spend"], min_size=350).set_index("segment")
    assert bool(table.loc[0, "meets_min_size"]) and not bool(table.loc[1, "meets_min_size"])
    assert table.loc[1, "verdict"].startswith("review: too small to target safely (300 < 350)")


def test_identical_members_are_perfectly_homogeneous():
    frame = pd.DataFrame({"x": np.r_[np.zeros(500), np.full(50, 10.0)], "c": ["a"] * 500 + ["b"] * 50})
    table = segment_criteria(frame, np.repeat([0, 1], [500, 50]), ["x", "c"]).set_index("segment")
    assert table["homogeneity"].tolist() == pytest.approx([1.0, 1.0])


def test_missing_share_counts_rows_missing_any_feature(two_groups):
    frame, labels = two_groups
    frame = frame.assign(age=np.where(np.arange(len(frame)) % 4 == 0, np.nan, 40.0))
    frame.loc[1, "city"] = None
    table = segment_criteria(frame, labels, ["spend", "city", "age"]).set_index("segment")
    assert table.loc[0, "missing_share"] == pytest.approx(101 / 400)  # 100 without age, 1 without city
    assert table.loc[1, "missing_share"] == pytest.approx(75 / 300)
    assert "25% of its rows miss a feature value" in table.loc[0, "verdict"]


def test_reach_per_channel_is_reported_and_judged(two_groups):
    frame, labels = two_groups
    reach = {0: {"email": 250, "sms": 40}, 1: {"email": 0, "sms": 0}}
    table = segment_criteria(frame, labels, ["spend"], reachable_counts=reach).set_index("segment")
    assert table[["reachable_email", "reachable_sms"]].to_dict("index") == {
        0: {"reachable_email": 250, "reachable_sms": 40}, 1: {"reachable_email": 0, "reachable_sms": 0}}
    assert table.loc[0, "verdict"] == "ready: large enough, distinct and homogeneous, and reachable"
    assert "not reachable: nobody in it can be contacted on any channel" in table.loc[1, "verdict"]
    thin = segment_criteria(frame, labels, ["spend"], reachable_counts={0: {"email": 30}}).set_index("segment")
    assert "reachable audience too small on every channel (best: email 30)" in thin.loc[0, "verdict"]


def test_a_rule_segment_is_judged_against_the_rest(two_groups):
    frame, labels = two_groups
    table = segment_criteria(frame, pd.Series(labels == 1), ["spend", "city"])
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["segment"], row["size"], row["nearest_segment"]) == (True, 300, "rest")
    assert row["distinctness"] > 2
    empty = segment_criteria(frame, pd.Series(np.zeros(len(frame), dtype=bool)), ["spend"])
    assert empty["verdict"].tolist() == ["empty: nobody matches this segment"]


@pytest.mark.parametrize("labels, features, min_size, message", [
    (np.zeros(5, int), ["spend"], 100, "labels: 5 values for 700 rows"),
    (np.zeros(700, int), [], 100, r"features=\[\]: need at least one column"),
    (np.zeros(700, int), ["shoe_size"], 100, "features: 'shoe_size' not in the table"),
    (np.zeros(700, int), ["spend"], 0, "min_size=0: need a whole number of at least 1"),
])
def test_bad_input_is_refused_clearly(two_groups, labels, features, min_size, message):
    with pytest.raises(ValueError, match=message):
        segment_criteria(two_groups[0], labels, features, min_size=min_size)

"""Segment profiles (traits, names, summaries) and the distribution / size charts built from aggregates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.charts import distribution_chart, distribution_table, segment_sizes_chart
from segmentation.profiles import column_kind, profile_segments


@pytest.fixture
def shop() -> tuple[pd.DataFrame, np.ndarray]:
    """25 older, high-spending, recently active gamers in Amsterdam (segment 1) among 75 others (segment 0)."""
    labels = np.r_[np.ones(25, int), np.zeros(75, int)]
    frame = pd.DataFrame({
        "revenue": np.r_[np.full(25, 2340.0), np.full(75, 700.0)],
        "age": np.r_[np.full(25, 64), np.full(75, 35)],
        "city": ["Amsterdam"] * 30 + ["Utrecht"] * 70,
        "interests": ["gaming;music"] * 25 + ["music"] * 75,
        "last_purchase": pd.to_datetime(["2026-06-01"] * 25 + ["2024-06-01"] * 75),
        "newsletter": [True] * 25 + [False] * 75,
    })
    return frame, labels


def test_traits_compare_each_segment_with_the_whole_base(shop):
    frame, labels = shop
    profiles = profile_segments(frame, labels, list(frame.columns), {"city": {"role": "feature", "tag": "geographic"}})
    assert [(p.label, p.size, p.share) for p in profiles] == [(0, 75, 0.75), (1, 25, 0.25)]
    traits = {trait.feature: trait for trait in profiles[1].top_traits}
    assert traits["revenue"].text == "average revenue €2,340 vs €1,110 overall"
    assert traits["revenue"].difference == pytest.approx((2340 - 1110) / frame["revenue"].std(ddof=0))
    assert traits["interests"].text == "100% interests: gaming vs 25% overall"
    assert (traits["interests"].level, traits["interests"].lift) == ("gaming", pytest.approx(4.0))
    assert traits["newsletter"].text == "100% newsletter vs 25% overall"
    assert traits["last_purchase"].text == "last purchase on average 0 vs 18 months ago overall"
    city = next(t for t in profiles[0].top_traits if t.feature == "city")
    assert city.text == "93% in Utrecht vs 70% overall" and city.kind == "category"


def test_traits_are_ranked_by_their_standardised_difference(shop):
    frame, labels = shop
    for profile in profile_segments(frame, labels, list(frame.columns)):
        strengths = [abs(trait.difference) for trait in profile.top_traits]
        assert strengths == sorted(strengths, reverse=True)
        assert min(strengths) >= 0.05  # a level shared by everyone ("music") is no trait


def test_names_come_from_the_strongest_traits_and_are_unique(shop):
    frame, labels = shop
    roles = {"city": "geographic"}
    names = [p.proposed_name for p in profile_segments(frame, labels, ["revenue", "age", "city"], roles)]
    assert names == ["Low-spending younger customers in Utrecht", "High-spending older customers in Amsterdam"]
    twins = pd.DataFrame({"revenue": np.r_[np.full(10, 900.0), np.full(10, 900.0), np.full(80, 100.0)]})
    twin_names = [p.proposed_name for p in profile_segments(twins, np.repeat([0, 1, 2], [10, 10, 80]), ["revenue"])]
    assert len(set(twin_names)) == 3 and twin_names[0].startswith("High-spending customers")


def test_summary_states_size_share_and_the_top_traits(shop):
    frame, labels = shop
    profile = profile_segments(frame, labels, ["revenue", "city"])[1]
    assert profile.summary == (
        "25 customers (25% of the base). Compared with everyone: average revenue €2,340 vs €1,110 overall; "
        "100% in Amsterdam vs 30% overall."
    )


def test_a_rule_segment_mask_gives_one_profile_against_the_base(shop):
    frame, labels = shop
    mask = pd.Series(labels == 1).astype("boolean")
    mask.iloc[0] = pd.NA  # unknown membership counts as "not in the segment"
    profiles = profile_segments(frame, mask, ["age", "city"])
    assert len(profiles) == 1 and profiles[0].label is True and profiles[0].size == 24
    empty = profile_segments(frame, np.zeros(len(frame), dtype=bool), ["age"])
    assert [(p.size, p.proposed_name, p.summary) for p in empty] == [
        (0, "Empty segment", "No customers are in this segment.")
    ]


def test_missing_values_are_a_level_of_their_own():
    frame = pd.DataFrame({"income_band": [None] * 20 + ["40-60k"] * 80})
    labels = np.r_[np.ones(20, int), np.zeros(80, int)]
    trait = profile_segments(frame, labels, ["income_band"])[1].top_traits[0]
    assert (trait.level, trait.segment_value, trait.overall_value) == ("missing", 1.0, 0.2)


@pytest.mark.parametrize("labels, features, message", [
    (np.zeros(3, int), ["revenue"], "labels: 3 values for 100 rows"),
    (np.zeros(100, int), ["shoe_size"], "features: 'shoe_size' not in the table"),
])
def test_bad_input_is_refused_clearly(shop, labels, features, message):
    with pytest.raises(ValueError, match=message):
        profile_segments(shop[0], labels, features)


@pytest.mark.parametrize("values, kind", [
    (pd.Series([1.5, 2.0, None]), "numeric"),
    (pd.Series([True, False, True]), "boolean"),
    (pd.Series(pd.to_datetime(["2024-01-01", "2025-02-03"])), "date"),
    (pd.Series(["2024-01-31", "2023-12-01", None]), "date"),
    (pd.Series(["31-01-2024", "01-12-2023"]), "date"),
    (pd.Series(["gaming;music", "music", "travel;cooking"]), "multi"),
    (pd.Series(["Amsterdam", "Utrecht", "Den Haag"]), "category"),
    (pd.Series(["2024", "2025"]), "category"),
])
def test_column_kind_reads_what_a_column_holds(values, kind):
    assert column_kind(values) == kind


# ---------------------------------------------------------------- charts
@pytest.fixture(scope="module")
def big() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(2)
    rows = 100_000
    frame = pd.DataFrame({
        "revenue": rng.lognormal(5, 1.5, rows),
        "city": rng.choice([f"city {i}" for i in range(60)], rows),
        "interests": rng.choice(["gaming;music", "music", "travel;gaming", "cooking;travel;music"], rows),
        "signup": pd.Timestamp("2026-06-30") - pd.to_timedelta(rng.integers(0, 3000, rows), unit="D"),
    })
    return frame, pd.Series(frame["revenue"] > 400)


@pytest.mark.parametrize("column", ["revenue", "city", "interests", "signup"])
def test_chart_specs_carry_aggregates_not_customer_rows(big, column):
    frame, mask = big
    spec = distribution_chart(frame, column, mask).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert 2 <= len(rows) <= 500
    assert {row["group"] for row in rows} == {"segment", "all customers"}


def test_distribution_shares_match_the_data(big):
    frame, mask = big
    table = distribution_table(frame, "city", mask, max_categories=5)
    assert len(table) == 2 * 6  # five cities and "other", for the segment and for everyone
    assert table.groupby("group")["share"].sum().to_dict() == pytest.approx({"segment": 1.0, "all customers": 1.0})
    top = frame["city"].value_counts().index[0]
    expected = (frame.loc[mask, "city"] == top).mean()
    assert table.query("group == 'segment' and value == @top")["share"].item() == pytest.approx(expected)
    bands = distribution_table(frame, "revenue", mask)
    assert bands.query("group == 'all customers'")["share"].sum() == pytest.approx(1.0)
    low, high = np.quantile(frame["revenue"], [0.01, 0.99])
    first_edge = low + (high - low) / 12  # 12 equal bands between the 1st and 99th percentile, open ends
    first = bands.query("group == 'all customers' and value.str.startswith('< ')")["share"].item()
    assert first == pytest.approx((frame["revenue"] < first_edge).mean())


def test_segment_sizes_chart_from_profiles(shop):
    frame, labels = shop
    spec = segment_sizes_chart(profile_segments(frame, labels, ["revenue"])).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert sorted(row["members"] for row in rows) == [25, 75]

"""Segment ranking: intervals per KPI kind (checked independently), rank order and plain-words recommendations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from kpis.ranking import MIN_ROWS, RankingInputError, rank_segments

COLUMNS = ["segment", "sent", "delivered", "opens", "clicks", "conversions", "revenue", "cost"]


@pytest.fixture
def portfolio() -> pd.DataFrame:
    """Seven segments built so every recommendation has one clear case (conversion rate median: 1.5 %)."""
    return pd.DataFrame([
        ("best", 10_000, 10_000, 3_000, 600, 500, 25_000.0, 1_000.0),    # 5 %: far above the median
        ("steady", 10_000, 10_000, 3_000, 300, 200, 6_000.0, 1_000.0),   # 2 %: clearly above, not the best
        ("median", 10_000, 10_000, 2_500, 250, 150, 4_500.0, 1_000.0),   # 1.5 %: the median itself
        ("curious", 10_000, 10_000, 3_500, 50, 100, 3_000.0, 1_000.0),   # opens well, hardly clicks
        ("costly", 10_000, 10_000, 1_000, 100, 20, 400.0, 2_000.0),      # 0.2 % and loses money
        ("new", 600, 600, 180, 18, 9, 270.0, 60.0),                      # 1.5 % on few sends: wide interval
        ("tiny", 300, 300, 90, 30, 30, 900.0, 10.0),                     # below min_sent
    ], columns=COLUMNS)


def by_segment(ranking: pd.DataFrame) -> pd.DataFrame:
    return ranking.set_index("segment")


def test_rates_get_wilson_intervals_of_the_summed_counts(portfolio):
    ranking = by_segment(rank_segments(portfolio, "conversion_rate"))
    for segment, conversions, delivered in (("best", 500, 10_000), ("new", 9, 600), ("tiny", 30, 300)):
        low, high = proportion_confint(conversions, delivered, alpha=0.05, method="wilson")
        assert ranking.loc[segment, ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high])
        assert ranking.loc[segment, "value"] == conversions / delivered
    assert set(ranking["ci_method"]) == {"wilson"}


def test_rank_order_puts_too_few_sends_last(portfolio):
    ranking = rank_segments(portfolio, "conversion_rate")
    assert ranking["segment"].tolist() == ["best", "steady", "median", "new", "curious", "costly", "tiny"]
    assert ranking["rank"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert ranking["sent"].tolist() == [10_000, 10_000, 10_000, 600, 10_000, 10_000, 300]


def test_every_recommendation_has_its_case(portfolio):
    overlap = pd.DataFrame({"a": ["steady", "median", "steady"], "b": ["median", "steady", "steady"],
                            "jaccard": [0.7, 0.7, 1.0]})
    ranking = by_segment(rank_segments(portfolio, "conversion_rate", overlap=overlap))
    assert ranking["recommendation"].to_dict() == {
        "best": "shift budget here", "steady": "merge with median", "median": "merge with steady",
        "new": "keep testing", "curious": "refine the message", "costly": "retire",
        "tiny": "too few sends to judge"}
    assert ranking.loc["best", "reason"] == ("the best conversion rate (5.00 %, 95% CI 4.59 % to 5.44 %), clearly "
                                             "better than the median segment's 1.50 %")
    assert ranking.loc["costly", "reason"] == ("the weakest conversion rate (0.20 %, 95% CI 0.13 % to 0.31 %), "
                                               "clearly worse than the median segment's 1.50 %, and it loses money "
                                               "(ROI -80 %)")
    assert ranking.loc["steady", "reason"] == ("shares most of its customers with median (Jaccard 0.70), so "
                                               "campaigns to both compete for the same people")
    assert ranking.loc["curious", "reason"] == ("opens at least as well as the median segment but its click-to-open "
                                                "rate and conversion rate are clearly lower: the subject line works, "
                                                "the message or offer does not")
    assert ranking.loc["new", "reason"] == ("conversion rate 1.50 % (95% CI 0.79 % to 2.83 %) overlaps the median "
                                            "segment's 1.50 %: too uncertain to act on")
    assert ranking.loc["tiny", "reason"] == "only 300 sends; at least 500 are needed before this segment is compared"


def test_without_an_overlap_table_the_middle_segments_keep_testing(portfolio):
    ranking = by_segment(rank_segments(portfolio, "conversion_rate"))
    assert ranking.loc[["steady", "median"], "recommendation"].tolist() == ["keep testing", "keep testing"]
    assert ranking.loc["steady", "reason"].endswith("is clearly better than the median segment's 1.50 %, not the "
                                                    "best; keep testing messages and offers")


def test_the_weakest_segment_that_still_earns_money_is_not_retired(portfolio):
    ranking = by_segment(rank_segments(portfolio.assign(cost=100.0), "conversion_rate"))
    assert ranking.loc["costly", "recommendation"] == "keep testing"
    assert "the weakest, but it still earns more than it costs (ROI 300 %)" in ranking.loc["costly", "reason"]


@pytest.mark.parametrize(("min_sent", "judged"), [(500, 6), (601, 5), (20_000, 0)])
def test_min_sent_decides_who_is_judged(portfolio, min_sent, judged):
    ranking = rank_segments(portfolio, "conversion_rate", min_sent=min_sent)
    assert (ranking["recommendation"] != "too few sends to judge").sum() == judged


def test_lower_is_better_kpis_rank_the_cheapest_first(portfolio):
    frame = portfolio[portfolio["segment"] != "tiny"].assign(cost=[1_000.0, 1_000.0, 1_000.0, 1_000.0, 2_000.0, 63.0])
    ranking = rank_segments(frame, "cpa", seed=1)
    assert ranking["segment"].tolist() == ["best", "steady", "median", "new", "curious", "costly"]
    assert ranking["value"].tolist() == pytest.approx([2.0, 5.0, 1_000 / 150, 7.0, 10.0, 100.0])


def _weekly(segment: str, delivered: list[int], revenue: list[float], cost: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"segment": segment, "sent": delivered, "delivered": delivered, "conversions": 1,
                         "revenue": revenue, "cost": cost})


@pytest.fixture
def weekly_money() -> pd.DataFrame:
    return pd.concat([
        _weekly("north", [1000, 1000, 2000, 1000], [500.0, 700.0, 1200.0, 400.0], [100.0, 120.0, 200.0, 90.0]),
        _weekly("south", [800, 900, 700, 600], [100.0, 80.0, 150.0, 60.0], [150.0, 160.0, 140.0, 130.0]),
        _weekly("east", [900, 900], [300.0, 330.0], [80.0, 85.0]),
    ], ignore_index=True)


def test_per_recipient_means_get_a_t_interval_over_the_result_rows(weekly_money):
    ranking = by_segment(rank_segments(weekly_money, "revenue_per_recipient"))
    y, x = np.array([500.0, 700.0, 1200.0, 400.0]), np.array([1000.0, 1000.0, 2000.0, 1000.0])
    ratio = y.sum() / x.sum()
    se = math.sqrt(4 / 3 * ((y - ratio * x) ** 2).sum()) / x.sum()
    half = stats.t.ppf(0.975, 3) * se
    assert ranking.loc["north", "value"] == pytest.approx(0.56)
    assert ranking.loc["north", ["ci_low", "ci_high"]].tolist() == pytest.approx([ratio - half, ratio + half])
    assert ranking.loc["north", "ci_method"] == "t"
    # two rows are too few to estimate the spread
    assert np.isnan(ranking.loc["east", ["ci_low", "ci_high"]].astype(float)).all()
    assert ranking.loc["east", "reason"] == (f"revenue per recipient € 0.35 but no interval (fewer than {MIN_ROWS} "
                                             "result rows to estimate the spread)")


def test_roi_gets_a_seeded_bootstrap_interval(weekly_money):
    first = by_segment(rank_segments(weekly_money, "roi", min_sent=100, seed=3))
    again = by_segment(rank_segments(weekly_money, "roi", min_sent=100, seed=3))
    pd.testing.assert_frame_equal(first, again)
    assert first.loc["north", "value"] == pytest.approx((2800 - 510) / 510)
    assert first.loc["north", "ci_low"] < first.loc["north", "value"] < first.loc["north", "ci_high"]
    # every resample of north's rows keeps revenue far above cost, of south's far below
    assert first.loc["north", "ci_low"] > 3 and first.loc["south", "ci_high"] < 0
    assert first.loc["north", "ci_method"] == "bootstrap"
    assert first["recommendation"].to_dict() == {"north": "shift budget here", "east": "keep testing",
                                                 "south": "retire"}


def test_totals_have_no_interval_and_no_advice(weekly_money):
    ranking = by_segment(rank_segments(weekly_money, "revenue"))
    assert ranking["ci_method"].unique().tolist() == ["none"]
    assert ranking.loc["north", "reason"] == ("revenue € 2,800.00 but no interval (totals have no interval; rank on "
                                              "a rate or a per-recipient KPI for advice)")


def test_nps_gets_the_multinomial_normal_interval():
    survey = pd.DataFrame({"segment": ["a", "b"], "sent": [1000, 1000], "promoters": [60, 30],
                           "detractors": [20, 30], "nps_responses": [100, 100]})
    ranking = by_segment(rank_segments(survey, "nps"))
    half = 1.959963984540054 * math.sqrt((0.6 + 0.2 - 0.4**2) / 100) * 100
    assert ranking.loc["a", ["value", "ci_low", "ci_high"]].tolist() == pytest.approx([40, 40 - half, 40 + half])
    assert ranking.loc["a", "ci_method"] == "normal"


def test_a_kpi_without_its_inputs_keeps_testing(portfolio):
    ranking = rank_segments(portfolio.drop(columns="cost"), "roi")
    judged = ranking[ranking["recommendation"] != "too few sends to judge"]
    assert set(judged["recommendation"]) <= {"keep testing", "refine the message"}
    assert ranking.set_index("segment").loc["best", "reason"] == ("no return on investment yet: it needs revenue, "
                                                                  "cost with a non-zero denominator")


@pytest.mark.parametrize(("arguments", "message"), [
    ({"by": "region"}, "ranking segments needs a 'region' column"),
    ({"confidence": 95}, "confidence must be between 0 and 1 (got 95)"),
    ({"overlap": pd.DataFrame({"a": ["x"], "b": ["y"]})}, "the overlap table needs columns a, b and jaccard"),
])
def test_bad_arguments_are_named(portfolio, arguments, message):
    with pytest.raises(RankingInputError) as caught:
        rank_segments(portfolio, "ctr", **arguments)
    assert caught.value.message.startswith(message)


def test_text_in_a_count_column_is_refused(portfolio):
    with pytest.raises(RankingInputError, match="column 'opens' must hold numbers"):
        rank_segments(portfolio.assign(opens=portfolio["opens"].astype("str")), "open_rate")


def test_rate_interval_matches_statsmodels_wilson_and_skips_non_rates():
    from kpis.ranking import rate_interval

    rows = pd.DataFrame({"delivered": [600, 400], "conversions": [30, 12], "revenue": [100.0, 50.0]})
    low, high = proportion_confint(42, 1000, method="wilson")
    assert rate_interval(rows, "conversion_rate") == pytest.approx((low, high))
    assert rate_interval(rows, "revenue") is None
    assert rate_interval(rows.assign(delivered=0), "conversion_rate") is None

"""KPI chart builders: exact chart data from small frames, unit-aware axes, and specs that never carry rows."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import pytest

from kpis.charts import (
    MAX_CHART_ROWS,
    MAX_SERIES,
    ChartInputError,
    experiment_lift_chart,
    funnel_chart,
    kpi_tiles_data,
    kpi_trend_chart,
    period_start,
    segment_comparison_chart,
)
from kpis.experiments import analyse_experiment
from kpis.registry import compute_kpis
from kpis.results import aggregate_outcomes


def datasets(chart: alt.TopLevelMixin) -> list[list[dict]]:
    """The inline data of a chart spec, one list of rows per dataset."""
    return list(chart.to_dict()["datasets"].values())


def layers(chart: alt.TopLevelMixin) -> list[dict]:
    spec = chart.to_dict()
    return spec.get("layer", [spec])


@pytest.fixture
def weekly() -> pd.DataFrame:
    # Two segments over three weeks (Mondays 6, 13 and 20 January 2025); "old" has no row in the last week.
    return pd.DataFrame({
        "segment": ["young", "young", "young", "old", "old"],
        "variant": ["A", "A", "A", "A", "A"],
        "date": pd.to_datetime(["2025-01-06", "2025-01-14", "2025-01-21", "2025-01-07", "2025-01-15"]),
        "sent": [100, 200, 400, 100, 100],
        "delivered": [100, 200, 400, 100, 100],
        "opens": [50, 80, 100, 30, 40],
        "clicks": [10, 20, 20, 5, 4],
        "conversions": [1, 4, 12, 2, 3],
        "revenue": [10.0, 40.0, 96.0, 20.0, 30.0],
        "cost": [5.0, 10.0, 20.0, 5.0, 5.0],
    })


# --- periods ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("period", "expected"), [
    ("day", ["2025-01-01", "2025-02-16", "2025-03-31"]),
    ("week", ["2024-12-30", "2025-02-10", "2025-03-31"]),
    ("month", ["2025-01-01", "2025-02-01", "2025-03-01"]),
    ("quarter", ["2025-01-01", "2025-01-01", "2025-01-01"]),
])
def test_period_start(period, expected):
    dates = pd.Series(pd.to_datetime(["2025-01-01 13:00", "2025-02-16 00:00", "2025-03-31 23:59"]))
    assert period_start(dates, period).tolist() == [pd.Timestamp(day) for day in expected]


def test_unknown_period_is_refused():
    with pytest.raises(ChartInputError, match="period 'year' is not one of: day, week, month, quarter"):
        period_start(pd.Series(pd.to_datetime(["2025-01-01"])), "year")


# --- tiles ------------------------------------------------------------------------------------------------------


def test_tiles_compare_the_latest_week_with_the_week_before(weekly):
    tiles = kpi_tiles_data(weekly, "conversion_rate", goals={"young": 0.025, "old": 0.05})
    assert tiles["segment"].tolist() == ["All segments", "old", "young"]
    assert tiles["value"].tolist()[0] == pytest.approx(12 / 400)
    assert tiles["previous"].tolist() == pytest.approx([7 / 300, 3 / 100, 4 / 200])
    assert math.isnan(tiles["value"].iloc[1])  # "old" sent nothing in the latest week
    assert tiles["value"].iloc[2] == pytest.approx(0.03)
    assert tiles["delta"].iloc[2] == pytest.approx(0.01)
    assert tiles["direction"].tolist() == ["better", "", "better"]
    assert tiles["goal_status"].tolist() == ["no goal", "no data", "met"]
    assert tiles["value_text"].tolist() == ["3.00 %", "–", "3.00 %"]
    assert tiles["delta_text"].tolist() == ["+0.67 pp", "–", "+1.00 pp"]
    assert set(tiles[["kpi", "label", "unit"]].itertuples(index=False)) == {
        ("conversion_rate", "Conversion rate", "%")}


def test_tiles_judge_lower_is_better_kpis_the_other_way(weekly):
    tiles = kpi_tiles_data(weekly, "cpa", goals=2.0, include_total=False).set_index("segment")
    # young: cost 20 / 12 conversions this week against 10 / 4 the week before
    assert tiles.loc["young", "value"] == pytest.approx(20 / 12)
    assert tiles.loc["young", "delta"] == pytest.approx(20 / 12 - 2.5)
    assert (tiles.loc["young", "direction"], tiles.loc["young", "goal_status"]) == ("better", "met")
    assert tiles.loc["young", "delta_text"] == "−€ 0.83"


def test_tiles_without_periods_cover_all_rows(weekly):
    tiles = kpi_tiles_data(weekly.drop(columns="date"), "open_rate", goals=0.3)
    assert tiles["value"].tolist() == pytest.approx([300 / 900, 70 / 200, 230 / 700])
    assert tiles["previous"].isna().all() and (tiles["direction"] == "").all()
    assert tiles["goal_status"].tolist() == ["met", "met", "met"]


# --- trend ------------------------------------------------------------------------------------------------------


def test_trend_chart_data_title_and_percent_axis(weekly):
    chart = kpi_trend_chart(weekly, "conversion_rate")
    (rows,) = datasets(chart)
    assert [(row["period"][:10], row["segment"], row["value"]) for row in rows] == [
        ("2025-01-06", "old", 0.02), ("2025-01-06", "young", 0.01), ("2025-01-13", "old", 0.03),
        ("2025-01-13", "young", 0.02), ("2025-01-20", "young", 0.03)]
    spec = chart.to_dict()
    assert spec["title"] == "Conversion rate per segment, by week"
    assert spec["encoding"]["y"]["axis"]["format"] == ".1%"


def test_trend_chart_uses_euro_labels_for_money_and_one_line_without_groups(weekly):
    chart = kpi_trend_chart(weekly, "revenue_per_recipient", by=None, period="month")
    (rows,) = datasets(chart)
    assert rows == [{"period": "2025-01-01T00:00:00", "value": pytest.approx(196 / 900)}]
    spec = chart.to_dict()
    assert spec["title"] == "Revenue per recipient by month"
    assert spec["encoding"]["y"]["axis"]["labelExpr"] == "'€ ' + format(datum.value, ',.2f')"
    assert spec["encoding"]["y"]["axis"]["title"] == "Revenue per recipient (€)"


def test_trend_chart_needs_a_date_column(weekly):
    with pytest.raises(ChartInputError, match="A trend chart needs a column 'date'"):
        kpi_trend_chart(weekly.drop(columns="date"), "ctr")


# --- segment comparison -----------------------------------------------------------------------------------------


def test_comparison_bars_are_best_first_with_whiskers_when_given():
    ranked = pd.DataFrame({"segment": ["b", "a", "c"], "value": [0.2, 0.3, 0.1], "ci_low": [0.15, 0.25, 0.05],
                           "ci_high": [0.25, 0.35, 0.15]})
    chart = segment_comparison_chart(ranked, "ctr")
    (rows,) = datasets(chart)
    assert [row["segment"] for row in rows] == ["a", "b", "c"]
    bar, whiskers = layers(chart)
    assert bar["mark"]["type"] == "bar" and whiskers["mark"]["type"] == "errorbar"
    assert bar["encoding"]["y"]["sort"] == ["a", "b", "c"]
    assert (whiskers["encoding"]["x"]["field"], whiskers["encoding"]["x2"]["field"]) == ("ci_low", "ci_high")
    assert chart.to_dict()["title"] == "Click-through rate per segment"


def test_comparison_of_a_lower_is_better_kpi_puts_the_cheapest_first(weekly):
    chart = segment_comparison_chart(compute_kpis(weekly, ["segment"]), "cpa")
    (rows,) = datasets(chart)
    assert [(row["segment"], row["value"]) for row in rows] == [("old", 2.0), ("young", 35 / 17)]
    assert len(layers(chart)) == 1  # no interval columns, no whiskers


# --- experiment lift ---------------------------------------------------------------------------------------------


def test_lift_chart_plots_each_group_and_variant_against_a_zero_line():
    frame = pd.DataFrame({"segment": ["young"] * 400 + ["old"] * 400,
                          "variant": (["A"] * 200 + ["B"] * 200) * 2,
                          "converted": ([1] * 20 + [0] * 180 + [1] * 40 + [0] * 160
                                        + [1] * 30 + [0] * 170 + [1] * 27 + [0] * 173)})
    report = analyse_experiment(frame, "variant", "A", "converted", by="segment").to_frame()
    chart = experiment_lift_chart(report)
    zero, lifts = datasets(chart)
    assert zero == [{"zero": 0.0}]
    assert [(row["group"], row["variant"], round(row["lift"], 4), row["result"]) for row in lifts] == [
        ("old", "B", -0.1, "not significant"), ("young", "B", 1.0, "significant")]
    assert lifts[1]["ci_low"] > 0 > lifts[0]["ci_low"]
    spec = chart.to_dict()
    assert spec["title"] == "Lift in converted over A, with confidence intervals"
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rule", "rule", "point"]


def test_lift_chart_names_the_ungrouped_comparison_and_skips_missing_lifts():
    report = pd.DataFrame({"group": [None, None], "variant": ["B", "C"], "relative_lift": [0.1, np.nan],
                           "relative_ci_low": [-0.05, np.nan], "relative_ci_high": [0.25, np.nan]})
    (_, lifts) = datasets(experiment_lift_chart(report))
    assert [(row["group"], row["variant"], row["result"]) for row in lifts] == [("All recipients", "B", "not tested")]


def test_lift_chart_needs_the_report_columns():
    with pytest.raises(ChartInputError, match="A lift chart needs a column 'relative_lift'"):
        experiment_lift_chart(pd.DataFrame({"group": ["x"], "variant": ["B"]}))


# --- funnel -----------------------------------------------------------------------------------------------------


def test_funnel_from_one_row_has_stage_counts_and_shares():
    chart = funnel_chart(pd.Series({"segment": "young", "sent": 1000, "delivered": 950, "opens": 380,
                                    "clicks": 57, "conversions": 19}))
    (rows,) = datasets(chart)
    assert [(row["stage"], row["count"], row["text"]) for row in rows] == [
        ("Sent", 1000, "1,000 (100.0%)"), ("Delivered", 950, "950 (95.0%)"), ("Opened", 380, "380 (38.0%)"),
        ("Clicked", 57, "57 (5.7%)"), ("Converted", 19, "19 (1.9%)")]
    assert [row["step_rate"] for row in rows] == pytest.approx([1.0, 0.95, 0.4, 0.15, 1 / 3])
    assert chart.to_dict()["title"] == "Funnel from sent to converted"


def test_funnel_sums_a_frame_and_skips_absent_stages(weekly):
    chart = funnel_chart(weekly.drop(columns=["clicks", "conversions"]))
    (rows,) = datasets(chart)
    assert [(row["stage"], row["count"]) for row in rows] == [("Sent", 900), ("Delivered", 900), ("Opened", 300)]
    assert chart.to_dict()["title"] == "Funnel from sent to opened"


def test_funnel_needs_sent():
    with pytest.raises(ChartInputError, match="a funnel needs a 'sent' count"):
        funnel_chart({"opens": 10})


# --- specs stay small for large inputs -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large_results() -> tuple[pd.DataFrame, pd.DataFrame]:
    """60,000 recipients in 30 segments over 400 days, aggregated per segment, variant and day."""
    rng = np.random.default_rng(5)
    size = 60_000
    per_customer = pd.DataFrame({
        "segment": np.char.add("segment ", rng.integers(0, 30, size).astype(str)),
        "variant": np.array(["A", "B"])[rng.integers(0, 2, size)],
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 400, size), unit="D"),
        "opened": (rng.random(size) < 0.3).astype("int8"),
        "converted": (rng.random(size) < 0.05).astype("int8"),
        "revenue": rng.random(size) * 10,
    })
    return per_customer, aggregate_outcomes(per_customer, ["segment", "variant", "date"])


def test_chart_specs_carry_at_most_500_rows_whatever_the_input(large_results):
    per_customer, aggregated = large_results
    assert len(aggregated) > 10 * MAX_CHART_ROWS
    report = analyse_experiment(per_customer, "variant", "A", "converted", by="segment").to_frame()
    charts = {
        "daily trend": kpi_trend_chart(aggregated, "conversion_rate", period="day"),
        "weekly trend": kpi_trend_chart(aggregated, "open_rate"),
        "comparison": segment_comparison_chart(compute_kpis(aggregated, ["segment"]), "conversion_rate"),
        "lift": experiment_lift_chart(report),
        "funnel": funnel_chart(aggregated),
    }
    sizes = {name: max(len(rows) for rows in datasets(chart)) for name, chart in charts.items()}
    assert all(0 < size <= MAX_CHART_ROWS for size in sizes.values()), sizes
    assert len(kpi_tiles_data(aggregated, "conversion_rate")) == 31


def test_a_capped_trend_says_what_was_left_out(large_results):
    _, aggregated = large_results
    chart = kpi_trend_chart(aggregated, "conversion_rate", period="day")
    (rows,) = datasets(chart)
    assert len({row["segment"] for row in rows}) == MAX_SERIES
    assert len({row["period"] for row in rows}) == MAX_CHART_ROWS // MAX_SERIES
    assert chart.to_dict()["title"] == ("Conversion rate per segment, by day (10 largest of 30 segments) "
                                        "(last 50 of 400 days)")

"""The KPI registry: the definitions every page shares, and compute_kpis over campaign results."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kpis.registry import KPI, KPI_BY_KEY, KPIS, KPIInputError, UnknownKPIError, compute_kpis, format_kpi_value, kpi

EXPECTED_KEYS = ["sent", "delivered", "delivery_rate", "open_rate", "ctr", "click_to_open", "conversion_rate",
                 "revenue", "revenue_per_recipient", "cost", "cpa", "roi", "unsubscribe_rate", "complaint_rate", "aov",
                 "nps", "csat", "cltv"]


@pytest.fixture
def results() -> pd.DataFrame:
    # Two rows per segment so the test sees that ratios are taken of sums, not averaged per row.
    return pd.DataFrame({
        "segment": ["young", "young", "loyal", "loyal"],
        "sent": [1000, 3000, 500, 500],
        "delivered": [900, 2700, 500, 500],
        "opens": [450, 540, 250, 250],
        "clicks": [90, 54, 50, 50],
        "conversions": [9, 27, 10, 0],
        "revenue": [450.0, 1350.0, 1000.0, 0.0],
        "cost": [100.0, 300.0, 50.0, 50.0],
        "unsubscribes": [9, 27, 0, 1],
        "complaints": [0, 4, 0, 0],
        "promoters": [50, 10, 30, 30],
        "detractors": [10, 10, 5, 5],
        "nps_responses": [80, 40, 50, 50],
        "satisfied": [40, 20, 45, 45],
        "csat_responses": [50, 30, 50, 50],
    })


def test_registry_holds_every_kpi_once_in_a_stable_order():
    assert [definition.key for definition in KPIS] == EXPECTED_KEYS
    assert list(KPI_BY_KEY) == EXPECTED_KEYS


@pytest.mark.parametrize(("key", "unit", "higher_is_better"), [
    ("conversion_rate", "%", True), ("revenue", "€", True), ("sent", "count", True), ("nps", "score", True),
    ("cost", "€", False), ("cpa", "€", False), ("unsubscribe_rate", "%", False), ("complaint_rate", "%", False),
])
def test_units_and_direction(key, unit, higher_is_better):
    definition = kpi(key)
    assert (definition.unit, definition.higher_is_better) == (unit, higher_is_better)
    assert definition.label and definition.formula


def test_unknown_key_names_the_known_ones():
    with pytest.raises(UnknownKPIError) as caught:
        kpi("conversion")
    assert "unknown KPI 'conversion'" in str(caught.value)
    assert "conversion_rate" in caught.value.message and "ctr" in caught.value.message


def test_compute_kpis_per_segment_takes_ratios_of_sums(results):
    table = compute_kpis(results, ["segment"]).set_index("segment")
    assert list(table.columns) == EXPECTED_KEYS
    young, loyal = table.loc["young"], table.loc["loyal"]
    assert young["sent"] == 4000 and young["delivered"] == 3600
    assert young["delivery_rate"] == pytest.approx(0.9)
    assert young["open_rate"] == pytest.approx(990 / 3600)  # the mean of per-row rates would be 0.35
    assert young["ctr"] == pytest.approx(144 / 3600)
    assert young["click_to_open"] == pytest.approx(144 / 990)
    assert young["conversion_rate"] == pytest.approx(0.01)
    assert young["revenue_per_recipient"] == pytest.approx(0.5)
    assert young["cpa"] == pytest.approx(400 / 36)
    assert young["roi"] == pytest.approx((1800 - 400) / 400)
    assert young["aov"] == pytest.approx(50.0)
    assert young["unsubscribe_rate"] == pytest.approx(0.01)
    assert young["complaint_rate"] == pytest.approx(4 / 3600)
    assert young["nps"] == pytest.approx((60 - 20) / 120 * 100)
    assert young["csat"] == pytest.approx(60 / 80)
    assert loyal["roi"] == pytest.approx(9.0)
    assert math.isnan(young["cltv"])  # per customer, from transactions: kpis.cltv


def test_without_groups_one_overall_row(results):
    table = compute_kpis(results)
    assert len(table) == 1
    assert table.loc[0, "sent"] == 5000
    assert table.loc[0, "conversion_rate"] == pytest.approx(46 / 4600)


def test_missing_columns_give_nan_for_the_kpis_that_need_them(results):
    table = compute_kpis(results.drop(columns=["cost", "promoters", "satisfied"]), ["segment"])
    for key in ("cost", "cpa", "roi", "nps", "csat"):
        assert table[key].isna().all(), key
    assert table["revenue"].notna().all() and table["open_rate"].notna().all()


def test_division_by_zero_is_nan_never_infinite():
    frame = pd.DataFrame({"segment": ["a", "b"], "sent": [0, 10], "delivered": [0, 10], "opens": [0, 0],
                          "clicks": [0, 0], "conversions": [0, 0], "revenue": [0.0, 0.0], "cost": [0.0, 5.0]})
    table = compute_kpis(frame, ["segment"]).set_index("segment")
    numbers = table.select_dtypes("number").to_numpy()
    assert not np.isinf(numbers).any()
    assert math.isnan(table.loc["a", "open_rate"]) and math.isnan(table.loc["a", "roi"])
    assert math.isnan(table.loc["b", "click_to_open"]) and math.isnan(table.loc["b", "cpa"])
    assert table.loc["b", "roi"] == -1.0 and table.loc["b", "open_rate"] == 0.0


def test_several_group_columns_and_selected_keys(results):
    frame = results.assign(channel=["email", "sms", "email", "email"])
    table = compute_kpis(frame, ["segment", "channel"], keys=["sent", "ctr"])
    assert list(table.columns) == ["segment", "channel", "sent", "ctr"]
    assert table.set_index(["segment", "channel"])["sent"].to_dict() == {
        ("loyal", "email"): 1000, ("young", "email"): 1000, ("young", "sms"): 3000}


def test_all_empty_group_gives_nan_not_zero():
    frame = pd.DataFrame({"segment": ["a", "b"], "sent": [10, 10], "delivered": [10, 10],
                          "revenue": [np.nan, 20.0]})
    table = compute_kpis(frame, ["segment"]).set_index("segment")
    assert math.isnan(table.loc["a", "revenue"]) and table.loc["b", "revenue"] == 20.0


def test_group_column_missing_is_a_clear_error(results):
    with pytest.raises(KPIInputError, match="group column 'region' is not in the results table; columns are: segment"):
        compute_kpis(results, ["region"])


def test_text_in_a_count_column_names_the_column(results):
    frame = results.assign(clicks=["12", "n/a", "3", "4"])
    with pytest.raises(KPIInputError, match="column 'clicks' must hold numbers"):
        compute_kpis(frame, ["segment"])


@pytest.mark.parametrize(("key", "value", "text"), [
    ("conversion_rate", 0.01234, "1.23 %"), ("revenue", 1234.5, "€ 1,234.50"), ("sent", 12345, "12,345"),
    ("nps", 33.333, "33.3"), ("ctr", float("nan"), "–"), ("ctr", None, "–"),
])
def test_format_kpi_value(key, value, text):
    assert format_kpi_value(kpi(key), value) == text


@pytest.mark.parametrize(("arguments", "message"), [
    ({"unit": "percent", "numerator": "sent"}, "unit 'percent'"),
    ({"unit": "%"}, "either numerator/denominator or compute"),
])
def test_invalid_definitions_fail_loudly(arguments, message):
    with pytest.raises(ValueError, match=message):
        KPI("broken", "Broken", "nothing", higher_is_better=True, **arguments)

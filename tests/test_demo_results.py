"""Demo campaign results: deterministic, valid, consistent between shapes, and with the planted differences."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from data.demo import generate_demo
from kpis.demo_results import (
    TRUE_LIFT,
    DemoResultsError,
    default_segments,
    generate_demo_results,
    segment_profiles,
)
from kpis.registry import compute_kpis
from kpis.results import AGGREGATED, PER_CUSTOMER, aggregate_outcomes, validate_results

START = datetime.date(2025, 1, 6)  # a Monday


@pytest.fixture(scope="module")
def demo_customers() -> pd.DataFrame:
    return generate_demo(3000, seed=3, as_of=datetime.date(2025, 1, 31)).customers


def synthetic_customers(rows: int) -> pd.DataFrame:
    tiers = np.array(["bronze", "silver", "gold"])[np.arange(rows) % 3]
    return pd.DataFrame({"customer_id": [f"K{i:06d}" for i in range(rows)], "loyalty_tier": tiers,
                         "age": 18 + np.arange(rows) % 60})


def test_same_inputs_give_identical_frames_and_another_seed_differs(demo_customers):
    first = generate_demo_results(demo_customers, start=START)
    second = generate_demo_results(demo_customers, start=START)
    other = generate_demo_results(demo_customers, start=START, seed=8)
    for one, two in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(one, two)
    assert not first[1]["converted"].equals(other[1]["converted"])


def test_both_tables_pass_validation_without_warnings(demo_customers):
    aggregated, per_customer = generate_demo_results(demo_customers, start=START)
    checked_aggregated = validate_results(aggregated, file_name="demo aggregated")
    checked_per_customer = validate_results(per_customer, file_name="demo per customer")
    assert (checked_aggregated.shape, checked_aggregated.warnings) == (AGGREGATED, ())
    assert (checked_per_customer.shape, checked_per_customer.warnings) == (PER_CUSTOMER, ())
    assert list(aggregated.columns) == ["campaign", "message", "variant", "segment", "date", "sent", "delivered",
                                        "opens", "clicks", "conversions", "unsubscribes", "complaints", "revenue",
                                        "cost"]


def test_aggregated_is_the_per_customer_table_summed(demo_customers):
    aggregated, per_customer = generate_demo_results(demo_customers, start=START)
    keys = ["campaign", "message", "variant", "segment", "date"]
    resummed = aggregate_outcomes(per_customer, keys)
    pd.testing.assert_frame_equal(aggregated.drop(columns=["revenue", "cost"]),
                                  resummed.drop(columns=["revenue", "cost"]))
    assert aggregated["revenue"].sum() == pytest.approx(per_customer["revenue"].sum(), abs=0.5)
    assert aggregated["sent"].sum() == len(per_customer) == len(demo_customers)
    by_aggregated = compute_kpis(aggregated, ["segment"], keys=["conversion_rate", "open_rate"])
    by_customer = compute_kpis(aggregate_outcomes(per_customer, "segment"), ["segment"],
                               keys=["conversion_rate", "open_rate"])
    pd.testing.assert_frame_equal(by_aggregated, by_customer)


def test_default_segments_are_the_loyalty_tiers(demo_customers):
    segments = default_segments(demo_customers)
    tiers = demo_customers["loyalty_tier"].str.strip().str.lower()
    assert list(segments) == ["Bronze tier", "Gold tier", "Platinum tier", "Silver tier"]
    assert int(segments["Gold tier"].sum()) == int((tiers == "gold").sum())
    _, per_customer = generate_demo_results(demo_customers, start=START)
    assert per_customer["segment"].value_counts().to_dict() == {
        name: int(mask.sum()) for name, mask in segments.items()}


@pytest.mark.parametrize(("columns", "expected"), [
    ({"customer_type": ["b2b", "consumer", "b2b"]}, ["B2b customers", "Consumer customers"]),
    ({"age": [20, 30, 40]}, ["All customers"]),
])
def test_default_segments_fall_back_to_customer_type_then_everyone(columns, expected):
    assert list(default_segments(pd.DataFrame(columns))) == expected


def test_dates_are_weekly_from_the_start(demo_customers):
    aggregated, per_customer = generate_demo_results(demo_customers, start=START, weeks=5)
    expected = [pd.Timestamp(START) + pd.Timedelta(days=7 * week) for week in range(5)]
    assert sorted(aggregated["date"].unique()) == expected
    assert set(per_customer["date"]) == set(expected)


def test_planted_profiles_lifts_and_costs_are_recovered():
    customers = synthetic_customers(240_000)
    segments = {"Bronze": customers["loyalty_tier"] == "bronze", "Silver": customers["loyalty_tier"] == "silver",
                "Gold": customers["loyalty_tier"] == "gold"}
    aggregated, _ = generate_demo_results(customers, segments, start=START)
    truth = segment_profiles(list(segments)).set_index("segment")
    by_segment = compute_kpis(aggregated, ["segment"], keys=["open_rate", "click_to_open", "delivery_rate"])
    by_segment = by_segment.set_index("segment")
    # Open rates drift around the profile's value; the middle of the campaign stays close to it.
    assert by_segment["open_rate"].to_numpy() == pytest.approx(truth.loc[by_segment.index, "open_rate"], rel=0.1)
    assert by_segment["delivery_rate"].to_numpy() == pytest.approx(truth.loc[by_segment.index, "delivery_rate"],
                                                                   abs=0.01)
    ctor = compute_kpis(aggregated, ["segment", "variant"], keys=["click_to_open"]).pivot(
        index="segment", columns="variant", values="click_to_open")
    observed_lift = ctor["B"] / ctor["A"] - 1
    assert observed_lift["Bronze"] == pytest.approx(TRUE_LIFT, abs=0.12)  # even positions carry a lift
    assert observed_lift["Gold"] == pytest.approx(TRUE_LIFT, abs=0.12)
    assert observed_lift["Silver"] == pytest.approx(0.0, abs=0.08)  # odd positions carry none
    cost_per_send = aggregated.groupby("segment")["cost"].sum() / aggregated.groupby("segment")["sent"].sum()
    assert cost_per_send.to_numpy() == pytest.approx(truth.loc[cost_per_send.index, "cost_per_send"], abs=0.005)


def test_segment_profiles_deal_every_profile_before_repeating_and_scale_later_variants():
    profiles = segment_profiles([f"s{i}" for i in range(7)], variants=("A", "B", "C"))
    assert profiles["profile"].iloc[:6].nunique() == 6
    assert profiles["lift_A"].tolist() == [0.0] * 7
    assert profiles["lift_B"].tolist() == [TRUE_LIFT, 0, TRUE_LIFT, 0, TRUE_LIFT, 0, TRUE_LIFT]
    assert profiles["lift_C"].tolist() == [TRUE_LIFT / 2, 0, TRUE_LIFT / 2, 0, TRUE_LIFT / 2, 0, TRUE_LIFT / 2]
    assert profiles["revenue_per_conversion"].nunique() == 7  # segments differ in revenue per conversion


def test_segments_differ_in_return_on_investment(demo_customers):
    aggregated, _ = generate_demo_results(demo_customers, start=START)
    roi = compute_kpis(aggregated, ["segment"], keys=["roi"])["roi"]
    assert roi.min() < 0 < roi.max()


def test_a_customer_in_two_segments_counts_for_the_first_and_outsiders_are_left_out():
    customers = synthetic_customers(9)
    segments = {"young": customers["age"] < 22, "everyone under 25": customers["age"] < 25}
    _, per_customer = generate_demo_results(customers, segments, start=START, weeks=2)
    assert per_customer.set_index("customer_id")["segment"].to_dict() == {
        "K000000": "young", "K000001": "young", "K000002": "young", "K000003": "young",
        "K000004": "everyone under 25", "K000005": "everyone under 25", "K000006": "everyone under 25"}


def test_variants_and_a_missing_customer_id_column():
    customers = synthetic_customers(600).drop(columns="customer_id").set_index(pd.RangeIndex(100, 700))
    _, per_customer = generate_demo_results(customers, start=START, variants=("control", "new", "bold"))
    assert sorted(per_customer["variant"].unique()) == ["bold", "control", "new"]
    assert per_customer["customer_id"].iloc[0] == "100"


@pytest.mark.parametrize(("arguments", "message"), [
    ({"segments": {"x": pd.Series([True, False])}}, "segment 'x': its mask is not indexed like the customers table"),
    ({"segments": {"x": np.array([True, False])}}, "segment 'x': its mask has 2 values for 6 customers"),
    ({"segments": {}}, "segments is empty"),
    ({"segments": {"none": np.zeros(6, dtype=bool)}}, "no customer is in any of the segments"),
    ({"weeks": 0}, "weeks=0: need a whole number of weeks between 1 and 520"),
    ({"start": "2025-01-06"}, "start='2025-01-06': need a datetime.date"),
    ({"variants": ("A", "A")}, "variants=('A', 'A'): need distinct, non-empty names"),
])
def test_bad_arguments_raise_one_clear_error(arguments, message):
    customers = synthetic_customers(6)
    keywords = {"start": START} | arguments
    segments = keywords.pop("segments", None)
    with pytest.raises(DemoResultsError) as caught:
        generate_demo_results(customers, segments, **keywords)
    assert caught.value.message.startswith(message)

"""Rule segments on pandas: validation messages, plain-English descriptions, JSON round trip, masks."""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest

from data.demo import generate_demo
from segmentation.rules import RuleError, RuleSegment

AS_OF = date(2026, 6, 30)


def condition(column: str, op: str, value: object = None) -> dict:
    return {"column": column, "op": op} | ({} if value is None else {"value": value})


AGE_OK = condition("age", ">", 3)
PEOPLE = pd.DataFrame(
    {
        "age": [22, 35, None, 51],
        "city": ["Utrecht", "Berlin", "Köln", None],
        "joined": pd.to_datetime(["2026-06-29", "2025-01-01", None, "2026-06-30 18:00"], format="ISO8601"),
        "vip": [True, False, True, False],
    },
    index=pd.Index([101, 102, 103, 104], name="customer"),
)


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        (
            {"all": [AGE_OK, AGE_OK, {"any": [condition("age", "btween", [1, 2])]}]},
            r"^all\[2\]\.any\[0\]: op 'btween' is unknown \(did you mean 'between'\?\); use one of between, >, ",
        ),
        ({"all": []}, r"^rule: the 'all' group is empty; add at least one condition"),
        ({"any": [AGE_OK, {"all": []}]}, r"^any\[1\]: the 'all' group is empty"),
        ({"not": {"any": []}}, r"^not: the 'any' group is empty"),
        ({"column": "age", "op": ">", "valu": 3}, r"unknown key 'valu' in a condition \(did you mean 'value'\?\)"),
        ({"all": ["age > 3"]}, r"^all\[0\]: expected an object .* got str 'age > 3'"),
        ({"all": [AGE_OK], "any": [AGE_OK]}, r"a group has exactly one key"),
        ({"not": [AGE_OK]}, r"'not' takes one node, not a list"),
        ({"any": AGE_OK}, r"'any' needs a list of nodes, got dict"),
        ({"colour": "red"}, r"'colour' is not a rule node"),
        (condition("age", "between", [1]), r"needs \[low, high\] with numbers or YYYY-MM-DD dates"),
        (condition("age", "between", [40, 25]), r"the low bound 40 is above the high bound 25; swap them"),
        (condition("age", "between", [None, None]), r"both bounds are null; give at least one, or use"),
        (condition("age", "between", [1, "2026-01-01"]), r"mix a number and a date"),
        (condition("age", ">", "abc"), r"column 'age', op '>': needs a number or a date written YYYY-MM-DD, got 'abc'"),
        (condition("day", "<", "2026-02-30"), r"needs a number or a date written YYYY-MM-DD, got '2026-02-30'"),
        (condition("age", "==", [1]), r"needs a number, a text or true/false, got \[1\]"),
        (condition("city", "in", []), r"needs a non-empty list of texts or of numbers, got \[\]"),
        (condition("city", "in", ["a", 1]), r"the list \['a', 1\] mixes kinds or holds nulls"),
        (condition("city", "in", ["a", None]), r"mixes kinds or holds nulls"),
        (condition("city", "contains", ""), r"needs a non-empty text"),
        (condition("day", "within_last_days", -1), r"needs a whole number of days, 0 or more, got -1"),
        (condition("day", "within_last_days", "30"), r"needs a whole number of days"),
        (condition("day", "more_than_days_ago", True), r"needs a whole number of days"),
        (condition("age", "is_missing", 3), r"takes no value; remove 'value'"),
        ({"column": "age", "op": "=="}, r"needs a value \(a number, a text or true/false\)"),
        ({"column": "", "op": "==", "value": 1}, r"'column' must be a column name"),
        ({"op": "==", "value": 1}, r"'column' must be a column name, got None"),
        ({"segment": 7, "mode": "exlude"}, r"mode 'exlude' is unknown \(did you mean 'exclude'\?\)"),
        ({"segment": True}, r"'segment' must be a segment id"),
        ({"segment": 7, "as": "x"}, r"unknown key 'as' in a segment reference"),
    ],
)
def test_bad_definitions_name_the_place_and_the_fix(definition, message):
    with pytest.raises(RuleError, match=message):
        RuleSegment(definition)


def test_absurdly_deep_trees_are_refused():
    definition: dict = AGE_OK
    for _ in range(60):
        definition = {"not": definition}
    with pytest.raises(RuleError, match="nested more than 40 levels deep"):
        RuleSegment(definition)


@pytest.mark.parametrize(
    ("definition", "text"),
    [
        (
            {"all": [condition("age", "between", [25, 40]), condition("city", "in", ["Amsterdam", "Rotterdam"]),
                     {"segment": 7, "mode": "exclude"}]},
            "age between 25 and 40 AND city in (Amsterdam, Rotterdam) AND NOT member of segment 7",
        ),
        (
            {"any": [{"all": [AGE_OK, condition("vip", "==", True)]}, {"not": condition("city", "contains", "dam")}]},
            "(age above 3 AND vip is true) OR NOT (city contains 'dam')",
        ),
        ({"not": {"any": [AGE_OK, {"segment": 2}]}}, "NOT (age above 3 OR member of segment 2)"),
        (condition("age", "between", [18, None]), "age at least 18"),
        (condition("joined", "between", [None, "2026-01-31"]), "joined on or before 2026-01-31"),
        (condition("joined", ">=", "2026-01-01"), "joined on or after 2026-01-01"),
        (condition("revenue", "<", 99.5), "revenue below 99.5"),
        (condition("joined", "within_last_days", 90), "joined within the last 90 days"),
        (condition("joined", "more_than_days_ago", 365), "joined more than 365 days ago"),
        (condition("city", "not_in", ["Köln"]), "city not in (Köln)"),
        (condition("city", "is_missing"), "city is missing"),
        (condition("city", "not_missing"), "city is present"),
        (condition("interests", "not_contains", "golf"), "interests does not contain 'golf'"),
    ],
)
def test_describe_reads_as_plain_english(definition, text):
    assert RuleSegment(definition).describe() == text


ROUND_TRIPS = [
    AGE_OK,
    {"all": [condition("age", "between", [25, None]), {"not": {"any": [condition("city", "in", ["a", "b"])]}}]},
    {"any": [{"segment": 3, "mode": "exclude"}, {"segment": "vip-list", "mode": "include"}]},
    condition("joined", "within_last_days", 0),
    condition("city", "is_missing"),
    condition("vip", "!=", False),
]


@pytest.mark.parametrize("definition", ROUND_TRIPS)
def test_json_round_trip_keeps_the_definition(definition):
    rule = RuleSegment(definition, name="Test")
    again = RuleSegment.from_json(rule.to_json(), name="Test")
    assert again == rule
    assert again.to_dict() == definition
    assert json.loads(json.dumps(rule.to_dict())) == definition


def test_python_dates_and_tuples_are_stored_as_json_values():
    rule = RuleSegment(condition("joined", "between", (date(2026, 1, 1), datetime(2026, 2, 1, 9, 30))))
    assert rule.to_dict() == condition("joined", "between", ["2026-01-01", "2026-02-01"])


def test_segment_reference_defaults_to_include():
    assert RuleSegment({"segment": 4}).to_dict() == {"segment": 4, "mode": "include"}


def test_from_json_reports_bad_json_in_one_line():
    with pytest.raises(RuleError, match=r"^The segment definition is not valid JSON: Expecting property name "
                                        r".* at line 1, column 2\.$"):
        RuleSegment.from_json("{'all': []}")


def test_mask_is_a_bool_series_aligned_with_the_frame():
    mask = RuleSegment(condition("age", ">=", 30), name="30+").mask(PEOPLE)
    assert mask.dtype == bool
    assert mask.name == "30+"
    assert mask.index.equals(PEOPLE.index)
    assert mask.tolist() == [False, True, False, True]


@pytest.mark.parametrize(
    ("definition", "members"),
    [
        ({"not": condition("age", ">=", 30)}, [101, 103]),  # missing age: the condition is false, NOT makes it true
        (condition("age", "not_in", [22]), [102, 104]),
        (condition("city", "!=", "Berlin"), [101, 103]),
        (condition("joined", "within_last_days", 1), [101, 104]),
        (condition("joined", "more_than_days_ago", 1), [102]),
        ({"any": [condition("vip", "==", True), condition("city", "is_missing")]}, [101, 103, 104]),
        (condition("city", "contains", "KÖ"), [103]),
    ],
)
def test_mask_members(definition, members):
    mask = RuleSegment(definition).mask(PEOPLE, as_of=AS_OF)
    assert PEOPLE.index[mask].tolist() == members


@pytest.mark.parametrize("as_of", [AS_OF, datetime(2026, 6, 30, 23, 0), pd.Timestamp("2026-06-30 08:00")])
def test_as_of_may_be_a_date_datetime_or_timestamp(as_of):
    mask = RuleSegment(condition("joined", "within_last_days", 0)).mask(PEOPLE, as_of=as_of)
    assert PEOPLE.index[mask].tolist() == [104]


def test_as_of_of_the_wrong_type_is_refused():
    with pytest.raises(RuleError, match="as_of must be a date, got '2026-06-30'"):
        RuleSegment(AGE_OK).mask(PEOPLE, as_of="2026-06-30")


def test_a_column_missing_from_the_frame_is_named_with_the_available_ones():
    rule = RuleSegment({"all": [AGE_OK, {"any": [condition("cty", "==", "Berlin")]}]})
    with pytest.raises(RuleError, match=r"^all\[1\]\.any\[0\]: column 'cty' is not in the data \(did you mean "
                                        r"'city'\?\); available columns: age, city, joined, vip\.$"):
        rule.mask(PEOPLE)


def test_a_duplicated_column_is_refused():
    frame = pd.concat([PEOPLE, PEOPLE[["age"]]], axis=1)
    with pytest.raises(RuleError, match="column 'age' appears more than once"):
        RuleSegment(AGE_OK).mask(frame)


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        (condition("city", ">", 5), r"column 'city' holds text, so op '>' with value 5 does not fit; for text use"),
        (condition("age", "contains", "2"), r"column 'age' holds numbers, so op 'contains'"),
        (condition("age", "==", "22"), r"column 'age' holds numbers, so op '==' with value '22' does not fit"),
        (condition("age", "within_last_days", 3), r"column 'age' holds numbers"),
        (condition("joined", ">", 5), r"column 'joined' holds dates, so op '>' with value 5 does not fit"),
        (condition("joined", "in", ["2026-06-29"]), r"column 'joined' holds dates, so op 'in' .* use between"),
        (condition("joined", "contains", "2026"), r"column 'joined' holds dates"),
        (condition("vip", "==", 1), r"column 'vip' holds true/false values, so op '==' with value 1 does not fit"),
    ],
)
def test_a_value_of_the_wrong_kind_for_the_column_is_refused(definition, message):
    with pytest.raises(RuleError, match=message):
        RuleSegment(definition).mask(PEOPLE)


def test_text_dates_categories_and_time_zones_evaluate():
    frame = pd.DataFrame(
        {
            "day_text": ["2026-06-29", "2026-06-29T23:00:00", "someday", None, "2025-01-01"],
            "as_objects": pd.Series([date(2026, 6, 29), None, date(2020, 1, 1), date(2026, 6, 1), None], dtype=object),
            "tier": pd.Categorical(["gold", "silver", None, "gold", "bronze"]),
            "seen": pd.to_datetime(["2026-06-30 23:30"] * 5).tz_localize("Europe/Amsterdam"),
        }
    )
    recent = RuleSegment(condition("day_text", "within_last_days", 7)).mask(frame, as_of=AS_OF)
    assert recent.tolist() == [True, True, False, False, False]
    objects = RuleSegment(condition("as_objects", "between", ["2026-01-01", None])).mask(frame)
    assert objects.tolist() == [True, False, False, True, False]
    gold = RuleSegment(condition("tier", "in", ["gold"])).mask(frame)
    assert gold.tolist() == [True, False, False, True, False]
    wall_clock = RuleSegment(condition("seen", "==", "2026-06-30")).mask(frame)
    assert wall_clock.all()


# --- segment references --------------------------------------------------------------------------------

STORED = {
    1: condition("age", ">=", 30),
    2: {"all": [{"segment": 1}, condition("vip", "==", False)]},
    3: json.dumps(condition("city", "==", "Köln")),
    4: RuleSegment(condition("city", "contains", "e")),
    5: {"all": [condition("agee", ">", 1)]},
    8: {"segment": 9},
    9: {"any": [AGE_OK, {"segment": 8, "mode": "exclude"}]},
}


@pytest.mark.parametrize(
    ("definition", "members"),
    [
        ({"segment": 2}, [102, 104]),
        ({"segment": 1, "mode": "exclude"}, [101, 103]),
        ({"segment": 3}, [103]),
        ({"all": [{"segment": 4}, {"segment": 1, "mode": "exclude"}]}, [101]),
    ],
)
def test_segment_references_are_resolved(definition, members):
    mask = RuleSegment(definition).mask(PEOPLE, resolve_segment=STORED.get)
    assert PEOPLE.index[mask].tolist() == members


def test_a_cycle_between_segments_is_refused_with_the_chain():
    with pytest.raises(RuleError, match=r"^segment 9\.any\[1\]: segments refer to each other in a cycle "
                                        r"\(8 → 9 → 8\); remove one of these segment references\.$"):
        RuleSegment({"all": [{"segment": 8}]}).mask(PEOPLE, resolve_segment=STORED.get)


def test_segment_problems_name_the_segment():
    with pytest.raises(RuleError, match=r"^segment 5\.all\[0\]: column 'agee' is not in the data"):
        RuleSegment({"segment": 5}).mask(PEOPLE, resolve_segment=STORED.get)
    with pytest.raises(RuleError, match=r"^rule: segment 6 does not exist; remove the reference"):
        RuleSegment({"segment": 6}).mask(PEOPLE, resolve_segment=STORED.get)
    with pytest.raises(RuleError, match=r"^any\[0\]: segment 6 does not exist"):
        RuleSegment({"any": [{"segment": 6}]}).mask(PEOPLE, resolve_segment=STORED.__getitem__)
    with pytest.raises(RuleError, match=r"uses segment 1; pass resolve_segment="):
        RuleSegment({"segment": 1}).mask(PEOPLE)


def test_columns_used_follows_segments_only_with_a_resolver():
    rule = RuleSegment({"all": [condition("city", "not_missing"), {"not": {"segment": 2}}]})
    assert rule.columns_used() == {"city"}
    assert rule.columns_used(resolve_segment=STORED.get) == {"city", "age", "vip"}
    assert rule.segments_used() == {2}


def test_mask_agrees_with_a_hand_written_pandas_filter_on_demo_data():
    customers = generate_demo(rows=2000, seed=1, as_of=AS_OF).customers
    rule = RuleSegment({"all": [
        condition("age", "between", [25, 40]),
        {"any": [condition("interests", "contains", "Travel"), condition("lifestyle", "==", "career-driven")]},
        {"not": condition("last_purchase", "more_than_days_ago", 365)},
        condition("income_band", "not_in", ["<20k", "20-40k"]),
    ]})
    expected = (
        customers["age"].between(25, 40)
        & (customers["interests"].str.lower().str.contains("travel") | (customers["lifestyle"] == "career-driven"))
        & ~(customers["last_purchase"] < pd.Timestamp("2025-06-30"))
        & customers["income_band"].notna() & ~customers["income_band"].isin(["<20k", "20-40k"])
    )
    mask = rule.mask(customers, as_of=AS_OF)
    assert mask.sum() > 50
    assert mask.equals(expected.fillna(False).astype(bool).rename("segment"))

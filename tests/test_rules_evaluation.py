"""The fast rule evaluator (short-circuit groups, cheapest child first, per-value text tests) changes no member.

Every rule tree is checked against a plain evaluation: each condition on the whole frame, combined with
numpy AND / OR / NOT. The frame is large enough (60,000 rows) for the sampled planning and the
per-distinct-value text paths to run, and mixes missing values, accents, categories and object columns.
"""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pandas as pd
import pytest

from segmentation.rules import RuleError, RuleSegment

AS_OF = date(2026, 6, 30)
ROWS = 60_000
CITIES = ["Amsterdam", "amsterdam", "Köln", "KÖLN", "Île-de-France", "Den Haag", "", "sport_%"]
INTERESTS = ["sports;travel", "Travel;Cooking", "gardening", "reading;ÉCOLE", "sports", "music", ""]
SEGMENTS = {
    1: {"any": [{"column": "income", "op": ">", "value": 60000.0},
                {"column": "city", "op": "contains", "value": "köln"}]},
    2: {"not": {"column": "seen", "op": "within_last_days", "value": 200}},
}


def _customers() -> pd.DataFrame:
    rng = np.random.default_rng(7)

    def with_gaps(values, share=0.1) -> pd.Series:
        return pd.Series(values).mask(rng.random(ROWS) < share)

    def pick(values) -> np.ndarray:
        return np.asarray(values, dtype=object)[rng.integers(0, len(values), ROWS)]

    cities = with_gaps(pick(CITIES))
    seen = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 1000 * 86400, ROWS), unit="s")
    # mostly ASCII codes with a few accented ones: row subsets switch between the ASCII and Unicode paths
    codes = [f"é{index}" if index % 997 == 0 else f"code{index}" for index in range(ROWS)]
    return pd.DataFrame({
        "id": np.arange(ROWS),
        "age": rng.integers(10, 90, ROWS),
        "income": with_gaps(rng.normal(50000, 20000, ROWS).round(1)),
        "count": pd.array(with_gaps(rng.integers(0, 12, ROWS).astype(float)), dtype="Int64"),
        "city": cities.astype("str"),
        "city_category": pd.Categorical(cities),
        "city_object": cities.astype(object),
        "tier": pd.Categorical(pick([f"tier {index}" for index in range(12)])),
        "interests": with_gaps(pick(INTERESTS)).astype("str"),
        "code": with_gaps(codes).astype("str"),
        "seen": with_gaps(seen),
        "seen_text": with_gaps(seen.strftime("%Y-%m-%d").where(rng.random(ROWS) < 0.8, "n/a")).astype("str"),
        "vip": pd.array(with_gaps(rng.random(ROWS) < 0.4), dtype="boolean"),
        "flag": rng.random(ROWS) < 0.5,
    })


CUSTOMERS = _customers()
TEXT_COLUMNS = ["city", "city_category", "city_object", "interests", "code", "tier"]


def _leaf(pick: random.Random) -> dict:
    kind = pick.choice(["number", "count", "text", "text", "date", "text_date", "boolean", "missing", "segment"])
    if kind in ("number", "count"):
        column, value = ("income", pick.choice([30000.0, 50000.0, 70000.0])) if kind == "number" else \
            ("count", pick.randint(0, 12))
        op = pick.choice(["between", ">", ">=", "<", "<=", "==", "!=", "in", "not_in"])
        values = {"between": [value, value * 2], "in": [value, 3], "not_in": [value, 3]}
        return {"column": column, "op": op, "value": values.get(op, value)}
    if kind == "text":
        op = pick.choice(["==", "!=", "in", "not_in", "contains", "not_contains"])
        words = [*CITIES, *INTERESTS, "code12", "é997", "tier 3"]
        value = {"in": words[::3], "not_in": words[1::3]}.get(op) or pick.choice(
            ["sport", "KÖLN", "île", "amster", "_%", "école", "de", "é", "tier 1"] if "contains" in op else words)
        return {"column": pick.choice(TEXT_COLUMNS), "op": op, "value": value}
    if kind in ("date", "text_date"):
        op = pick.choice(["between", ">", "<=", "within_last_days", "more_than_days_ago"])
        value = {"between": ["2024-06-01", "2025-12-31"], "within_last_days": 365, "more_than_days_ago": 500}.get(
            op, "2025-03-01")
        return {"column": "seen" if kind == "date" else "seen_text", "op": op, "value": value}
    if kind == "boolean":
        return {"column": pick.choice(["vip", "flag"]), "op": pick.choice(["==", "!="]), "value": pick.random() < 0.5}
    if kind == "missing":
        op = pick.choice(["is_missing", "not_missing"])
        return {"column": pick.choice(["income", "city", "vip", "seen"]), "op": op}
    return {"segment": pick.choice([1, 2]), "mode": pick.choice(["include", "exclude"])}


def _tree(pick: random.Random, depth: int = 0) -> dict:
    if depth >= 3 or pick.random() < 0.3:
        return _leaf(pick)
    kind = pick.choice(["all", "all", "any", "any", "not"])
    if kind == "not":
        return {"not": _tree(pick, depth + 1)}
    return {kind: [_tree(pick, depth + 1) for _ in range(pick.randint(2, 4))]}


def _plain(definition: dict, frame: pd.DataFrame) -> np.ndarray:
    """The members by the book: every condition on every row, combined with numpy."""
    if "all" in definition:
        return np.logical_and.reduce([_plain(child, frame) for child in definition["all"]])
    if "any" in definition:
        return np.logical_or.reduce([_plain(child, frame) for child in definition["any"]])
    if "not" in definition:
        return ~_plain(definition["not"], frame)
    return RuleSegment(definition).mask(frame, as_of=AS_OF, resolve_segment=SEGMENTS.get).to_numpy()


RANDOM_TREES = [_tree(random.Random(seed)) for seed in range(60)]


@pytest.mark.parametrize("definition", RANDOM_TREES, ids=[f"tree{seed}" for seed in range(len(RANDOM_TREES))])
def test_short_circuit_evaluation_selects_the_same_members_as_a_plain_one(definition):
    mask = RuleSegment(definition).mask(CUSTOMERS, as_of=AS_OF, resolve_segment=SEGMENTS.get)
    expected = _plain(definition, CUSTOMERS)
    assert mask.to_numpy().tolist() == expected.tolist(), RuleSegment(definition).describe()


def test_the_random_trees_are_not_trivial():
    counts = [int(_plain(definition, CUSTOMERS).sum()) for definition in RANDOM_TREES]
    assert sum(0 < count < ROWS for count in counts) >= len(RANDOM_TREES) // 2  # some rows, not all


@pytest.mark.parametrize(
    ("op", "value"),
    [("==", "Köln"), ("!=", "Köln"), ("in", ["KÖLN", "", "Den Haag"]), ("not_in", ["Amsterdam", "sport_%"]),
     ("contains", "AMSTER"), ("contains", "ö"), ("not_contains", "de"), ("is_missing", None)],
)
def test_text_held_as_string_category_or_object_gives_the_same_members(op, value):
    definition = {"column": "city", "op": op} | ({} if value is None else {"value": value})
    by_kind = {}
    for column in ("city", "city_category", "city_object"):
        frame = CUSTOMERS[[column]].rename(columns={column: "city"})
        by_kind[column] = RuleSegment(definition).mask(frame).to_numpy().tolist()
    assert by_kind["city"] == by_kind["city_category"] == by_kind["city_object"]
    assert 0 < sum(by_kind["city"]) < ROWS


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"all": [{"column": "interests", "op": "contains", "value": "a"}, {"column": "agee", "op": ">", "value": 1},
                  {"column": "city", "op": ">", "value": 5}]}, r"^all\[1\]: column 'agee' is not in the data"),
        ({"all": [{"column": "city", "op": ">", "value": 5}, {"column": "agee", "op": ">", "value": 1}]},
         r"^all\[0\]: column 'city' holds text"),
        ({"any": [{"column": "age", "op": ">", "value": 200}, {"segment": 9}]}, r"^any\[1\]: segment 9 does not exist"),
    ],
)
def test_the_first_problem_in_written_order_is_reported_whatever_runs_first(definition, message):
    with pytest.raises(RuleError, match=message):
        RuleSegment(definition).mask(CUSTOMERS, resolve_segment=SEGMENTS.get)


def test_a_group_whose_first_condition_keeps_nobody_selects_nobody():
    rule = RuleSegment({"all": [{"column": "age", "op": ">", "value": 200},
                                {"column": "city", "op": "contains", "value": "a"}]})
    assert not rule.mask(CUSTOMERS).any()
    assert not rule.mask(CUSTOMERS.iloc[:0]).any()


def test_a_segment_used_twice_is_not_altered_by_the_first_use():
    definition = {"all": [
        {"any": [{"segment": 1}, {"column": "code", "op": "contains", "value": "é"}]},
        {"not": {"all": [{"segment": 1}, {"column": "age", "op": "<", "value": 40}]}},
        {"segment": 1, "mode": "exclude"},
    ]}
    mask = RuleSegment(definition).mask(CUSTOMERS, as_of=AS_OF, resolve_segment=SEGMENTS.get)
    assert mask.to_numpy().tolist() == _plain(definition, CUSTOMERS).tolist()
    assert mask.sum() > 0

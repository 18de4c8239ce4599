"""Rule segments compiled to SQL select exactly the members the pandas mask selects (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite

from segmentation.rules import RuleError, RuleSegment
from store.db import create_store_engine
from tests.conftest import BACKENDS, skip_or_fail

AS_OF = date(2026, 6, 30)


def _customers() -> pd.DataFrame:
    """Eight customers with missing values, accents, case, LIKE wildcards, timestamps and text dates."""
    rows = [
        # id, age, income, city, interests, last_purchase, signup_text, vip, birth_day
        (1, 25, 30000.0, "Amsterdam", "sports;travel", "2026-06-30 14:00", "2026-06-01", True, "2001-02-03"),
        (2, 40, 55000.5, "Rotterdam", "Travel;Cooking", "2026-04-01", "2025-12-31 10:00:00", False, "1986-06-30"),
        (3, None, None, "Köln", "gardening", None, None, True, None),
        (4, 67, 120000.0, "KÖLN", None, "2024-01-15 09:30", "unknown", False, "1959-01-01"),
        (5, 18, 12000.0, "Île-de-France", "reading;ÉCOLE", "2026-07-02", "2026-07-01", None, "2008-06-30"),
        (6, 33, 41000.0, None, "sports", "2025-06-30 23:59", "2025-06-30", True, "1993-01-01"),
        (7, 29, 80000.0, "amsterdam", "sport_%;x", "2026-06-01", "2026-06-01T08:00", False, "1997-12-31"),
        (8, 52, 95000.0, "Den Haag", "", "2023-03-03", "", True, "1974-05-05"),
    ]
    names = ["id", "age", "income", "city", "interests", "last_purchase", "signup_text", "vip", "birth_day"]
    frame = pd.DataFrame(rows, columns=names)
    return frame.assign(
        age=frame["age"].astype("Int64"),
        income=frame["income"].astype("float64"),
        last_purchase=pd.to_datetime(frame["last_purchase"], format="ISO8601"),
        vip=frame["vip"].astype("boolean"),
        birth_day=pd.to_datetime(frame["birth_day"]),
    )


CUSTOMERS = _customers()
SQL_TYPES = {"birth_day": sa.Date()}  # the rest follows the pandas dtype
SEGMENTS = {
    10: {"column": "age", "op": ">=", "value": 30},
    11: {"all": [{"segment": 10}, {"column": "city", "op": "not_missing"}]},
    12: {"column": "interests", "op": "contains", "value": "SPORT"},
}


def condition(column: str, op: str, value: object = None) -> dict:
    return {"column": column, "op": op} | ({} if value is None else {"value": value})


CASES = [
    ("between closed", condition("age", "between", [25, 40]), {1, 2, 6, 7}),
    ("between open high", condition("age", "between", [30, None]), {2, 4, 6, 8}),
    ("between open low", condition("age", "between", [None, 29]), {1, 5, 7}),
    (">", condition("age", ">", 40), {4, 8}),
    (">=", condition("age", ">=", 40), {2, 4, 8}),
    ("<", condition("age", "<", 25), {5}),
    ("<=", condition("age", "<=", 25), {1, 5}),
    ("== float", condition("income", "==", 55000.5), {2}),
    ("!= skips missing", condition("income", "!=", 30000), {2, 4, 5, 6, 7, 8}),
    ("in numbers", condition("age", "in", [18, 67, 99]), {4, 5}),
    ("not_in skips missing", condition("age", "not_in", [18, 67]), {1, 2, 6, 7, 8}),
    ("== text is exact", condition("city", "==", "Amsterdam"), {1}),
    ("!= text skips missing", condition("city", "!=", "Amsterdam"), {2, 3, 4, 5, 7, 8}),
    ("in text with accents", condition("city", "in", ["Köln", "Den Haag"]), {3, 8}),
    ("not_in text", condition("city", "not_in", ["Köln"]), {1, 2, 4, 5, 7, 8}),
    ("contains folds accented capitals", condition("city", "contains", "köln"), {3, 4}),
    ("contains ignores case", condition("city", "contains", "AMSTER"), {1, 7}),
    ("contains Î", condition("city", "contains", "île"), {5}),
    ("not_contains skips missing", condition("city", "not_contains", "köln"), {1, 2, 5, 7, 8}),
    ("contains in multi-value text", condition("interests", "contains", "sport"), {1, 6, 7}),
    ("contains second value", condition("interests", "contains", "travel"), {1, 2}),
    ("contains escapes LIKE wildcards", condition("interests", "contains", "_%"), {7}),
    ("contains É", condition("interests", "contains", "école"), {5}),
    ("not_contains keeps empty text", condition("interests", "not_contains", "sport"), {2, 3, 5, 8}),
    ("within_last_days", condition("last_purchase", "within_last_days", 30), {1, 7}),
    ("within_last_days 0 is as_of", condition("last_purchase", "within_last_days", 0), {1}),
    ("within_last_days 365", condition("last_purchase", "within_last_days", 365), {1, 2, 6, 7}),
    ("more_than_days_ago", condition("last_purchase", "more_than_days_ago", 365), {4, 8}),
    ("date between", condition("last_purchase", "between", ["2026-04-01", "2026-06-30"]), {1, 2, 7}),
    ("date >", condition("last_purchase", ">", "2026-06-01"), {1, 5}),
    ("date >=", condition("last_purchase", ">=", "2026-06-01"), {1, 5, 7}),
    ("date <", condition("last_purchase", "<", "2024-01-15"), {8}),
    ("date <= counts the whole day", condition("last_purchase", "<=", "2024-01-15"), {4, 8}),
    ("date ==", condition("last_purchase", "==", "2026-06-30"), {1}),
    ("date !=", condition("last_purchase", "!=", "2026-06-30"), {2, 4, 5, 6, 7, 8}),
    ("Date column between", condition("birth_day", "between", ["1990-01-01", "2001-02-03"]), {1, 6, 7}),
    ("text dates within_last_days", condition("signup_text", "within_last_days", 30), {1, 7}),
    ("text dates >", condition("signup_text", ">", "2025-12-31"), {1, 5, 7}),
    ("text dates more_than_days_ago", condition("signup_text", "more_than_days_ago", 180), {2, 6}),
    ("text == stays exact", condition("signup_text", "==", "2026-06-01"), {1}),
    ("boolean == true", condition("vip", "==", True), {1, 3, 6, 8}),
    ("boolean != true skips missing", condition("vip", "!=", True), {2, 4, 7}),
    ("boolean in", condition("vip", "in", [False]), {2, 4, 7}),
    ("is_missing number", condition("age", "is_missing"), {3}),
    ("is_missing text (empty text is present)", condition("interests", "is_missing"), {4}),
    ("is_missing boolean", condition("vip", "is_missing"), {5}),
    ("not_missing", condition("city", "not_missing"), {1, 2, 3, 4, 5, 7, 8}),
    ("NOT of a missing value is true", {"not": condition("age", ">", 40)}, {1, 2, 3, 5, 6, 7}),
    ("NOT contains", {"not": condition("city", "contains", "köln")}, {1, 2, 5, 6, 7, 8}),
    ("any", {"any": [condition("age", "<", 20), condition("city", "==", "Den Haag")]}, {5, 8}),
    (
        "nested all / any / not",
        {"all": [
            {"any": [condition("interests", "contains", "sport"), condition("vip", "==", False)]},
            {"not": condition("last_purchase", "within_last_days", 30)},
        ]},
        {2, 4, 6},
    ),
    ("double NOT", {"not": {"not": condition("age", ">", 40)}}, {4, 8}),
    ("segment include", {"segment": 10}, {2, 4, 6, 8}),
    ("segment exclude keeps missing", {"segment": 10, "mode": "exclude"}, {1, 3, 5, 7}),
    ("segment of a segment", {"all": [{"segment": 11}, condition("vip", "==", True)]}, {8}),
    ("NOT of an excluded segment is the segment", {"not": {"segment": 12, "mode": "exclude"}}, {1, 6, 7}),
]


def load_table(engine: sa.Engine, frame: pd.DataFrame, name: str, sql_types: dict | None = None) -> sa.Table:
    """Write ``frame`` to a fresh table whose column types follow the dtypes (missing values as NULL)."""
    sql_types = sql_types or {}
    table = sa.Table(
        name, sa.MetaData(), *(sa.Column(column, sql_types.get(column) or _sql_type(frame[column].dtype))
                               for column in frame.columns)
    )
    records = [
        {column: _python(value, table.c[column].type) for column, value in row.items()}
        for row in frame.to_dict("records")
    ]
    with engine.begin() as connection:
        table.drop(connection, checkfirst=True)
        table.create(connection)
        if records:
            connection.execute(table.insert(), records)
    return table


def _sql_type(dtype) -> sa.types.TypeEngine:
    if pd.api.types.is_bool_dtype(dtype):
        return sa.Boolean()
    if pd.api.types.is_integer_dtype(dtype):
        return sa.BigInteger()
    if pd.api.types.is_float_dtype(dtype):
        return sa.Float()
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return sa.DateTime()
    return sa.Text()


def _python(value: object, sql_type: sa.types.TypeEngine) -> object:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
        return value.date() if isinstance(sql_type, sa.Date) and not isinstance(sql_type, sa.DateTime) else value
    return value.item() if isinstance(value, np.generic) else value


def members_sql(engine: sa.Engine, table: sa.Table, rule: RuleSegment, **options) -> set[int]:
    with engine.connect() as connection:
        query = sa.select(table.c.id).where(rule.to_sql(table, **options))
        return set(connection.execute(query).scalars())


def members_pandas(frame: pd.DataFrame, rule: RuleSegment, **options) -> set[int]:
    return set(frame.loc[rule.mask(frame, **options), "id"].tolist())


@pytest.fixture(scope="module", params=BACKENDS)
def warehouse(request: pytest.FixtureRequest) -> Iterator[tuple[sa.Engine, sa.Table]]:
    """The customers as a table in SQLite (in memory) and, when TEST_DATABASE_URL is set, PostgreSQL."""
    if request.param == "sqlite":
        engine = create_store_engine("sqlite://")
    else:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            skip_or_fail("TEST_DATABASE_URL is not set (PostgreSQL rule-segment tests run in CI)")
        engine = create_store_engine(url)
    table = load_table(engine, CUSTOMERS, f"rule_segment_customers_{os.getpid()}", SQL_TYPES)
    yield engine, table
    with engine.begin() as connection:
        table.drop(connection)
    engine.dispose()


@pytest.mark.parametrize(("label", "definition", "expected"), CASES, ids=[case[0] for case in CASES])
def test_pandas_and_sql_select_the_same_members(warehouse, label, definition, expected):
    engine, table = warehouse
    rule = RuleSegment(definition, name=label)
    options = {"as_of": AS_OF, "resolve_segment": SEGMENTS.get}
    assert members_pandas(CUSTOMERS, rule, **options) == expected
    assert members_sql(engine, table, rule, **options) == expected


def test_default_as_of_is_today_in_both(warehouse):
    engine, table = warehouse
    rule = RuleSegment(condition("last_purchase", "more_than_days_ago", 30))
    today = members_pandas(CUSTOMERS, rule, as_of=date.today())
    assert members_pandas(CUSTOMERS, rule) == members_sql(engine, table, rule) == today
    assert today != members_pandas(CUSTOMERS, rule, as_of=date(2024, 1, 1))


def test_sql_names_a_column_the_table_lacks(warehouse):
    _engine, table = warehouse
    with pytest.raises(RuleError, match=r"all\[1\]: column 'agee' is not in table .*did you mean 'age'"):
        RuleSegment({"all": [condition("city", "==", "x"), condition("agee", ">", 3)]}).to_sql(table)


def test_sql_refuses_a_value_of_the_wrong_kind(warehouse):
    _engine, table = warehouse
    with pytest.raises(RuleError, match=r"column 'city' holds text, so op '>' with value 5 does not fit"):
        RuleSegment(condition("city", ">", 5)).to_sql(table)


def test_sql_cycle_is_refused(warehouse):
    _engine, table = warehouse
    loop = {1: {"segment": 2}, 2: {"all": [{"segment": 1}]}}
    with pytest.raises(RuleError, match=r"cycle \(1 → 2 → 1\)"):
        RuleSegment({"segment": 1}).to_sql(table, resolve_segment=loop.get)


@pytest.mark.parametrize(
    ("dialect", "fragments"),
    [
        (sqlite.dialect(), ["lower(t.city)", "LIKE '%' || ", "ESCAPE '/'", "coalesce(t.age > 5, 0) = 0"]),
        (postgresql.dialect(), ["lower(t.city)", "ESCAPE '/'", "NOT coalesce(t.age > 5, false)"]),
    ],
    ids=["sqlite", "postgresql"],
)
def test_compiled_sql_is_plain_portable_sql(dialect, fragments):
    table = sa.Table("t", sa.MetaData(), sa.Column("city", sa.Text), sa.Column("age", sa.Integer))
    rule = RuleSegment({"all": [condition("city", "contains", "a_b"), {"not": condition("age", ">", 5)}]})
    sql = str(rule.to_sql(table).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    for fragment in fragments:
        assert fragment in sql
    assert "a/_b" in sql  # the underscore is escaped, not a wildcard


# --- random rules on random data: pandas == SQL ---------------------------------------------------------

DAYS = pd.date_range("2025-06-01", "2026-07-10", freq="D")
_TEXT_PIECES = ["a", "A", "é", "É", "ö", "Ö", "î", "x", ";", "%", "_", " "]
_texts = st.lists(st.sampled_from(_TEXT_PIECES), min_size=0, max_size=5).map("".join)
_needles = st.sampled_from(["é", "É", "ö", "Ö", "î", "a", "A", "%", "_", "é;", "a é", "Öa"])  # short: frequent hits
_numbers = st.sampled_from([-2.5, 0.0, 1.0, 1.5, 3.0, 7.0, 10.0])
_dates = st.sampled_from(list(DAYS.strftime("%Y-%m-%d")))


@st.composite
def random_frames(draw) -> pd.DataFrame:
    size = draw(st.integers(min_value=1, max_value=25))
    maybe = lambda values: st.one_of(st.none(), values)  # noqa: E731 - a local shorthand
    numbers = draw(st.lists(maybe(_numbers), min_size=size, max_size=size))
    counts = draw(st.lists(maybe(st.integers(0, 12)), min_size=size, max_size=size))
    texts = draw(st.lists(maybe(_texts), min_size=size, max_size=size))
    stamps = draw(st.lists(maybe(st.tuples(_dates, st.sampled_from(["00:00", "13:30", "23:59"]))),
                           min_size=size, max_size=size))
    day_texts = draw(st.lists(maybe(st.one_of(_dates, _dates.map(lambda day: day + " 08:15"),
                                              st.sampled_from(["", "n/a", "2026"]))),
                              min_size=size, max_size=size))
    flags = draw(st.lists(maybe(st.booleans()), min_size=size, max_size=size))
    return pd.DataFrame({
        "id": range(size),
        "num": np.array([np.nan if number is None else number for number in numbers], dtype="float64"),
        "count": pd.array(counts, dtype="Int64"),
        "text": pd.array(texts, dtype="str"),
        "stamp": pd.to_datetime([f"{day} {clock}" if day else None for day, clock in
                                 (stamp or (None, None) for stamp in stamps)]),
        "day_text": pd.array(day_texts, dtype="str"),
        "flag": pd.array(flags, dtype="boolean"),
    })


def _between(values):
    return st.tuples(st.one_of(st.none(), values), st.one_of(st.none(), values)).filter(
        lambda pair: pair != (None, None)).map(
        lambda pair: sorted(pair) if None not in pair else list(pair))


def _conditions_on(column: str, values, ops) -> st.SearchStrategy:
    return st.one_of(
        st.builds(condition, st.just(column), st.sampled_from([">", ">=", "<", "<=", "==", "!="] if ops else
                                                              ["==", "!="]), values),
        st.builds(condition, st.just(column), st.sampled_from(["in", "not_in"]),
                  st.lists(values, min_size=1, max_size=3)),
        st.builds(condition, st.just(column), st.sampled_from(["is_missing", "not_missing"])),
        *([st.builds(condition, st.just(column), st.just("between"), _between(values))] if ops else []),
    )


_date_conditions = lambda column: st.one_of(  # noqa: E731
    st.builds(condition, st.just(column), st.sampled_from([">", ">=", "<", "<=", "==", "!="]), _dates),
    st.builds(condition, st.just(column), st.just("between"), _between(_dates)),
    st.builds(condition, st.just(column), st.sampled_from(["within_last_days", "more_than_days_ago"]),
              st.integers(0, 400)),
    st.builds(condition, st.just(column), st.sampled_from(["is_missing", "not_missing"])),
)
_contains = st.builds(condition, st.just("text"), st.sampled_from(["contains", "not_contains"]), _needles)
_leaves = st.one_of(
    _contains, _contains, _contains,  # case folding differs most between engines: test it most
    _conditions_on("num", _numbers, ops=True),
    _conditions_on("count", st.integers(0, 12), ops=True),
    _conditions_on("text", _texts.filter(bool), ops=False),
    _date_conditions("stamp"),
    _date_conditions("day_text"),
    _conditions_on("flag", st.booleans(), ops=False),
    st.builds(lambda segment, mode: {"segment": segment, "mode": mode}, st.sampled_from([1, 2]),
              st.sampled_from(["include", "exclude"])),
)
random_rules = st.recursive(
    _leaves,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(lambda nodes: {"all": nodes}),
        st.lists(children, min_size=1, max_size=3).map(lambda nodes: {"any": nodes}),
        children.map(lambda node: {"not": node}),
    ),
    max_leaves=8,
)
RANDOM_SEGMENTS = {
    1: {"any": [condition("num", ">", 1.0), condition("text", "contains", "é")]},
    2: {"not": condition("stamp", "within_last_days", 60)},
}
_SQLITE = create_store_engine("sqlite://")


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=random_frames(), definition=random_rules, as_of=st.sampled_from([date(2026, 6, 30), date(2025, 12, 1)]))
def test_random_rules_agree_between_pandas_and_sqlite(frame, definition, as_of):
    rule = RuleSegment(definition)
    table = load_table(_SQLITE, frame, "random_customers")
    options = {"as_of": as_of, "resolve_segment": RANDOM_SEGMENTS.get}
    assert members_pandas(frame, rule, **options) == members_sql(_SQLITE, table, rule, **options), rule.describe()


def test_timestamps_are_compared_by_calendar_day():
    frame = pd.DataFrame({"id": [1, 2], "seen": [datetime(2026, 6, 30, 23, 59), datetime(2026, 7, 1, 0, 0)]})
    table = load_table(_SQLITE, frame, "calendar_days")
    rule = RuleSegment(condition("seen", "<=", "2026-06-30"))
    assert members_pandas(frame, rule) == members_sql(_SQLITE, table, rule) == {1}

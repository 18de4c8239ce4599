"""Recorded fix steps: what each one changes, that the input stays untouched, storage and error messages."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from segmentation.column_scan import scan_column
from segmentation.fixes import (
    FixError,
    FixStep,
    apply_fixes,
    duplicate_row_mask,
    fix_names,
    invalid_value_mask,
    steps_from_dicts,
    steps_to_dicts,
)


def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 2, 2, 3, 4, None],
            "name": ["Jan de Vries", " Anna Müller", " Anna Müller", "jan de vries", "Piet Jansen ", "Lisa Weber"],
            "email": ["jan@example.com", "anna@example.com", "anna@example.com", "jan@example.com", "piet@", None],
            "city": ["Amsterdam", "amsterdam", "amsterdam", "AMSTERDAM", "   ", "Utrecht"],
            "age": [34, 51, 51, -2, 130, 28],
            "amount": ["12,50", "7.25", "7.25", "abc", "3", None],
        }
    ).astype({"customer_id": "float64"})


def run(frame: pd.DataFrame, name: str, **settings):
    result = apply_fixes(frame, [FixStep.of(name, **settings)])
    return result.frame, result.log[0]


@pytest.mark.parametrize(
    ("settings", "kept_rows", "removed"),
    [
        ({"mode": "exact"}, [0, 1, 3, 4, 5], 1),
        ({}, [0, 1, 3, 4, 5], 1),  # exact is the default
        ({"mode": "id", "column": "customer_id"}, [0, 1, 3, 4, 5], 1),  # a missing id repeats nothing
        ({"mode": "near", "name_column": "name", "email_column": "email"}, [0, 1, 4, 5], 2),
    ],
)
def test_drop_duplicates(settings, kept_rows, removed) -> None:
    frame = customers()
    fixed, applied = run(frame, "drop_duplicates", **settings)
    pd.testing.assert_frame_equal(fixed, frame.iloc[kept_rows].reset_index(drop=True))
    assert applied.rows_removed == removed and f"Removed {removed:,} row" in applied.message


def test_near_duplicates_by_postcode() -> None:
    frame = pd.DataFrame(
        {"name": ["Jan de Vries", "Jan de  Vries", "Jan de Vries"], "postcode": ["1234 AB", "1234ab", "9999 ZZ"]}
    )
    fixed, applied = run(frame, "drop_duplicates", mode="near", name_column="name", postcode_column="postcode")
    assert fixed["postcode"].tolist() == ["1234 AB", "9999 ZZ"] and applied.rows_removed == 1


def test_trim_whitespace_named_columns() -> None:
    fixed, applied = run(customers(), "trim_whitespace", columns=["name", "city"])
    assert fixed["name"].tolist() == [
        "Jan de Vries",
        "Anna Müller",
        "Anna Müller",
        "jan de vries",
        "Piet Jansen",
        "Lisa Weber",
    ]
    assert fixed["city"].isna().tolist() == [False, False, False, False, True, False]  # only spaces → missing
    assert (applied.cells_changed, applied.rows_changed, applied.values_made_missing) == (4, 3, 1)


def test_trim_whitespace_every_text_column_by_default() -> None:
    frame = pd.DataFrame({"a": [" x", "y"], "b": ["z ", "w"], "n": [1, 2]})
    fixed, applied = run(frame, "trim_whitespace")
    assert fixed.to_dict("list") == {"a": ["x", "y"], "b": ["z", "w"], "n": [1, 2]}
    assert (applied.cells_changed, applied.rows_changed) == (2, 1)


@pytest.mark.parametrize(
    ("case", "expected", "changed"),
    [
        ("title", ["Amsterdam", "Amsterdam", "Amsterdam", "Amsterdam", "   ", "Utrecht"], 3),
        ("lower", ["amsterdam", "amsterdam", "amsterdam", "amsterdam", "   ", "utrecht"], 3),
        ("upper", ["AMSTERDAM", "AMSTERDAM", "AMSTERDAM", "AMSTERDAM", "   ", "UTRECHT"], 4),
        ("most_common", ["amsterdam", "amsterdam", "amsterdam", "amsterdam", "   ", "Utrecht"], 2),
    ],
)
def test_normalise_case(case, expected, changed) -> None:
    fixed, applied = run(customers(), "normalise_case", columns=["city"], case=case)
    assert fixed["city"].tolist() == expected
    assert applied.cells_changed == changed


@pytest.mark.parametrize(
    ("to", "values", "expected", "made_missing"),
    [
        ("number", ["12,50", "7.25", "abc", None], [12.5, 7.25, None, None], 1),
        ("integer", ["3", "2.5", "x", "4"], [3, None, None, 4], 2),
        (
            "date",
            ["31-12-2023", "01-02-2024", "later", None],
            [pd.Timestamp("2023-12-31"), pd.Timestamp("2024-02-01"), None, None],
            1,
        ),
        ("boolean", ["ja", "Nee", "yes", "maybe"], [True, False, True, None], 1),
        ("text", [1.5, None, 3.0, 4.0], ["1.5", None, "3.0", "4.0"], 0),
    ],
)
def test_coerce_type(to, values, expected, made_missing) -> None:
    frame = pd.DataFrame({"v": pd.Series(values, dtype=float if to == "text" else "str")})
    fixed, applied = run(frame, "coerce_type", column="v", to=to)
    got = [None if pd.isna(value) else value for value in fixed["v"].tolist()]
    assert got == expected
    assert applied.values_made_missing == made_missing
    assert f"{made_missing:,} value" in applied.message


def test_coerce_type_keeps_whole_numbers_whole() -> None:
    fixed, _ = run(pd.DataFrame({"v": ["1", "2", "x"]}), "coerce_type", column="v", to="integer")
    assert str(fixed["v"].dtype) == "Int64"


def test_drop_column() -> None:
    fixed, applied = run(customers(), "drop_column", column="amount")
    assert "amount" not in fixed.columns and applied.columns_removed == ("amount",)


@pytest.mark.parametrize(
    ("settings", "column", "expected"),
    [
        (
            {"column": "email", "check": "invalid_email"},
            "email",
            ["jan@example.com", "anna@example.com", "anna@example.com", "jan@example.com", None, None],
        ),
        ({"column": "age", "check": "impossible_age"}, "age", [34, 51, 51, None, None, 28]),
    ],
)
def test_drop_invalid_blanks_values(settings, column, expected) -> None:
    fixed, applied = run(customers(), "drop_invalid", **settings)
    assert [None if pd.isna(value) else value for value in fixed[column].tolist()] == expected
    assert (
        applied.values_made_missing
        == applied.cells_changed
        == sum(value is None for value in expected) - (column == "email")
    )


def test_drop_invalid_keeps_integers_integer() -> None:
    fixed, _ = run(customers(), "drop_invalid", column="age", check="impossible_age")
    assert str(fixed["age"].dtype) == "Int64"


def test_drop_invalid_rows_and_future_dates() -> None:
    frame = pd.DataFrame({"last_purchase": pd.to_datetime(["2024-05-01", "2025-07-01", None]), "n": [1, 2, 3]})
    fixed, applied = run(
        frame, "drop_invalid", column="last_purchase", check="future_date", remove="row", today=date(2025, 6, 1)
    )
    assert fixed["n"].tolist() == [1, 3] and applied.rows_removed == 1


def test_postcodes_are_checked_per_country() -> None:
    frame = pd.DataFrame(
        {
            "postcode": ["1234 AB", "10115", "1234 AB", "SW1A 1AA"],
            "country": ["Nederland", "Deutschland", "DE", "United Kingdom"],
        }
    )
    fixed, applied = run(frame, "drop_invalid", column="postcode", check="invalid_postcode", country_column="country")
    assert fixed["postcode"].isna().tolist() == [False, False, True, False] and applied.values_made_missing == 1


def mixed_table(rows: int = 12_000) -> pd.DataFrame:
    """Sorted ids, mostly distinct e-mails, a few labels, postcodes per country, repeats and gaps."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in range(rows)],
            "email": [f"k{i}@example.com" if i % 97 else "broken@" for i in range(rows)],
            "phone": [f"06 {10_000_000 + i}" if i % 89 else "123" for i in range(rows)],
            "postcode": rng.choice(["1234 AB", "10115", "SW1A 1AA", "1234", "12", None], rows),
            "country": rng.choice(["NL", "Deutschland", "UK", "België", None], rows),
            "label": rng.choice(["a", "b", None], rows),
        }
    )
    frame.loc[rows - 300 :, "email"] = frame["email"].iloc[:300].to_numpy()  # repeated addresses
    return frame


@pytest.mark.parametrize(
    ("column", "check", "country_column"),
    [
        ("email", "invalid_email", None),
        ("phone", "invalid_phone", None),
        ("postcode", "invalid_postcode", None),
        ("postcode", "invalid_postcode", "country"),
    ],
)
def test_masks_from_column_scans_equal_the_plain_masks(column, check, country_column) -> None:
    frame = mixed_table()
    scans = {name: scan_column(frame[name]) for name in frame.columns}
    plain = invalid_value_mask(frame, column, check, country_column=country_column)
    assert plain.any() and not plain.all()
    np.testing.assert_array_equal(
        invalid_value_mask(frame, column, check, country_column=country_column, scans=scans), plain
    )


@pytest.mark.parametrize(
    "subset",
    [
        None,  # the sorted id column rules out any duplicate row at once
        ["email", "label"],
        ["postcode", "country", "label"],  # mostly repeats, missing values equal each other
    ],
)
def test_duplicate_rows_from_column_scans_equal_the_plain_mask(subset) -> None:
    frame = mixed_table()
    scans = {name: scan_column(frame[name]) for name in frame.columns}
    plain = duplicate_row_mask(frame, subset)
    np.testing.assert_array_equal(duplicate_row_mask(frame, subset, scans=scans), plain)
    expected = frame.duplicated(subset=subset, keep="first").to_numpy()
    np.testing.assert_array_equal(plain, expected)


def test_the_input_frame_is_never_changed() -> None:
    frame = customers()
    before = frame.copy(deep=True)
    steps = [
        FixStep.of("trim_whitespace"),
        FixStep.of("normalise_case", columns=["city"], case="upper"),
        FixStep.of("coerce_type", column="amount", to="number"),
        FixStep.of("drop_invalid", column="age", check="impossible_age"),
        FixStep.of("drop_duplicates", mode="id", column="customer_id"),
        FixStep.of("drop_column", column="email"),
    ]
    result = apply_fixes(frame, steps)
    pd.testing.assert_frame_equal(frame, before)
    assert len(result.log) == len(steps) and list(result.frame.columns) == [
        "customer_id",
        "name",
        "city",
        "age",
        "amount",
    ]


def test_steps_round_trip_through_json() -> None:
    steps = [
        FixStep.of("drop_duplicates", mode="near", name_column=("first", "last"), email_column="email"),
        FixStep.of("trim_whitespace", columns=["a", "b"]),
        FixStep.of("drop_invalid", column="d", check="future_date", today=date(2025, 6, 1)),
    ]
    stored = json.loads(json.dumps(steps_to_dicts(steps)))
    assert stored[1] == {"name": "trim_whitespace", "params": {"columns": ["a", "b"]}}
    assert stored[2]["params"]["today"] == "2025-06-01"
    assert steps_from_dicts(stored) == steps
    assert len({*steps, *steps_from_dicts(stored)}) == 3  # steps are hashable values


def test_applied_fixes_are_json_safe() -> None:
    result = apply_fixes(customers(), [FixStep.of("drop_duplicates"), FixStep.of("drop_column", column="email")])
    logged = json.loads(json.dumps([entry.to_dict() for entry in result.log]))
    assert logged[0]["rows_removed"] == 1 and logged[1]["columns_removed"] == ["email"]


@pytest.mark.parametrize(
    ("step", "description"),
    [
        (FixStep.of("drop_duplicates"), "Remove rows that repeat an earlier row exactly (keep the first)"),
        (
            FixStep.of("drop_duplicates", mode="id", column="klant_id"),
            "Remove rows whose 'klant_id' repeats an earlier row (keep the first)",
        ),
        (
            FixStep.of("drop_duplicates", mode="near", name_column="naam", postcode_column="postcode"),
            "Remove near-duplicate customers (a similar 'naam' with the same 'postcode'), keeping the first of each "
            "group",
        ),
        (FixStep.of("trim_whitespace"), "Trim spaces around the values of every text column"),
        (
            FixStep.of("normalise_case", columns=["city", "region"], case="lower"),
            "Write the values of 'city', 'region' in lower case",
        ),
        (
            FixStep.of("coerce_type", column="age", to="integer"),
            "Convert 'age' to whole numbers; values that cannot be read become missing",
        ),
        (FixStep.of("drop_column", column="notes"), "Remove the column 'notes'"),
        (
            FixStep.of("drop_invalid", column="email", check="invalid_email"),
            "Make values of 'email' that are not valid e-mail addresses missing",
        ),
        (
            FixStep.of("drop_invalid", column="email", check="invalid_email", remove="row"),
            "Remove rows whose 'email' values are not valid e-mail addresses",
        ),
    ],
)
def test_steps_describe_themselves_in_plain_words(step, description) -> None:
    assert step.describe() == description


def test_every_registered_fix_is_known() -> None:
    assert set(fix_names()) == {
        "drop_duplicates",
        "trim_whitespace",
        "normalise_case",
        "coerce_type",
        "drop_column",
        "drop_invalid",
    }


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([FixStep.of("make_it_better")], r"Step 1 \('make_it_better'\): unknown fix; choose one of drop_duplicates"),
        ([FixStep.of("trim_whitespace", colums=["city"])], r"has no setting 'colums'; it takes columns"),
        ([FixStep.of("coerce_type", column="age")], r"needs the setting 'to'"),
        ([FixStep.of("coerce_type", column="age", to="float")], r"to='float' is not supported; use one of number"),
        (
            [FixStep.of("drop_column", column="postcode")],
            r"Step 1 \(Remove the column 'postcode'\): the data has no column 'postcode'",
        ),
        (
            [FixStep.of("drop_column", column="email"), FixStep.of("trim_whitespace", columns=["email"])],
            r"Step 2 .*no column 'email'; it may have been removed by an earlier step",
        ),
        ([FixStep.of("drop_duplicates", mode="id")], r"mode='id' needs the id column"),
        ([FixStep.of("drop_duplicates", mode="near", name_column="name")], r"needs name_column plus email_column"),
    ],
)
def test_bad_steps_raise_one_clear_message(steps, message) -> None:
    with pytest.raises(FixError, match=message):
        apply_fixes(customers(), steps)


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ("drop_column", "must be a dict with a 'name'"),
        ({"params": {}}, "must be a dict with a 'name'"),
        ({"name": "teleport", "params": {}}, "Fix 'teleport': unknown fix"),
        ({"name": "drop_column", "params": {"col": "a"}}, "has no setting 'col'"),
    ],
)
def test_broken_stored_steps_raise_a_clear_error(stored, message) -> None:
    with pytest.raises(FixError, match=message):
        FixStep.from_dict(stored)


def test_fixes_handle_a_larger_frame_quickly() -> None:
    rows = 50_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "city": rng.choice(["Amsterdam", "amsterdam ", " Utrecht"], rows),
            "amount": rng.integers(0, 100, rows).astype(str),
        }
    )
    result = apply_fixes(
        frame,
        [
            FixStep.of("trim_whitespace"),
            FixStep.of("normalise_case", columns=["city"], case="most_common"),
            FixStep.of("coerce_type", column="amount", to="integer"),
        ],
    )
    assert set(result.frame["city"]) == {"Amsterdam", "Utrecht"} or set(result.frame["city"]) == {
        "amsterdam",
        "Utrecht",
    }
    assert result.frame["amount"].notna().all()

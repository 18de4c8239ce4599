"""Quality report: every check on small crafted frames with known counts, plus the fixes it suggests."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from segmentation.column_scan import scan_column
from segmentation.fixes import FixStep, apply_fixes
from segmentation.quality import QualityReport, quality_report
from segmentation.schema import ColumnRole

TODAY = date(2025, 6, 1)
NAMES = [
    "Jan de Vries",
    "Jan de  Vries.",
    "Anna Müller",
    "Piet Jansen",
    "Fatima El Amrani",
    "Lukas Schmidt",
    "Emma Visser",
    "Anna Muller",
    "Noah Peters",
    "Lisa Weber",
    "Sophie Bakker",
    "Thomas Braun",
    "Ayse Yilmaz",
    "Mila Smit",
    "Daan Mulder",
    "Sara Bos",
    "Finn Koch",
    "Julia Wolf",
]


def role(
    column: str, role_name: str, *, tag: str | None = None, kind: str | None = None, dtype: str = "text"
) -> ColumnRole:
    return ColumnRole(column, role_name, tag=tag, reason="test", confidence=1.0, dtype_hint=dtype, kind=kind)


ROLES = [
    role("customer_id", "id", kind="id", dtype="integer"),
    role("full_name", "direct_identifier", kind="person_name"),
    role("email", "direct_identifier", kind="email"),
    role("phone", "direct_identifier", kind="phone"),
    role("postcode", "quasi_identifier", kind="postcode"),
    role("country", "feature", tag="geographic", kind="country", dtype="category"),
    role("age", "quasi_identifier", kind="age", dtype="integer"),
    role("birth_date", "quasi_identifier", kind="birth_date", dtype="date"),
    role("last_purchase", "feature", tag="behavioural", dtype="date"),
    role("city", "feature", tag="geographic", dtype="category"),
    role("revenue", "feature", tag="behavioural", dtype="number"),
    role("notes", "free_text"),
    role("source", "feature", tag="behavioural", dtype="category"),
    role("score", "feature", tag="behavioural", dtype="integer"),
]


def messy_frame() -> pd.DataFrame:
    """18 distinct customers, then an exact copy of row 3 (row 18) and a row reusing id 5 (row 19)."""
    rows = 18
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(1, rows + 1),
            "full_name": NAMES,
            "email": [f"customer{i}@example.com" for i in range(rows)],
            "phone": [f"+31 6 1234 56{i:02d}" for i in range(rows)],
            "postcode": [f"{1000 + i} AB" for i in range(10)] + [f"{10115 + i}" for i in range(8)],
            "country": ["NL"] * 10 + ["DE"] * 8,
            "age": np.arange(20, 20 + rows),
            "birth_date": pd.date_range("1960-01-01", periods=rows, freq="700D"),
            "last_purchase": pd.date_range("2024-01-01", periods=rows, freq="7D"),
            "city": ["Amsterdam"] * 12 + ["Utrecht"] * 6,
            "revenue": np.linspace(10.0, 30.0, rows),
            "notes": [None] * rows,
            "source": ["import"] * rows,
            "score": [str(i) for i in range(rows)],
        }
    )
    frame["notes"] = frame["notes"].astype("str")
    frame.loc[1, "postcode"] = "1000AB"  # row 1: same customer as row 0, typed slightly differently
    frame.loc[7, "email"] = frame.loc[2, "email"] = "anna.muller@example.de"  # rows 2 and 7: one customer
    frame.loc[4, "email"], frame.loc[9, "email"], frame.loc[12, "email"] = "not-an-email", "jan@@x", None
    frame.loc[6, "phone"] = "12345"
    frame.loc[11, "postcode"] = "1234 AB"  # a Dutch postcode on a German row
    frame.loc[5, "age"], frame.loc[8, "age"] = -1, 130
    frame.loc[10, "birth_date"] = pd.Timestamp("2030-01-01")
    frame.loc[13, "birth_date"] = pd.Timestamp("1890-01-01")
    frame.loc[14, "last_purchase"] = pd.Timestamp("2026-01-01")
    frame.loc[15, "city"], frame.loc[16, "city"], frame.loc[17, "city"] = "amsterdam", "AMSTERDAM", " Utrecht"
    frame.loc[2, "revenue"] = 10_000.0
    frame.loc[0, "notes"] = "called twice"
    frame.loc[9, "score"] = "unknown"
    copy_of_row_3 = frame.iloc[[3]]
    reused_id = frame.iloc[[3]].assign(
        customer_id=5, full_name="Other Person", email="other@example.com", postcode="1099 ZZ"
    )
    return pd.concat([frame, copy_of_row_3, reused_id], ignore_index=True)


@pytest.fixture(scope="module")
def report() -> QualityReport:
    return quality_report(messy_frame(), ROLES, today=TODAY)


EXPECTED = [
    # (check, column, count, severity, example rows)
    ("duplicate_ids", "customer_id", 2, "error", (18, 19)),
    ("exact_duplicates", None, 1, "warning", (18,)),
    ("near_duplicates", None, 2, "warning", (1, 7)),
    ("missing_values", "email", 1, "info", (12,)),
    ("invalid_email", "email", 2, "warning", (4, 9)),
    ("invalid_phone", "phone", 1, "warning", (6,)),
    ("invalid_postcode", "postcode", 1, "warning", (11,)),
    ("impossible_age", "age", 2, "error", (5, 8)),
    ("impossible_age", "birth_date", 1, "error", (13,)),
    ("future_date", "birth_date", 1, "error", (10,)),
    ("future_date", "last_purchase", 1, "warning", (14,)),
    ("mostly_empty", "notes", 19, "warning", (1, 2, 3)),
    ("constant_column", "source", 20, "info", ()),
    ("mixed_types", "score", 1, "warning", (9,)),
    ("untrimmed_text", "city", 1, "info", (17,)),
    ("inconsistent_case", "city", 2, "info", (15, 16)),
    ("outliers", "revenue", 1, "info", (2,)),
]


@pytest.mark.parametrize(("check", "column", "count", "severity", "examples"), EXPECTED)
def test_each_check_counts_the_crafted_problems(report, check, column, count, severity, examples) -> None:
    [finding] = report.findings_for(check, column)
    assert (finding.count, finding.severity, finding.examples) == (count, severity, examples), finding.message
    assert f"{count:,}" in finding.message


def test_no_other_findings(report) -> None:
    assert sorted((f.check, f.column or "") for f in report.findings) == sorted(
        (check, column or "") for check, column, *_ in EXPECTED
    )


def test_findings_are_sorted_worst_first(report) -> None:
    order = {"error": 0, "warning": 1, "info": 2}
    severities = [order[finding.severity] for finding in report.findings]
    assert severities == sorted(severities)


def test_shares_are_relative_to_the_values_checked(report) -> None:
    assert report.findings_for("invalid_email")[0].share == pytest.approx(2 / 19, abs=1e-4)  # 19 e-mails present
    assert report.findings_for("exact_duplicates")[0].share == pytest.approx(1 / 20)
    assert report.findings_for("mostly_empty")[0].share == pytest.approx(19 / 20)


def test_messages_and_examples_never_hold_personal_values(report) -> None:
    frame = messy_frame()
    personal = set(frame["email"].dropna()) | set(frame["full_name"]) | set(frame["phone"]) | set(frame["postcode"])
    for finding in report.findings:
        assert all(isinstance(row, int) for row in finding.examples) and len(finding.examples) <= 3
        assert not any(value in finding.message for value in personal), finding.message


def test_column_statistics(report) -> None:
    stats = {column.column: column for column in report.columns}
    assert (stats["email"].missing_count, stats["email"].missing_share) == (1, 0.05)
    assert stats["city"].distinct_count == 5  # Amsterdam, amsterdam, AMSTERDAM, Utrecht, " Utrecht"
    assert stats["customer_id"].distinct_count == 18
    assert (stats["score"].dtype, stats["score"].mixed_types) == ("integer", True)
    assert (stats["revenue"].dtype, stats["revenue"].pandas_dtype) == ("number", "float64")
    assert not stats["city"].mixed_types
    assert report.rows == 20 and [column.column for column in report.columns] == list(messy_frame().columns)


def test_suggested_fixes(report) -> None:
    fixes = {(finding.check, finding.column): finding.suggested_fix for finding in report.findings}
    assert fixes[("exact_duplicates", None)] == FixStep.of("drop_duplicates", mode="exact")
    assert fixes[("duplicate_ids", "customer_id")] == FixStep.of("drop_duplicates", mode="id", column="customer_id")
    assert fixes[("invalid_postcode", "postcode")] == FixStep.of(
        "drop_invalid", column="postcode", check="invalid_postcode", country_column="country"
    )
    assert fixes[("future_date", "last_purchase")] == FixStep.of(
        "drop_invalid", column="last_purchase", check="future_date", today=TODAY
    )
    assert fixes[("inconsistent_case", "city")] == FixStep.of("normalise_case", columns=("city",), case="most_common")
    assert fixes[("mostly_empty", "notes")] == FixStep.of("drop_column", column="notes")
    assert fixes[("mixed_types", "score")] == FixStep.of("coerce_type", column="score", to="number")
    assert fixes[("outliers", "revenue")] is None and fixes[("missing_values", "email")] is None


def test_applying_the_suggested_fixes_clears_their_findings(report) -> None:
    fixed = apply_fixes(messy_frame(), report.suggested_fixes).frame
    remaining = {finding.check for finding in quality_report(fixed, ROLES, today=TODAY).findings}
    assert remaining <= {"missing_values", "outliers"}, remaining


def test_report_is_json_safe(report) -> None:
    stored = json.loads(json.dumps(report.to_dict()))
    assert stored["rows"] == 20 and stored["today"] == "2025-06-01"
    first = stored["findings"][0]
    assert set(first) == {"check", "column", "count", "share", "severity", "message", "examples", "suggested_fix"}
    assert first["suggested_fix"] == {"name": "drop_duplicates", "params": {"column": "customer_id", "mode": "id"}}


def test_ids_may_repeat_in_a_table_of_transactions() -> None:
    frame = pd.DataFrame(
        {"CustomerID": [1, 1, 2], "InvoiceDate": pd.to_datetime(["2024-01-01"] * 3), "UnitPrice": [1.0, 2.0, 3.0]}
    )
    roles = [
        role("CustomerID", "id", kind="id", dtype="integer"),
        role("InvoiceDate", "transaction_date", dtype="date"),
        role("UnitPrice", "transaction_amount", dtype="number"),
    ]
    report = quality_report(frame, roles, today=TODAY)
    assert report.findings_for("duplicate_ids") == []
    assert report.findings_for("constant_column", "InvoiceDate")[0].count == 3


def test_text_dates_and_numbers_are_checked_too() -> None:
    frame = pd.DataFrame(
        {
            "geboortedatum": ["1980-05-01", "2031-01-01", "1975-02-03", "not a date"],
            "leeftijd": ["44", "-3", "51", "onbekend"],
        }
    )
    roles = [
        role("geboortedatum", "quasi_identifier", kind="birth_date", dtype="date"),
        role("leeftijd", "quasi_identifier", kind="age", dtype="integer"),
    ]
    report = quality_report(frame, roles, today=TODAY)
    assert report.findings_for("future_date", "geboortedatum")[0].examples == (1,)
    assert report.findings_for("impossible_age", "leeftijd")[0].examples == (1,)


def test_near_duplicates_need_a_name_and_an_email_or_postcode() -> None:
    frame = pd.DataFrame({"full_name": ["Jan de Vries", "Jan de Vries"], "city": ["Utrecht", "Utrecht"]})
    report = quality_report(frame, [role("full_name", "direct_identifier", kind="person_name")], today=TODAY)
    assert report.findings_for("near_duplicates") == []
    assert "Near-duplicate customers were not checked" in report.notes[0]


def test_near_duplicate_search_samples_whole_blocks_and_says_so() -> None:
    rows = 4_000
    frame = pd.DataFrame(
        {
            "customer_id": range(rows),
            "full_name": [f"Customer {i:05d} Visser" for i in range(rows)],
            "postcode": [f"{1000 + i // 2} AB" for i in range(rows)],
        }
    )  # two customers per postcode
    frame.loc[1::2, "full_name"] = frame["full_name"].iloc[::2].to_numpy()  # every second row repeats its neighbour
    roles = [
        role("full_name", "direct_identifier", kind="person_name"),
        role("postcode", "quasi_identifier", kind="postcode"),
    ]
    exhaustive = quality_report(frame, roles, today=TODAY).findings_for("near_duplicates")[0]
    sampled = quality_report(frame, roles, today=TODAY, fuzzy_sample=1_000).findings_for("near_duplicates")[0]
    assert exhaustive.count == 2_000 and "sample" not in exhaustive.message
    assert sampled.count < 1_000 and "Only a sample of" in sampled.message
    estimate = int(sampled.message.split("likely holds about ")[1].rstrip(".").replace(",", ""))
    assert 1_500 <= estimate <= 2_500  # whole blocks are sampled, so the count scales up linearly


def test_near_duplicate_sample_keeps_pairs_linked_by_email_across_postcodes() -> None:
    rng = np.random.default_rng(11)
    pairs = 2_000
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    first = ["".join(rng.choice(letters, 6)).capitalize() for _ in range(pairs)]
    last = ["".join(rng.choice(letters, 8)).capitalize() for _ in range(pairs)]
    names = [f"{a} {b}" for a, b in zip(first, last, strict=True)]
    emails = [f"{a}.{b}@example.com".lower() for a, b in zip(first, last, strict=True)]
    frame = pd.DataFrame(
        {
            "full_name": np.repeat(names, 2),
            "email": [address for email in emails for address in (email, email.replace("@", "1@"))],
            "postcode": [f"{1000 + i // 26} {chr(65 + i % 26)}A" for i in range(2 * pairs)],  # all different
        }
    )
    roles = [
        role("full_name", "direct_identifier", kind="person_name"),
        role("email", "direct_identifier", kind="email"),
        role("postcode", "quasi_identifier", kind="postcode"),
    ]
    exhaustive = quality_report(frame, roles, today=TODAY).findings_for("near_duplicates")[0]
    sampled = quality_report(frame, roles, today=TODAY, fuzzy_sample=1_000).findings_for("near_duplicates")[0]
    assert exhaustive.count == pairs
    estimate = int(sampled.message.split("likely holds about ")[1].rstrip(".").replace(",", ""))
    assert 1_500 <= estimate <= 2_500  # the pairs share no postcode, yet sampling by name keeps them together


def test_ages_are_validated_by_kind_whatever_their_role() -> None:
    frame = pd.DataFrame(
        {
            "age": [*range(20, 60), -4, 150],
            "age_band": ["18-24", "25-34", "35-49", "50-64", "65+", "25-34"] * 7,
        }
    )
    roles = [
        role("age", "feature", tag="demographic", kind="age", dtype="integer"),
        role("age_band", "feature", tag="demographic", kind="age", dtype="category"),
    ]
    report = quality_report(frame, roles, today=TODAY)
    [impossible] = report.findings_for("impossible_age", "age")
    assert (impossible.count, impossible.examples, impossible.severity) == (2, (40, 41), "error")
    assert report.findings_for("impossible_age", "age_band") == []  # bands are not exact ages
    assert report.findings_for("outliers", "age") == []  # an impossible age is reported once, not twice


def test_a_column_scan_numbers_values_in_order_of_appearance() -> None:
    scan = scan_column(pd.Series(["b", None, "a", "b", "c", None, "a", "b"], name="label"))
    assert scan.uniques.to_pylist() == ["b", "a", "c"]
    assert scan.codes.tolist() == [0, -1, 1, 0, 2, -1, 1, 0]
    assert (scan.counts.tolist(), scan.distinct, scan.missing, scan.is_unique) == ([3, 2, 1], 3, 2, False)
    assert scan.repeats_earlier().tolist() == [False, False, False, True, False, False, True, True]
    assert np.flatnonzero(scan.spread(np.array([False, True, False]))).tolist() == [2, 6]
    assert scan.first_rows(np.array([True, False, True])).tolist() == [0, 3, 4]


@pytest.mark.parametrize(
    ("values", "distinct", "missing", "unique", "encoded"),
    [
        ([f"C{i:05d}" for i in range(12_000)], 12_000, 0, True, False),  # sorted ids: no hashing needed
        ([f"k{i}@x.nl" for i in range(11_990)] + ["k1@x.nl"] * 5 + [None] * 5, 11_990, 5, False, False),
        (list(range(12_000)), 12_000, 0, True, False),
        ([3, 1, 2, 3, None], 3, 1, False, False),
        (["x", "y"] * 6_000, 2, 0, False, True),
    ],
)
def test_column_scans_count_exactly_whichever_way_they_count(values, distinct, missing, unique, encoded) -> None:
    scan = scan_column(pd.Series(values))
    assert (scan.distinct, scan.missing, scan.is_unique, scan.codes is not None) == (distinct, missing, unique, encoded)


def test_categorical_columns_get_the_same_findings_as_text(report) -> None:
    frame = messy_frame().astype({"city": "category", "source": "category", "email": "category"})
    categorical = quality_report(frame, ROLES, today=TODAY)
    assert [finding.to_dict() for finding in categorical.findings] == [finding.to_dict() for finding in report.findings]
    assert [stats.distinct_count for stats in categorical.columns] == [stats.distinct_count for stats in report.columns]


def test_empty_frame() -> None:
    report = quality_report(pd.DataFrame({"a": pd.Series([], dtype="str")}), [], today=TODAY)
    assert report.rows == 0 and report.findings == ()


@pytest.mark.parametrize(
    ("check", "column", "message"),
    [
        ("invalid_phone", "phone", "1 value in 'phone' is not a valid phone number."),
        ("invalid_email", "email", "2 values in 'email' are not valid e-mail addresses."),
        ("exact_duplicates", None, "1 row (5.0%) repeats an earlier row exactly."),
        ("untrimmed_text", "city", "'city' has 1 value with spaces at the start or end."),
        (
            "inconsistent_case",
            "city",
            "'city' writes 1 value in more than one letter case; 2 rows use a less common spelling.",
        ),
        ("future_date", "last_purchase", "1 date in 'last_purchase' lies after today (2025-06-01)."),
        ("mixed_types", "score", "'score' holds numbers, but 1 value (5.0%) is text."),
    ],
)
def test_messages_read_as_plain_sentences(report, check, column, message) -> None:
    assert report.findings_for(check, column)[0].message == message


def test_namesakes_with_numbered_addresses_are_not_near_duplicates() -> None:
    frame = pd.DataFrame({
        "full_name": ["Jan de Vries", "Jan de Vries", "Jan de Vries"],
        "email": ["jan.devries4@nl.example.com", "jan.devries7@nl.example.com", "jan.devries4@nl.example.com "],
        "postcode": ["1011 AB", "3511 CD", "9711 EF"],
    })
    roles = [
        role("full_name", "direct_identifier", kind="person_name"),
        role("email", "direct_identifier", kind="email"),
        role("postcode", "quasi_identifier", kind="postcode"),
    ]
    found = quality_report(frame, roles, today=TODAY).findings_for("near_duplicates")
    assert [finding.count for finding in found] == [1]  # only the re-registration with the same address


def test_demo_data_near_duplicates_match_the_planted_share() -> None:
    from data.demo import generate_demo
    from segmentation.schema import infer_column_roles

    customers = generate_demo(rows=4000, seed=3, as_of=TODAY).customers
    found = quality_report(customers, infer_column_roles(customers), today=TODAY).findings_for("near_duplicates")
    assert found and 8 <= found[0].count <= 60  # about 0.5% are planted; namesakes must not inflate it

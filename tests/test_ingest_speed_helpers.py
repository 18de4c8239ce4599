"""The helpers that keep upload checking fast must give exactly the answers of the slow, obvious way.

Each helper is compared with the plain pandas / pyarrow computation it replaces: distinct counts
by partitions, row codes and counts in small integer types, the zero-copy role-inference sample,
accent stripping that skips ASCII, and the outlier fences on columns with missing values.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from segmentation import column_scan
from segmentation import value_shapes as shapes
from segmentation.column_scan import count_distinct_text, scan_column
from segmentation.duplicates import normalised_text
from segmentation.profiling import profile_values
from segmentation.quality import quality_report
from segmentation.role_rules import classify_column, promote_revenue_in_transaction_tables
from segmentation.schema import ColumnRole, _sampled, _spread_sample_positions, infer_column_roles
from segmentation.vocabulary import normalise_name

TODAY = date(2025, 6, 1)


def _messy_strings(rows: int, distinct: int, seed: int = 0) -> list[str | None]:
    """Strings with repeats, missing values, empty strings, accents and values that differ in one byte."""
    rng = np.random.default_rng(seed)
    pool = [f"user{i}@example.nl" for i in range(distinct - 4)] + ["", "é", "e", "Ünïcödé naam"]
    picked = [pool[i] for i in rng.integers(0, len(pool), rows)]
    return [None if missing else value for value, missing in zip(picked, rng.random(rows) < 0.05, strict=True)]


@pytest.fixture
def small_partitions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the partitioned path on small arrays, also for a few labels, with several regrouping blocks."""
    monkeypatch.setattr(column_scan, "_PARTITIONED_MIN_ROWS", 10)
    monkeypatch.setattr(column_scan, "_REGROUP_ROWS", 1_000)
    monkeypatch.setattr(column_scan, "_few_values", lambda values: False)


@pytest.mark.parametrize("arrow_type", [pa.string(), pa.large_string()])
@pytest.mark.parametrize(
    ("rows", "distinct"),
    [(5_000, 4_000), (5_000, 12), (3_000, 3_000)],
)
def test_partitioned_distinct_count_equals_pyarrows_count(small_partitions, arrow_type, rows, distinct) -> None:
    values = pa.array(_messy_strings(rows, distinct), type=arrow_type)
    expected = pc.count_distinct(values).as_py()
    assert count_distinct_text(values) == expected
    chunked = pa.chunked_array([values[:1_234], values[1_234:4_000], values[4_000:]])
    assert count_distinct_text(chunked) == expected
    offset = values.slice(777, 1_500)  # a slice starts inside the offset and validity buffers
    assert count_distinct_text(offset) == pc.count_distinct(offset).as_py()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([None] * 50, 0),  # missing values are not a value
        ([""] * 30 + [None] * 20, 1),  # an empty string is one
        (["a", "A", "a ", " a"] * 20, 4),  # case and spaces make values different
    ],
)
def test_partitioned_distinct_count_edge_cases(small_partitions, values, expected) -> None:
    assert count_distinct_text(pa.array(values, type=pa.large_string())) == expected


def test_a_long_email_column_is_counted_the_partitioned_way_and_exactly() -> None:
    assert column_scan._PARTITIONED_MIN_ROWS < 300_000 < 2 * column_scan._REGROUP_ROWS  # two blocks, real sizes
    emails = pa.array([f"customer{i % 170_000}@example.com" for i in range(300_000)], type=pa.large_string())
    assert count_distinct_text(emails) == 170_000


def test_partition_keys_depend_on_the_value_only() -> None:
    values = pa.array(["jan@x.nl", None, "jan@x.nl", "", "Zoë", "jan@x.nl", None, "Zoë"], type=pa.large_string())
    keys = column_scan._partition_keys(values)
    assert keys.dtype == np.uint8 and keys.max() < 64
    assert keys[0] == keys[2] == keys[5] and keys[4] == keys[7]
    assert keys[1] == keys[6] == 0  # every missing value lands in the first partition
    shifted = column_scan._partition_keys(values.slice(2, 4))
    assert shifted.tolist() == keys[2:6].tolist()
    elsewhere = column_scan._partition_keys(pa.array(["Zoë", "", "jan@x.nl"], type=pa.large_string()))
    assert elsewhere.tolist() == [keys[4], keys[3], keys[0]]  # other buffers, other positions: same keys


@pytest.mark.parametrize("distinct", [3, 128, 129, 40_000])  # int8 codes, the int8 limit, int16, int32
def test_scan_codes_and_counts_match_pandas_factorize(distinct) -> None:
    rng = np.random.default_rng(distinct)
    labels = np.array([f"v{i}" for i in range(distinct)], dtype=object)
    values = labels[rng.integers(0, distinct, 60_000)]
    values[rng.random(60_000) < 0.03] = None
    series = pd.Series(pa.chunked_array([pa.array(values[:20_000]), pa.array(values[20_000:])]), dtype="str")
    scan = scan_column(series)
    codes, uniques = pd.factorize(series)
    assert scan.codes is not None and scan.codes.dtype == np.min_scalar_type(-len(uniques))
    assert scan.codes.astype(np.int64).tolist() == codes.tolist()
    assert scan.uniques.to_pylist() == list(uniques)
    assert scan.counts.dtype == np.int64
    assert scan.counts.tolist() == np.bincount(codes[codes >= 0], minlength=len(uniques)).tolist()
    assert (scan.distinct, scan.missing) == (len(uniques), int(series.isna().sum()))


def _old_spread_sample(frame: pd.DataFrame, sample_rows: int, runs: int = 100) -> pd.DataFrame:
    """The sample as it was built before: one DataFrame slice per stretch, concatenated."""
    length = max(sample_rows // runs, 1)
    starts = np.linspace(0, len(frame) - length, num=sample_rows // length).astype(int)
    return pd.concat([frame.iloc[start : start + length] for start in starts])


def test_the_role_sample_is_the_same_rows_with_the_same_types_and_labels() -> None:
    rows = 12_345
    rng = np.random.default_rng(1)
    text = pd.Series(pa.chunked_array([pa.array(_messy_strings(5_000, 50)), pa.array(_messy_strings(7_345, 50, 2))]),
                     dtype="str")
    frame = pd.DataFrame(
        {
            "text": text,
            "object": text.astype(object),
            "category": text.astype("category"),
            "number": rng.normal(size=rows),
            "count": pd.array(np.where(rng.random(rows) < 0.1, None, rng.integers(0, 9, rows)), dtype="Int64"),
            "arrow_int": pd.Series(rng.integers(0, 9, rows), dtype="int64[pyarrow]"),
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 999, rows), unit="D"),
            "flag": rng.random(rows) < 0.5,
        },
        index=pd.RangeIndex(rows) * 3 + 7,  # labels that are not positions
    )
    positions = _spread_sample_positions(rows, 1_000)
    old = _old_spread_sample(frame, 1_000)
    for column in frame.columns:
        new = _sampled(frame[column], positions)
        pd.testing.assert_series_equal(new, old[column])
    from_old_sample = [
        classify_column(column, normalise_name(column), profile_values(old[column])) for column in frame.columns
    ]
    assert infer_column_roles(frame, sample_rows=1_000) == promote_revenue_in_transaction_tables(from_old_sample)


def test_small_tables_are_profiled_whole_and_an_empty_sample_is_refused() -> None:
    assert _spread_sample_positions(5_000, 5_000) is None
    series = pd.Series(["a", "b"])
    assert _sampled(series, None) is series
    with pytest.raises(ValueError, match="sample_rows must be at least 1"):
        _spread_sample_positions(10, 0)


def _slow_normalised_text(values: pa.Array, drop: str) -> pa.Array:
    folded = pc.utf8_lower(pc.replace_substring_regex(pc.utf8_normalize(values, "NFKD"), r"\p{Mn}", ""))
    cleaned = pc.replace_substring_regex(pc.replace_substring_regex(folded, drop, " "), r"\s+", " ")
    return pc.utf8_trim_whitespace(cleaned).fill_null("")


@pytest.mark.parametrize(
    "values",
    [
        ["Jan de Vries", " PIET  Jansen ", None, "o'brien-smith"],  # ASCII only: the fast way
        ["Anna Müller", "José Ñúñez", "Ødegaard", None, "ﬁnn", "Zoë"],  # accents and a ligature
    ],
)
def test_accent_stripping_skips_ascii_without_changing_a_result(values) -> None:
    array = pa.array(values, type=pa.large_string())
    drop = r"[^a-z0-9 ]+"
    assert normalised_text(array, drop).to_pylist() == _slow_normalised_text(array, drop).to_pylist()
    if all(value is None or value.isascii() for value in values):
        assert shapes.is_all_ascii(array) and shapes.strip_accents(array) is array
    else:
        assert not shapes.is_all_ascii(array)


@pytest.mark.parametrize("with_missing", [False, True])
def test_outlier_fences_ignore_missing_values(with_missing) -> None:
    rng = np.random.default_rng(5)
    amounts = rng.normal(100, 10, 400).round(2)
    amounts[[3, 50, 399]] = [10_000.0, -5_000.0, 9_999.0]
    if with_missing:
        amounts[[1, 2, 60]] = np.nan
    frame = pd.DataFrame({"amount": amounts})
    roles = [ColumnRole("amount", "transaction_amount", dtype_hint="number")]
    [finding] = quality_report(frame, roles, today=TODAY).findings_for("outliers", "amount")
    assert (finding.count, finding.examples) == (3, (3, 50, 399))
    assert finding.share == round(3 / (397 if with_missing else 400), 4)

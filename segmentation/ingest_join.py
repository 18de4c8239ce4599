"""Check and suggest how an uploaded transaction table links to the customer table.

Ids travel through spreadsheets and CRMs in many spellings: "00123", "123" and "123.0" (a
float column after blanks), " C-001 " with spaces, "Jan@x.nl" and "jan@x.nl". Keys are
therefore compared in a normalised text form. All work is on unique values, vectorised, so a
million-row transaction table costs about as much as its number of distinct customers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz

from segmentation.ingest_common import IngestError

_SAMPLE_UNMATCHED = 5
_SUGGEST_SAMPLE_KEYS = 2_000
_MAX_LEFT_CANDIDATES = 8
_MIN_LEFT_UNIQUENESS = 0.9
_MIN_OVERLAP = 0.05
_ID_WORDS = ("id", "nr", "no", "number", "nummer", "key", "code", "klant", "kunde", "customer", "client", "email")


@dataclass(frozen=True)
class JoinReport:
    """How well a right table's key column finds rows in the left (customer) table."""

    matched_keys: int  # distinct right keys that exist in the left table
    unmatched_right_rows: int  # right rows that link to no left row (unknown or blank key)
    unmatched_share: float  # unmatched_right_rows / all right rows, 0..1
    sample_unmatched: tuple[str, ...]  # up to 5 distinct unknown keys, for the user to inspect
    right_keys: int = 0  # distinct non-blank keys in the right table
    blank_right_rows: int = 0  # right rows without a key (counted in unmatched_right_rows)


def normalise_join_keys(values: pd.Series) -> pd.Series:
    """Key values as comparable text: stripped, case-folded, "00123" / "123.0" → "123"; blanks → NA."""
    return _comparable(_display_keys(values))


def _display_keys(values: pd.Series) -> pd.Series:
    """Keys as readable text (case kept): stripped, number-like ids without zeros padding or ".0"."""
    text = values.astype("str").str.strip()
    text = text.where(values.notna() & (text != ""))
    is_number = text.str.fullmatch(r"\+?\d+(?:\.0*)?", na=False)
    if is_number.any():
        numbers = text[is_number].str.replace(r"^\+|\.0*$", "", regex=True).str.lstrip("0")
        text = text.mask(is_number, numbers.where(numbers != "", "0"))
    return text


def _comparable(display: pd.Series) -> pd.Series:
    return display.str.casefold()


def _key_set(values: pd.Series) -> pa.Array:
    """The distinct normalised keys of a column, as an Arrow array for fast membership tests."""
    keys = normalise_join_keys(pd.Series(values.dropna().unique())).dropna()
    return pa.array(keys.unique().astype(str), type=pa.string())


def _is_in(values: pd.Series, keys: pa.Array) -> np.ndarray:
    """Which values (NA never) occur in `keys`, hashed in Arrow.

    pandas' own isin on Arrow-backed strings walks the key set in Python, which takes
    seconds for 100,000 customer ids.
    """
    value_array = pa.array(values.astype(object).where(values.notna(), None), type=pa.string())
    found = pc.is_in(value_array, value_set=keys, skip_nulls=True)
    return np.asarray(pc.fill_null(found, False), dtype=bool)


def _require_column(frame: pd.DataFrame, column: str, table_label: str) -> None:
    if column not in frame.columns:
        available = ", ".join(f"'{name}'" for name in list(frame.columns)[:20])
        raise IngestError(f"{table_label} has no column '{column}': pick one of {available}")


def check_join(
    left: pd.DataFrame,
    right: pd.DataFrame,
    left_key: str,
    right_key: str,
    right_label: str = "transactions",
) -> JoinReport:
    """Report how many rows of `right` find their customer in `left`; raise when none does.

    `left` is the customer table, `right` e.g. transactions.csv (`right_label` names it in
    messages). Keys compare as `normalise_join_keys` text. Raises `IngestError` when a column is
    missing, the right key column is blank, or not a single key matches.
    """
    _require_column(left, left_key, "the customer table")
    _require_column(right, right_key, right_label)
    left_keys = _key_set(left[left_key])

    codes, uniques = pd.factorize(right[right_key], use_na_sentinel=True)
    display = _display_keys(pd.Series(uniques))
    comparable = _comparable(display)
    unique_matches = _is_in(comparable, left_keys)
    unique_blank = comparable.isna().to_numpy()

    has_code = codes >= 0
    row_matches = np.zeros(len(codes), dtype=bool)
    row_matches[has_code] = unique_matches[codes[has_code]]
    row_blank = ~has_code
    row_blank[has_code] = unique_blank[codes[has_code]]

    right_key_count = comparable.dropna().nunique()
    if right_key_count == 0:
        raise IngestError(
            f"the column '{right_key}' in {right_label} is empty: pick the column that holds the customer ids"
        )
    matched_keys = comparable[unique_matches].nunique()
    if matched_keys == 0:
        raise IngestError(
            f"none of the {right_key_count:,} customer ids in {right_label} matches a {left_key} in the "
            f"customer table: check that you picked the right id columns ('{right_key}' and '{left_key}')"
        )
    unmatched_rows = int(len(codes) - row_matches.sum())
    unmatched_display = display[~unique_matches & ~unique_blank]
    return JoinReport(
        matched_keys=int(matched_keys),
        unmatched_right_rows=unmatched_rows,
        unmatched_share=unmatched_rows / len(codes) if len(codes) else 0.0,
        sample_unmatched=tuple(unmatched_display.drop_duplicates().head(_SAMPLE_UNMATCHED).astype(str)),
        right_keys=int(right_key_count),
        blank_right_rows=int(row_blank.sum()),
    )


def _simple_name(name: object) -> str:
    return re.sub(r"[^0-9a-z]", "", str(name).casefold())


def _name_similarity(left_name: object, right_name: object) -> float:
    """0..1: how alike two column names are, with a bonus when both name an id ("klantnr", "CustomerID")."""
    left_simple, right_simple = _simple_name(left_name), _simple_name(right_name)
    if not left_simple or not right_simple:
        return 0.0
    similarity = fuzz.ratio(left_simple, right_simple) / 100
    if any(word in left_simple for word in _ID_WORDS) and any(word in right_simple for word in _ID_WORDS):
        similarity += 0.2
    return min(similarity, 1.0)


def _could_be_key(values: pd.Series) -> bool:
    """Ids are text or whole numbers; dates, booleans and measured amounts are not."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return False
    if pd.api.types.is_float_dtype(values):
        present = values.dropna()
        return bool(len(present)) and bool((present == np.floor(present)).all())
    return pd.api.types.is_integer_dtype(values) or pd.api.types.is_string_dtype(values) or values.dtype == object


def suggest_join_key(left: pd.DataFrame, right: pd.DataFrame) -> tuple[str, str] | None:
    """Propose (left_key, right_key) for linking `right` (e.g. transactions) to `left` (customers).

    A pair scores by how many of the right column's values (a sample of distinct ones) occur in
    the left column, and by how alike the names are; the left column must be nearly unique, as a
    customer id is. Returns None when no pair shares values. The user confirms the choice.
    """
    left_candidates = []
    for column in left.columns:
        values = left[column]
        if not _could_be_key(values):
            continue
        present = values.dropna()
        if len(present) == 0 or present.nunique() < _MIN_LEFT_UNIQUENESS * len(present):
            continue
        best_name = max((_name_similarity(column, other) for other in right.columns), default=0.0)
        left_candidates.append((best_name, column))
    left_candidates.sort(key=lambda item: -item[0])
    left_keys = {column: _key_set(left[column]) for _, column in left_candidates[:_MAX_LEFT_CANDIDATES]}

    best: tuple[float, str, str] | None = None
    for right_column in right.columns:
        values = right[right_column]
        if not _could_be_key(values):
            continue
        sample = normalise_join_keys(pd.Series(values.dropna().unique()[:_SUGGEST_SAMPLE_KEYS])).dropna()
        if sample.empty:
            continue
        for left_column, keys in left_keys.items():
            overlap = float(_is_in(sample, keys).mean())
            if overlap < _MIN_OVERLAP:
                continue
            score = 0.6 * overlap + 0.4 * _name_similarity(left_column, right_column)
            if best is None or score > best[0]:
                best = (score, str(left_column), str(right_column))
    return None if best is None else (best[1], best[2])

"""Quality checks of one column at a time: missing values, constant columns, text hygiene, mixed types.

Text checks run on the distinct values of the column (from its :class:`ColumnScan`) and count rows
by how often each value occurs, so a 1,000,000-row column costs about as much as its distinct values.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation import value_shapes as shapes
from segmentation.column_scan import ColumnScan
from segmentation.fixes import FixStep, as_dates
from segmentation.quality_findings import (
    CODE_ROLES,
    CheckContext,
    ColumnStats,
    Severity,
    first_positions,
    percent,
    rows_phrase,
    verb,
)
from segmentation.schema import ColumnRoleName, DtypeHint

_CASE_CHECK_MAX_DISTINCT = 20_000  # beyond this many distinct values a column is a code or a name, not a label


def column_checks(context: CheckContext, column: str) -> ColumnStats:
    """Missing values, constant column and (for text) the text checks; returns the column's statistics."""
    series, rows = context.frame[column], context.rows
    scan = context.scan(column)
    missing = scan.missing
    role = context.roles.get(column)
    drop = None if context.role_of(column) == ColumnRoleName.CONSENT else FixStep.of("drop_column", column=column)
    if rows and missing / rows > 0.9:
        context.add(
            "mostly_empty",
            column,
            missing,
            Severity.WARNING,
            f"'{column}' is {percent(missing, rows)} empty ({missing:,} of {rows:,} rows); consider removing it.",
            first_positions(series, lambda part: part.isna().to_numpy()),
            drop,
        )
    elif missing:
        context.add(
            "missing_values",
            column,
            missing,
            Severity.WARNING if missing / rows >= 0.2 else Severity.INFO,
            f"'{column}' is missing in {rows_phrase(missing)} ({percent(missing, rows)}).",
            first_positions(series, lambda part: part.isna().to_numpy()),
        )
    mixed = _text_checks(context, column, scan) if scan.is_text and missing < rows else False
    if scan.distinct == 1 and missing / rows <= 0.9:  # a mostly empty column was reported above
        context.add(
            "constant_column",
            column,
            rows - missing,
            Severity.INFO,
            f"All {rows_phrase(rows - missing, 'value')} in '{column}' are the same; it cannot tell customers apart.",
            (),
            drop,
        )
    dtype = role.dtype_hint if role else _pandas_dtype_hint(series)
    share = round(missing / rows, 4) if rows else 0.0
    return ColumnStats(column, str(dtype), str(series.dtype), missing, share, scan.distinct, mixed)


def parse_text_dates(series: pd.Series, scan: ColumnScan) -> pd.Series:
    """A text date column as datetimes, each distinct text parsed once."""
    if scan.codes is None:
        return as_dates(series)
    return as_dates(series, factorized=(scan.codes, pd.Series(scan.uniques, dtype="str")))


def _pandas_dtype_hint(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series.dtype):
        return DtypeHint.BOOLEAN
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return DtypeHint.DATE
    if pd.api.types.is_integer_dtype(series.dtype):
        return DtypeHint.INTEGER
    return DtypeHint.NUMBER if pd.api.types.is_numeric_dtype(series.dtype) else DtypeHint.TEXT


def _text_checks(context: CheckContext, column: str, scan: ColumnScan) -> bool:
    """Untrimmed values, case variants and mixed numbers/text; returns whether numbers and text mix."""
    role = context.roles.get(column)
    values, weights = scan.uniques, scan.counts

    def rows_where(mask: np.ndarray) -> int:
        return int(weights[mask].sum())

    untrimmed = shapes.untrimmed_mask(values)
    count = rows_where(untrimmed)
    context.add(
        "untrimmed_text",
        column,
        count,
        Severity.INFO,
        f"'{column}' has {rows_phrase(count, 'value')} with spaces at the start or end.",
        scan.first_rows(untrimmed),
        FixStep.of("trim_whitespace", columns=(column,)),
    )
    if scan.distinct <= _CASE_CHECK_MAX_DISTINCT and context.role_of(column) not in CODE_ROLES:
        _case_check(context, column, pc.utf8_trim_whitespace(values), weights, scan.first_rows)
    if context.role_of(column) in CODE_ROLES or (
        role is not None and (role.kind == "postcode" or role.dtype_hint == DtypeHint.DATE)
    ):
        return False  # codes (postcodes, ids) mix digits and letters by nature; dates are not numbers
    numeric = shapes.full_match(values, shapes.NUMBER_PATTERN)
    numbers, texts = rows_where(numeric), rows_where(~numeric)
    _mixed_types_finding(context, column, numbers, texts, scan.first_rows(~numeric if numbers > texts else numeric))
    return bool(numbers and texts)


def _case_check(
    context: CheckContext,
    column: str,
    trimmed: pa.Array,
    weights: np.ndarray,
    examples: Callable[[np.ndarray], np.ndarray],
) -> None:
    if pc.count_distinct(pc.utf8_lower(trimmed)).as_py() == pc.count_distinct(trimmed).as_py():
        return  # no two values differ only in letter case
    values = pd.Series(trimmed.to_pylist(), dtype="str")
    spellings = pd.DataFrame({"value": values, "key": values.str.casefold(), "rows": weights})
    spellings = spellings.groupby(["key", "value"], sort=False)["rows"].sum().reset_index()
    spellings = spellings.sort_values("rows", ascending=False, kind="stable")
    variants = spellings.groupby("key")["value"].transform("size")
    odd = (variants > 1) & spellings.duplicated("key")  # every spelling but the most common one of its value
    count = int(spellings.loc[odd, "rows"].sum())
    groups = int(spellings.loc[variants > 1, "key"].nunique())
    mask = values.isin(set(spellings.loc[odd, "value"])).to_numpy()
    context.add(
        "inconsistent_case",
        column,
        count,
        Severity.INFO,
        f"'{column}' writes {rows_phrase(groups, 'value')} in more than one letter case; "
        f"{rows_phrase(count)} {verb(count, 'uses', 'use')} a less common spelling.",
        examples(mask),
        FixStep.of("normalise_case", columns=(column,), case="most_common"),
    )


def _mixed_types_finding(context: CheckContext, column: str, numbers: int, texts: int, examples: np.ndarray) -> None:
    if not (numbers and texts):
        return
    total = numbers + texts
    if numbers > texts:
        mostly_numbers = texts / total <= 0.05
        context.add(
            "mixed_types",
            column,
            texts,
            Severity.WARNING if mostly_numbers else Severity.INFO,
            f"'{column}' holds numbers, but {rows_phrase(texts, 'value')} ({percent(texts, total)}) "
            f"{verb(texts, 'is', 'are')} text.",
            examples,
            FixStep.of("coerce_type", column=column, to="number") if mostly_numbers else None,
            share_of=total,
        )
    else:
        context.add(
            "mixed_types",
            column,
            numbers,
            Severity.INFO,
            f"'{column}' holds text, but {rows_phrase(numbers, 'value')} ({percent(numbers, total)}) "
            f"{verb(numbers, 'is a plain number', 'are plain numbers')}.",
            examples,
            share_of=total,
        )

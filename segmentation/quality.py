"""Data-quality report: per-column statistics plus findings, each with a suggested recorded fix.

Findings never quote values (reports may be logged or exported): they give counts, shares and at
most three example row positions (0-based). Every check is vectorised; text checks run on the
distinct values of low-cardinality columns and count rows by weight, so a 1,000,000-row table is
checked in about the time pandas takes to read it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation import vocabulary as vocab
from segmentation.fixes import FixStep, as_dates, duplicate_row_mask, invalid_value_mask, near_duplicate_mask
from segmentation.schema import ColumnRole, ColumnRoleName, DtypeHint

_LOW_CARDINALITY = 2_000  # distinct values up to which text checks run on the distinct values only
_NOT_VALIDATED_ROLES = (
    ColumnRoleName.ID,
    ColumnRoleName.DIRECT_IDENTIFIER,
    ColumnRoleName.QUASI_IDENTIFIER,
    ColumnRoleName.CONSENT,
    ColumnRoleName.IGNORE,
)
_CODE_ROLES = (ColumnRoleName.ID, ColumnRoleName.DIRECT_IDENTIFIER, ColumnRoleName.CONSENT, ColumnRoleName.IGNORE)


class Severity(StrEnum):
    """How much a finding matters: error = wrong data, warning = likely problem, info = worth a look."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# Within one severity, findings are listed in this order of checks, then in column order.
_CHECK_ORDER = (
    "duplicate_ids",
    "exact_duplicates",
    "near_duplicates",
    "impossible_age",
    "future_date",
    "invalid_email",
    "invalid_phone",
    "invalid_postcode",
    "mostly_empty",
    "missing_values",
    "mixed_types",
    "constant_column",
    "untrimmed_text",
    "inconsistent_case",
    "outliers",
)
_WORKERS = min(4, os.cpu_count() or 1)


@dataclass(frozen=True)
class QualityFinding:
    """One problem: which check, where, how many rows, and the fix we suggest (if any)."""

    check: str
    column: str | None
    count: int
    share: float
    severity: str
    message: str
    examples: tuple[int, ...] = ()
    suggested_fix: FixStep | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "examples": list(self.examples),
            "suggested_fix": self.suggested_fix.to_dict() if self.suggested_fix else None,
        }


@dataclass(frozen=True)
class ColumnStats:
    """Missing values, distinct values and type of one column."""

    column: str
    dtype: str
    pandas_dtype: str
    missing_count: int
    missing_share: float
    distinct_count: int
    mixed_types: bool = False


@dataclass(frozen=True)
class QualityReport:
    """Statistics per column and the findings, worst first."""

    rows: int
    columns: tuple[ColumnStats, ...]
    findings: tuple[QualityFinding, ...]
    today: date
    notes: tuple[str, ...] = ()

    def findings_for(self, check: str | None = None, column: str | None = None) -> list[QualityFinding]:
        """Findings of one check and/or one column."""
        return [
            finding
            for finding in self.findings
            if (check is None or finding.check == check) and (column is None or finding.column == column)
        ]

    @property
    def suggested_fixes(self) -> tuple[FixStep, ...]:
        """Every distinct suggested fix, in the order of the findings."""
        return tuple(dict.fromkeys(finding.suggested_fix for finding in self.findings if finding.suggested_fix))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form of the report."""
        return {
            "rows": self.rows,
            "today": self.today.isoformat(),
            "notes": list(self.notes),
            "columns": [asdict(stats) for stats in self.columns],
            "findings": [finding.to_dict() for finding in self.findings],
        }


def quality_report(
    frame: pd.DataFrame, roles: list[ColumnRole], *, today: date | None = None, fuzzy_sample: int = 50_000
) -> QualityReport:
    """Check ``frame`` (with its column ``roles``) and return statistics plus findings, worst first.

    ``today`` decides what counts as a future date; ``fuzzy_sample`` caps how many rows the
    near-duplicate search compares (whole postcode/e-mail blocks are sampled, and the message says so).
    """
    today = today or date.today()
    context = _Context(frame, {role.column: role for role in roles}, today)
    missing = frame.isna().sum()
    # The checks read the frame only; pyarrow and pandas release the GIL while hashing and matching,
    # so a few threads overlap the work (findings are sorted afterwards, the result is deterministic).
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        across_rows = pool.submit(lambda: _near_duplicate_check(context, _duplicate_checks(context), fuzzy_sample))
        stats = list(pool.map(lambda column: _column_checks(context, column, int(missing[column])), frame.columns))
        later = [pool.submit(_value_checks, context), pool.submit(_outlier_checks, context)]  # need parsed dates
        notes = across_rows.result()
        for task in later:
            task.result()
    position = {column: index for index, column in enumerate(frame.columns)}
    findings = sorted(
        context.findings,
        key=lambda finding: (
            _SEVERITY_ORDER[Severity(finding.severity)],
            _CHECK_ORDER.index(finding.check),
            -1 if finding.column is None else position[finding.column],
        ),
    )
    return QualityReport(len(frame), tuple(stats), tuple(findings), today, tuple(notes))


class _Context:
    """The frame, its roles and the findings collected so far."""

    def __init__(self, frame: pd.DataFrame, roles: dict[str, ColumnRole], today: date) -> None:
        self.frame, self.roles, self.today, self.rows = frame, roles, today, len(frame)
        self.findings: list[QualityFinding] = []
        self.parsed_dates: dict[str, pd.Series] = {}  # text date columns, parsed once for every date check

    def role_of(self, column: str) -> str | None:
        role = self.roles.get(column)
        return role.role if role else None

    def columns_of_kind(self, *kinds: str) -> list[str]:
        return [
            column
            for column in self.frame.columns
            if (role := self.roles.get(column)) is not None and role.kind in kinds
        ]

    def add(
        self,
        check: str,
        column: str | None,
        count: int,
        severity: Severity,
        message: str,
        examples: np.ndarray | tuple = (),
        fix: FixStep | None = None,
        share_of: int | None = None,
    ) -> None:
        if count <= 0:
            return
        share = count / (share_of or self.rows) if (share_of or self.rows) else 0.0
        self.findings.append(
            QualityFinding(
                check,
                column,
                int(count),
                round(float(share), 4),
                str(severity),
                message,
                tuple(int(position) for position in examples[:3]),
                fix,
            )
        )


def _first_positions(series: pd.Series, is_problem: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
    """Up to three row positions where ``is_problem`` holds, scanning a growing prefix (cheap)."""
    for stop in (10_000, 200_000, len(series)):
        found = np.flatnonzero(is_problem(series.iloc[:stop]))
        if len(found) >= 3 or stop >= len(series):
            return found[:3]
    return found[:3]


def _percent(count: int, total: int) -> str:
    if not total or not count:
        return "0%"
    return "<0.1%" if count / total < 0.001 else f"{count / total:.1%}"


def _rows(count: int, noun: str = "row") -> str:
    """ "1 row", "2,345 rows": a count with its noun in the right number."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _verb(count: int, singular: str, plural: str) -> str:
    return singular if count == 1 else plural


def _is_text(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype | pd.CategoricalDtype) or series.dtype == object


def _pandas_dtype_hint(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series.dtype):
        return DtypeHint.BOOLEAN
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return DtypeHint.DATE
    if pd.api.types.is_integer_dtype(series.dtype):
        return DtypeHint.INTEGER
    return DtypeHint.NUMBER if pd.api.types.is_numeric_dtype(series.dtype) else DtypeHint.TEXT


# --- per-column checks --------------------------------------------------------------------------------------


def _column_checks(context: _Context, column: str, missing: int) -> ColumnStats:
    series, rows = context.frame[column], context.rows
    role = context.roles.get(column)
    drop = None if context.role_of(column) == ColumnRoleName.CONSENT else FixStep.of("drop_column", column=column)
    if rows and missing / rows > 0.9:
        context.add(
            "mostly_empty",
            column,
            missing,
            Severity.WARNING,
            f"'{column}' is {_percent(missing, rows)} empty ({missing:,} of {rows:,} rows); consider removing it.",
            _first_positions(series, lambda part: part.isna().to_numpy()),
            drop,
        )
    elif missing:
        context.add(
            "missing_values",
            column,
            missing,
            Severity.WARNING if missing / rows >= 0.2 else Severity.INFO,
            f"'{column}' is missing in {_rows(missing)} ({_percent(missing, rows)}).",
            _first_positions(series, lambda part: part.isna().to_numpy()),
        )
    mixed = False
    if _is_text(series) and missing < rows:
        distinct, mixed = _text_checks(context, column, series)
    else:
        distinct = int(series.nunique())
    if distinct == 1 and missing / rows <= 0.9:  # a mostly empty column was reported above
        context.add(
            "constant_column",
            column,
            rows - missing,
            Severity.INFO,
            f"All {_rows(rows - missing, 'value')} in '{column}' are the same; it cannot tell customers apart.",
            (),
            drop,
        )
    dtype = role.dtype_hint if role else _pandas_dtype_hint(series)
    return ColumnStats(
        column, str(dtype), str(series.dtype), missing, round(missing / rows, 4) if rows else 0.0, distinct, mixed
    )


def _text_checks(context: _Context, column: str, series: pd.Series) -> tuple[int, bool]:
    """Distinct count, untrimmed values, case variants and mixed numbers/text; returns (distinct, mixed)."""
    role = context.roles.get(column)
    if role is not None and role.dtype_hint == DtypeHint.DATE:  # text dates: factorize once, parse distinct texts
        codes, uniques = pd.factorize(series)
        context.parsed_dates[column] = as_dates(series, factorized=(codes, uniques))
        values, weights = pd.Series(uniques).astype("str"), np.bincount(codes[codes >= 0], minlength=len(uniques))
        low_cardinality, distinct = len(uniques) <= 10 * _LOW_CARDINALITY, len(uniques)
    elif series.iloc[:20_000].nunique() <= _LOW_CARDINALITY:
        counted = series.value_counts()
        values, weights = pd.Series(counted.index.astype("str")), counted.to_numpy()
        low_cardinality = len(values) <= 10 * _LOW_CARDINALITY
        distinct = len(values)
    else:  # mostly distinct values (e-mail addresses, names): check every row, missing ones count as zero weight
        values, low_cardinality, distinct = series, False, int(series.nunique())
        weights = series.notna().to_numpy().astype(np.int64)

    def rows_where(mask: np.ndarray) -> int:
        return int(weights[mask].sum())

    def examples(mask: np.ndarray) -> np.ndarray:
        if not mask.any():
            return np.empty(0, dtype=np.int64)
        if not low_cardinality:
            return np.flatnonzero(mask & (weights > 0))[:3]
        flagged = set(values[mask])
        return _first_positions(series, lambda part: part.astype("str").isin(flagged).to_numpy())

    arrow = vocab.arrow_strings(values)
    trimmed = pc.utf8_trim_whitespace(arrow)
    untrimmed = np.asarray(pc.not_equal(trimmed, arrow).fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    count = rows_where(untrimmed)
    context.add(
        "untrimmed_text",
        column,
        count,
        Severity.INFO,
        f"'{column}' has {_rows(count, 'value')} with spaces at the start or end.",
        examples(untrimmed),
        FixStep.of("trim_whitespace", columns=(column,)),
    )
    if low_cardinality and context.role_of(column) not in _CODE_ROLES:
        _case_check(context, column, trimmed, weights, examples)
    if context.role_of(column) in _CODE_ROLES or (
        role is not None and (role.kind == "postcode" or role.dtype_hint == DtypeHint.DATE)
    ):
        return distinct, False  # codes (postcodes, ids) mix digits and letters by nature; dates are not numbers
    numeric = vocab.full_match(arrow, vocab.NUMBER_PATTERN)
    numbers, texts = rows_where(numeric), rows_where(~numeric)
    _mixed_types_finding(context, column, numbers, texts, examples(~numeric if numbers > texts else numeric))
    return distinct, bool(numbers and texts)


def _case_check(
    context: _Context,
    column: str,
    trimmed: pa.ChunkedArray | pa.Array,
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
        f"'{column}' writes {_rows(groups, 'value')} in more than one letter case; "
        f"{_rows(count)} {_verb(count, 'uses', 'use')} a less common spelling.",
        examples(mask),
        FixStep.of("normalise_case", columns=(column,), case="most_common"),
    )


def _mixed_types_finding(context: _Context, column: str, numbers: int, texts: int, examples: np.ndarray) -> None:
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
            f"'{column}' holds numbers, but {_rows(texts, 'value')} ({_percent(texts, total)}) "
            f"{_verb(texts, 'is', 'are')} text.",
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
            f"'{column}' holds text, but {_rows(numbers, 'value')} ({_percent(numbers, total)}) "
            f"{_verb(numbers, 'is a plain number', 'are plain numbers')}.",
            examples,
            share_of=total,
        )


# --- checks across rows -------------------------------------------------------------------------------------


def _duplicate_checks(context: _Context) -> np.ndarray:
    frame = context.frame
    exact = duplicate_row_mask(frame)
    count = int(exact.sum())
    context.add(
        "exact_duplicates",
        None,
        count,
        Severity.WARNING,
        f"{_rows(count)} ({_percent(count, context.rows)}) {_verb(count, 'repeats', 'repeat')} an earlier row exactly.",
        np.flatnonzero(exact),
        FixStep.of("drop_duplicates", mode="exact"),
    )
    transactional = any(role.role == ColumnRoleName.TRANSACTION_DATE for role in context.roles.values())
    ids = [] if transactional else [column for column in frame.columns if context.role_of(column) == ColumnRoleName.ID]
    for column in ids:  # in a table of transactions an id repeats by design
        repeated = (frame[column].duplicated(keep="first") & frame[column].notna()).to_numpy()
        count, copies = int(repeated.sum()), int((repeated & exact).sum())
        context.add(
            "duplicate_ids",
            column,
            count,
            Severity.ERROR,
            f"{_rows(count)} {_verb(count, 'repeats', 'repeat')} the '{column}' of an earlier row "
            f"({copies:,} of them {_verb(copies, 'is an exact copy', 'are exact copies')} of that row).",
            np.flatnonzero(repeated),
            FixStep.of("drop_duplicates", mode="id", column=column),
        )
    return exact


def _near_duplicate_check(context: _Context, exact: np.ndarray, fuzzy_sample: int) -> list[str]:
    names = context.columns_of_kind("person_name")
    emails, postcodes = context.columns_of_kind("email"), context.columns_of_kind("postcode")
    if not names or not (emails or postcodes):
        return [
            "Near-duplicate customers were not checked: that needs a name column plus an e-mail or postcode "
            "column (see the column roles)."
        ]
    name_column = names[0] if len(names) == 1 else tuple(names)
    email_column, postcode_column = (emails or [None])[0], (postcodes or [None])[0]
    rows = np.flatnonzero(~exact)
    sampled = len(rows) > fuzzy_sample
    if sampled:  # sample whole postcode (or e-mail) blocks: duplicate pairs stay together, counts scale linearly
        key = pc.replace_substring(
            pc.utf8_lower(vocab.arrow_strings(context.frame[postcode_column or email_column])), " ", ""
        )
        codes = pd.factorize(pd.Series(key, dtype=pd.ArrowDtype(key.type)))[0]
        spread = (codes.astype(np.uint64) * np.uint64(2_654_435_761)) % np.uint64(2**32)  # Knuth's hash
        chosen = spread[rows] < np.uint64(2**32 * fuzzy_sample / len(rows))
        rows = rows[chosen]
    mask = near_duplicate_mask(
        context.frame, name_column=name_column, email_column=email_column, postcode_column=postcode_column, rows=rows
    )
    count = int(mask.sum())
    how = " or ".join(
        part
        for part, present in (
            ("at the same postcode", postcode_column),
            ("with a similar e-mail address", email_column),
        )
        if present
    )
    scope = (
        f" Only a sample of {len(rows):,} of {context.rows:,} rows was compared; the whole table likely holds "
        f"about {round(count * (len(exact) - exact.sum()) / max(len(rows), 1)):,}."
        if sampled
        else ""
    )
    context.add(
        "near_duplicates",
        None,
        count,
        Severity.WARNING,
        f"{_rows(count)} {_verb(count, 'looks', 'look')} like the same customer as an earlier row "
        f"(a similar name {how}).{scope}",
        np.flatnonzero(mask),
        FixStep.of(
            "drop_duplicates",
            mode="near",
            name_column=name_column,
            email_column=email_column,
            postcode_column=postcode_column,
            threshold=90,
        ),
        share_of=len(rows),
    )
    return []


_VALUE_CHECKS = (
    # (kind of column, check, the problem in words for several values and for one, severity)
    ("email", "invalid_email", ("are not valid e-mail addresses", "is not a valid e-mail address"), Severity.WARNING),
    ("phone", "invalid_phone", ("are not valid phone numbers", "is not a valid phone number"), Severity.WARNING),
    ("postcode", "invalid_postcode", ("are not valid postcodes", "is not a valid postcode"), Severity.WARNING),
    (
        "age",
        "impossible_age",
        ("are impossible ages (below 0 or above 120)", "is an impossible age (below 0 or above 120)"),
        Severity.ERROR,
    ),
    (
        "birth_date",
        "impossible_age",
        ("are birth dates more than 120 years ago", "is a birth date more than 120 years ago"),
        Severity.ERROR,
    ),
)


def _value_checks(context: _Context) -> None:
    today = context.today
    frame = context.frame.copy(deep=False)  # with text dates replaced by the dates parsed in the column checks
    for column, dates in context.parsed_dates.items():
        frame[column] = dates
    countries = context.columns_of_kind("country")
    for kind, check, words, severity in _VALUE_CHECKS:
        for column in context.columns_of_kind(kind):
            country = countries[0] if check == "invalid_postcode" and countries else None
            invalid = invalid_value_mask(frame, column, check, today=today, country_column=country)
            count, present = int(invalid.sum()), int(frame[column].notna().sum())
            per_country = " (checked against each row's country)" if country else ""
            context.add(
                check,
                column,
                count,
                severity,
                f"{_rows(count, 'value')} in '{column}' {words[count == 1]}{per_country}.",
                np.flatnonzero(invalid),
                FixStep.of(
                    "drop_invalid",
                    column=column,
                    check=check,
                    today=today if kind == "birth_date" else None,
                    country_column=country,
                ),
                share_of=present,
            )
    for column in frame.columns:
        role = context.roles.get(column)
        is_date = pd.api.types.is_datetime64_any_dtype(frame[column].dtype) or (
            role is not None and role.dtype_hint == DtypeHint.DATE
        )
        if not is_date or frame[column].notna().sum() == 0:
            continue
        future = invalid_value_mask(frame, column, "future_date", today=today)
        count = int(future.sum())
        birth = role is not None and role.kind == "birth_date"
        context.add(
            "future_date",
            column,
            count,
            Severity.ERROR if birth else Severity.WARNING,
            f"{_rows(count, 'date')} in '{column}' {_verb(count, 'lies', 'lie')} after today ({today.isoformat()}).",
            np.flatnonzero(future),
            FixStep.of("drop_invalid", column=column, check="future_date", today=today),
            share_of=int(frame[column].notna().sum()),
        )


def _outlier_checks(context: _Context) -> None:
    """Tukey's far-out fences (3 × IQR beyond the quartiles) on numeric feature and amount columns."""
    for column in context.frame.columns:
        series = context.frame[column]
        if (
            not pd.api.types.is_numeric_dtype(series.dtype)
            or pd.api.types.is_bool_dtype(series.dtype)
            or context.role_of(column) in (*_NOT_VALIDATED_ROLES, ColumnRoleName.SPECIAL_CATEGORY)
        ):
            continue
        values = series.to_numpy(dtype=float, na_value=np.nan)
        values = values[~np.isnan(values)]
        if len(values) < 20 or len(np.unique(values[:5_000])) <= 10:
            continue
        low_quartile, high_quartile = np.percentile(values, (25, 75))
        spread = high_quartile - low_quartile
        if spread == 0:
            continue
        low, high = low_quartile - 3 * spread, high_quartile + 3 * spread
        outside = ((series < low) | (series > high)).to_numpy(dtype=bool, na_value=False)
        count = int(outside.sum())
        context.add(
            "outliers",
            column,
            count,
            Severity.INFO,
            f"{_rows(count, 'value')} in '{column}' {_verb(count, 'lies', 'lie')} far outside the usual range "
            f"(below {low:,.4g} or above {high:,.4g}).",
            np.flatnonzero(outside),
            share_of=len(values),
        )

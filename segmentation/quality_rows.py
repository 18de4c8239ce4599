"""Quality checks across rows and of values: duplicates, near-duplicate customers, validity, outliers.

The row masks come from :mod:`segmentation.duplicates` and :mod:`segmentation.validity`, the very
functions the suggested fixes use, so a finding's count is exactly what its fix will change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from segmentation.duplicates import duplicate_row_mask, near_duplicate_mask, normalised_text
from segmentation.fixes import FixStep
from segmentation.quality_findings import NOT_VALIDATED_ROLES, CheckContext, Severity, percent, rows_phrase, verb
from segmentation.schema import ColumnRoleName, DtypeHint
from segmentation.validity import invalid_value_mask

_KNUTH = np.uint64(2_654_435_761)  # multiplicative hash: spreads block numbers evenly over 32 bits


def duplicate_checks(context: CheckContext) -> np.ndarray:
    """Exact duplicate rows and repeated ids; returns the exact-duplicate mask for the near-duplicate search."""
    frame = context.frame
    exact = _exact_duplicates(context)
    count = int(exact.sum())
    context.add(
        "exact_duplicates",
        None,
        count,
        Severity.WARNING,
        f"{rows_phrase(count)} ({percent(count, context.rows)}) {verb(count, 'repeats', 'repeat')} an earlier "
        "row exactly.",
        np.flatnonzero(exact),
        FixStep.of("drop_duplicates", mode="exact"),
    )
    transactional = any(role.role == ColumnRoleName.TRANSACTION_DATE for role in context.roles.values())
    ids = [] if transactional else [column for column in frame.columns if context.role_of(column) == ColumnRoleName.ID]
    for column in ids:  # in a table of transactions an id repeats by design
        scan = context.scan(column)
        if scan.distinct == scan.rows - scan.missing:
            continue  # every present id is different
        if scan.codes is not None:
            repeated = scan.repeats_earlier()
        else:
            repeated = (frame[column].duplicated(keep="first") & frame[column].notna()).to_numpy()
        count, copies = int(repeated.sum()), int((repeated & exact).sum())
        context.add(
            "duplicate_ids",
            column,
            count,
            Severity.ERROR,
            f"{rows_phrase(count)} {verb(count, 'repeats', 'repeat')} the '{column}' of an earlier row "
            f"({copies:,} of them {verb(copies, 'is an exact copy', 'are exact copies')} of that row).",
            np.flatnonzero(repeated),
            FixStep.of("drop_duplicates", mode="id", column=column),
        )
    return exact


def _exact_duplicates(context: CheckContext) -> np.ndarray:
    """The exact-duplicate mask; a column without repeated values (scanned first: ids) settles it at once."""
    for column in context.scans:  # in the order they were submitted
        if context.scan(column).is_unique:
            return np.zeros(context.rows, dtype=bool)
    return duplicate_row_mask(context.frame, scans=context.all_scans())


def near_duplicate_check(context: CheckContext, exact: np.ndarray, fuzzy_sample: int) -> list[str]:
    """Similar names at one postcode or with a similar e-mail address; returns notes when it cannot run."""
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
    if sampled:
        rows = _sampled_rows(context, names[0], rows, fuzzy_sample)
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
        f"{rows_phrase(count)} {verb(count, 'looks', 'look')} like the same customer as an earlier row "
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


def _sampled_rows(context: CheckContext, name_column: str, rows: np.ndarray, wanted: int) -> np.ndarray:
    """About ``wanted`` of ``rows``: whole blocks of customers whose names start with the same letters.

    Both ways of pairing (same postcode, similar e-mail address) need similar names, and similar
    names nearly always start alike, so pairs stay together in the sample and its count scales up
    linearly to the whole table. The prefix grows until no block holds more than a tenth of the
    sample. Keys are built once per distinct name and spread over the rows.
    """
    scan = context.scan(name_column)
    if scan.uniques is None:  # not text: no names to block on, so no pairs either
        return rows[:0]
    folded = normalised_text(scan.uniques, drop=r"[^a-z0-9 ]+")  # as the comparison itself sees the names
    weights = scan.counts
    probe = slice(0, 50_000)  # the prefix length is chosen on the first distinct names, scaled to their rows
    largest_block = wanted / 10 * weights[probe].sum() / max(weights.sum(), 1)
    for length in (4, 6, 8, 12, 16, None):
        keys = folded if length is None else pc.utf8_slice_codeunits(folded, 0, length)
        probe_codes = pd.factorize(pd.Series(keys[probe], dtype=pd.ArrowDtype(keys.type)))[0]
        if np.bincount(probe_codes, weights=weights[probe]).max() <= largest_block:
            break
    block_of = pd.factorize(pd.Series(keys, dtype=pd.ArrowDtype(keys.type)))[0]
    sizes = np.bincount(block_of, weights=weights)
    order = np.argsort((np.arange(len(sizes), dtype=np.uint64) * _KNUTH) % np.uint64(2**32), kind="stable")
    taken = order[: np.searchsorted(np.cumsum(sizes[order]), wanted) + 1]  # blocks in a fixed pseudo-random order
    chosen = np.zeros(len(sizes), dtype=bool)
    chosen[taken] = True
    return rows[scan.spread(chosen[block_of])[rows]]


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


def value_check_tasks(context: CheckContext) -> list[Callable[[], None]]:
    """One task per validated column: e-mail, phone, postcode, age, birth date, and dates in the future.

    Separate tasks let the report's threads share the work; each adds its own finding.
    """
    tasks: list[Callable[[], None]] = [
        partial(_value_check, context, column, kind, check, words, severity)
        for kind, check, words, severity in _VALUE_CHECKS
        for column in context.columns_of_kind(kind)
    ]
    return tasks + [partial(_future_date_check, context, column) for column in context.frame.columns]


def _with_parsed_dates(context: CheckContext, *columns: str) -> pd.DataFrame:
    """The named columns, text dates replaced by the dates parsed once for every check."""
    frame = context.frame[list(dict.fromkeys(columns))]
    for column in frame.columns:
        if (dates := context.dates(column)) is not None:
            frame[column] = dates
    return frame


def _value_check(
    context: CheckContext, column: str, kind: str, check: str, words: tuple[str, str], severity: Severity
) -> None:
    countries = context.columns_of_kind("country")
    country = countries[0] if check == "invalid_postcode" and countries else None
    frame = _with_parsed_dates(context, column, *([country] if country else []))
    if kind == "age" and not _holds_numbers(frame[column]):
        return  # age bands ("25-34", "65+") cannot be impossible ages
    scans = {name: context.scan(name) for name in frame.columns}
    invalid = invalid_value_mask(frame, column, check, today=context.today, country_column=country, scans=scans)
    count, present = int(invalid.sum()), int(frame[column].notna().sum())
    per_country = " (checked against each row's country)" if country else ""
    context.add(
        check,
        column,
        count,
        severity,
        f"{rows_phrase(count, 'value')} in '{column}' {words[count == 1]}{per_country}.",
        np.flatnonzero(invalid),
        FixStep.of(
            "drop_invalid",
            column=column,
            check=check,
            today=context.today if kind == "birth_date" else None,
            country_column=country,
        ),
        share_of=present,
    )


def _holds_numbers(series: pd.Series) -> bool:
    """Numbers, or text whose first values are mostly numbers (exact ages rather than age bands)."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return True
    head = series.dropna().iloc[:1_000]
    return len(head) > 0 and pd.to_numeric(head, errors="coerce").notna().mean() >= 0.5


def _future_date_check(context: CheckContext, column: str) -> None:
    role = context.roles.get(column)
    is_date = pd.api.types.is_datetime64_any_dtype(context.frame[column].dtype) or (
        role is not None and role.dtype_hint == DtypeHint.DATE
    )
    if not is_date:
        return
    frame = _with_parsed_dates(context, column)
    present = int(frame[column].notna().sum())
    if not present:
        return
    future = invalid_value_mask(frame, column, "future_date", today=context.today)
    count, today = int(future.sum()), context.today
    birth = role is not None and role.kind == "birth_date"
    context.add(
        "future_date",
        column,
        count,
        Severity.ERROR if birth else Severity.WARNING,
        f"{rows_phrase(count, 'date')} in '{column}' {verb(count, 'lies', 'lie')} after today ({today.isoformat()}).",
        np.flatnonzero(future),
        FixStep.of("drop_invalid", column=column, check="future_date", today=today),
        share_of=present,
    )


def outlier_checks(context: CheckContext) -> None:
    """Tukey's far-out fences (3 × IQR beyond the quartiles) on numeric feature and amount columns.

    Ages are left to the impossible-age check: a 95-year-old is rare, not wrong.
    """
    for column in context.frame.columns:
        series = context.frame[column]
        role = context.roles.get(column)
        if (
            not pd.api.types.is_numeric_dtype(series.dtype)
            or pd.api.types.is_bool_dtype(series.dtype)
            or context.role_of(column) in (*NOT_VALIDATED_ROLES, ColumnRoleName.SPECIAL_CATEGORY)
            or (role is not None and role.kind == "age")
        ):
            continue
        every_row = series.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(every_row)
        values = every_row[~missing] if missing.any() else every_row  # no copy for a complete column
        if len(values) < 20 or len(np.unique(values[:5_000])) <= 10:
            continue
        low_quartile, high_quartile = np.percentile(values, (25, 75))
        spread = high_quartile - low_quartile
        if spread == 0:
            continue
        low, high = low_quartile - 3 * spread, high_quartile + 3 * spread
        outside = (every_row < low) | (every_row > high)  # missing (NaN) compares False: never an outlier
        count = int(outside.sum())
        context.add(
            "outliers",
            column,
            count,
            Severity.INFO,
            f"{rows_phrase(count, 'value')} in '{column}' {verb(count, 'lies', 'lie')} far outside the usual range "
            f"(below {low:,.4g} or above {high:,.4g}).",
            np.flatnonzero(outside),
            share_of=len(values),
        )

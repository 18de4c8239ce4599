"""Value validity: which present values fail a check (e-mail, phone, postcode, age, future date).

Shared by the quality report (to count) and the ``drop_invalid`` fix (to change), so both agree.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from segmentation import value_shapes as shapes
from segmentation.column_scan import ColumnScan
from segmentation.fix_steps import FixError

INVALID_CHECKS = ("invalid_email", "invalid_phone", "invalid_postcode", "impossible_age", "future_date")


def invalid_value_mask(
    frame: pd.DataFrame,
    column: str,
    check: str,
    *,
    today: date | str | None = None,
    country_column: str | None = None,
    scans: Mapping[str, ColumnScan] | None = None,
) -> np.ndarray:
    """True where a present value of ``column`` fails ``check`` (one of :data:`INVALID_CHECKS`).

    ``scans`` (from :func:`scan_column`) let text checks run once per distinct value; the answer is
    the same with or without them.
    """
    series = frame[column]
    present = series.notna().to_numpy()
    scans = scans or {}
    if check in ("invalid_email", "invalid_phone"):
        is_valid = shapes.valid_email_mask if check == "invalid_email" else shapes.valid_phone_mask
        scan = scans.get(column)
        if scan is None or not scan.is_text:
            return present & ~is_valid(series)
        return present & ~scan.spread(is_valid(scan.uniques))
    if check == "invalid_postcode":
        countries = (
            shapes.country_codes(frame[country_column], factorized=_factorized(scans.get(country_column)))
            if country_column
            else None
        )
        return present & ~shapes.valid_postcode_mask(series, countries, factorized=_factorized(scans.get(column)))
    today = pd.Timestamp(today or date.today())
    if check == "impossible_age" and not _holds_dates(series):
        ages = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        return (ages < 0) | (ages > 120)
    moments = as_dates(series).to_numpy()
    if check == "impossible_age":  # a birth date more than 120 years ago
        return moments < (today - pd.DateOffset(years=120)).to_datetime64()
    if check == "future_date":
        return moments >= (today.normalize() + pd.Timedelta(days=1)).to_datetime64()
    raise FixError(f"Unknown check '{check}'; choose one of {', '.join(INVALID_CHECKS)}.")


def _factorized(scan: ColumnScan | None) -> tuple[np.ndarray, Any] | None:
    if scan is None or not scan.is_text:
        return None
    return (scan.codes if scan.codes is not None else np.arange(scan.rows)), scan.uniques


def _holds_dates(series: pd.Series) -> bool:
    """Datetime dtype, or text whose first values are mostly not numbers (a birth date, not an age)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return True
    if pd.api.types.is_numeric_dtype(series.dtype):
        return False
    head = series.dropna().iloc[:1_000]
    return len(head) > 0 and pd.to_numeric(head, errors="coerce").isna().mean() > 0.5


def _parse_dates(values: pd.Series) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format": unreadable values simply become NaT
        parsed = pd.to_datetime(values, errors="coerce")
        if parsed.isna().sum() > values.notna().sum() / 2:
            retry = pd.to_datetime(values, errors="coerce", dayfirst=True)
            parsed = retry if retry.notna().sum() > parsed.notna().sum() else parsed
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed.astype("datetime64[ns]")


def as_dates(series: pd.Series, factorized: tuple[np.ndarray, Any] | None = None) -> pd.Series:
    """The column as timezone-free datetimes; text that is no date becomes missing.

    ``factorized`` is ``pd.factorize(series)`` when the caller already has it.
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.dt.tz_convert(None) if getattr(series.dt, "tz", None) is not None else series
    codes, uniques = factorized if factorized is not None else pd.factorize(series)
    if len(uniques) > len(series) / 2:
        return _parse_dates(series)
    # dates repeat a lot: parse each distinct text once and spread the result over the rows
    parsed = np.append(_parse_dates(pd.Series(uniques)).to_numpy(), np.datetime64("NaT", "ns"))
    return pd.Series(parsed[codes], index=series.index)

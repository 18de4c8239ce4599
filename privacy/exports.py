"""Safe table exports: spreadsheet-formula neutralisation for every CSV and XLSX the app writes."""

from __future__ import annotations

import io

import pandas as pd

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_value(value: object) -> object:
    """Prefix a text value that a spreadsheet would evaluate with an apostrophe; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) can no longer start a formula."""
    result = frame.copy()
    for column in result.columns:
        series = result[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            text = series.astype("string")
            risky = text.str.startswith(FORMULA_PREFIXES).fillna(False)
            if risky.any():
                result[column] = series.astype(object).where(~risky, "'" + text.astype(object))
    result.columns = [neutralise_value(str(name)) for name in result.columns]
    return result


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel opens accents correctly), formulas neutralised."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "export") -> bytes:
    """An XLSX workbook with formulas neutralised; every text cell is written as text."""
    buffer = io.BytesIO()
    safe = neutralise_formulas(frame)
    for column in safe.columns:
        if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
            safe[column] = safe[column].dt.tz_localize(None)  # Excel has no time zones
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name=sheet_name[:31], index=False)
    return buffer.getvalue()

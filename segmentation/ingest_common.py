"""Shared pieces of the upload reader: the error type, the result type and column-name cleanup.

Kept apart from `segmentation.ingest` so the CSV, XLSX and Parquet readers can use them without
importing each other. Callers should import everything from `segmentation.ingest`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Limits the bomb guards use when the caller gives none: an upload may expand to at most this many
# times its own size, and no single archive member may be compressed more than this ratio.
DEFAULT_EXPANSION_FACTOR = 20
DEFAULT_MAX_COMPRESSION_RATIO = 100

_MB = 1024 * 1024


class IngestError(ValueError):
    """An upload that cannot be read, with one message that says what is wrong and how to fix it.

    `line` (1-based, as a text editor counts) and `sheet` are set when the problem sits at a
    particular place, so a page can point at it; `sheet_names` lists a workbook's sheets so the
    page can offer another one when the chosen sheet is empty or unknown.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        sheet: str | None = None,
        sheet_names: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.sheet = sheet
        self.sheet_names = sheet_names


@dataclass(frozen=True)
class IngestResult:
    """A parsed upload: the table plus how it was read, for the page to show and the user to check."""

    frame: pd.DataFrame
    file_format: str  # "csv" | "xlsx" | "parquet"
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    sheet: str | None = None
    sheet_names: tuple[str, ...] = ()
    rows: int = 0
    columns: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)


def format_megabytes(size: int) -> str:
    """Size in MB for messages: one decimal, dropped when whole ("312.4 MB", "200 MB")."""
    value = size / _MB
    text = f"{value:,.1f}"
    return f"{text.removesuffix('.0')} MB"


def uncompressed_limit(max_bytes: int, max_uncompressed_bytes: int | None) -> int:
    """The most bytes an upload may expand to: explicit when given, else a multiple of max_bytes."""
    if max_uncompressed_bytes is not None:
        return max_uncompressed_bytes
    return max_bytes * DEFAULT_EXPANSION_FACTOR


def _header_text(value: object) -> str:
    """One header cell as text: numbers and dates from spreadsheets become readable names."""
    if value is None:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0, 0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).strip()


def _quoted_list(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def make_unique_column_names(
    raw_names: Sequence[object], positions: Sequence[int] | None = None
) -> tuple[list[str], list[str]]:
    """Turn header cells into unique, non-empty column names, with a warning for each repair.

    Blank cells become "column_<position>" (1-based position in the file, taken from
    `positions` when some columns were left out); a repeated name keeps its first column as is
    and the later ones become "email (2)", "email (3)". No data is dropped.
    """
    names = [_header_text(value) for value in raw_names]
    if positions is None:
        positions = range(1, len(names) + 1)
    warnings: list[str] = []

    blank_positions = [index for index, name in enumerate(names) if not name]
    for index in blank_positions:
        names[index] = f"column_{positions[index]}"
    if blank_positions:
        generated = [names[index] for index in blank_positions]
        warnings.append(
            f"{len(generated)} column(s) have no header and were named {_quoted_list(generated)}: "
            "give them a name in the file if you want to use them"
        )

    taken = set(names)
    first_seen: set[str] = set()
    last_number: dict[str, int] = {}
    renamed: list[str] = []
    repeated: list[str] = []
    for index, name in enumerate(names):
        if name not in first_seen:
            first_seen.add(name)
            continue
        number = last_number.get(name, 1) + 1
        candidate = f"{name} ({number})"
        while candidate in taken:
            number += 1
            candidate = f"{name} ({number})"
        last_number[name] = number
        taken.add(candidate)
        names[index] = candidate
        renamed.append(candidate)
        if name not in repeated:
            repeated.append(name)
    if repeated:
        warnings.append(
            f"duplicate column names {_quoted_list(repeated)}: the later ones were renamed to "
            f"{_quoted_list(renamed)}; check which column you need"
        )
    return names, warnings


def apply_header(frame: pd.DataFrame, raw_header: Sequence[object]) -> tuple[pd.DataFrame, list[str]]:
    """Give a frame read by position its final column names, with warnings for repaired names.

    Columns with neither a header nor any value are dropped silently: they come from a
    trailing delimiter ("a;b;c;") or from formatted but empty spreadsheet columns.
    """
    raw = list(raw_header) + [None] * (frame.shape[1] - len(raw_header))
    blank = [index for index, value in enumerate(raw) if not _header_text(value)]
    empty_unnamed = {index for index in blank if frame.iloc[:, index].isna().all()}
    keep = [index for index in range(frame.shape[1]) if index not in empty_unnamed]
    names, warnings = make_unique_column_names([raw[index] for index in keep], [index + 1 for index in keep])
    if empty_unnamed:
        frame = frame.iloc[:, keep]
    frame.columns = names
    return frame, warnings


def stringify_mixed_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn columns that mix numbers and text (invoice numbers with a "C" prefix) into text.

    A column like that is an identifier or a code, not a number; leaving it as a mix of Python
    ints and strs would break sorting, joins and Parquet export. Whole-number floats are written
    without ".0" so "536365" stays "536365".
    """
    object_columns = [column for column, dtype in frame.dtypes.items() if pd.api.types.is_object_dtype(dtype)]
    for column in object_columns:
        values = frame[column]
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind in ("integer", "floating", "mixed-integer-float"):
            frame[column] = pd.to_numeric(values)
            continue
        if kind not in ("mixed", "mixed-integer"):
            continue
        is_text = values.str.len().notna()
        as_text = values.astype("str")
        numbers = pd.to_numeric(values.where(~is_text), errors="coerce")
        whole = numbers.notna() & (numbers == np.floor(numbers.fillna(0)))
        if whole.any():
            as_text = as_text.where(~whole, numbers[whole].astype("int64").astype("str"))
        frame[column] = as_text.where(values.notna())
    return frame

"""Read an Excel workbook (.xlsx) upload into a DataFrame, after checking the zip is safe to open.

openpyxl reads in read-only mode with `data_only=True`, so formula cells give the value Excel
saved with them, never the formula text. defusedxml, when installed, is used by openpyxl for
every XML part (no entity expansion). The zip-bomb check runs on the archive's directory
before any member is decompressed.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterable

import pandas as pd
from defusedxml import DefusedXmlException
from openpyxl import load_workbook

from segmentation.ingest_common import (
    DEFAULT_MAX_COMPRESSION_RATIO,
    IngestError,
    IngestResult,
    apply_header,
    format_megabytes,
    stringify_mixed_columns,
)

# Members smaller than this are never called a bomb, whatever their ratio: a few KB of
# repeated XML compresses extremely well and is harmless.
_RATIO_CHECK_MIN_BYTES = 1024 * 1024
_MAX_ZIP_MEMBERS = 10_000
_EXCEL_ERROR_VALUES = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"]
_RESAVE_HINT = "open it in Excel and save it again as .xlsx (Excel Workbook), then upload that"


def read_xlsx(
    data: bytes,
    filename: str,
    *,
    max_columns: int,
    sheet: str | None,
    max_uncompressed_bytes: int,
    max_compression_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO,
) -> IngestResult:
    """Parse one sheet of a workbook: the first by default, or `sheet` by name."""
    check_zip_is_workbook(data, filename, max_uncompressed_bytes, max_compression_ratio)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it skips; they do not affect values.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # untrusted bytes: any parser failure means "not a readable workbook"
        _refuse_unsafe_xml(error, filename)
        raise IngestError(
            f"{filename} could not be opened as an Excel workbook ({_root_cause(error)}): {_RESAVE_HINT}"
        ) from error
    sheet_names: tuple[str, ...] = ()
    chosen: str | None = sheet
    try:
        sheet_names = tuple(worksheet.title for worksheet in workbook.worksheets)
        if not sheet_names:
            raise IngestError(f"{filename} has no worksheets with cells: {_RESAVE_HINT}")
        chosen = _choose_sheet(sheet, sheet_names, filename)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            rows = _sheet_rows(workbook[chosen], filename, chosen, max_columns)
        header, data_rows = _split_header(rows, filename, chosen, sheet_names)
    except IngestError as error:
        error.sheet_names = sheet_names  # lets the page offer the other sheets
        raise
    except Exception as error:  # a damaged sheet part shows up only while its rows are read
        _refuse_unsafe_xml(error, filename)
        raise IngestError(
            f"sheet '{chosen}' of {filename} could not be read ({_root_cause(error)}): {_RESAVE_HINT}",
            sheet=chosen,
            sheet_names=sheet_names,
        ) from error
    finally:
        workbook.close()

    width = max(len(header), *(len(row) for row in data_rows))
    frame = pd.DataFrame([row + (None,) * (width - len(row)) for row in data_rows])
    frame = _blank_excel_errors(frame)
    frame = stringify_mixed_columns(frame)
    frame, header_warnings = apply_header(frame, header)
    return IngestResult(
        frame=frame,
        file_format="xlsx",
        sheet=chosen,
        sheet_names=sheet_names,
        rows=len(frame),
        columns=frame.shape[1],
        warnings=tuple(header_warnings),
    )


def _causes(error: BaseException) -> list[BaseException]:
    """The error and the errors it was raised from (openpyxl wraps parser errors in ValueError)."""
    chain = [error]
    while chain[-1].__cause__ is not None and len(chain) < 10:
        chain.append(chain[-1].__cause__)
    return chain


def _root_cause(error: BaseException) -> str:
    return type(_causes(error)[-1]).__name__


def _refuse_unsafe_xml(error: BaseException, filename: str) -> None:
    """defusedxml refused entity or DTD tricks: say so, it is not an ordinary damaged file."""
    if any(isinstance(cause, DefusedXmlException) for cause in _causes(error)):
        raise IngestError(
            f"{filename} contains XML entity declarations, which Excel never writes and which are refused "
            "for safety: open it in Excel, save it again as .xlsx and upload that"
        ) from error


def check_zip_is_workbook(data: bytes, filename: str, max_uncompressed_bytes: int, max_ratio: float) -> None:
    """Refuse damaged zips, zips that are not workbooks, and zip bombs, reading only the directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            mimetype = _small_member(archive, "mimetype")
    except Exception as error:  # zipfile raises BadZipFile, NotImplementedError, OSError... on junk
        raise IngestError(
            f"{filename} is a damaged Excel/zip file (it may be cut off or partly downloaded): {_RESAVE_HINT}"
        ) from error
    names = {member.filename for member in members}
    if b"opendocument.spreadsheet" in mimetype:
        raise IngestError(f"{filename} is an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV and upload that")
    if "xl/workbook.bin" in names:
        raise IngestError(
            f"{filename} is an Excel binary workbook (.xlsb): open it in Excel and save it as .xlsx "
            "(Excel Workbook), then upload that"
        )
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        if any(name.startswith("word/") for name in names):
            kind = "a Word document"
        elif any(name.startswith("ppt/") for name in names):
            kind = "a PowerPoint presentation"
        else:
            kind = "a zip archive"
        raise IngestError(
            f"{filename} is {kind}, not an Excel workbook: upload the table itself as .xlsx, CSV or Parquet"
            + (" (unzip the archive first)" if kind == "a zip archive" else "")
        )
    if len(members) > _MAX_ZIP_MEMBERS:
        raise IngestError(f"{filename} holds {len(members):,} files inside; a workbook has a few dozen: {_RESAVE_HINT}")
    total = sum(member.file_size for member in members)
    if total > max_uncompressed_bytes:
        raise IngestError(
            f"{filename} would expand to {format_megabytes(total)} when opened; the limit is "
            f"{format_megabytes(max_uncompressed_bytes)} (a zip bomb or a sheet with huge empty ranges): "
            "delete unused rows and columns, save it again, or upload the data as CSV"
        )
    for member in members:
        if member.file_size < _RATIO_CHECK_MIN_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > max_ratio:
            raise IngestError(
                f"{filename} contains a part ({member.filename}) compressed {ratio:,.0f}:1; the limit is "
                f"{max_ratio:,.0f}:1, and ratios like that come from zip bombs, not spreadsheets: delete "
                "unused rows and columns, save it again, or upload the data as CSV"
            )


def _small_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """Read a member only if it exists and is tiny (the ODF "mimetype" file)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    return archive.read(info) if info.file_size <= 200 else b""


def _choose_sheet(requested: str | None, sheet_names: tuple[str, ...], filename: str) -> str:
    """The sheet to read: the first, or the requested one (matched exactly, then ignoring case)."""
    if requested is None:
        return sheet_names[0]
    if requested in sheet_names:
        return requested
    folded = {name.strip().casefold(): name for name in sheet_names}
    if requested.strip().casefold() in folded:
        return folded[requested.strip().casefold()]
    available = ", ".join(f"'{name}'" for name in sheet_names)
    raise IngestError(f"{filename} has no sheet named '{requested}': pick one of {available}", sheet=requested)


def _sheet_rows(worksheet: object, filename: str, sheet: str, max_columns: int) -> list[tuple]:
    """All non-empty rows of a sheet as tuples, trailing empty cells removed."""
    if not hasattr(worksheet, "iter_rows"):
        raise IngestError(f"sheet '{sheet}' of {filename} is a chart, not a table: pick another sheet", sheet=sheet)
    # Some programs write a wrong sheet size (A1:XFD1048576); without this reset openpyxl would
    # pad every row to that size.
    worksheet.reset_dimensions()
    rows: list[tuple] = []
    for row in worksheet.iter_rows(values_only=True):
        width = len(row)
        while width and (row[width - 1] is None or row[width - 1] == ""):
            width -= 1
        if width == 0:
            continue
        if width > max_columns:
            raise IngestError(
                f"sheet '{sheet}' of {filename} has {width:,} columns; the limit is {max_columns:,}: "
                "remove the columns you do not need for segmentation and upload again",
                sheet=sheet,
            )
        rows.append(row[:width])
    return rows


def _split_header(
    rows: list[tuple], filename: str, sheet: str, sheet_names: Iterable[str]
) -> tuple[tuple, list[tuple]]:
    """Header = first non-empty row; the rest is data. Empty and header-only sheets are refused."""
    others = [name for name in sheet_names if name != sheet]
    pick_other = f": pick the sheet that holds the table ({', '.join(repr(name) for name in others)})"
    if not rows:
        hint = pick_other if others else ": put the table on the first sheet with a header row, or upload a CSV"
        raise IngestError(f"sheet '{sheet}' of {filename} is empty{hint}", sheet=sheet)
    header, data_rows = rows[0], rows[1:]
    if not data_rows:
        hint = pick_other if others else ": add the rows below the header and upload again"
        raise IngestError(f"sheet '{sheet}' of {filename} has a header but no data rows{hint}", sheet=sheet)
    return header, data_rows


def _blank_excel_errors(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells showing #N/A, #DIV/0! and the like hold no value: make them missing."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            is_error = values.isin(_EXCEL_ERROR_VALUES)
            if is_error.any():
                frame[column] = values.mask(is_error).infer_objects()
    return frame

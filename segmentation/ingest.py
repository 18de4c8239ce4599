"""Turn an uploaded file (CSV, XLSX, Parquet, optionally gzipped) into a DataFrame, or one clear error.

The format is decided from the bytes, not the file name: marketers rename files, and a binary
file renamed .csv must be refused rather than parsed into garbage. Every failure a user can
cause raises `IngestError` with one message naming the file (and line or sheet) and the fix.

Public API: `read_upload`, `IngestResult`, `IngestError`, and for linking a transaction table
to a customer table `check_join`, `JoinReport`, `suggest_join_key`, `normalise_join_keys`.
"""

from __future__ import annotations

import dataclasses
import io
import zlib
from pathlib import PurePath

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from segmentation.ingest_common import (
    DEFAULT_MAX_COMPRESSION_RATIO,
    IngestError,
    IngestResult,
    apply_header,
    format_megabytes,
    stringify_mixed_columns,
    uncompressed_limit,
)
from segmentation.ingest_csv import read_text_table
from segmentation.ingest_join import JoinReport, check_join, normalise_join_keys, suggest_join_key
from segmentation.ingest_xlsx import read_xlsx

__all__ = [
    "IngestError",
    "IngestResult",
    "JoinReport",
    "check_join",
    "normalise_join_keys",
    "read_upload",
    "suggest_join_key",
]

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_PARQUET_MAGIC = b"PAR1"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_GZIP_CHUNK = 1024 * 1024
_MAX_GZIP_LAYERS = 2
_TEXT_EXTENSIONS = {".csv", ".txt", ".tsv", ".tab", ".dat", ".psv"}


def read_upload(
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    max_columns: int = 1000,
    sheet: str | None = None,
    max_uncompressed_bytes: int | None = None,
    max_compression_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO,
) -> IngestResult:
    """Parse an uploaded file into a table, choosing the reader from the file's content.

    gzip is unpacked first (so `orders.csv.gz` works), then: zip → Excel workbook, `PAR1` →
    Parquet, anything else → delimited text. `max_bytes` bounds the upload itself;
    `max_uncompressed_bytes` (default 20 × max_bytes) bounds what gzip or a workbook may expand
    to, and `max_compression_ratio` bounds any single workbook part. `sheet` picks a worksheet
    of a workbook (default: the first). Raises `IngestError` with a message for the user.
    """
    if len(data) > max_bytes:
        raise IngestError(
            f"{filename} is {format_megabytes(len(data))}; the limit is {format_megabytes(max_bytes)} "
            "(AMANAH_UPLOAD_MAX_MB): upload a smaller extract, for example fewer columns or a date range"
        )
    expansion_limit = uncompressed_limit(max_bytes, max_uncompressed_bytes)
    for _layer in range(_MAX_GZIP_LAYERS):
        if not data.startswith(_GZIP_MAGIC):
            break
        data = _gunzip(data, filename, expansion_limit)
    if not data:
        raise IngestError(f"{filename} is empty: export the table again with a header row and at least one data row")

    if data.startswith(_CFB_MAGIC):
        raise IngestError(
            f"{filename} is a password-protected or old .xls workbook: open it in Excel and save it as "
            ".xlsx without a password, then upload that"
        )
    if data.startswith(_ZIP_MAGICS):
        result = read_xlsx(
            data,
            filename,
            max_columns=max_columns,
            sheet=sheet,
            max_uncompressed_bytes=expansion_limit,
            max_compression_ratio=max_compression_ratio,
        )
    elif data.startswith(_PARQUET_MAGIC):
        result = _read_parquet(data, filename, max_columns, expansion_limit)
    else:
        result = read_text_table(data, filename, max_columns=max_columns)
    return _note_misleading_extension(result, filename)


def _gunzip(data: bytes, filename: str, limit: int) -> bytes:
    """Decompress gzip (all members) in bounded chunks, stopping as soon as `limit` is passed."""
    pieces: list[bytes] = []
    total = 0
    remaining = data
    try:
        while remaining.startswith(_GZIP_MAGIC):
            decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
            pending = remaining
            while not decompressor.eof:
                piece = decompressor.decompress(pending, _GZIP_CHUNK)
                pending = decompressor.unconsumed_tail
                if not piece and not pending:
                    raise IngestError(
                        f"{filename} is a cut-off gzip file (it ends too early): compress or download it "
                        "again, or upload the uncompressed CSV"
                    )
                total += len(piece)
                if total > limit:
                    raise IngestError(
                        f"{filename} expands to more than {format_megabytes(limit)} when decompressed, "
                        "which is the limit (it may be a compression bomb): upload a smaller extract"
                    )
                pieces.append(piece)
            remaining = decompressor.unused_data
    except zlib.error as error:
        raise IngestError(
            f"{filename} is a damaged gzip file ({error}): compress or download it again, or upload the "
            "uncompressed CSV"
        ) from error
    return b"".join(pieces)


def _read_parquet(data: bytes, filename: str, max_columns: int, expansion_limit: int) -> IngestResult:
    """Read a Parquet file with pyarrow after checking its column count and expanded size."""
    damaged = (
        f"{filename} is not a readable Parquet file (it may be cut off or damaged): export it again, "
        "or upload the data as CSV or .xlsx"
    )
    try:
        parquet_file = pq.ParquetFile(io.BytesIO(data))
        metadata = parquet_file.metadata
        expanded = sum(metadata.row_group(index).total_byte_size for index in range(metadata.num_row_groups))
    except (pa.ArrowException, OSError, ValueError, IndexError) as error:
        raise IngestError(damaged) from error
    if metadata.num_columns > max_columns:
        raise IngestError(
            f"{filename} has {metadata.num_columns:,} columns; the limit is {max_columns:,}: remove the "
            "columns you do not need for segmentation and upload again"
        )
    if expanded > expansion_limit:
        raise IngestError(
            f"{filename} expands to {format_megabytes(expanded)} in memory; the limit is "
            f"{format_megabytes(expansion_limit)}: upload a smaller extract"
        )
    try:
        table = parquet_file.read()
    except (pa.ArrowException, OSError, ValueError, TypeError) as error:
        raise IngestError(damaged) from error
    try:
        frame = table.to_pandas()
    except Exception:  # damaged pandas metadata in the file (any error): read the plain columns instead
        try:
            frame = table.replace_schema_metadata(None).to_pandas()
        except Exception as error:  # untrusted file: whatever pyarrow raises means "cannot be read"
            raise IngestError(damaged) from error
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        frame = frame.reset_index()  # a pandas index saved in the file (e.g. customer_id) is data too
    if frame.shape[1] == 0:
        raise IngestError(f"{filename} has no columns: export the table again with its columns")
    if len(frame) == 0:
        raise IngestError(f"{filename} has columns but no data rows: export the table again including its rows")
    frame = stringify_mixed_columns(frame)
    frame, header_warnings = apply_header(frame, [str(name) for name in frame.columns])
    return IngestResult(
        frame=frame,
        file_format="parquet",
        rows=len(frame),
        columns=frame.shape[1],
        warnings=tuple(header_warnings),
    )


def _note_misleading_extension(result: IngestResult, filename: str) -> IngestResult:
    """Add a warning when the name promises another format than the content has (it is read anyway)."""
    suffixes = [suffix.lower() for suffix in PurePath(filename).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    extension = suffixes[-1] if suffixes else ""
    expected = {".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}.get(
        extension, "csv" if extension in _TEXT_EXTENSIONS else None
    )
    if expected is None or expected == result.file_format:
        return result
    described = {"csv": "a text table", "xlsx": "an Excel workbook", "parquet": "a Parquet file"}
    note = f"{filename} is named {extension} but is {described[result.file_format]}; it was read as such"
    return dataclasses.replace(result, warnings=(*result.warnings, note))

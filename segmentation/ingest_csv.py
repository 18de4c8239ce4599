"""Read a delimited text upload (CSV, TSV, semicolon or whitespace separated) into a DataFrame.

The fast path is one call to pandas' C parser on the whole file with settings sniffed from a
sample (`ingest_text`). Slower work happens only when needed: re-decoding a file that turns
out not to be UTF-8 past the sample, converting "1.234,56" columns, and scanning line by line
to name the line of a broken row in an error message.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import warnings
from collections.abc import Iterator

import pandas as pd

from segmentation.ingest_common import IngestError, IngestResult, apply_header, stringify_mixed_columns
from segmentation.ingest_text import (
    DELIMITER_NAMES,
    LOSSY_UTF8,
    SAMPLE_BYTES,
    WHITESPACE_DELIMITER,
    TextDialect,
    decode_sample,
    detect_encoding,
    fallback_encoding,
    refuse_binary,
    refuse_control_characters,
    sniff_dialect,
    take_sample,
)

# pandas only parses in parallel from 5 MB up; below that a BytesIO is as fast and copies nothing.
PARALLEL_PARSE_MIN_BYTES = 5 * 1024 * 1024
_WRITE_CHUNK = 1 << 30
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_UNCLOSED_QUOTE = re.compile(r"EOF inside string")
_GROUPED_OR_COMMA_NUMBER = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
_DOT_OR_PLAIN_NUMBER = r"[+-]?(?:\d*\.\d+|\d+)"
_UNAMBIGUOUS_DECIMAL_COMMA = r",(?:\d{1,2}|\d{4,})$"


def read_text_table(data: bytes, filename: str, *, max_columns: int) -> IngestResult:
    """Parse a text table: sniff encoding and dialect on a sample, then parse the whole file once."""
    sample = take_sample(data)
    refuse_binary(sample, filename)
    encoding = detect_encoding(sample)
    transcoded_from = None
    if encoding.startswith("utf-16"):
        transcoded_from = "utf-16"
        # pandas' C parser reads UTF-8 fastest; UTF-16 ("Unicode text" from Excel) is rare.
        data = data.decode(encoding, errors="replace").encode("utf-8")
        sample, encoding = take_sample(data), "utf-8"
    sample_text = decode_sample(sample, "utf-8" if encoding == LOSSY_UTF8 else encoding)
    refuse_control_characters(sample_text, filename)
    if not sample_text.strip("\ufeff \t\r\n"):
        raise IngestError(f"{filename} is empty: export the table again with a header row and at least one data row")
    dialect = sniff_dialect(sample_text, is_whole_file=len(sample) == len(data))
    if len(dialect.header) > max_columns:
        raise IngestError(
            f"{filename} has {len(dialect.header):,} columns; the limit is {max_columns:,}: remove the "
            "columns you do not need for segmentation and upload again"
        )

    frame, data, encoding, parse_warnings = _parse_with_encoding_fallback(data, filename, dialect, encoding)
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        # pandas turns the first column into the index when the first data row has one field too
        # many; that is a broken row, not an index.
        _raise_ragged(data, filename, dialect, pandas_line=None)
    if len(frame) == 0:
        raise IngestError(f"{filename} has a header but no data rows: export the table again including its rows")
    frame = stringify_mixed_columns(frame)
    if dialect.numeric_text_columns:
        frame = _convert_numeric_text(frame, dialect.numeric_text_columns, dialect.decimal)
    frame, header_warnings = apply_header(frame, dialect.header)
    if dialect.title_lines:
        header_warnings.insert(
            0,
            f"the header of {filename} is on line {dialect.header_line}; the lines above it were skipped "
            "as a title, not data",
        )
    return IngestResult(
        frame=frame,
        file_format="csv",
        encoding=transcoded_from or encoding,
        delimiter="whitespace" if dialect.delimiter == WHITESPACE_DELIMITER else dialect.delimiter,
        decimal=dialect.decimal,
        rows=len(frame),
        columns=frame.shape[1],
        warnings=tuple(parse_warnings + header_warnings),
    )


def _positional_names(count: int) -> list[str]:
    """Internal names used while parsing; the real (repaired) header is applied afterwards."""
    return [f"__column_{index}" for index in range(count)]


def _memory_file(data: bytes) -> int | None:
    """An anonymous in-memory file (Linux memfd) holding `data`, or None where there is none."""
    if len(data) < PARALLEL_PARSE_MIN_BYTES or not hasattr(os, "memfd_create"):
        return None
    try:
        descriptor = os.memfd_create("amanah-upload", os.MFD_CLOEXEC)
    except OSError:
        return None
    try:
        view = memoryview(data)
        written = 0
        while written < len(data):
            written += os.write(descriptor, view[written : written + _WRITE_CHUNK])
        if os.path.exists(f"/proc/self/fd/{descriptor}"):
            return descriptor
    except OSError:
        pass
    os.close(descriptor)
    return None


@contextlib.contextmanager
def _csv_source(data: bytes) -> Iterator[str | io.BytesIO]:
    """What to hand pandas: a path to an in-memory file for large uploads, else a BytesIO.

    pandas (3.1+) parses a local file in parallel threads but a buffer in one thread; on two
    cores that halves the time of a large upload. The memfd lives in RAM only (no customer
    data touches the disk) and is closed as soon as parsing ends.
    """
    descriptor = _memory_file(data)
    if descriptor is None:
        yield io.BytesIO(data)
        return
    try:
        yield f"/proc/self/fd/{descriptor}"
    finally:
        os.close(descriptor)


def _read(data: bytes, dialect: TextDialect, encoding: str) -> pd.DataFrame:
    """One pass of pandas' C parser over the whole file with the sniffed settings."""
    names = _positional_names(len(dialect.header))
    options: dict[str, object] = {
        "sep": dialect.delimiter,
        "names": names,
        "header": 0,
        "decimal": dialect.decimal,
        "dtype": {names[index]: "str" for index in dialect.text_columns} or None,
        "encoding": encoding,
        "engine": "c",
    }
    if dialect.trailing_delimiter:
        options["index_col"] = False
    if dialect.header_line > 1:
        options["skiprows"] = dialect.header_line - 1
    with warnings.catch_warnings(), _csv_source(data) as source:
        # Mixed-type columns are repaired afterwards (stringify_mixed_columns); pandas' advice
        # to set dtype= means nothing to someone uploading a file.
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)
        return pd.read_csv(source, **options)


def _parse_with_encoding_fallback(
    data: bytes, filename: str, dialect: TextDialect, encoding: str
) -> tuple[pd.DataFrame, bytes, str, list[str]]:
    """Parse with the sniffed encoding; if the file stops being UTF-8 past the sample, decide again.

    UTF-8 is parsed straight from the bytes (the fast path). Any other encoding is first
    converted to UTF-8 in memory, which costs one extra pass, but only for files that need it.
    Returns the frame, the UTF-8 bytes that were parsed, the encoding and any warnings.
    """
    if encoding in ("utf-8", "utf-8-sig"):
        try:
            return _read_or_explain(data, filename, dialect, encoding), data, encoding, []
        except UnicodeDecodeError:
            first_bad = _first_invalid_utf8_offset(data)
            encoding = fallback_encoding(data[: first_bad + SAMPLE_BYTES])
    parse_warnings = []
    if encoding == LOSSY_UTF8:
        text, encoding = data.decode("utf-8", errors="replace"), "utf-8"
        parse_warnings.append(
            f"{filename} is mostly UTF-8 but has some bytes that are not; those characters are shown "
            "as \ufffd: save the file as CSV UTF-8 to keep them"
        )
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:  # cp1252 leaves five bytes undefined; Latin-1 decodes everything
            text, encoding = data.decode("latin-1"), "latin-1"
    utf8_data = text.encode("utf-8")
    del text
    return _read_or_explain(utf8_data, filename, dialect, "utf-8"), utf8_data, encoding, parse_warnings


def _first_invalid_utf8_offset(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return len(data)


def _read_or_explain(data: bytes, filename: str, dialect: TextDialect, encoding: str) -> pd.DataFrame:
    """Run the parser and turn its tokenizer errors into one message that names the line."""
    try:
        return _read(data, dialect, encoding)
    except pd.errors.EmptyDataError as error:
        raise IngestError(
            f"{filename} is empty: export the table again with a header row and at least one data row"
        ) from error
    except pd.errors.ParserError as error:
        reason = str(error)
        ragged = _RAGGED.search(reason)
        if ragged:
            _raise_ragged(data, filename, dialect, pandas_line=int(ragged.group(2)))
        if _UNCLOSED_QUOTE.search(reason):
            line = _locate_unclosed_quote(data.decode("utf-8-sig", errors="replace"), dialect.delimiter)
            raise IngestError(
                f'{filename} line {line}: a value starts with a double quote (") that is never closed, '
                "so the rest of the file runs into it: add the closing quote or remove the stray one",
                line=line,
            ) from error
        raise IngestError(
            f"{filename} could not be read as a table ({reason.splitlines()[-1]}): open it in a "
            "spreadsheet program and save it again as CSV UTF-8"
        ) from error


def _raise_ragged(data: bytes, filename: str, dialect: TextDialect, pandas_line: int | None) -> None:
    """Raise the error for a row with more fields than the header, naming its line as an editor shows it.

    `data` is the UTF-8 text that was parsed (any other encoding was converted before).
    """
    expected = len(dialect.header)
    text = data.decode("utf-8-sig", errors="replace")
    located = _locate_long_record(text, dialect, expected)
    if located is not None:
        line, found = located
    else:  # the csv module and pandas disagree about this file; pandas' count is close enough
        line, found = pandas_line or 2, expected + 1
    delimiter_name = DELIMITER_NAMES.get(dialect.delimiter, repr(dialect.delimiter))
    if dialect.delimiter == WHITESPACE_DELIMITER:
        fix = (
            "values in this file are separated by spaces, so a value that contains a space splits in two; "
            "remove that space or export the file as CSV, then upload again"
        )
    else:
        fix = (
            f"a value probably contains the {delimiter_name} delimiter ({dialect.delimiter!r}) without "
            "quotes; put that value in double quotes or remove the extra delimiter, then upload again"
        )
    raise IngestError(f"{filename} line {line} has {found} fields but the header has {expected}: {fix}", line=line)


def _locate_long_record(text: str, dialect: TextDialect, expected: int) -> tuple[int, int] | None:
    """The editor line (1-based) and field count of the first record with more fields than the header."""
    delimiter, trailing_delimiter = dialect.delimiter, dialect.trailing_delimiter
    if delimiter == WHITESPACE_DELIMITER:
        for line_number, line in enumerate(text.splitlines(), start=1):
            fields = line.split()
            if len(fields) > expected:
                return line_number, len(fields)
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last_line = 0
    try:
        for record in reader:
            start_line = last_line + 1
            last_line = reader.line_num
            tolerated = trailing_delimiter and len(record) == expected + 1 and not record[-1].strip()
            if len(record) > expected and not tolerated and start_line > dialect.header_line:
                return start_line, len(record)
    except csv.Error:
        return None
    return None


def _locate_unclosed_quote(text: str, delimiter: str) -> int:
    """The editor line where the record with the never-closed quote starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start_line = 1
    last_line = 0
    try:
        for _record in reader:
            start_line = last_line + 1
            last_line = reader.line_num
    except csv.Error:
        start_line = last_line + 1
    return start_line


def _convert_numeric_text(frame: pd.DataFrame, positions: frozenset[int], decimal: str) -> pd.DataFrame:
    """Turn text columns holding numbers in the other convention into numbers, when every value is one.

    In a decimal-comma file "1.234,56" / "1.500" / "12,5" are thousands-grouped decimal-comma
    numbers, and a column of "52.3702" is dot decimals. In a dot-decimal file a column reads as
    decimal-comma only if some value is unambiguous ("12,5", not "1,234", which could be a
    thousands separator). Anything else stays text: a wrong number is worse than a string.
    """
    for position in sorted(positions):
        column = frame.columns[position]
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            continue
        stripped = values[values.notna()].astype("str").str.strip()
        comma_style = bool(stripped.str.fullmatch(_GROUPED_OR_COMMA_NUMBER).all())
        if decimal == "." and comma_style:
            comma_style = bool(stripped.str.contains(_UNAMBIGUOUS_DECIMAL_COMMA).any())
        if comma_style:
            normalised = stripped.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        elif decimal == "," and stripped.str.fullmatch(_DOT_OR_PLAIN_NUMBER).all():
            normalised = stripped
        else:
            continue
        frame[column] = pd.to_numeric(normalised, errors="coerce").reindex(values.index)
    return frame

"""Look at the start of a text upload: encoding, binary content, delimiter, decimal mark, header.

Everything here works on a sample (the first ~64 KB), never on the whole file, so that sniffing
costs the same for a 1 KB and a 200 MB upload. The full parse lives in `ingest_csv`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from segmentation.ingest_common import IngestError

SAMPLE_BYTES = 64 * 1024
# A header longer than the sample (thousands of columns) is read up to this size to find its end.
MAX_HEADER_BYTES = 16 * 1024 * 1024
# In order of preference on a tie: commas occur in ordinary text ("Jansen, Piet"), tabs never.
CANDIDATE_DELIMITERS = ("\t", ";", "|", ",")
WHITESPACE_DELIMITER = r"\s+"
# Marker encoding: UTF-8 whose few invalid bytes are replaced by U+FFFD.
LOSSY_UTF8 = "utf-8 (lossy)"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", WHITESPACE_DELIMITER: "spaces"}
_SNIFF_RECORDS = 200
# Rows agreeing with the header's field count, as a share, for a delimiter to count as consistent.
_CONSISTENT = 0.9
# At most this many title lines above the header are skipped ("Klantenexport 12-03-2024").
MAX_PREAMBLE_LINES = 10

_BINARY_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"SQLite format 3", "an SQLite database"),
)
# Control characters that never occur in a text table; tab, CR and LF do and are left out.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHOLE_NUMBER = re.compile(r"\d+")
_COMMA_DECIMAL = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+")
_GROUPED_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DOT_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
_PLAIN_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class TextDialect:
    """How a text table is laid out, as far as its first lines show."""

    delimiter: str
    header: list[str]
    # 1-based line of the header row; lines above it (blank, or a report title) are skipped.
    header_line: int = 1
    # How many non-blank lines above the header were skipped as a title.
    title_lines: int = 0
    decimal: str = "."
    # Columns whose sample values are digit strings with leading zeros ("00123", "0612345678"):
    # read as text, since converting them to numbers would destroy ids and phone numbers.
    text_columns: frozenset[int] = field(default_factory=frozenset)
    # Columns with numbers written in the other convention ("1.234,56" in a dot-decimal file,
    # "52.37" in a decimal-comma one): the C parser leaves them as text, `ingest_csv` converts.
    numeric_text_columns: frozenset[int] = field(default_factory=frozenset)
    # Data rows end in one delimiter more than the header has: the empty last field is dropped.
    trailing_delimiter: bool = False


def take_sample(data: bytes) -> bytes:
    """The first ~64 KB, extended to the end of the first line when the header alone is longer."""
    if len(data) <= SAMPLE_BYTES:
        return data
    sample = data[:SAMPLE_BYTES]
    if b"\n" in sample or b"\r" in sample:
        return sample
    line_end = data.find(b"\n", SAMPLE_BYTES, MAX_HEADER_BYTES)
    if line_end == -1:
        return data[:MAX_HEADER_BYTES]
    return data[: min(len(data), line_end + SAMPLE_BYTES)]


def refuse_binary(sample: bytes, filename: str) -> None:
    """Raise when the bytes are clearly not a text table (an image, a PDF, a database)."""
    for signature, description in _BINARY_SIGNATURES:
        if sample.startswith(signature):
            raise IngestError(
                f"{filename} is {description}, not a text table: upload a CSV, Excel (.xlsx) or "
                "Parquet file with one row per customer"
            )


def detect_encoding(sample: bytes) -> str:
    """Pick the encoding from a sample: BOM first, then UTF-8 if valid, else Windows-1252 / Latin-1.

    Returns LOSSY_UTF8 for a sample that is UTF-8 (it has real multi-byte characters) with a few
    invalid bytes, as files pasted together from two sources are: reading it as Windows-1252
    would garble every "é" into "Ã©", so the stray bytes are replaced instead.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _looks_like_bomless_utf16(sample):
        return "utf-16-le"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return fallback_encoding(sample)


def fallback_encoding(data: bytes) -> str:
    """For bytes that are not valid UTF-8: lossy UTF-8 if they mostly are, else cp1252 or Latin-1."""
    decoded = data.decode("utf-8", errors="replace")
    replaced = decoded.count("\ufffd")
    non_ascii = len(decoded) - len(decoded.encode("ascii", errors="ignore")) - replaced
    # A valid multi-byte UTF-8 sequence almost never occurs by chance in Windows-1252 text
    # ("Ã©" would have to be written on purpose), so as many of those as bad bytes means UTF-8.
    if non_ascii > 0 and non_ascii >= replaced:
        return LOSSY_UTF8
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _looks_like_bomless_utf16(sample: bytes) -> bool:
    """UTF-16-LE text of Latin letters has a NUL in nearly every odd byte ("Unicode text" exports)."""
    odd_bytes = sample[1:2000:2]
    return len(odd_bytes) >= 8 and odd_bytes.count(0) > 0.9 * len(odd_bytes) and 0 not in sample[0:2000:2]


def decode_sample(sample: bytes, encoding: str) -> str:
    """Decode a sample that may end inside a multi-byte character."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(sample, final=False)


def refuse_control_characters(sample_text: str, filename: str) -> None:
    """Raise on NUL bytes or many control characters: a binary file, whatever its name says."""
    probe = sample_text[:SAMPLE_BYTES]
    control_count = len(_CONTROL_CHARACTERS.findall(probe))
    if "\x00" in probe or control_count > max(2, len(probe) // 200):
        raise IngestError(
            f"{filename} is not a text table: it contains binary data (for example NUL bytes). "
            "Export the data from your CRM or spreadsheet as CSV (UTF-8), Excel (.xlsx) or Parquet"
        )
    head = probe.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        raise IngestError(
            f"{filename} is a web page (HTML), not a table file: open it in Excel and save it as "
            ".xlsx or CSV, then upload that"
        )
    if head.startswith("<?xml"):
        raise IngestError(
            f"{filename} is an XML document, not a table file: open it in Excel and save it as "
            ".xlsx or CSV, then upload that"
        )
    if head.startswith(("{", "[{")):
        raise IngestError(
            f"{filename} looks like JSON, not a table: export the data as CSV, Excel (.xlsx) or Parquet instead"
        )


def _complete_lines(sample_text: str, is_whole_file: bool) -> str:
    """Drop the last, possibly cut-off line of a sample (unless the sample is the whole file)."""
    if is_whole_file:
        return sample_text
    cut = max(sample_text.rfind("\n"), sample_text.rfind("\r"))
    return sample_text[: cut + 1] if cut > 0 else sample_text


def _records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Up to _SNIFF_RECORDS non-blank records (the csv module respects quotes) and their first lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    start_lines: list[int] = []
    last_line = 0
    try:
        for record in reader:
            start_line, last_line = last_line + 1, reader.line_num
            if record and any(cell.strip() for cell in record):
                records.append(record)
                start_lines.append(start_line)
                if len(records) >= _SNIFF_RECORDS:
                    break
    except csv.Error:
        # An unclosed quote at the cut-off end of the sample; what was read so far still counts.
        pass
    return records, start_lines


def _has_trailing_delimiter(record: list[str], header_count: int) -> bool:
    """A data row ending in one delimiter too many ("1;2;3;" under "a;b;c"), as some exports write."""
    return len(record) == header_count + 1 and not record[-1].strip()


def _consistency(records: list[list[str]]) -> float:
    """Share of data records that have as many fields as the header (a trailing delimiter allowed)."""
    if len(records) < 2:
        return 1.0
    header_count = len(records[0])
    matching = sum(
        1 for record in records[1:] if len(record) == header_count or _has_trailing_delimiter(record, header_count)
    )
    return matching / (len(records) - 1)


def _header_index(records: list[list[str]]) -> int | None:
    """Index of the header record when the rows from there on agree on a field count (≥ 2).

    Usually 0. It is higher only for an export that puts title lines above the table: every
    record before the header is shorter than it, and at least two data rows follow.
    """
    if len(records[0]) >= 2 and _consistency(records) >= _CONSISTENT:
        return 0
    for index in range(1, min(MAX_PREAMBLE_LINES + 1, len(records) - 2)):
        width = len(records[index])
        if (
            width >= 2
            and all(len(record) < width for record in records[:index])
            and _consistency(records[index:]) >= _CONSISTENT
        ):
            return index
    return None


def sniff_dialect(sample_text: str, is_whole_file: bool) -> TextDialect:
    """Choose the delimiter whose field count is consistent with the header, then read the header.

    csv.Sniffer is not used: it guesses from character frequencies and picks "," in a
    semicolon file full of decimal commas. Counting fields per record (with quotes respected)
    over the first lines and requiring the header to agree is what works on real exports.
    Among consistent delimiters the one whose header comes first wins, then the one with
    more columns; a few title lines above the header are skipped.
    """
    text = _complete_lines(sample_text.lstrip("\ufeff"), is_whole_file)
    best_key: tuple[int, int, int] | None = None
    best_records: list[list[str]] = []
    best_delimiter = ","
    header_line = 1
    title_lines = 0
    for priority, delimiter in enumerate(CANDIDATE_DELIMITERS):
        records, start_lines = _records(text, delimiter)
        index = _header_index(records) if records else None
        if index is None:
            continue
        key = (-index, len(records[index]), -priority)
        if best_key is None or key > best_key:
            best_key, best_records, best_delimiter = key, records[index:], delimiter
            header_line, title_lines = start_lines[index], index

    if best_key is None:
        whitespace_records = [line.split() for line in text.splitlines() if line.strip()][:_SNIFF_RECORDS]
        if (
            len(whitespace_records) >= 2
            and len(whitespace_records[0]) >= 2
            and _consistency(whitespace_records) >= _CONSISTENT
        ):
            best_records, best_delimiter = whitespace_records, WHITESPACE_DELIMITER
        else:
            # No delimiter gives consistent rows: take the one the header suggests (one column if
            # none), so the full parse reports the first broken line by number.
            best_records, best_delimiter, header_line, title_lines = _inconsistent_best_guess(text)

    if not best_records:
        return TextDialect(delimiter=best_delimiter, header=[])
    header = [cell.strip() for cell in best_records[0]]
    data_records = best_records[1:]
    decimal = _decimal_mark(data_records, best_delimiter)
    return TextDialect(
        delimiter=best_delimiter,
        header=header,
        header_line=header_line,
        title_lines=title_lines,
        decimal=decimal,
        text_columns=_leading_zero_columns(data_records, len(header)),
        numeric_text_columns=_numeric_text_columns(data_records, len(header), decimal),
        trailing_delimiter=any(_has_trailing_delimiter(record, len(header)) for record in data_records),
    )


def _inconsistent_best_guess(text: str) -> tuple[list[list[str]], str, int, int]:
    """For ragged files: the delimiter giving the most fields on most lines, and where its header is.

    The full parse then stops at the first broken line and names it.
    """
    guesses = []
    for priority, delimiter in enumerate(CANDIDATE_DELIMITERS):
        records, start_lines = _records(text, delimiter)
        if records:
            counts = Counter(len(record) for record in records)
            usual_width = max(counts, key=lambda width: (counts[width], width))
            guesses.append((usual_width, -priority, delimiter, records, start_lines))
    if not guesses:
        return [], ",", 1, 0
    usual_width, _, delimiter, records, start_lines = max(guesses, key=lambda guess: guess[:2])
    if usual_width < 2:
        return records, ",", start_lines[0], 0
    index = 0
    for candidate in range(min(MAX_PREAMBLE_LINES + 1, len(records))):
        if len(records[candidate]) >= usual_width:
            index = candidate if all(len(record) < usual_width for record in records[:candidate]) else 0
            break
    return records[index:], delimiter, start_lines[index], index


def _columns(records: list[list[str]], width: int) -> list[list[str]]:
    """Transpose sample records into per-column lists of non-empty, stripped values."""
    columns: list[list[str]] = [[] for _ in range(width)]
    for record in records:
        for index, cell in enumerate(record[:width]):
            value = cell.strip()
            if value:
                columns[index].append(value)
    return columns


def _decimal_mark(data_records: list[list[str]], delimiter: str) -> str:
    """ "," when the sample's numbers are written "12,5" / "1.234,56" (only possible without comma delimiter)."""
    if delimiter == ",":
        return "."
    counts: Counter[str] = Counter()
    for record in data_records:
        for cell in record:
            value = cell.strip()
            if _COMMA_DECIMAL.fullmatch(value):
                counts["comma"] += 1
            elif _DOT_DECIMAL.fullmatch(value) and not _GROUPED_THOUSANDS.fullmatch(value):
                counts["dot"] += 1
    return "," if counts["comma"] > 0 and counts["comma"] >= counts["dot"] else "."


def _leading_zero_columns(data_records: list[list[str]], width: int) -> frozenset[int]:
    """Columns of whole numbers where some value starts with 0 ("00123"): ids, phones, postcodes."""
    found = set()
    for index, values in enumerate(_columns(data_records, width)):
        if (
            values
            and all(_WHOLE_NUMBER.fullmatch(value) for value in values)
            and any(len(value) > 1 and value.startswith("0") for value in values)
        ):
            found.add(index)
    return frozenset(found)


def _numeric_text_columns(data_records: list[list[str]], width: int, decimal: str) -> frozenset[int]:
    """Columns whose numbers the parser will leave as text with this decimal mark.

    With decimal "," that is "1.234,56" and "52.3702"; with "." it is "12,5" and "1.234,56".
    `ingest_csv` converts them after the parse, when every value in the full column agrees.
    """
    other_mark = "." if decimal == "," else ","
    found = set()
    for index, values in enumerate(_columns(data_records, width)):
        numeric = all(
            _COMMA_DECIMAL.fullmatch(value)
            or _GROUPED_THOUSANDS.fullmatch(value)
            or _DOT_DECIMAL.fullmatch(value)
            or _PLAIN_INTEGER.fullmatch(value)
            for value in values
        )
        if values and numeric and any(other_mark in value for value in values):
            found.add(index)
    return frozenset(found)

"""Screen a file of messages: read CSV or text lines, write JSON lines, CSV or an aligned table.

The command line (`compliance.cli`) only parses arguments; reading rows and formatting results lives
here so it can be tested and reused (e.g. by a batch job).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from compliance.model import ScreeningResult, severity_rank

FORMATS = ("jsonl", "csv", "table")
FAIL_ON = ("review", "block")
_DELIMITERS = (",", ";", "\t", "|")
_FIELD_LIMIT = 16 * 1024 * 1024
_TABLE_TEXT_WIDTH = 60


class InputError(ValueError):
    """The input cannot be read as messages; the message names the file, line or column."""


@dataclass(frozen=True)
class Message:
    """One message to screen, with the id it is reported under."""

    id: str
    text: str


def open_input(path: str) -> tuple[BinaryIO, str]:
    """A byte stream for ``path`` ("-" is standard input) and its display name (decoded line by line later)."""
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    try:
        return open(path, "rb"), path  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, expected a CSV or .txt file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror})") from None


def _decoded(stream: BinaryIO, name: str) -> Iterator[str]:
    """The stream's lines decoded as UTF-8 (a BOM is dropped); a bad byte is reported with its line."""
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: line {number}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                             "save the file as UTF-8") from None
        yield line[1:] if number == 1 and line.startswith("\ufeff") else line


def read_text_lines(stream: BinaryIO, name: str) -> Iterator[Message]:
    """One message per non-empty line; the id is the line number."""
    for number, line in enumerate(_decoded(stream, name), start=1):
        text = line.rstrip("\r\n")
        if text.strip():
            yield Message(str(number), text)


def _delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(stream: BinaryIO, name: str, text_column: str, id_column: str,
             id_column_required: bool) -> Iterator[Message]:
    """Messages from a CSV with a header row (delimiter , ; tab or | detected from the header)."""
    lines = _decoded(stream, name)
    header_line = next(lines, None)
    if header_line is None or not header_line.strip():
        raise InputError(f"{name}: empty input; expected a CSV header with a '{text_column}' column")
    csv.field_size_limit(_FIELD_LIMIT)
    delimiter = _delimiter(header_line)
    reader = csv.reader(_chain(header_line, lines), delimiter=delimiter)
    try:
        header = [column.strip() for column in next(reader)]
        if text_column not in header:
            raise InputError(f"{name}: no column '{text_column}' (columns: {', '.join(header)}); "
                             "name the message column with --text-column")
        text_index = header.index(text_column)
        id_index = header.index(id_column) if id_column in header else None
        if id_index is None and id_column_required:
            raise InputError(f"{name}: no column '{id_column}' (columns: {', '.join(header)}); "
                             "name the id column with --id-column")
        for number, row in enumerate(reader, start=1):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if text_index >= len(row):
                raise InputError(f"{name}: line {reader.line_num}: {len(row)} fields, the '{text_column}' column "
                                 f"is field {text_index + 1}")
            row_id = row[id_index] if id_index is not None and id_index < len(row) else str(number)
            yield Message(row_id, row[text_index])
    except csv.Error as exc:
        raise InputError(f"{name}: line {reader.line_num}: bad CSV ({exc})") from None


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def fails(result: ScreeningResult, fail_on: str) -> bool:
    """True when the result's verdict reaches the --fail-on level."""
    return result.verdict != "pass" and severity_rank(result.verdict) >= severity_rank(fail_on)


def result_record(message: Message, result: ScreeningResult) -> dict[str, object]:
    """The JSON object for one screened message."""
    return {"id": message.id, "verdict": result.verdict, "categories": list(result.categories),
            "findings": [finding.to_dict() for finding in result.findings], "language": result.language,
            "ruleset_version": result.ruleset_version}


class ResultWriter:
    """Writes screened messages in one of the output formats, row by row."""

    CSV_COLUMNS = ("id", "verdict", "categories", "rules", "matched", "language", "ruleset_version")

    def __init__(self, out: TextIO, output_format: str) -> None:
        if output_format not in FORMATS:
            raise ValueError(f"format={output_format!r}: expected one of {', '.join(FORMATS)}")
        self.out, self.format = out, output_format
        self.counts = {"pass": 0, "review": 0, "block": 0}
        self.version = ""
        self._csv = csv.writer(out, lineterminator="\n") if output_format == "csv" else None
        if self._csv is not None:
            self._csv.writerow(self.CSV_COLUMNS)
        elif output_format == "table":
            out.write(f"{'id':<10} {'verdict':<7} {'categories':<28} findings\n")

    def write(self, message: Message, result: ScreeningResult) -> None:
        """Write one result."""
        self.counts[result.verdict] += 1
        self.version = result.ruleset_version
        if self.format == "jsonl":
            self.out.write(json.dumps(result_record(message, result), ensure_ascii=False) + "\n")
        elif self._csv is not None:
            self._csv.writerow([message.id, result.verdict, ";".join(result.categories),
                                ";".join(f.rule_id for f in result.findings),
                                " | ".join(f.matched_text for f in result.findings),
                                result.language, result.ruleset_version])
        else:
            found = ", ".join(f"{f.rule_id} {f.matched_text!r}" for f in result.findings)
            if len(found) > _TABLE_TEXT_WIDTH:
                found = found[:_TABLE_TEXT_WIDTH - 1] + "…"
            self.out.write(f"{message.id:<10} {result.verdict:<7} {','.join(result.categories) or '-':<28} "
                           f"{found or '-'}\n")

    def finish(self) -> None:
        """Write the table summary (other formats have none)."""
        if self.format == "table":
            total = sum(self.counts.values())
            self.out.write(f"{total} messages: {self.counts['block']} block, {self.counts['review']} review, "
                           f"{self.counts['pass']} pass (rule set {self.version or '-'})\n")

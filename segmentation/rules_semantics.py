"""What a condition means, shared by the pandas and the SQL evaluator so both give the same members.

- **Kinds.** A column holds numbers, dates, text or true/false. Each condition is checked against the
  kind of its column (:func:`comparison_mode`): numbers compare with numbers, dates with YYYY-MM-DD
  dates, text with text. A text column compared with dates (``>``, ``between`` with dates, or
  ``within_last_days``) is read as ISO dates ("text_date"): values shaped ``____-__-__…`` compare as
  text with the YYYY-MM-DD bounds (which orders ISO dates and timestamps correctly, in pandas and in
  every database alike); other text never matches. ``==`` and ``in`` on text compare exactly.
- **Days.** Every date test becomes a half-open range of calendar days (:func:`day_range`), so a
  timestamp at 14:00 on the last day still counts and both evaluators compare the same bounds.
- **Missing values.** A condition on a missing value is false; ``not`` flips the result after that, so
  ``NOT (age > 5)`` holds for a customer without an age. SQL gets the same by ``NOT coalesce(x, false)``.
- **Segment references** are looked up once per evaluation through the caller's ``resolve_segment``,
  with cycle detection (:class:`SegmentLookup`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from segmentation.rules_tree import (
    DAY_OPS,
    EQUALITY_OPS,
    LIST_OPS,
    MISSING_OPS,
    ORDERING_OPS,
    TEXT_OPS,
    Condition,
    Node,
    RuleError,
    SegmentReference,
    is_iso_date,
    is_number,
    parse_definition,
    shown,
    where,
)

NUMBER, DATE, TEXT, BOOLEAN = "number", "date", "text", "boolean"
TEXT_DATE = "text_date"  # a text column holding ISO dates, compared as text with YYYY-MM-DD bounds
ISO_DATE_LIKE = "____-__-__%"  # the shape a text date must have (LIKE pattern); other text never matches
MISSING = "missing"

ResolveSegment = Callable[[Any], Any]

_KIND_WORDS = {NUMBER: "numbers", DATE: "dates", TEXT: "text", BOOLEAN: "true/false values"}
_KIND_HINTS = {
    NUMBER: "for numbers use between, >, >=, <, <=, ==, !=, in or not_in with numeric values",
    DATE: "for dates use between, >, >=, <, <=, == or != with YYYY-MM-DD values, or within_last_days / "
    "more_than_days_ago",
    TEXT: "for text use ==, !=, in, not_in, contains or not_contains with text values (>, < and between "
    "only with YYYY-MM-DD dates)",
    BOOLEAN: "for true/false columns use == or != with true or false",
}


def comparison_mode(condition: Condition, kind: str | None) -> str:
    """How ``condition`` compares on a column of ``kind``; RuleError when the two do not fit.

    ``kind`` None (a database type this module does not know) lets the value decide.
    """
    op, value = condition.op, condition.value
    if op in MISSING_OPS:
        return MISSING
    wants = _value_kind(condition)
    if kind is None:
        return wants
    if kind == TEXT and op in EQUALITY_OPS and isinstance(value, str):
        return TEXT  # exact text, even when it looks like a date
    if kind == TEXT and wants == DATE:
        return TEXT_DATE
    if kind == DATE and op in LIST_OPS:
        wants = None  # a list of days is better written as between
    if kind == wants:
        return kind
    raise RuleError(
        f"{where(condition.path)}: column '{condition.column}' holds {_KIND_WORDS[kind]}, so op '{op}' with "
        f"value {shown(value)} does not fit; {_KIND_HINTS[kind]}."
    )


def _value_kind(condition: Condition) -> str | None:
    """The column kind the condition's op and value ask for."""
    op, value = condition.op, condition.value
    if op in DAY_OPS:
        return DATE
    if op in TEXT_OPS:
        return TEXT
    sample = next((item for item in value if item is not None), None) if isinstance(value, tuple) else value
    if isinstance(sample, bool):
        return BOOLEAN
    if is_number(sample):
        return NUMBER
    if op in ORDERING_OPS or op == "between" or (op in EQUALITY_OPS and is_iso_date(sample)):
        return DATE
    return TEXT


@dataclass(frozen=True)
class DayRange:
    """Calendar days ``start <= day < stop`` (None = open end); ``outside`` selects the complement."""

    start: date | None
    stop: date | None
    outside: bool = False


def day_range(condition: Condition, as_of: date) -> DayRange:
    """The days a date condition selects, relative to ``as_of`` for the day-count operators."""
    op, value = condition.op, condition.value
    one_day = timedelta(days=1)
    if op == "within_last_days":
        return DayRange(as_of - timedelta(days=value), as_of + one_day)
    if op == "more_than_days_ago":
        return DayRange(None, as_of - timedelta(days=value))
    if op == "between":
        low, high = value
        return DayRange(
            date.fromisoformat(low) if low is not None else None,
            date.fromisoformat(high) + one_day if high is not None else None,
        )
    day = date.fromisoformat(value)
    ranges = {
        ">": DayRange(day + one_day, None),
        ">=": DayRange(day, None),
        "<": DayRange(None, day),
        "<=": DayRange(None, day + one_day),
        "==": DayRange(day, day + one_day),
        "!=": DayRange(day, day + one_day, outside=True),
    }
    return ranges[op]


@functools.cache
def single_fold_map() -> dict[str, tuple[str, ...]]:
    """For each lower-case letter, the other single characters that lower() turns into it (É → é)."""
    folds: dict[str, list[str]] = {}
    for code in range(0x80, 0x10000):  # ASCII letters are folded by every database's lower()
        char = chr(code)
        lowered = char.lower()
        if lowered != char and len(lowered) == 1:
            folds.setdefault(lowered, []).append(char)
    return {lowered: tuple(chars) for lowered, chars in folds.items()}


class SegmentLookup:
    """Looks referenced segments up once per evaluation and refuses cycles (7 → 9 → 7)."""

    def __init__(self, resolve_segment: ResolveSegment | None):
        self._resolve = resolve_segment
        self._trees: dict[Any, Node] = {}
        self._open: list[Any] = []
        self.results: dict[Any, Any] = {}  # evaluator-specific: a mask or an SQL expression per segment

    @contextmanager
    def entered(self, reference: SegmentReference) -> Iterator[Node]:
        """The referenced segment's tree, while it is being evaluated (a cycle raises RuleError)."""
        segment = reference.segment
        if segment in self._open:
            cycle = " → ".join(str(item) for item in [*self._open[self._open.index(segment):], segment])
            raise RuleError(
                f"{where(reference.path)}: segments refer to each other in a cycle ({cycle}); "
                "remove one of these segment references."
            )
        tree = self._tree(reference)
        self._open.append(segment)
        try:
            yield tree
        finally:
            self._open.pop()

    def _tree(self, reference: SegmentReference) -> Node:
        segment = reference.segment
        if segment in self._trees:
            return self._trees[segment]
        if self._resolve is None:
            raise RuleError(
                f"{where(reference.path)}: the rule uses segment {segment!r}; pass resolve_segment= "
                "(segment id → definition) to look segments up."
            )
        try:
            found = self._resolve(segment)
        except LookupError:
            found = None
        if found is None:
            raise RuleError(f"{where(reference.path)}: segment {segment!r} does not exist; remove the reference.")
        if hasattr(found, "to_dict"):
            found = found.to_dict()
        if isinstance(found, str | bytes):
            try:
                found = json.loads(found)
            except json.JSONDecodeError as error:
                raise RuleError(f"segment {segment!r}: its stored definition is not valid JSON ({error}).") from None
        self._trees[segment] = parse_definition(found, root=f"segment {segment}")
        return self._trees[segment]

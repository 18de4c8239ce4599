"""Rule segments: AND / OR / NOT trees of conditions, evaluated as a pandas mask or compiled to SQL.

A segment is data (JSON) the app stores and versions::

    {"all": [
        {"column": "age", "op": "between", "value": [25, 40]},
        {"column": "city", "op": "in", "value": ["Amsterdam", "Rotterdam"]},
        {"any": [{"column": "interests", "op": "contains", "value": "sport"},
                 {"column": "last_purchase", "op": "within_last_days", "value": 90}]},
        {"segment": 7, "mode": "exclude"}
    ]}

Operators: ``between`` ([low, high] inclusive, null = open end), ``>``, ``>=``, ``<``, ``<=``, ``==``,
``!=``, ``in`` / ``not_in`` (a list), ``contains`` / ``not_contains`` (case-insensitive substring, the
natural test for multi-value text such as "sports;travel"; accents must match), ``within_last_days`` /
``more_than_days_ago`` (days before ``as_of``), ``is_missing`` / ``not_missing``.

Semantics shared by :meth:`RuleSegment.mask` and :meth:`RuleSegment.to_sql` (see `rules_semantics`):
a condition on a missing value is false and ``not`` flips the result after that, so
``{"not": {"column": "age", "op": ">", "value": 5}}`` includes customers without an age; dates compare
by calendar day; text ``==`` / ``in`` compare exactly. The test suite checks that pandas and SQL select
the same members on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from segmentation.rules_pandas import evaluate_mask
from segmentation.rules_semantics import ResolveSegment, SegmentLookup
from segmentation.rules_sql import compile_sql
from segmentation.rules_tree import (
    OPERATORS,
    Condition,
    Node,
    RuleError,
    SegmentReference,
    describe_node,
    parse_definition,
    to_definition,
    walk,
)

__all__ = ["OPERATORS", "RuleError", "RuleSegment"]


class RuleSegment:
    """A checked segment definition; evaluate it with :meth:`mask` (pandas) or :meth:`to_sql` (SQLAlchemy).

    The definition is validated on construction: unknown ops or keys, wrong value types and empty
    groups raise :class:`RuleError` naming the place, e.g. ``all[2].any[0]: op 'btween' is unknown``.
    """

    def __init__(self, definition: dict, *, name: str = ""):
        self.name = name
        self._tree: Node = parse_definition(definition)

    @classmethod
    def from_json(cls, text: str | bytes, *, name: str = "") -> RuleSegment:
        """Read a definition stored as JSON (the form :meth:`to_json` writes)."""
        try:
            definition = json.loads(text)
        except json.JSONDecodeError as error:
            raise RuleError(
                f"The segment definition is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
            ) from None
        return cls(definition, name=name)

    def to_dict(self) -> dict:
        """The definition as plain JSON-safe data (lists, strings, numbers), ready to store."""
        return to_definition(self._tree)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def mask(
        self,
        frame: pd.DataFrame,
        *,
        as_of: date | None = None,
        resolve_segment: ResolveSegment | None = None,
    ) -> pd.Series:
        """A bool Series aligned with ``frame``: True for the rows in the segment.

        ``as_of`` (default today) anchors ``within_last_days`` / ``more_than_days_ago``.
        ``resolve_segment(id)`` returns the definition of a referenced segment (dict, JSON text or
        RuleSegment). A column that is not in ``frame`` raises RuleError naming it and the available ones.
        """
        lookup = SegmentLookup(resolve_segment)
        members = evaluate_mask(self._tree, frame, _day(as_of), lookup)
        return pd.Series(members, index=frame.index, name=self.name or "segment", dtype=bool)

    def to_sql(
        self,
        table: sa.FromClause,
        *,
        as_of: date | None = None,
        resolve_segment: ResolveSegment | None = None,
    ) -> ColumnElement[bool]:
        """The SQLAlchemy Core expression selecting the segment: ``select(table.c.id).where(expr)``.

        Dialect-neutral; a row where it is NULL (a test on a missing value) is not a member, as in
        :meth:`mask`. Wrap it in ``coalesce(expr, false)`` to select it as a strict true/false column.
        """
        return compile_sql(self._tree, table, _day(as_of), SegmentLookup(resolve_segment))

    def columns_used(self, resolve_segment: ResolveSegment | None = None) -> set[str]:
        """The columns the rule reads; with ``resolve_segment`` also those of the segments it refers to."""
        lookup = SegmentLookup(resolve_segment)
        return _columns(self._tree, lookup, follow=resolve_segment is not None)

    def segments_used(self) -> set[Any]:
        """The ids of the segments this rule refers to directly."""
        return {node.segment for node in walk(self._tree) if isinstance(node, SegmentReference)}

    def describe(self) -> str:
        """Plain English, e.g. "age between 25 and 40 AND city in (Amsterdam, Rotterdam)"."""
        return describe_node(self._tree)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleSegment):
            return NotImplemented
        return self.name == other.name and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.name, self.to_json()))

    def __repr__(self) -> str:
        label = f"{self.name!r}, " if self.name else ""
        return f"RuleSegment({label}{self.describe()!r})"


def _columns(tree: Node, lookup: SegmentLookup, *, follow: bool) -> set[str]:
    used = set()
    for node in walk(tree):
        if isinstance(node, Condition):
            used.add(node.column)
        elif isinstance(node, SegmentReference) and follow:
            with lookup.entered(node) as referenced:
                used |= _columns(referenced, lookup, follow=True)
    return used


def _day(as_of: date | None) -> date:
    if as_of is None:
        return date.today()
    if isinstance(as_of, datetime):  # also a pandas Timestamp: its calendar day
        return as_of.date()
    if not isinstance(as_of, date):
        raise RuleError(f"as_of must be a date, got {as_of!r}.")
    return as_of

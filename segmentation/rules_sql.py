"""Compile a rule tree to a dialect-neutral SQLAlchemy Core boolean expression.

The same definition then runs where the data lives (SQLite, PostgreSQL, or any SQLAlchemy dialect of a
warehouse). The expression gives the members the pandas mask gives on the same rows:

- a condition on a NULL is NULL, which a WHERE clause (and an AND / OR above it) treats as false, as
  pandas does; only ``not`` (and excluding a segment) needs care: ``NOT coalesce(inner, false)``;
- date tests are half-open ranges of days bound as dates (or, for text columns, as YYYY-MM-DD text);
- ``contains`` lowers both sides: ``lower(col) LIKE '%' || :value || '%' ESCAPE '/'`` with the value
  lowered and escaped in Python. Some databases' ``lower()`` folds ASCII only (SQLite), so the
  upper-case forms of the value's accented letters are folded with ``replace()`` as well (``Î`` → ``î``).
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from segmentation.rules_semantics import (
    BOOLEAN,
    DATE,
    ISO_DATE_LIKE,
    NUMBER,
    TEXT,
    TEXT_DATE,
    DayRange,
    SegmentLookup,
    comparison_mode,
    day_range,
    single_fold_map,
)
from segmentation.rules_tree import (
    Condition,
    Group,
    Negation,
    Node,
    RuleError,
    SegmentReference,
    suggestion,
    where,
)


def compile_sql(tree: Node, table: sa.FromClause, as_of: date, lookup: SegmentLookup) -> ColumnElement[bool]:
    """The WHERE-clause expression selecting the rows of ``table`` where ``tree`` holds."""
    return _Compiler(table, as_of, lookup).expression(tree)


def never_null(expression: ColumnElement[bool]) -> ColumnElement[bool]:
    """``coalesce(expression, false)``: NULL (a test on a missing value) becomes false."""
    return sa.func.coalesce(expression, sa.false(), type_=sa.Boolean)


class _Compiler:
    def __init__(self, table: sa.FromClause, as_of: date, lookup: SegmentLookup):
        self.table = table
        self.as_of = as_of
        self.lookup = lookup

    def expression(self, node: Node) -> ColumnElement[bool]:
        if isinstance(node, Group):
            combine = sa.and_ if node.kind == "all" else sa.or_
            return combine(*(self.expression(child) for child in node.children))
        if isinstance(node, Negation):
            return sa.not_(never_null(self.expression(node.child)))
        if isinstance(node, SegmentReference):
            return self._segment(node)
        return self._condition(node)

    def _segment(self, reference: SegmentReference) -> ColumnElement[bool]:
        results = self.lookup.results
        if reference.segment not in results:
            with self.lookup.entered(reference) as tree:
                results[reference.segment] = self.expression(tree)
        members = results[reference.segment]
        return members if reference.include else sa.not_(never_null(members))

    def _column(self, condition: Condition) -> sa.ColumnElement:
        name = condition.column
        if name not in self.table.c:
            available = [column.name for column in self.table.c]
            raise RuleError(
                f"{where(condition.path)}: column '{name}' is not in table '{getattr(self.table, 'name', '?')}'"
                f"{suggestion(name, available)}; available columns: {', '.join(available)}."
            )
        return self.table.c[name]

    def _condition(self, condition: Condition) -> ColumnElement[bool]:
        column = self._column(condition)
        mode = comparison_mode(condition, column_kind(column.type))
        op, value = condition.op, condition.value
        if op == "is_missing":
            return column.is_(None)
        if op == "not_missing":
            return column.is_not(None)
        if mode in (DATE, TEXT_DATE):
            return _day_test(column, day_range(condition, self.as_of), as_text=mode == TEXT_DATE)
        if op in ("contains", "not_contains"):
            found = _folded(column, value.lower()).contains(value.lower(), autoescape=True)
            return found if op == "contains" else sa.not_(found)
        return _compare(column, op, value)


def column_kind(sql_type: sa.types.TypeEngine) -> str | None:
    """numbers / dates / text / true-false for a SQLAlchemy column type; None when unknown."""
    if isinstance(sql_type, sa.Boolean):
        return BOOLEAN
    if isinstance(sql_type, sa.Integer | sa.Numeric):
        return NUMBER
    if isinstance(sql_type, sa.Date | sa.DateTime):
        return DATE
    if isinstance(sql_type, sa.String):
        return TEXT
    return None


def _compare(column: sa.ColumnElement, op: str, value: object) -> ColumnElement[bool]:
    if op == "between":
        low, high = value
        tests = ([column >= low] if low is not None else []) + ([column <= high] if high is not None else [])
        return sa.and_(*tests)
    if op == "in":
        return column.in_(list(value))
    if op == "not_in":
        return column.not_in(list(value))
    operations = {
        ">": column.__gt__, ">=": column.__ge__, "<": column.__lt__, "<=": column.__le__,
        "==": column.__eq__, "!=": column.__ne__,
    }
    return operations[op](value)


def _day_test(column: sa.ColumnElement, selected: DayRange, *, as_text: bool) -> ColumnElement[bool]:
    def bound(day: date) -> object:
        if as_text:
            return day.isoformat()
        if isinstance(column.type, sa.DateTime):
            return datetime.combine(day, time())
        return day

    if selected.outside:
        test = sa.or_(column < bound(selected.start), column >= bound(selected.stop))
    else:
        tests = []
        if selected.start is not None:
            tests.append(column >= bound(selected.start))
        if selected.stop is not None:
            tests.append(column < bound(selected.stop))
        test = sa.and_(*tests)
    return sa.and_(column.like(ISO_DATE_LIKE), test) if as_text else test


def _folded(column: sa.ColumnElement, lowered: str) -> ColumnElement[str]:
    """lower(column), with the other case forms of the value's accented letters folded too."""
    folded = sa.func.lower(column, type_=sa.String)
    folds = single_fold_map()
    for letter in sorted(set(lowered)):
        if letter.isascii():
            continue
        for other in folds.get(letter, ()):
            folded = sa.func.replace(folded, other, letter, type_=sa.String)
    return folded

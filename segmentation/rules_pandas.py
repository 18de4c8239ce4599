"""Evaluate a rule tree on a DataFrame as a boolean numpy mask (vectorised; no loop over rows).

Each column is prepared once per evaluation and shared by every condition on it (`rules_columns`).
Groups short-circuit on whole arrays: an AND group hands each child only the rows every earlier child
kept, an OR group only the rows no earlier child took, and children run cheapest first (numbers and
dates before text, substring tests last). Conditions are pure, so neither the order nor the skipped
rows change the members — only the time. Semantics (missing values, day ranges, kinds) live in
`rules_semantics`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from segmentation.rules_columns import PreparedColumn, at
from segmentation.rules_semantics import (
    DATE,
    NUMBER,
    TEXT,
    TEXT_DATE,
    DayRange,
    SegmentLookup,
    comparison_mode,
    day_range,
)
from segmentation.rules_tree import (
    LIST_OPS,
    TEXT_OPS,
    Condition,
    Group,
    Negation,
    Node,
    RuleError,
    SegmentReference,
    suggestion,
    where,
)

# Relative cost per row of a condition, to run cheap children of a group first. Measured in ns per row on
# 1 M rows: a number or day comparison ~1; Arrow text equality ~8, a list ~12, plus ~5 to pick the rows
# left; a substring or text-date test ~20 on a column that repeats its values (once per distinct value,
# after encoding), ~50 otherwise.
_NUMERIC_COST, _TEXT_EQUAL_COST, _TEXT_LIST_COST = 1.0, 13.0, 17.0
_TEXT_SCAN_COST, _TEXT_SCAN_REPEATED_COST = 50.0, 20.0
_CHEAP_COST = 2.0  # up to two number or day comparisons: run them on all rows instead of the rows left
_PLAN_MIN_ROWS = 50_000  # below this, order a group's children by cost alone
_PLAN_SAMPLE_ROWS = 1_000  # rows sampled to estimate how many rows a condition keeps
_NAT = np.iinfo(np.int64).min  # NaT as int64 ticks
_EPOCH = date(1970, 1, 1)


def evaluate_mask(tree: Node, frame: pd.DataFrame, as_of: date, lookup: SegmentLookup) -> np.ndarray:
    """The rows of ``frame`` where ``tree`` holds, as a numpy bool array in row order."""
    return _Evaluation(frame, as_of, lookup).whole(tree)


class _Evaluation:
    def __init__(self, frame: pd.DataFrame, as_of: date, lookup: SegmentLookup):
        self.frame = frame
        self.as_of = as_of
        self.lookup = lookup
        self.columns: dict[str, PreparedColumn] = {}
        self.modes: dict[Condition, str] = {}
        self.plans: dict[int, tuple[float, float, list[Node]]] = {}  # by id(node): hashing a group walks it

    def whole(self, tree: Node) -> np.ndarray:
        """``tree`` on every row; checks the whole tree first, so errors do not depend on which rows remain."""
        self._check(tree)
        return self._test(tree, None)

    def _check(self, node: Node) -> None:
        """Walk the tree in written order: unknown columns, kinds that do not fit and segment lookups raise
        RuleError here, the same first error a plain left-to-right evaluation would meet."""
        if isinstance(node, Group):
            for child in node.children:
                self._check(child)
        elif isinstance(node, Negation):
            self._check(node.child)
        elif isinstance(node, SegmentReference):
            self._segment(node)
        else:
            self.modes[node] = comparison_mode(node, self._column(node).kind)

    def _test(self, node: Node, rows: np.ndarray | None) -> np.ndarray:
        """``node`` on ``rows`` (positions in the frame; None = all) as a bool array aligned with ``rows``."""
        if isinstance(node, Group):
            return self._all(node, rows) if node.kind == "all" else self._any(node, rows)
        if isinstance(node, Negation):
            return ~self._test(node.child, rows)
        if isinstance(node, SegmentReference):
            return at(self._segment(node), rows)
        return self._condition(node, rows)

    def _all(self, group: Group, rows: np.ndarray | None) -> np.ndarray:
        children = self._plan(group)[2]
        if len(children) == 1:
            return self._test(children[0], rows)
        alive = None  # bool per row of ``rows`` while every child so far ran on all of them
        kept = None  # then: positions within ``rows`` that passed every child so far
        for child in children:
            if kept is None and (alive is None or self._cheap(child)):
                passed = self._test(child, rows)
                alive = passed if alive is None else alive & passed  # never in place: it may be a cached mask
                continue
            if kept is None:
                kept = np.flatnonzero(alive)
            passed = self._test(child, _subset(rows, kept))
            kept = np.compress(passed, kept)  # twice as fast as kept[passed]
            if not len(kept):
                break
        if kept is None:
            return alive
        result = np.zeros(_size(self.frame, rows), dtype=bool)
        result[kept] = True
        return result

    def _any(self, group: Group, rows: np.ndarray | None) -> np.ndarray:
        children = self._plan(group)[2]
        if len(children) == 1:
            return self._test(children[0], rows)
        taken = None  # bool per row of ``rows`` while every child so far ran on all of them
        left = None  # then: positions within ``rows`` no child has taken yet
        for child in children:
            if left is None and (taken is None or self._cheap(child)):
                passed = self._test(child, rows)
                taken = passed if taken is None else taken | passed
                continue
            if left is None:
                left = np.flatnonzero(~taken)
                taken = taken.copy()  # filled in place below; it may be a cached mask
            passed = self._test(child, _subset(rows, left))
            taken[np.compress(passed, left)] = True
            left = np.compress(~passed, left)
            if not len(left):
                break
        return taken

    def _cheap(self, node: Node) -> bool:
        """True when running ``node`` on every row costs less than listing the rows still in play."""
        return self._plan(node)[0] <= _CHEAP_COST

    def _plan(self, node: Node) -> tuple[float, float, list[Node]]:
        """(expected cost per row, share of rows passing, children in the order to run them) of ``node``.

        The share comes from a strided sample. An AND group runs first the children with the lowest
        cost per row they rule out, cost / (1 − share); an OR group those with the lowest cost per row
        they take, cost / share (the classic order for independent filters).
        """
        if id(node) in self.plans:
            return self.plans[id(node)]
        if isinstance(node, Group):
            costs, shares = zip(*(self._plan(child)[:2] for child in node.children), strict=True)
            # the share of its rows a child hands on to the next: those it keeps (AND) or does not take (OR)
            going_on = shares if node.kind == "all" else [1 - share for share in shares]
            order = sorted(range(len(costs)), key=lambda index: costs[index] / max(1 - going_on[index], 1e-3))
            cost, reaching = 0.0, 1.0  # share of rows that reach the next child
            for index in order:
                cost += reaching * costs[index]
                reaching *= going_on[index]
            plan = (cost, reaching if node.kind == "all" else 1 - reaching, [node.children[index] for index in order])
        elif isinstance(node, Negation):
            cost, share, _ = self._plan(node.child)
            plan = (cost, 1 - share, [node.child])
        elif isinstance(node, SegmentReference):
            plan = (_NUMERIC_COST, self._share(node), [])
        else:
            plan = (self._condition_cost(node), self._share(node), [])
        self.plans[id(node)] = plan
        return plan

    def _share(self, node: Condition | SegmentReference) -> float:
        """The share of a strided sample of rows where ``node`` holds (0.5 when the frame is small)."""
        if len(self.frame) < _PLAN_MIN_ROWS:
            return 0.5  # small data: the cost alone orders the children, and sampling would cost more
        sample = np.arange(0, len(self.frame), len(self.frame) // _PLAN_SAMPLE_ROWS)
        return float(self._test(node, sample).mean())

    def _condition_cost(self, condition: Condition) -> float:
        mode = self.modes[condition]
        if mode not in (TEXT, TEXT_DATE) or self.columns[condition.column].has_codes:
            return _NUMERIC_COST
        if mode == TEXT_DATE or condition.op in TEXT_OPS:
            return _TEXT_SCAN_REPEATED_COST if self.columns[condition.column].repeats_values else _TEXT_SCAN_COST
        return _TEXT_LIST_COST if condition.op in LIST_OPS else _TEXT_EQUAL_COST

    def _segment(self, reference: SegmentReference) -> np.ndarray:
        results = self.lookup.results
        if reference.segment not in results:
            with self.lookup.entered(reference) as tree:
                results[reference.segment] = self.whole(tree)
        members = results[reference.segment]
        return members if reference.include else ~members

    def _column(self, condition: Condition) -> PreparedColumn:
        name = condition.column
        if name not in self.columns:
            if name not in self.frame.columns:
                available = [str(column) for column in self.frame.columns]
                shown = ", ".join(available[:40]) + (" …" if len(available) > 40 else "")
                raise RuleError(
                    f"{where(condition.path)}: column '{name}' is not in the data{suggestion(name, available)}; "
                    f"available columns: {shown}."
                )
            series = self.frame[name]
            if isinstance(series, pd.DataFrame):
                raise RuleError(f"{where(condition.path)}: column '{name}' appears more than once; rename one.")
            self.columns[name] = PreparedColumn(series)
        return self.columns[name]

    def _condition(self, condition: Condition, rows: np.ndarray | None) -> np.ndarray:
        column = self.columns[condition.column]
        mode = self.modes[condition]
        op, value = condition.op, condition.value
        if op == "is_missing":
            return ~at(column.present, rows)
        if op == "not_missing":
            return at(column.present, rows).copy()
        if mode == DATE:
            return _in_day_range(at(column.days, rows), day_range(condition, self.as_of))
        if mode == TEXT_DATE:
            return column.text_days_test(day_range(condition, self.as_of), rows)
        if mode == TEXT:
            return column.text_test(op, value, rows)
        values = column.numbers if mode == NUMBER else column.booleans
        result = _compare(at(values, rows), op, value)
        if column.may_be_missing and (op in ("!=", "not_in") or values.dtype.kind != "f"):
            result &= at(column.present, rows)  # NaN already fails every other test; others hold no NaN
        return result


def _subset(rows: np.ndarray | None, positions: np.ndarray | None) -> np.ndarray | None:
    """The frame positions of ``positions`` within ``rows`` (either None = all)."""
    if positions is None:
        return rows
    return positions if rows is None else rows[positions]


def _size(frame: pd.DataFrame, rows: np.ndarray | None) -> int:
    return len(frame) if rows is None else len(rows)


def _in_day_range(days: np.ndarray, selected: DayRange) -> np.ndarray:
    """True where the day lies in the range (or outside it, for !=); a missing day (NaT) never matches.

    Compares the raw int64 ticks (3× faster than datetime64 comparisons); NaT is the smallest int64.
    """
    ticks = days.view(np.int64)
    unit, count = np.datetime_data(days.dtype)
    per_day = int(np.timedelta64(1, "D") // np.timedelta64(count, unit))
    present = None if selected.start is not None and not selected.outside else ticks != _NAT
    within = ticks >= _ticks(selected.start, per_day) if selected.start is not None else present.copy()
    if selected.stop is not None:
        within &= ticks < _ticks(selected.stop, per_day)
    return present & ~within if selected.outside else within


def _ticks(day: date, per_day: int) -> int:
    """The first tick of ``day`` in a column counting ``per_day`` ticks a day, clipped to the int64 range
    (a bound beyond what the column can hold then still compares correctly; NaT stays below every bound)."""
    ticks = (day - _EPOCH).days * per_day
    return min(max(ticks, _NAT + 1), np.iinfo(np.int64).max)


def _compare(values: np.ndarray, op: str, value: object) -> np.ndarray:
    if op == "between":
        low, high = value
        if low is None:
            return values <= high
        return values >= low if high is None else (values >= low) & (values <= high)
    if op in ("in", "not_in"):
        found = np.isin(values, np.asarray(value))
        return found if op == "in" else ~found
    operations = {
        ">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal,
        "==": np.equal, "!=": np.not_equal,
    }
    return operations[op](values, value)

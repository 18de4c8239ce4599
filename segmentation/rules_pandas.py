"""Evaluate a rule tree on a DataFrame as a boolean numpy mask (vectorised; no loop over rows).

Columns are prepared once per evaluation and shared by every condition on them. Text columns that
repeat their values (cities, interests) are dictionary-encoded for substring and date tests, which
then run once per distinct value and are gathered back through the codes — a million rows with a few
hundred cities cost one encode plus a gather. Semantics (missing values, day ranges, kinds) live in
`rules_semantics`.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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

_SAMPLE_ROWS = 10_000
_DISTINCT_SHARE = 0.2  # below this share of distinct values in the sample, work per distinct value


def evaluate_mask(tree: Node, frame: pd.DataFrame, as_of: date, lookup: SegmentLookup) -> np.ndarray:
    """The rows of ``frame`` where ``tree`` holds, as a numpy bool array in row order."""
    return _Evaluation(frame, as_of, lookup).mask(tree)


class _Evaluation:
    def __init__(self, frame: pd.DataFrame, as_of: date, lookup: SegmentLookup):
        self.frame = frame
        self.as_of = as_of
        self.lookup = lookup
        self.columns: dict[str, _PreparedColumn] = {}

    def mask(self, node: Node) -> np.ndarray:
        if isinstance(node, Group):
            combine = np.logical_and if node.kind == "all" else np.logical_or
            return combine.reduce([self.mask(child) for child in node.children])
        if isinstance(node, Negation):
            return ~self.mask(node.child)
        if isinstance(node, SegmentReference):
            return self._segment(node)
        return self._condition(node)

    def _segment(self, reference: SegmentReference) -> np.ndarray:
        results = self.lookup.results
        if reference.segment not in results:
            with self.lookup.entered(reference) as tree:
                results[reference.segment] = self.mask(tree)
        members = results[reference.segment]
        return members if reference.include else ~members

    def _column(self, condition: Condition) -> _PreparedColumn:
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
            self.columns[name] = _PreparedColumn(series)
        return self.columns[name]

    def _condition(self, condition: Condition) -> np.ndarray:
        column = self._column(condition)
        mode = comparison_mode(condition, column.kind)
        op, value = condition.op, condition.value
        if op == "is_missing":
            return ~column.present
        if op == "not_missing":
            return column.present.copy()
        if mode == DATE:
            return _in_day_range(column.days, day_range(condition, self.as_of))
        if mode == TEXT_DATE:
            return column.text_days_test(day_range(condition, self.as_of))
        if mode == TEXT:
            return column.text_test(op, value)
        values = column.numbers if mode == NUMBER else column.booleans
        return _compare(values, op, value) & column.present


def _in_day_range(days: np.ndarray, selected: DayRange) -> np.ndarray:
    """True where the day lies in the range (or outside it, for !=); a missing day (NaT) never matches."""
    present = ~np.isnat(days)
    within = present.copy()
    if selected.start is not None:
        within &= days >= np.datetime64(selected.start, "D")
    if selected.stop is not None:
        within &= days < np.datetime64(selected.stop, "D")
    return present & ~within if selected.outside else within


def _compare(values: np.ndarray, op: str, value: object) -> np.ndarray:
    if op == "between":
        low, high = value
        result = np.ones(len(values), dtype=bool)
        if low is not None:
            result &= values >= low
        if high is not None:
            result &= values <= high
        return result
    if op in ("in", "not_in"):
        found = np.isin(values, np.asarray(value))
        return found if op == "in" else ~found
    operations = {
        ">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal,
        "==": np.equal, "!=": np.not_equal,
    }
    return operations[op](values, value)


class _PreparedColumn:
    """One column in the forms the conditions need, each computed at most once."""

    def __init__(self, series: pd.Series):
        self.series = series
        self.kind = _kind(series.dtype)

    @cached_property
    def present(self) -> np.ndarray:
        return self.series.notna().to_numpy(dtype=bool)

    @cached_property
    def numbers(self) -> np.ndarray:
        if isinstance(self.series.dtype, np.dtype):
            return self.series.to_numpy()
        return self.series.to_numpy(dtype="float64", na_value=np.nan)

    @cached_property
    def booleans(self) -> np.ndarray:
        return self.series.to_numpy(dtype=bool, na_value=False)

    @cached_property
    def days(self) -> np.ndarray:
        series = self.series
        if getattr(series.dtype, "tz", None) is not None:
            series = series.dt.tz_localize(None)  # compare wall-clock days, as the stored text would
        if isinstance(series.dtype, np.dtype):
            return series.to_numpy()  # keeps its unit: birth dates in 1850 do not overflow nanoseconds
        return series.to_numpy(dtype="datetime64[us]", na_value=np.datetime64("NaT"))

    @cached_property
    def text(self) -> pa.Array:
        """The whole column as an Arrow string array (zero-copy for pandas' default string dtype)."""
        series = self.series
        if not isinstance(series.dtype, pd.StringDtype):
            series = series.astype("str")
        values = pa.array(series, from_pandas=True)
        return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values

    @cached_property
    def encoded(self) -> tuple[np.ndarray, pa.Array]:
        """(codes with -1 for missing, distinct values) of the column read as text."""
        series = self.series
        if isinstance(series.dtype, pd.CategoricalDtype):
            categories = series.cat.categories.astype("str")
            return series.cat.codes.to_numpy(), pa.array(categories)
        encoded = pc.dictionary_encode(self.text)
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        return codes, encoded.dictionary

    @cached_property
    def repeats_values(self) -> bool:
        """True when a strided sample shows few distinct values, so per-distinct-value work pays off."""
        text = self.text
        if len(text) <= _SAMPLE_ROWS:
            return True
        sample = text.take(pa.array(np.arange(0, len(text), len(text) // _SAMPLE_ROWS)))
        return pc.count_distinct(sample).as_py() < _DISTINCT_SHARE * len(sample)

    def text_days_test(self, selected: DayRange) -> np.ndarray:
        """ISO dates held as text, compared as text with YYYY-MM-DD bounds — exactly what the SQL does."""
        def test(values: pa.Array) -> pa.Array:
            shaped = pc.match_like(values, ISO_DATE_LIKE)
            within = shaped
            if selected.start is not None:
                within = pc.and_(within, pc.greater_equal(values, selected.start.isoformat()))
            if selected.stop is not None:
                within = pc.and_(within, pc.less(values, selected.stop.isoformat()))
            return pc.and_(shaped, pc.invert(within)) if selected.outside else within

        return self._text_rows(test, costly=True)

    def text_test(self, op: str, value: object) -> np.ndarray:
        """A text condition: ==, !=, in, not_in (exact), contains / not_contains (lower-cased both sides)."""
        def test(values: pa.Array) -> pa.Array:
            if op in ("==", "!="):
                return pc.equal(values, value) if op == "==" else pc.not_equal(values, value)
            if op in ("in", "not_in"):
                found = pc.is_in(values, value_set=pa.array(list(value), type=values.type))
                return found if op == "in" else pc.invert(found)
            found = pc.match_substring(pc.utf8_lower(values), value.lower())
            return found if op == "contains" else pc.invert(found)

        return self._text_rows(test, costly=op in ("contains", "not_contains"))

    def _text_rows(self, test, *, costly: bool) -> np.ndarray:
        """Run ``test`` on the distinct values and gather back, or on the whole column, whichever is cheaper.

        Equality and lists are cheap Arrow kernels over the whole column; substring and date tests are
        costly per value, so on columns that repeat their values (cities, interests) they run once per
        distinct value. Missing values never match.
        """
        categorical = isinstance(self.series.dtype, pd.CategoricalDtype)
        if categorical or "encoded" in self.__dict__ or (costly and self.repeats_values):
            codes, distinct = self.encoded
            flags = pc.fill_null(test(distinct), False).to_numpy(zero_copy_only=False)
            return np.append(flags, False)[codes]  # code -1 (missing) picks the appended False
        return pc.fill_null(test(self.text), False).to_numpy(zero_copy_only=False) & self.present


def _kind(dtype) -> str:
    if isinstance(dtype, pd.CategoricalDtype):
        return _kind(dtype.categories.dtype)
    if pd.api.types.is_bool_dtype(dtype):
        return BOOLEAN
    if pd.api.types.is_numeric_dtype(dtype):
        return NUMBER
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return DATE
    return TEXT

"""One DataFrame column prepared for rule tests: each form (numbers, days, Arrow text, codes) built once.

Every test takes ``rows``: None for the whole column, or the positions still in question (an AND group
drops the rows an earlier condition ruled out), so costly tests only look at the rows that matter.
Text columns that repeat their values (cities, interests) are dictionary-encoded for substring and date
tests, which then run once per distinct value and are gathered back through the codes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation.rules_semantics import BOOLEAN, DATE, ISO_DATE_LIKE, NUMBER, TEXT, DayRange

_SAMPLE_ROWS = 10_000
_DISTINCT_SHARE = 0.2  # below this share of distinct values in the sample, work per distinct value
_FEW_CODES = 4  # up to this many codes to look for: compare, don't gather
_OFFSET_TYPES = {pa.string(): np.int32, pa.large_string(): np.int64}

ArrowTest = Callable[[pa.Array], pa.Array]


def at(values: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """``values`` at the positions ``rows`` (all of them when None)."""
    return values if rows is None else values[rows]


class PreparedColumn:
    """One column in the forms the conditions need, each computed at most once per evaluation."""

    def __init__(self, series: pd.Series):
        self.series = series
        self.kind = column_kind(series.dtype)

    @cached_property
    def present(self) -> np.ndarray:
        return self.series.notna().to_numpy(dtype=bool)

    @cached_property
    def may_be_missing(self) -> bool:
        """False for numpy integer and bool columns, which cannot hold a missing value."""
        dtype = self.series.dtype
        return not (isinstance(dtype, np.dtype) and dtype.kind in "iub")

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
        if not isinstance(values, pa.ChunkedArray):
            return values
        return values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()  # one chunk: no copy

    @cached_property
    def encoded(self) -> tuple[np.ndarray, pa.Array]:
        """(codes with -1 for missing, distinct values) of the column read as text."""
        series = self.series
        if isinstance(series.dtype, pd.CategoricalDtype):
            categories = series.cat.categories.astype("str")
            return series.cat.codes.to_numpy(), pa.array(categories)
        return _dictionary(self.text)

    @cached_property
    def repeats_values(self) -> bool:
        """True when a strided sample shows few distinct values, so per-distinct-value work pays off."""
        text = self.text
        if len(text) <= _SAMPLE_ROWS:
            return True
        sample = text.take(pa.array(np.arange(0, len(text), len(text) // _SAMPLE_ROWS)))
        return pc.count_distinct(sample).as_py() < _DISTINCT_SHARE * len(sample)

    @property
    def has_codes(self) -> bool:
        """True when text tests can run on integer codes without encoding first (categorical or done)."""
        return isinstance(self.series.dtype, pd.CategoricalDtype) or "encoded" in self.__dict__

    def text_days_test(self, selected: DayRange, rows: np.ndarray | None) -> np.ndarray:
        """ISO dates held as text, compared as text with YYYY-MM-DD bounds — exactly what the SQL does."""
        def test(values: pa.Array) -> pa.Array:
            shaped = pc.match_like(values, ISO_DATE_LIKE)
            within = shaped
            if selected.start is not None:
                within = pc.and_(within, pc.greater_equal(values, selected.start.isoformat()))
            if selected.stop is not None:
                within = pc.and_(within, pc.less(values, selected.stop.isoformat()))
            return pc.and_(shaped, pc.invert(within)) if selected.outside else within

        return self._text_rows(test, rows, costly=True)

    def text_test(self, op: str, value: object, rows: np.ndarray | None) -> np.ndarray:
        """A text condition: ==, !=, in, not_in (exact), contains / not_contains (lower-cased both sides)."""
        def test(values: pa.Array) -> pa.Array:
            if op in ("==", "!="):
                return pc.equal(values, value) if op == "==" else pc.not_equal(values, value)
            if op in ("in", "not_in"):
                found = pc.is_in(values, value_set=pa.array(list(value), type=values.type))
                return found if op == "in" else pc.invert(found)
            found = pc.match_substring(_lowered(values), value.lower())
            return found if op == "contains" else pc.invert(found)

        return self._text_rows(test, rows, costly=op in ("contains", "not_contains"))

    def _text_rows(self, test: ArrowTest, rows: np.ndarray | None, *, costly: bool) -> np.ndarray:
        """Run ``test`` on the distinct values and gather back, or on the rows themselves, whichever is cheaper.

        Equality and lists are cheap Arrow kernels; substring and date tests are costly per value, so on
        columns that repeat their values they run once per distinct value. Missing values never match.
        """
        most = rows is None or 2 * len(rows) > len(self.series)  # then encode the whole column, once
        if self.has_codes or (most and costly and self.repeats_values):
            codes, distinct = self.encoded
            return _gathered(test, at(codes, rows), distinct)
        values = self.text if rows is None else self.text.take(rows)
        if costly and self.repeats_values:
            return _gathered(test, *_dictionary(values))
        found = pc.fill_null(test(values), False).to_numpy(zero_copy_only=False)
        if self.text.null_count == 0 and isinstance(self.series.dtype, pd.StringDtype):
            return found  # nothing is missing (for this dtype, missing values are exactly the Arrow nulls)
        return found & at(self.present, rows)  # not_in: is_in calls a missing value "not in", so mask it


def _dictionary(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(codes with -1 for missing, distinct values) of an Arrow string array."""
    encoded = pc.dictionary_encode(values)
    return pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False), encoded.dictionary


def _gathered(test: ArrowTest, codes: np.ndarray, distinct: pa.Array) -> np.ndarray:
    """``test`` run once per distinct value, read back per row through ``codes`` (-1, missing, is False).

    When only a few codes pass (or fail), comparing the codes with them is ~10× faster than a gather.
    """
    flags = pc.fill_null(test(distinct), False).to_numpy(zero_copy_only=False)
    hits, misses = np.flatnonzero(flags), np.flatnonzero(~flags)
    if len(hits) <= _FEW_CODES:
        found = np.zeros(len(codes), dtype=bool)
        for code in hits:
            found |= codes == code
        return found
    if len(misses) < _FEW_CODES:
        found = codes >= 0
        for code in misses:
            found &= codes != code
        return found
    return np.append(flags, False)[codes]


def _lowered(values: pa.Array) -> pa.Array:
    """Lower-cased text; plain ASCII (the common case) takes Arrow's ASCII kernel, ~10× faster, same result."""
    offset_type = _OFFSET_TYPES.get(values.type)
    buffers = values.buffers()
    if offset_type is None or buffers[2] is None:
        return pc.utf8_lower(values)
    offsets = np.frombuffer(buffers[1], dtype=offset_type)
    start, stop = offsets[values.offset], offsets[values.offset + len(values)]
    data = np.frombuffer(buffers[2], dtype=np.uint8)[start:stop]
    ascii_only = len(data) == 0 or int(data.max()) < 0x80
    return pc.ascii_lower(values) if ascii_only else pc.utf8_lower(values)


def column_kind(dtype) -> str:
    """number, date, text or boolean: the kind of values a pandas dtype holds (categories by their values)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return column_kind(dtype.categories.dtype)
    if pd.api.types.is_bool_dtype(dtype):
        return BOOLEAN
    if pd.api.types.is_numeric_dtype(dtype):
        return NUMBER
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return DATE
    return TEXT

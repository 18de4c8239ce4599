"""One pass over a column: missing and distinct counts, and for text its distinct values with row codes.

The quality checks need the same facts about a column again and again (how many distinct values,
which rows repeat a value, how many rows hold each value). Hashing a 1,000,000-row text column is
the expensive part, so it happens once here, and every text check then runs on the distinct values
only and spreads its answer back over the rows through the codes. Columns whose values are nearly
all different (e-mail addresses, phone numbers, sorted ids) gain nothing from codes: they are only
counted, and their checks run on the rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation import value_shapes as shapes

_PREFIXES = (10_000, 200_000)  # example rows are searched in growing prefixes: problems are usually early
_PROBE_ROWS = 10_000  # the first rows tell whether a column is worth encoding
_MOSTLY_DISTINCT = 0.95


@dataclass(frozen=True, eq=False)
class ColumnScan:
    """Missing and distinct counts of one column; for text also its distinct values and row codes.

    ``codes`` maps each row to its value in ``uniques`` (-1 for a missing value) and ``counts`` holds
    the rows per value. When ``codes`` is
    None every row stands for itself: ``uniques`` is the column and ``counts`` is 1 per present row.
    """

    column: str
    rows: int
    missing: int
    distinct: int
    is_text: bool = False
    codes: np.ndarray | None = None
    uniques: pa.Array | pa.ChunkedArray | None = None
    counts: np.ndarray | None = None

    @property
    def is_unique(self) -> bool:
        """Every row holds a value and no two are equal: no row can repeat another."""
        return self.rows > 0 and self.distinct == self.rows

    def spread(self, flagged: np.ndarray) -> np.ndarray:
        """Per-row mask from a mask over ``uniques``; missing rows are never flagged."""
        flagged = np.asarray(flagged, dtype=bool)
        if self.codes is None:
            return flagged
        return np.append(flagged, False)[self.codes]  # code -1 picks the trailing False

    def first_rows(self, flagged: np.ndarray, limit: int = 3) -> np.ndarray:
        """Up to ``limit`` row positions whose value is flagged, scanning growing prefixes (cheap)."""
        flagged = np.asarray(flagged, dtype=bool)
        if not flagged.any():
            return np.empty(0, dtype=np.int64)
        if self.codes is None:
            return np.flatnonzero(flagged)[:limit]
        lookup = np.append(flagged, False)
        for stop in (*_PREFIXES, self.rows):
            found = np.flatnonzero(lookup[self.codes[:stop]])
            if len(found) >= limit or stop >= self.rows:
                break
        return found[:limit]

    def repeats_earlier(self) -> np.ndarray:
        """True for every present value that an earlier row already holds (needs ``codes``)."""
        if self.codes is None:
            raise ValueError(f"Column '{self.column}' was scanned without codes; use pandas' duplicated instead.")
        return pd.Series(self.codes).duplicated(keep="first").to_numpy() & (self.codes >= 0)


def scan_column(series: pd.Series) -> ColumnScan:
    """Scan one column once; text is dictionary-encoded by pyarrow, other columns counted by pandas."""
    rows, column = len(series), str(series.name)
    if not shapes.is_text(series):
        missing = int(series.isna().sum())
        distinct = rows if missing == 0 and _strictly_increasing_numbers(series) else int(series.nunique())
        return ColumnScan(column, rows, missing, distinct)
    if isinstance(series.dtype, pd.CategoricalDtype):  # already encoded: no hashing at all
        return _scan_categories(column, series.cat.remove_unused_categories())
    values = shapes.arrow_strings(series)  # zero-copy for pandas' default string dtype
    missing = values.null_count
    if missing == 0 and rows > 1 and _strictly_increasing_text(values):  # sorted ids: all different
        return ColumnScan(column, rows, 0, rows, is_text=True, uniques=values, counts=np.ones(rows, dtype=np.int64))
    probe = values[:_PROBE_ROWS]
    if len(probe) == _PROBE_ROWS and pc.count_distinct(probe).as_py() >= _MOSTLY_DISTINCT * len(probe):
        # e-mail addresses, phone numbers: a dictionary would be as long as the column, so only count
        present = np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=np.int64)
        return ColumnScan(
            column, rows, missing, pc.count_distinct(values).as_py(), is_text=True, uniques=values, counts=present
        )
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):  # only the small indices are joined, never the strings
        if not _one_dictionary(encoded):
            encoded = encoded.unify_dictionaries()
        uniques = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], type=values.type)
        indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks], type=pa.int32())
    else:
        uniques, indices = encoded.dictionary, encoded.indices
    codes = indices.fill_null(-1).to_numpy()
    counts = np.bincount(codes + 1, minlength=len(uniques) + 1)[1:].astype(np.int64)  # code -1 counts in slot 0
    codes = codes.astype(np.min_scalar_type(-max(len(uniques), 1)))  # int8 for a handful of labels: scans stay small
    return ColumnScan(column, rows, missing, len(uniques), is_text=True, codes=codes, uniques=uniques, counts=counts)


def _scan_categories(column: str, series: pd.Series) -> ColumnScan:
    codes = series.cat.codes.to_numpy()
    uniques = shapes.arrow_strings(pd.Series(series.cat.categories.astype("str"), dtype="str"))
    counts = np.bincount(codes.astype(np.int64) + 1, minlength=len(uniques) + 1)[1:]
    missing = int((codes < 0).sum())
    return ColumnScan(
        column, len(series), missing, len(uniques), is_text=True, codes=codes, uniques=uniques, counts=counts
    )


def _one_dictionary(encoded: pa.ChunkedArray) -> bool:
    """pyarrow gives every chunk the same dictionary buffers; then re-unifying them would only cost time."""
    buffers = {
        tuple(buffer.address if buffer is not None else 0 for buffer in chunk.dictionary.buffers())
        for chunk in encoded.chunks
    }
    return len(buffers) <= 1


def _strictly_increasing_text(values: pa.Array | pa.ChunkedArray) -> bool:
    """Sorted ids are all different; a look at the first values rules out most other columns cheaply."""
    head = values[:1_000]
    if not pc.all(pc.greater(head[1:], head[:-1])).as_py():
        return False
    return bool(pc.all(pc.greater(values[1:], values[:-1])).as_py())


def _strictly_increasing_numbers(series: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype) or len(series) < 2:
        return False
    values = series.to_numpy()
    head = values[:1_000]
    return bool((head[1:] > head[:-1]).all()) and bool((values[1:] > values[:-1]).all())

"""One pass over a column: missing and distinct counts, and for text its distinct values with row codes.

The quality checks need the same facts about a column again and again (how many distinct values,
which rows repeat a value, how many rows hold each value). Hashing a 1,000,000-row text column is
the expensive part, so it happens once here, and every text check then runs on the distinct values
only and spreads its answer back over the rows through the codes. Columns whose values are nearly
all different (e-mail addresses, phone numbers, sorted ids) gain nothing from codes: they are only
counted (:func:`count_distinct_text`), and their checks run on the rows themselves.

In a fresh process much of the cost is memory the operating system hands over and clears page by
page, so the scans allocate from the system allocator (which keeps freed memory for the next
column), never copy a whole column at once, and keep their temporaries small.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation import value_shapes as shapes

# pyarrow's default allocator (mimalloc) returns freed memory to the operating system within
# milliseconds, so every column asked for fresh, zero-filled (huge) pages again; the system allocator
# reuses what the previous column freed. Measured on 1,000,000 rows: a third of the kernel time.
_POOL = pa.system_memory_pool()
_PREFIXES = (10_000, 200_000)  # example rows are searched in growing prefixes: problems are usually early
_PROBE_ROWS = 10_000  # the first rows tell whether a column is worth encoding
_MOSTLY_DISTINCT = 0.95
_BLOCK_ROWS = 65_536  # row blocks for whole-column numpy work: small temporaries, reused and cache-warm


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
    if len(probe) == _PROBE_ROWS and count_distinct_text(probe) >= _MOSTLY_DISTINCT * len(probe):
        # e-mail addresses, phone numbers: a dictionary would be as long as the column, so only count
        present = np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=np.int64)
        return ColumnScan(
            column, rows, missing, count_distinct_text(values), is_text=True, uniques=values, counts=present
        )
    encoded = pc.dictionary_encode(values, memory_pool=_POOL)
    if isinstance(encoded, pa.ChunkedArray):  # only the small indices are joined, never the strings
        if not _one_dictionary(encoded):
            encoded = encoded.unify_dictionaries()
        uniques = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], type=values.type)
        index_chunks = [chunk.indices for chunk in encoded.chunks]
    else:
        uniques, index_chunks = encoded.dictionary, [encoded.indices]
    codes, counts = _codes_and_counts(index_chunks, rows, len(uniques))
    return ColumnScan(column, rows, missing, len(uniques), is_text=True, codes=codes, uniques=uniques, counts=counts)


def _codes_and_counts(index_chunks: list[pa.Array], rows: int, distinct: int) -> tuple[np.ndarray, np.ndarray]:
    """Row codes (-1 for missing) in the smallest integer type that holds them, and the rows per code.

    The int32 indices are copied chunk by chunk straight into the small codes (int8 for a handful of
    labels) and counted in blocks, so no full-length int32 or int64 copy of the column is ever made:
    fresh memory is what a new process pays most for (the operating system clears it page by page).
    """
    codes = np.empty(rows, dtype=np.min_scalar_type(-max(distinct, 1)))
    position = 0
    for chunk in index_chunks:
        filled = chunk.fill_null(-1) if chunk.null_count else chunk
        codes[position : position + len(chunk)] = filled.to_numpy()
        position += len(chunk)
    if codes.itemsize <= 2:  # viewed unsigned, code -1 becomes 255 / 65535: a slot past every real code
        unsigned = codes.view(np.uint8 if codes.itemsize == 1 else np.uint16)
        counts = np.zeros(max(distinct, 1 << (8 * codes.itemsize)), dtype=np.int64)
        for start in range(0, rows, _BLOCK_ROWS):
            block = np.bincount(unsigned[start : start + _BLOCK_ROWS])
            counts[: len(block)] += block
    else:
        counts = np.bincount(codes[codes >= 0], minlength=distinct)
    return codes, counts[:distinct].astype(np.int64, copy=False)


_PARTITIONS = 64
_PARTITIONED_MIN_ROWS = 100_000  # below this one hash table is small enough
_REGROUP_ROWS = 262_144  # values are regrouped by partition this many rows at a time


def count_distinct_text(values: pa.Array | pa.ChunkedArray) -> int:
    """How many different present values ``values`` holds (missing values are not counted).

    A long column is split into partitions by a cheap key computed from each value's length and a
    few of its bytes, so equal values always land in the same partition, and every partition is
    counted on its own. One hash table over a million different strings takes ~150 MB of fresh
    memory that the operating system must hand over and clear page by page; 64 small tables reuse
    the same few megabytes. The values are regrouped block by block, so no copy of the whole column
    is made at once either (blocks of 262,144 rows: few enough pieces that Python's garbage collector
    is not woken by them). Same count as ``pc.count_distinct``, in about half the time. Columns whose
    first rows repeat a lot (a few labels) are counted with one table: it stays small anyway.
    """
    missing_value = 1 if values.null_count else 0  # pc.unique lists missing as a value of its own
    plain_strings = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    if len(values) < _PARTITIONED_MIN_ROWS or not plain_strings or _few_values(values):
        return len(pc.unique(values, memory_pool=_POOL)) - missing_value
    pieces: list[list[pa.Array]] = [[] for _ in range(_PARTITIONS)]
    for start in range(0, len(values), _REGROUP_ROWS):
        block = values.slice(start, _REGROUP_ROWS)
        if isinstance(block, pa.ChunkedArray):
            block = block.combine_chunks(memory_pool=_POOL)
        keys = _partition_keys(block)
        order = np.argsort(keys, kind="stable")  # a radix sort for one-byte keys
        bounds = np.searchsorted(keys[order], np.arange(_PARTITIONS + 1)).tolist()
        grouped = pc.take(block, pa.array(order), memory_pool=_POOL)
        for partition, (first, stop) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
            if stop > first:
                pieces[partition].append(grouped.slice(first, stop - first))
    distinct = sum(
        len(pc.unique(pa.chunked_array(group, type=values.type), memory_pool=_POOL)) for group in pieces if group
    )
    return distinct - missing_value


def _few_values(values: pa.Array | pa.ChunkedArray) -> bool:
    """The first rows repeat a lot: the one hash table stays small, and regrouping would only cost time."""
    probe = values[:_PROBE_ROWS]
    return len(pc.unique(probe, memory_pool=_POOL)) < len(probe) // 2


def _partition_keys(values: pa.Array) -> np.ndarray:
    """A partition number (0..63) per value, from its byte length and its first, middle and last bytes.

    Equal strings get equal keys; missing values all go to partition 0, whatever their offsets say.
    """
    validity, offset_buffer, data_buffer = values.buffers()
    offset_type = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(offset_buffer, dtype=offset_type)[values.offset : values.offset + len(values) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    data = data if len(data) else np.zeros(1, dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    lengths = ends - starts
    key = lengths.astype(np.uint32) * np.uint32(0x9E3779B1)
    filled = lengths > 0
    middle = starts + lengths // 2
    for position, usable in ((starts, filled), (ends - 1, filled), (middle, filled), (ends - 2, lengths > 1)):
        byte = np.where(usable, data[np.where(usable, position, 0)], 0)  # a byte the value does not have is 0
        key = (key ^ byte) * np.uint32(0x01000193)  # FNV-style mixing
    keys = (key >> np.uint32(26)).astype(np.uint8)
    if validity is not None and values.null_count:
        keys[~np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)] = 0
    return keys


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
    return bool(pc.all(pc.greater(values[1:], values[:-1], memory_pool=_POOL)).as_py())


def _strictly_increasing_numbers(series: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype) or len(series) < 2:
        return False
    values = series.to_numpy()
    head = values[:1_000]
    return bool((head[1:] > head[:-1]).all()) and bool((values[1:] > values[:-1]).all())

"""Duplicate rows: exact copies and near-duplicate customers, as boolean row masks.

The quality report counts problems with these masks and the ``drop_duplicates`` fix removes rows
with the very same masks, so the figure in a finding is exactly what its fix will change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from segmentation import value_shapes as shapes
from segmentation.column_scan import ColumnScan


def duplicate_row_mask(
    frame: pd.DataFrame, subset: Iterable[str] | None = None, *, scans: Mapping[str, ColumnScan] | None = None
) -> np.ndarray:
    """True for each row that repeats an earlier row exactly (the first of each group stays False).

    A row can only repeat another if each of its values repeats, so a few cheap single-column checks
    on the most varied columns shrink the candidates before the full comparison. ``scans`` (from
    :func:`scan_column`) make those checks nearly free: a column without repeated values rules out
    any duplicate row at once, and text columns are narrowed by their codes instead of hashing again.
    """
    columns = list(subset) if subset is not None else list(frame.columns)
    mask = np.zeros(len(frame), dtype=bool)
    if len(frame) < 2 or not columns:
        return mask
    if scans is not None and all(column in scans for column in columns):
        if any(scans[column].is_unique for column in columns):
            return mask
        variety = {column: scans[column].distinct for column in columns}
    else:
        scans, head = {}, frame.iloc[:5_000]
        variety = {column: head[column].nunique() for column in columns}
    # most varied first; among equals numbers before text, as they hash faster
    by_variety = sorted(columns, key=lambda column: (-variety[column], shapes.is_text(frame[column])))
    candidates = np.arange(len(frame))
    for column in by_variety[:3]:
        candidates = candidates[_repeated_within(frame[column], scans.get(column), candidates)]
        if len(candidates) == 0:
            return mask
    candidate_rows = pd.DataFrame(
        {position: shapes.take_series(frame[column], candidates) for position, column in enumerate(columns)}
    )
    mask[candidates[candidate_rows.duplicated(keep="first").to_numpy()]] = True
    return mask


def _repeated_within(series: pd.Series, scan: ColumnScan | None, candidates: np.ndarray) -> np.ndarray:
    """Which ``candidates`` hold a value that another candidate holds too (missing counts as one value)."""
    if scan is not None and scan.codes is not None:
        codes = scan.codes[candidates].astype(np.int64) + 1  # missing (-1) becomes value 0
        return np.bincount(codes)[codes] > 1
    values = series if len(candidates) == len(series) else shapes.take_series(series, candidates)
    return values.duplicated(keep=False).to_numpy()


def normalised_text(series: pd.Series | pa.Array | pa.ChunkedArray, drop: str) -> pa.ChunkedArray | pa.Array:
    """Lower-case, accent-free, ``drop`` pattern replaced by a space, spaces collapsed and trimmed."""
    folded = pc.utf8_lower(shapes.strip_accents(shapes.arrow_strings(series)))
    cleaned = pc.replace_substring_regex(pc.replace_substring_regex(folded, drop, " "), r"\s+", " ")
    return pc.utf8_trim_whitespace(cleaned).fill_null("")


def _as_objects(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)


def near_duplicate_mask(
    frame: pd.DataFrame,
    *,
    name_column: str | tuple[str, ...],
    email_column: str | None = None,
    postcode_column: str | None = None,
    threshold: int = 90,
    rows: np.ndarray | None = None,
    window: int = 4,
) -> np.ndarray:
    """True for each row that looks like the same customer as an earlier row (similar name and e-mail,
    or similar name at the same postcode); only ``rows`` (positions) are compared when given.

    Rows are blocked on the postcode, and on the start of the e-mail address; after sorting by block
    and name, each row is compared with its next ``window`` rows in the same block only.
    """
    positions = np.arange(len(frame)) if rows is None else np.asarray(rows)
    mask = np.zeros(len(frame), dtype=bool)

    def subset(column: str) -> pd.Series | pa.Array | pa.ChunkedArray:
        return frame[column] if rows is None else shapes.take_rows(frame[column], positions)

    name_parts = [
        normalised_text(subset(column), drop=r"[^a-z0-9 ]+")
        for column in (name_column if isinstance(name_column, tuple) else (name_column,))
    ]
    joined = (
        name_parts[0]
        if len(name_parts) == 1
        else pc.binary_join_element_wise(
            *(part.cast(pa.large_string()) for part in name_parts), pa.scalar(" ", pa.large_string())
        )
    )
    names = _as_objects(pc.utf8_trim_whitespace(joined))
    pairs: list[np.ndarray] = []
    if postcode_column is not None:
        postcodes = _as_objects(pc.replace_substring(normalised_text(subset(postcode_column), r"[^a-z0-9]+"), " ", ""))
        pairs.append(_similar_pairs(postcodes, names, names, threshold, window))
    if email_column is not None:
        emails = normalised_text(subset(email_column), drop=r"\s+")
        # block on the first three characters of the address plus its domain: "jan@example.com"
        blocks = _as_objects(pc.replace_substring_regex(emails, r"^([^@]{0,3})[^@]*@", r"\1@"))
        found_by_email = _similar_pairs(blocks, _as_objects(emails), names, threshold, window,
                                        second_threshold=threshold)
        # "jan.devries4@" and "jan.devries7@" are typically two people with the same name, not a typo:
        # when both addresses carry digits and the digits differ, they are not taken for one customer.
        digits = _as_objects(pc.replace_substring_regex(pc.replace_substring_regex(emails, r"@.*$", ""),
                                                        r"[^0-9]+", ""))
        left, right = digits[found_by_email[0]], digits[found_by_email[1]]
        pairs.append(found_by_email[:, (left == right) | (left == "") | (right == "")])
    found = np.concatenate(pairs, axis=1) if pairs else np.empty((2, 0), dtype=np.int64)
    if found.shape[1] == 0:
        return mask
    size = len(positions)
    graph = coo_matrix((np.ones(found.shape[1]), (found[0], found[1])), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    first_of_group = pd.Series(positions).groupby(labels).transform("min").to_numpy()
    mask[positions[positions != first_of_group]] = True  # keep the earliest row of each group
    return mask


def _similar_pairs(
    blocks: np.ndarray,
    compared: np.ndarray,
    names: np.ndarray,
    threshold: int,
    window: int,
    second_threshold: int | None = None,
) -> np.ndarray:
    """Index pairs (2×k) in the same non-empty block whose ``compared`` texts are similar enough."""
    block_codes = pd.factorize(blocks)[0]
    block_codes[(blocks == "") | (names == "")] = -1  # rows without a block or a name are never paired
    order = pc.sort_indices(
        pa.table({"block": pa.array(block_codes), "text": pa.array(compared, pa.string())}),
        sort_keys=[("block", "ascending"), ("text", "ascending")],
    ).to_numpy()
    found = []
    for step in range(1, min(window, len(order) - 1) + 1):
        left, right = order[:-step], order[step:]
        same = (block_codes[left] == block_codes[right]) & (block_codes[left] >= 0)
        left, right = left[same], right[same]
        if len(left) == 0:
            continue
        scorer = fuzz.token_sort_ratio if compared is names else fuzz.ratio  # word order matters in names only
        score = process.cpdist(list(compared[left]), list(compared[right]), scorer=scorer)
        keep = score >= threshold
        if second_threshold is not None:
            name_score = process.cpdist(list(names[left]), list(names[right]), scorer=fuzz.token_sort_ratio)
            keep &= name_score >= second_threshold
        found.append(np.vstack((left[keep], right[keep])))
    return np.concatenate(found, axis=1) if found else np.empty((2, 0), dtype=np.int64)

"""Overlap between segments: how many customers each pair shares, and when that cannibalises a campaign.

`overlap_matrix` stacks the membership masks into one numeric matrix and gets every pairwise count
from a single matrix product (BLAS), so 20 segments over a million rows take a fraction of a second.
`cannibalisation_warnings` turns large overlaps into plain-words advice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["OVERLAP_COLUMNS", "cannibalisation_warnings", "overlap_matrix"]

OVERLAP_COLUMNS = ["a", "b", "count_a", "count_b", "both", "jaccard", "share_of_a"]
_FLOAT32_EXACT = 2**24  # float32 counts are exact up to here; beyond it the product runs in float64


def overlap_matrix(masks: Mapping[str, pd.Series | np.ndarray]) -> pd.DataFrame:
    """Every ordered pair of segments (a, b), the diagonal included, as a long table.

    Columns: a, b, count_a, count_b, both (customers in both), jaccard (both / either) and
    share_of_a (both / count_a). All masks must cover the same rows (same length, and the same
    index when they are Series); a missing value (NA) counts as "not a member".
    """
    names = list(masks)
    if not names:
        return pd.DataFrame(columns=OVERLAP_COLUMNS)
    first = names[0]
    rows = len(masks[first])
    stacked = np.empty((rows, len(names)), dtype=np.float32 if rows < _FLOAT32_EXACT else np.float64)
    for position, name in enumerate(names):
        stacked[:, position] = _members(name, masks[name], first, masks[first], rows)
    both = np.rint(stacked.T @ stacked).astype(np.int64)
    counts = np.diag(both)
    a_index, b_index = np.meshgrid(np.arange(len(names)), np.arange(len(names)), indexing="ij")
    a_index, b_index = a_index.ravel(), b_index.ravel()
    shared = both[a_index, b_index]
    union = counts[a_index] + counts[b_index] - shared
    label = np.array(names, dtype=object)
    return pd.DataFrame({
        "a": label[a_index],
        "b": label[b_index],
        "count_a": counts[a_index],
        "count_b": counts[b_index],
        "both": shared,
        "jaccard": np.divide(shared, union, out=np.zeros(len(shared)), where=union > 0),
        "share_of_a": np.divide(shared, counts[a_index], out=np.zeros(len(shared)), where=counts[a_index] > 0),
    })


def _members(name: str, mask: Any, first: str, first_mask: Any, rows: int) -> np.ndarray:
    if len(mask) != rows:
        raise ValueError(
            f"masks: '{name}' covers {len(mask):,} rows but '{first}' covers {rows:,}; "
            "build every mask on the same customer table"
        )
    if isinstance(mask, pd.Series):
        if isinstance(first_mask, pd.Series) and mask is not first_mask and not mask.index.equals(first_mask.index):
            raise ValueError(
                f"masks: '{name}' is indexed differently from '{first}'; build every mask on the same customer table"
            )
        return mask.fillna(False).to_numpy(dtype=bool) if mask.hasnans else mask.to_numpy(dtype=bool)
    return np.asarray(mask, dtype=bool)


def cannibalisation_warnings(matrix: pd.DataFrame, threshold: float = 0.3) -> list[str]:
    """One warning per pair of different segments where either shares more than `threshold` of its members.

    The share is taken from each side, so a small segment lying inside a big one is caught even
    when the Jaccard index is low: both campaigns would reach those people. Largest overlap first.
    """
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold={threshold!r}: need a share between 0 and 1")
    order = {name: position for position, name in enumerate(pd.unique(matrix["a"]))}
    pairs = matrix[matrix["a"].map(order) < matrix["b"].map(order)]
    shares_b = np.divide(pairs["both"], pairs["count_b"], out=np.zeros(len(pairs)), where=pairs["count_b"] > 0)
    pairs = pairs.assign(share_of_b=shares_b, worst=np.maximum(pairs["share_of_a"], shares_b))
    warnings = []
    for row in pairs[pairs["worst"] > threshold].sort_values("worst", ascending=False, kind="stable").itertuples():
        inside = ""
        if row.share_of_a == 1 or row.share_of_b == 1:
            small, big = (row.a, row.b) if row.share_of_a == 1 else (row.b, row.a)
            inside = f"; every customer of '{small}' is also in '{big}'"
        warnings.append(
            f"'{row.a}' and '{row.b}' share {row.both:,} customers ({row.share_of_a:.0%} of '{row.a}', "
            f"{row.share_of_b:.0%} of '{row.b}', Jaccard {row.jaccard:.2f}{inside}): campaigns to both would "
            f"compete for the same people — make them exclusive (e.g. add NOT '{row.a}' to '{row.b}') or merge them"
        )
    return warnings

"""Proxy-discrimination check: is segment membership strongly tied to a special category it does not use?

A segment built on region may still select mostly people of one religion when religion varies by
region: the segment then works as a stand-in for a category the GDPR (art. 9) and the ethics of
the app keep out of targeting. `proxy_check` measures the association between membership and each
special-category column with the bias-corrected Cramér's V (Bergsma 2013; 0 = unrelated, 1 = one
determines the other) and warns above a threshold, naming the over-represented level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency

__all__ = ["MISSING_LEVEL", "OTHER_LEVEL", "ProxyWarning", "cramers_v", "proxy_check"]

MISSING_LEVEL = "(missing)"
OTHER_LEVEL = "(other levels)"


@dataclass(frozen=True)
class ProxyWarning:
    """Membership of `segment` is associated with special-category `column` above the threshold."""

    segment: str
    column: str
    category: str  # the special category the column holds, e.g. "religion"
    cramers_v: float
    over_represented: str
    share_in_segment: float
    share_overall: float
    message: str


def cramers_v(table: np.ndarray | pd.DataFrame, *, bias_correction: bool = True) -> float:
    """Cramér's V of a contingency table, bias-corrected by default (0 = independent, 1 = fully associated).

    Without correction it equals `scipy.stats.contingency.association(table, method="cramer")`;
    the correction (Bergsma 2013) removes the upward bias of small samples and many levels.
    Empty rows and columns are dropped; a table left with one row or column gives 0.
    """
    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    rows, columns = table.shape
    total = table.sum()
    if rows < 2 or columns < 2:
        return 0.0
    phi2 = chi2_contingency(table, correction=False)[0] / total
    if not bias_correction:
        return float(np.sqrt(phi2 / min(rows - 1, columns - 1)))
    phi2 = max(0.0, phi2 - (columns - 1) * (rows - 1) / (total - 1))
    rows_corrected = rows - (rows - 1) ** 2 / (total - 1)
    columns_corrected = columns - (columns - 1) ** 2 / (total - 1)
    denominator = min(rows_corrected - 1, columns_corrected - 1)
    return float(np.sqrt(phi2 / denominator)) if denominator > 0 else 0.0


def proxy_check(
    membership: pd.Series | np.ndarray | Sequence[Any],
    special: pd.DataFrame,
    *,
    threshold: float = 0.3,
    min_count: int = 30,
    used_columns: Iterable[str] = (),
    segment_name: str | None = None,
    categories: Mapping[str, str] | None = None,
) -> list[ProxyWarning]:
    """Warnings for special-category columns (not in `used_columns`) strongly associated with membership.

    `membership` is a boolean mask (one segment, named `segment_name`, else the Series name, else
    "the segment") or one label per row (each segment checked against the rest, named
    "segment <label>"). Missing values of a special column are a level of their own; levels with
    fewer than `min_count` customers are pooled so a handful of people cannot drive the figure, and
    a segment (or rest) smaller than `min_count` is not judged. `categories` names the special
    category of a column when it is not the column name (e.g. {"geloof": "religion"}).
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold={threshold!r}: need a value between 0 and 1, e.g. 0.3")
    if isinstance(min_count, bool) or not isinstance(min_count, int | np.integer) or min_count < 1:
        raise ValueError(f"min_count={min_count!r}: need a whole number of at least 1")
    groups = _groups(membership, len(special), segment_name)
    skipped = set(used_columns)
    found = []
    for column in special.columns:
        if column in skipped:
            continue
        levels, level_names = _levels(special[column], min_count)
        if len(level_names) < 2:
            continue
        category = (categories or {}).get(column, str(column))
        overall = np.bincount(levels, minlength=len(level_names))
        for name, members in groups:
            size = int(members.sum())
            if size < min_count or len(members) - size < min_count:
                continue
            inside = np.bincount(levels[members], minlength=len(level_names))
            value = cramers_v(np.vstack([inside, overall - inside]))
            if value <= threshold:
                continue
            share_in, share_all = inside / size, overall / len(members)
            best = int(np.argmax(share_in - share_all))
            level = level_names[best]
            found.append(ProxyWarning(
                segment=name, column=str(column), category=category, cramers_v=value, over_represented=level,
                share_in_segment=float(share_in[best]), share_overall=float(share_all[best]),
                message=(
                    f"possible proxy discrimination: membership of '{name}' is strongly associated with "
                    f"{category} (Cramér's V = {value:.2f}); '{level}' makes up {share_in[best]:.0%} of the "
                    f"segment vs {share_all[best]:.0%} overall — check that the segment is not a stand-in for "
                    f"{category}, or change the conditions that drive it"
                ),
            ))
    return sorted(found, key=lambda warning: -warning.cramers_v)


def _groups(membership: Any, rows: int, segment_name: str | None) -> list[tuple[str, np.ndarray]]:
    if isinstance(membership, pd.Series) and (
        membership.dtype == "boolean" or pd.api.types.is_bool_dtype(membership.dtype)
    ):
        values = membership.fillna(False).to_numpy(dtype=bool)
        name = segment_name or (str(membership.name) if membership.name is not None else "the segment")
    else:
        values = np.asarray(membership)
        name = segment_name or "the segment"
    if values.ndim != 1 or len(values) != rows:
        raise ValueError(f"membership: {len(values)} values for {rows} rows of special-category data; need one per row")
    if values.dtype == bool:
        return [(name, values)]
    codes, labels = pd.factorize(values, sort=True)
    return [(f"segment {label}", codes == index) for index, label in enumerate(labels)]


def _levels(series: pd.Series, min_count: int) -> tuple[np.ndarray, list[str]]:
    """Row codes and level names; missing is its own level and rare levels are pooled."""
    codes, uniques = pd.factorize(series)
    names = [str(value) for value in uniques] + [MISSING_LEVEL]
    codes = np.where(codes < 0, len(uniques), codes)
    counts = np.bincount(codes, minlength=len(names))
    rare = (counts < min_count) & (counts > 0)
    if rare.sum() > 0:
        kept = [i for i in range(len(names)) if counts[i] > 0 and not rare[i]]
        remap = np.full(len(names), len(kept))
        remap[kept] = np.arange(len(kept))
        return remap[codes], [names[i] for i in kept] + [OTHER_LEVEL]
    present = [i for i in range(len(names)) if counts[i] > 0]
    remap = np.zeros(len(names), dtype=int)
    remap[present] = np.arange(len(present))
    return remap[codes], [names[i] for i in present]

"""Altair chart builders for segments, from aggregated data only.

Every function reduces the customer table to a few dozen rows (shares per value band or level)
before it builds the chart, so a chart spec never carries customer rows: it stays small for a
million-row table and reveals no individual. No Streamlit here; pages render the returned charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from segmentation.fixes import as_dates
from segmentation.profiles import SegmentProfile, column_kind, multi_value_separator, split_levels

__all__ = ["MAX_BINS", "MAX_CATEGORIES", "distribution_chart", "distribution_table", "overlap_heatmap",
           "segment_sizes_chart"]

MAX_CATEGORIES = 12
MAX_BINS = 12
GROUPS = ("segment", "all customers")


def distribution_table(
    frame: pd.DataFrame, column: str, mask: Any, max_categories: int = MAX_CATEGORIES
) -> pd.DataFrame:
    """Share of each value band (numbers, dates) or level (categories) in the segment and in the whole base.

    Columns: value, order (for sorting), group ("segment" | "all customers"), share. Numbers fall
    in up to 12 equal-width bands between the 1st and 99th percentile (the ends open), dates in
    years (months when they span under three years); categories keep the `max_categories` most
    frequent levels plus "other"; multi-value text counts each row once per value it holds.
    """
    if column not in frame.columns:
        raise ValueError(f"column {column!r} is not in the table; columns are {list(frame.columns)}")
    members = _mask(mask, len(frame))
    series = frame[column]
    kind = column_kind(series)
    if kind in ("numeric", "date"):
        codes, names = _bands(series, kind)
        counts_all = np.bincount(codes, minlength=len(names))
        counts_in = np.bincount(codes[members], minlength=len(names))
    elif kind == "multi":
        row_codes, names, matrix = split_levels(series, multi_value_separator(series) or ";")
        per_value = np.vstack([matrix, np.zeros((1, matrix.shape[1]), dtype=matrix.dtype)])
        row_codes = np.where(row_codes < 0, len(matrix), row_codes)
        counts_all = np.bincount(row_codes, minlength=len(per_value)) @ per_value
        counts_in = np.bincount(row_codes[members], minlength=len(per_value)) @ per_value
        top = np.argsort(-counts_all, kind="stable")[:max_categories]
        names, counts_all, counts_in = [names[i] for i in top], counts_all[top], counts_in[top]
    else:
        text = series.map({True: "yes", False: "no"}) if kind == "boolean" else series
        codes, uniques = pd.factorize(text)
        names = [str(value) for value in uniques] + ["(missing)"]
        codes = np.where(codes < 0, len(uniques), codes)
        counts_all = np.bincount(codes, minlength=len(names))
        counts_in = np.bincount(codes[members], minlength=len(names))
        order = [i for i in np.argsort(-counts_all, kind="stable") if counts_all[i] > 0]
        top, rest = order[:max_categories], order[max_categories:]
        names = [names[i] for i in top] + (["other"] if rest else [])
        counts_all = np.append(counts_all[top], counts_all[rest].sum())[: len(names)]
        counts_in = np.append(counts_in[top], counts_in[rest].sum())[: len(names)]
    keep = [i for i, name in enumerate(names) if name != "(missing)" or counts_all[i] > 0]
    names, counts_in, counts_all = [names[i] for i in keep], np.asarray(counts_in)[keep], np.asarray(counts_all)[keep]
    size_in, size_all = max(int(members.sum()), 1), max(len(frame), 1)
    table = pd.DataFrame({
        "value": list(names) * 2,
        "order": list(range(len(names))) * 2,
        "group": [GROUPS[0]] * len(names) + [GROUPS[1]] * len(names),
        "share": np.concatenate([counts_in / size_in, counts_all / size_all]),
    })
    return table


def distribution_chart(
    frame: pd.DataFrame, column: str, mask: Any, max_categories: int = MAX_CATEGORIES
) -> alt.Chart:
    """Bars of the share per value band or level, the segment next to the whole base."""
    data = distribution_table(frame, column, mask, max_categories)
    order = list(dict.fromkeys(data["value"]))
    return alt.Chart(data, title=str(column)).mark_bar().encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share"),
        y=alt.Y("value:N", sort=order, title=None),
        yOffset=alt.YOffset("group:N", sort=list(GROUPS)),
        color=alt.Color("group:N", title=None, sort=list(GROUPS)),
        tooltip=["value:N", "group:N", alt.Tooltip("share:Q", format=".1%")],
    )


def overlap_heatmap(matrix: pd.DataFrame) -> alt.Chart:
    """Heat map of the Jaccard overlap of every pair of segments (`overlap.overlap_matrix` output)."""
    names = list(pd.unique(matrix["a"])) if len(matrix) else []
    data = matrix[["a", "b", "both", "jaccard", "share_of_a"]]
    return alt.Chart(data, title="Overlap between segments (Jaccard)").mark_rect().encode(
        x=alt.X("b:N", sort=names, title=None),
        y=alt.Y("a:N", sort=names, title=None),
        color=alt.Color("jaccard:Q", scale=alt.Scale(domain=[0, 1], scheme="orangered"), title="Jaccard"),
        tooltip=["a:N", "b:N", alt.Tooltip("both:Q", format=",", title="in both"),
                 alt.Tooltip("jaccard:Q", format=".2f"), alt.Tooltip("share_of_a:Q", format=".0%", title="share of a")],
    )


def segment_sizes_chart(profiles: Sequence[SegmentProfile] | pd.DataFrame) -> alt.Chart:
    """Horizontal bars of segment sizes, from profiles or from a frame with `name` and `members` columns."""
    if isinstance(profiles, pd.DataFrame):
        data = profiles[["name", "members"]].assign(share=profiles["members"] / max(profiles["members"].sum(), 1))
    else:
        data = pd.DataFrame({"name": [p.proposed_name for p in profiles], "members": [p.size for p in profiles],
                             "share": [p.share for p in profiles]})
    return alt.Chart(data, title="Segment sizes").mark_bar().encode(
        x=alt.X("members:Q", title="customers"),
        y=alt.Y("name:N", sort="-x", title=None),
        tooltip=["name:N", alt.Tooltip("members:Q", format=","), alt.Tooltip("share:Q", format=".0%")],
    )


def _mask(mask: Any, rows: int) -> np.ndarray:
    if isinstance(mask, pd.Series):
        values = mask.fillna(False).to_numpy(dtype=bool) if mask.hasnans else mask.to_numpy(dtype=bool)
    else:
        values = np.asarray(mask, dtype=bool)
    if values.ndim != 1 or len(values) != rows:
        raise ValueError(f"mask: {len(values)} values for {rows} rows; need one per row of the table")
    return values


def _bands(series: pd.Series, kind: str) -> tuple[np.ndarray, list[str]]:
    """Row codes into value bands and the band labels; the last code is "(missing)"."""
    if kind == "date":
        moments = as_dates(series)
        span_years = (moments.max() - moments.min()).days / 365.25 if moments.notna().any() else 0
        periods = moments.dt.to_period("M" if span_years < 3 else "Y")
        codes, uniques = pd.factorize(periods, sort=True)
        names = [str(period) for period in uniques]
    else:
        values = series.to_numpy(dtype=float, na_value=np.nan)
        present = values[~np.isnan(values)]
        low, high = (np.quantile(present, [0.01, 0.99]) if present.size else (0.0, 0.0))
        if high <= low:
            low, high = (present.min(), present.max()) if present.size else (0.0, 0.0)
        if high <= low:  # one value: one band
            codes = np.where(np.isnan(values), -1, 0)
            names = [_number(low)]
        else:
            edges = np.linspace(low, high, MAX_BINS + 1)
            codes = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, MAX_BINS - 1)
            codes = np.where(np.isnan(values), -1, codes)
            names = [f"{_number(edges[i])}–{_number(edges[i + 1])}" for i in range(MAX_BINS)]
            names[0], names[-1] = f"< {_number(edges[1])}", f"≥ {_number(edges[-2])}"
    codes = np.where(codes < 0, len(names), codes)
    return codes, [*names, "(missing)"]


def _number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}".removesuffix(".0")

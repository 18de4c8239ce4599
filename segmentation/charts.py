"""Altair chart builders for segments. Each aggregates on the server: a chart spec never carries rows."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

MAX_CATEGORIES = 12


def _distribution(frame: pd.DataFrame, column: str, mask: pd.Series, max_categories: int) -> pd.DataFrame:
    values = frame[column]
    members = np.asarray(mask, dtype=bool)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        clean = values.astype(float)
        edges = np.unique(np.nanquantile(clean.dropna(), np.linspace(0, 1, 11))) if clean.notna().any() else []
        if len(edges) < 2:
            labels = clean.astype("string").fillna("(missing)")
        else:
            labels = pd.cut(clean, edges, include_lowest=True, duplicates="drop").astype("string").fillna("(missing)")
    elif pd.api.types.is_datetime64_any_dtype(values):
        labels = values.dt.year.astype("Int64").astype("string").fillna("(missing)")
    else:
        labels = values.astype("string").fillna("(missing)")
        top = labels.value_counts().index[:max_categories]
        labels = labels.where(labels.isin(top), "other")
    base = labels.value_counts(normalize=True)
    segment = labels[members].value_counts(normalize=True)
    table = pd.DataFrame({"segment": segment, "all customers": base}).fillna(0.0)
    table.index.name = "value"
    return table.reset_index().melt(id_vars="value", var_name="group", value_name="share")


def distribution_chart(frame: pd.DataFrame, column: str, mask: pd.Series,
                       max_categories: int = MAX_CATEGORIES) -> alt.Chart:
    """Share of each value (or value band) in the segment next to the whole base."""
    data = _distribution(frame, column, mask, max_categories)
    return alt.Chart(data, title=str(column)).mark_bar().encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share"),
        y=alt.Y("value:N", sort=None, title=None),
        yOffset="group:N",
        color=alt.Color("group:N", title=None),
        tooltip=["value:N", "group:N", alt.Tooltip("share:Q", format=".1%")],
    )


def overlap_heatmap(matrix: pd.DataFrame) -> alt.Chart:
    """Jaccard overlap of every pair of saved segments, with the shared count in the tooltip."""
    return alt.Chart(matrix, title="Overlap between segments (Jaccard)").mark_rect().encode(
        x=alt.X("a:N", title=None), y=alt.Y("b:N", title=None),
        color=alt.Color("jaccard:Q", scale=alt.Scale(domain=[0, 1], scheme="orangered")),
        tooltip=["a:N", "b:N", "both:Q", alt.Tooltip("jaccard:Q", format=".2f")],
    )


def segment_sizes_chart(sizes: pd.DataFrame) -> alt.Chart:
    """Bar chart of segment sizes from a frame with columns name and members."""
    return alt.Chart(sizes, title="Segment sizes").mark_bar().encode(
        x=alt.X("members:Q"), y=alt.Y("name:N", sort="-x", title=None), tooltip=["name:N", "members:Q"])

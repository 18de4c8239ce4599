"""Bounded caches for stored datasets and the expensive reports computed on them.

Entries are keyed by the dataset's content hash, so a changed dataset is never served stale. The
caller must have passed the role check (`store.datasets.get_dataset`) before asking for rows.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from segmentation.quality import QualityReport, quality_report
from segmentation.schema import ColumnRole
from store.datasets import read_dataset_frame


@st.cache_resource(max_entries=3, show_spinner="Loading the dataset…")
def _frame(_engine: Engine, dataset_id: int, content_hash: str) -> pd.DataFrame:
    return read_dataset_frame(_engine, dataset_id)


def dataset_frame(engine: Engine, info: dict) -> pd.DataFrame:
    """The rows of a dataset whose metadata ``info`` the caller was allowed to read (shared, read-only)."""
    return _frame(engine, info["id"], info["content_hash"])


@st.cache_data(max_entries=8, ttl=3600, show_spinner="Checking data quality…")
def _quality(_frame_value: pd.DataFrame, content_hash: str, roles: tuple, today: date) -> QualityReport:
    return quality_report(_frame_value, [ColumnRole(**dict(role)) for role in roles], today=today)


def dataset_quality(engine: Engine, info: dict) -> QualityReport:
    """The quality report of a stored dataset (cached per content)."""
    frame = dataset_frame(engine, info)
    roles = tuple(tuple(sorted({"column": column, **{k: v for k, v in role.items()
                                                      if k in ColumnRole.__dataclass_fields__}}.items()))
                  for column, role in info["column_roles"].items() if column in frame.columns)
    return _quality(frame, info["content_hash"], roles, date.today())

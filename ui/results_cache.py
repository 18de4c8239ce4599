"""Campaign results for the KPI pages: role-checked, aggregated to the shape the KPI functions take."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from kpis.results import aggregate_outcomes
from kpis.service import results_datasets
from store.authz import Principal
from store.datasets import get_dataset
from ui.data_cache import dataset_frame

GROUPS = ["campaign", "message", "variant", "segment", "date"]


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def _aggregated(_frame: pd.DataFrame, content_hash: str, shape: str) -> pd.DataFrame:
    if shape != "per_customer":
        return _frame
    return aggregate_outcomes(_frame, [column for column in GROUPS if column in _frame.columns])


def choose_results(engine: Engine, principal: Principal, key: str, shape: str | None = None):
    """A results-dataset picker; returns (info, raw frame, aggregated frame) or None when there is none."""
    found = [row for row in results_datasets(engine, principal)
             if shape is None or row["details"].get("shape") == shape]
    if not found:
        st.info("No campaign results yet. Import a results file (Overview page) or load the demo data.")
        return None
    labels = {f"#{row['id']} {row['name']}": row["id"] for row in found}
    info = get_dataset(engine, principal, labels[st.selectbox("Results", list(labels), key=key)])
    frame = dataset_frame(engine, info)
    return info, frame, _aggregated(frame, info["content_hash"], info["details"].get("shape", "aggregated"))

"""Cached, shared inputs of the segment pages: the prepared dataset, its reach matrix, segment profiles."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from segmentation.profiles import SegmentProfile, profile_segments
from segmentation.service import SegmentableData, reach_key, reach_matrix, segmentable_data
from store.authz import Principal
from store.datasets import get_dataset
from ui.data_cache import dataset_frame


def prepared(engine: Engine, principal: Principal, dataset_id: int) -> SegmentableData:
    """The dataset ready for segmenting (role-checked; rows come from the shared, bounded cache)."""
    info = get_dataset(engine, principal, dataset_id)
    return segmentable_data(engine, principal, dataset_id, frame=dataset_frame(engine, info))


@st.cache_resource(max_entries=4, show_spinner="Checking consent…")
def _reach(_engine: Engine, _subjects: pd.Series, content_hash: str, ledger: int) -> pd.DataFrame:
    return reach_matrix(_engine, _subjects)


def reach_for(engine: Engine, data: SegmentableData) -> pd.DataFrame:
    """Per row and channel: may this customer be contacted now (recomputed when consent changes)."""
    return _reach(engine, data.frame[data.subject_column], data.info["content_hash"], reach_key(engine))


def reach_summary(mask: pd.Series, reach: pd.DataFrame) -> dict[str, int]:
    """Reachable members per channel for a membership mask."""
    values = mask.to_numpy()
    return {column.split("/")[0]: int((values & reach[column].to_numpy()).sum()) for column in reach.columns}


@st.cache_resource(max_entries=16, show_spinner="Profiling the segment…")
def _profile(_data: SegmentableData, _mask: pd.Series, content_hash: str, segment_id: int,
             segment_updated: str) -> SegmentProfile:
    features = [column for column in _data.usable if column in _data.frame]
    profiles = profile_segments(_data.frame, _mask.to_numpy(), features, _data.info["column_roles"])
    return next(profile for profile in profiles if bool(profile.label))


def segment_profile(data: SegmentableData, segment: dict, mask: pd.Series) -> SegmentProfile:
    """What sets a saved segment (its membership ``mask`` over ``data``) apart, cached per content and version."""
    return _profile(data, mask, data.info["content_hash"], segment["id"], str(segment.get("updated_at")))

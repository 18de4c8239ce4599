"""The shared database engine for all sessions (one per process), with the schema up to date."""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy import Engine

from store.db import create_store_engine, resolve_url, upgrade
from store.settings import get_setting


@st.cache_resource(show_spinner=False, max_entries=4)
def _engine_for(url: str) -> Engine:
    engine = create_store_engine(url)
    upgrade(engine)
    logging.basicConfig(level=get_setting("AMANAH_LOG_LEVEL"))
    return engine


def get_engine() -> Engine:
    """The engine for the configured DATABASE_URL (migrated on first use)."""
    return _engine_for(resolve_url())

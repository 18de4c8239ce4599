"""Small display helpers shared by pages: bounded tables and safe downloads."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from privacy.exports import to_csv_bytes, to_xlsx_bytes

MAX_ROWS_SHOWN = 1000  # never ship a whole large table to the browser
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=])")


def md(value: object) -> str:
    """User-provided text made safe for Streamlit Markdown: shown literally, no links, images or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value)).replace("\n", "  \n")


def show_pending_notice(key: str) -> None:
    """Show (once) the success message an action left under ``key`` before it reran the page."""
    notice = st.session_state.pop(key, None)
    if notice:
        st.success(md(notice))


def show_table(frame: pd.DataFrame, *, key: str | None = None, max_rows: int = MAX_ROWS_SHOWN,
               **kwargs) -> None:
    """Show at most ``max_rows`` rows (with a note when more exist); text is rendered as text."""
    if len(frame) > max_rows:
        st.caption(f"Showing the first {max_rows:,} of {len(frame):,} rows.")
        frame = frame.head(max_rows)
    st.dataframe(frame, hide_index=True, width="stretch", key=key, **kwargs)


def download_buttons(frame: pd.DataFrame, file_stem: str, *, key: str) -> None:
    """CSV and XLSX downloads of ``frame`` with spreadsheet formulas neutralised."""
    left, right = st.columns(2)
    left.download_button("Download CSV", to_csv_bytes(frame), file_name=f"{file_stem}.csv",
                         mime="text/csv", key=f"{key}_csv", icon=":material/download:")
    right.download_button("Download XLSX", to_xlsx_bytes(frame), file_name=f"{file_stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"{key}_xlsx", icon=":material/download:")

"""Side-by-side comparison of any two versions of a message (message editor and review queue)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from campaigns.content import line_diff
from ui.display import show_table

COMPARED_FIELDS = ("subject", "title", "preheader", "body")


def version_diff_frame(before: dict[str, Any], after: dict[str, Any]) -> pd.DataFrame:
    """One row per line of every changed content field, paired side by side.

    A side without a line (an insert or a delete) shows an empty text; unchanged fields are left out.
    """
    rows = []
    for field in COMPARED_FIELDS:
        old, new = before.get(field) or "", after.get(field) or ""
        if old == new:
            continue
        rows += [{"field": field, "change": change, "before": left or "", "after": right or ""}
                 for change, left, right in line_diff(old, new)]
    return pd.DataFrame(rows, columns=["field", "change", "before", "after"])


def compare_versions(versions: list[dict[str, Any]], *, key: str) -> None:
    """Pick two versions (default: the previous and the current one) and show what changed between them."""
    if len(versions) < 2:
        return
    numbers = [version["version"] for version in versions]
    by_number = {version["version"]: version for version in versions}
    left, right = st.columns(2)
    older = left.selectbox("From version", numbers[:-1], index=len(numbers) - 2, key=f"{key}_from",
                           format_func=lambda n: f"v{n} by {by_number[n]['author']}")
    newer = right.selectbox("To version", [n for n in numbers if n > older], index=None, key=f"{key}_to",
                            placeholder=f"v{numbers[-1]} (current)",
                            format_func=lambda n: f"v{n} by {by_number[n]['author']}") or numbers[-1]
    frame = version_diff_frame(by_number[older]["content"], by_number[newer]["content"])
    if frame.empty:
        st.caption(f"v{older} and v{newer} have the same text.")
        return
    verdicts = (by_number[older]["screening"].get("verdict"), by_number[newer]["screening"].get("verdict"))
    st.caption(f"v{older} → v{newer} · verdict {verdicts[0]} → {verdicts[1]}")
    show_table(frame, key=f"{key}_table")

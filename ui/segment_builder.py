"""The rule-segment builder: grouped conditions (AND/OR/NOT), saved-segment include/exclude, JSON for deeper
nesting, and a live preview of size and reach after consent."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import streamlit as st

from segmentation.rules import OPERATORS, RuleError, RuleSegment

NO_VALUE_OPS = {"is_missing", "not_missing"}
LIST_OPS = {"in", "not_in"}
DAY_OPS = {"within_last_days", "more_than_days_ago"}
EMPTY_CONDITIONS = pd.DataFrame({"group": pd.Series([1], dtype="int64"), "not": [False], "column": [None],
                                 "op": ["between"], "value": [""]})


class BuilderError(ValueError):
    """A condition row cannot be turned into a rule; the message names the row."""


def _number_or_text(text: str, numeric: bool, dated: bool) -> Any:
    text = text.strip()
    if numeric:
        try:
            number = float(text.replace(",", ".")) if re.search(r"[.,]\d", text) else int(text)
        except ValueError:
            raise BuilderError(f"'{text}' is not a number") from None
        return number
    if dated and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise BuilderError(f"'{text}' is not a date like 2026-01-31")
    return text


def parse_value(op: str, text: str, series: pd.Series) -> Any:
    """Turn the text typed in the value cell into the value the operator needs."""
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    dated = pd.api.types.is_datetime64_any_dtype(series)
    text = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    if op in NO_VALUE_OPS:
        return None
    if not text.strip():
        raise BuilderError("needs a value")
    if op == "between":
        parts = re.split(r"\s*(?:\.\.|–|—|\bto\b|\btot\b|\bbis\b|;)\s*", text.strip(), maxsplit=1)
        if len(parts) != 2 and numeric and re.fullmatch(r"\s*-?[\d.,]*\s*-\s*-?[\d.,]*\s*", text):
            parts = text.split("-", 1) if not text.strip().startswith("-") else ["", text.strip()[1:]]
        if len(parts) != 2:
            raise BuilderError("write a range as 25..40 (leave a side empty for an open end: ..40)")
        return [None if not part.strip() else _number_or_text(part, numeric, dated) for part in parts]
    if op in LIST_OPS:
        return [_number_or_text(part, numeric, False) for part in text.split(",") if part.strip()]
    if op in DAY_OPS:
        if not text.strip().isdigit():
            raise BuilderError("needs a number of days")
        return int(text)
    if op in ("contains", "not_contains"):
        return text.strip()
    if pd.api.types.is_bool_dtype(series):
        return text.strip().lower() in ("true", "yes", "ja", "1")
    return _number_or_text(text, numeric, dated)


def build_definition(conditions: pd.DataFrame, frame: pd.DataFrame, within: str, between: str,
                     include: list[int], exclude: list[int]) -> dict[str, Any]:
    """The rule definition the table describes: groups of conditions, combined, plus segment references."""
    groups: dict[int, list[dict[str, Any]]] = {}
    for position, row in enumerate(conditions.to_dict("records"), start=1):
        column, op = row.get("column"), row.get("op") or "between"
        if column is None or pd.isna(column) or not str(column):
            continue
        if column not in frame.columns:
            raise BuilderError(f"Row {position}: column '{column}' is not in the dataset")
        try:
            value = parse_value(op, row.get("value"), frame[column])
        except BuilderError as exc:
            raise BuilderError(f"Row {position} ({column} {op}): {exc}") from None
        condition: dict[str, Any] = {"column": column, "op": op}
        if op not in NO_VALUE_OPS:
            condition["value"] = value
        group = 1 if row.get("group") is None or pd.isna(row.get("group")) else int(row["group"])
        negate = bool(row.get("not")) and not pd.isna(row.get("not"))
        groups.setdefault(group, []).append({"not": condition} if negate else condition)
    nodes: list[dict[str, Any]] = [{within: members} if len(members) > 1 else members[0]
                                   for _, members in sorted(groups.items())]
    combined: dict[str, Any] = {between: nodes} if nodes else {}
    references = ([{"segment": int(s), "mode": "include"} for s in include]
                  + [{"segment": int(s), "mode": "exclude"} for s in exclude])
    if references:
        combined = {"all": ([combined] if combined else []) + references}
    if not combined:
        raise BuilderError("Add at least one condition or a saved segment to include.")
    return combined


def conditions_editor(usable: list[str], key: str) -> pd.DataFrame:
    """The editable table of conditions (group, not, column, operator, value)."""
    return st.data_editor(
        st.session_state.get(f"{key}_initial", EMPTY_CONDITIONS), num_rows="dynamic", hide_index=True,
        width="stretch", key=key,
        column_config={
            "group": st.column_config.NumberColumn("group", min_value=1, max_value=9, step=1, default=1,
                                                   help="Conditions with the same number form one group"),
            "not": st.column_config.CheckboxColumn("not", default=False, help="Negate this condition"),
            "column": st.column_config.SelectboxColumn("column", options=usable, required=True),
            "op": st.column_config.SelectboxColumn("operator", options=list(OPERATORS), required=True,
                                                   default="between"),
            "value": st.column_config.TextColumn(
                "value", help="25..40 for ranges, a, b, c for lists, a number of days for date tests"),
        })


def rule_from_json(text: str) -> RuleSegment:
    try:
        return RuleSegment(json.loads(text))
    except json.JSONDecodeError as exc:
        raise RuleError(f"The JSON is not valid: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from None

"""Which columns the clustering may use: one role per column, and a reason for every column it leaves out.

Identifiers, contact details, special categories, consent flags and free text are never used by their
role; constant, mostly empty and high-cardinality text columns by their values. A special-category
column is used only when the caller lists it and its category is allowed (an admin's recorded
allowance). `choose_columns` returns the usable columns with the kind each is read as
(`profiles.column_kind`) and the excluded ones with the reason in plain words.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.fixes import as_dates
from segmentation.profiles import column_kind, days_before, multi_value_separator
from segmentation.schema import ColumnRoleName, FeatureTag, infer_column_roles, roles_from_dict

__all__ = ["ColumnChoice", "ResolvedRole", "choose_columns", "resolve_column_roles"]

MOSTLY_EMPTY_SHARE = 0.95
HIGH_CARDINALITY_COVERAGE = 0.25  # the top max_levels values cover less than this → names, postcodes, ids
_ROLE_REASONS = {
    "id": "identifier",
    "direct_identifier": "direct identifier (contact details are never used for segmenting)",
    "consent": "consent flag",
    "free_text": "free text",
    "ignore": "marked to ignore",
}


@dataclass(frozen=True)
class ResolvedRole:
    """The role of one column as the clustering reads it (given by the caller or inferred)."""

    role: str
    tag: str | None = None
    special_category: str | None = None
    dtype_hint: str | None = None


@dataclass(frozen=True)
class ColumnChoice:
    """The columns to cluster on (in order, with the kind each is read as) and the ones left out, with why."""

    used_columns: list[Any]
    column_kinds: dict[Any, str]
    separators: dict[Any, str]  # multi-value columns: the separator between their values
    excluded_columns: dict[Any, str]


def resolve_column_roles(frame: pd.DataFrame, column_roles: Any = None) -> dict[Any, ResolvedRole]:
    """One role per column of `frame`: from `column_roles` where given, else inferred from names and values.

    Accepts `{column: {"role", "tag", "special_category"}}` (the app's stored form), `{column: str}`
    where the string is a role or a feature tag (as `data.demo.COLUMN_ROLES`), a list of
    `schema.ColumnRole` objects, or `schema.roles_to_dict` output.
    """
    given: dict[Any, ResolvedRole] = {}
    if isinstance(column_roles, Mapping) and isinstance(column_roles.get("columns"), list):
        column_roles = roles_from_dict(dict(column_roles))
    if isinstance(column_roles, Mapping):
        given = {column: _as_role(column, value) for column, value in column_roles.items()}
    elif column_roles is not None:
        given = {role.column: _as_role(role.column, role) for role in column_roles}
    rest = [column for column in frame.columns if column not in given]
    if rest:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the guess is a fallback here; its caveats do not concern the caller
            inferred = infer_column_roles(frame[rest])
        given.update({role.column: _as_role(role.column, role) for role in inferred})
    return given


def choose_columns(
    frame: pd.DataFrame, roles: Mapping[Any, ResolvedRole], features: Sequence[Any] | None,
    allowed_special: Sequence[str], max_levels: int,
) -> ColumnChoice:
    """The usable columns of `frame` (all of them, or those in `features`) and the reason for each left out.

    A column named in `features` that cannot be used raises ValueError with the reason; so do unknown
    names, an empty list, and a table where nothing is usable.
    """
    explicit = None if features is None else list(features)
    if explicit is not None:
        unknown = [column for column in explicit if column not in frame.columns]
        if unknown:
            raise ValueError(
                f"features: {', '.join(map(repr, unknown))} not in the table; columns are "
                f"{', '.join(map(str, frame.columns))}"
            )
        if not explicit:
            raise ValueError("features=[]: need at least one column, or None to use every usable column")
    excluded: dict[Any, str] = {}
    kinds: dict[Any, str] = {}
    for column in frame.columns:
        role = roles[column]
        listed = explicit is not None and column in explicit
        reason = _role_reason(role)
        if listed and role.role == "special_category" and role.special_category in set(allowed_special):
            reason = None
        kind = None
        if reason is None:
            kind, reason = _kind_and_value_reason(frame[column], role, max_levels)
            if listed and reason == "constant":
                reason = None  # asked for: kept, and a warning follows when nothing varies
        if listed and reason is not None:
            raise ValueError(f"features: {column!r} cannot be used for segmenting: {reason}")
        if reason is None and explicit is not None and not listed:
            reason = "not in the chosen features"
        if reason is None:
            kinds[column] = kind
        else:
            excluded[column] = reason
    if not kinds:
        listing = ", ".join(f"{column}: {reason}" for column, reason in list(excluded.items())[:8])
        more = f", … and {len(excluded) - 8} more" if len(excluded) > 8 else ""
        raise ValueError(f"no usable features: every column was excluded ({listing}{more})")
    order = explicit if explicit is not None else list(frame.columns)
    used = [column for column in order if column in kinds]
    column_kinds = {column: kinds[column] for column in used}
    separators = {
        column: multi_value_separator(frame[column]) or ";" for column, kind in column_kinds.items() if kind == "multi"
    }
    return ColumnChoice(used, column_kinds, separators, excluded)


def _as_role(column: Any, value: Any) -> ResolvedRole:
    if isinstance(value, str):
        value = {"role": "feature", "tag": value} if value in set(FeatureTag) else {"role": value}
    elif not isinstance(value, Mapping):
        value = {key: getattr(value, key, None) for key in ("role", "tag", "special_category", "dtype_hint")}
    role = value.get("role")
    if role not in set(ColumnRoleName):
        raise ValueError(
            f"column_roles[{column!r}]: unknown role {role!r}; need one of {', '.join(ColumnRoleName)} "
            f"or a feature tag ({', '.join(FeatureTag)})"
        )
    return ResolvedRole(role, value.get("tag"), value.get("special_category"), value.get("dtype_hint"))


def _role_reason(role: ResolvedRole) -> str | None:
    if role.role == "special_category":
        return f"special category ({role.special_category or 'unspecified'}) — excluded by default"
    return _ROLE_REASONS.get(role.role)


def _kind_and_value_reason(series: pd.Series, role: ResolvedRole, max_levels: int) -> tuple[str, str | None]:
    """How a column would be encoded, and why its values make it useless for segmenting (None: usable)."""
    kind = column_kind(series)
    if role.dtype_hint == "date" and kind == "category":
        sample = series.dropna().iloc[:1_000]
        if len(sample) and as_dates(sample).notna().mean() < 0.9:
            return kind, "date (the values could not be read as dates; write them as YYYY-MM-DD)"
        kind = "date"
    missing = float(series.isna().mean()) if len(series) else 1.0
    if missing >= MOSTLY_EMPTY_SHARE:
        return kind, f"mostly empty ({missing:.0%} missing)"
    if kind == "category":
        counts = series.value_counts(dropna=True)
        if len(counts) > max_levels and counts.iloc[:max_levels].sum() / counts.sum() < HIGH_CARDINALITY_COVERAGE:
            return kind, "too many distinct values (high-cardinality text)"
        return kind, "constant" if len(counts) <= 1 else None
    if kind == "multi":
        return kind, None
    values = days_before(series)[0] if kind == "date" else series.to_numpy(dtype=float, na_value=np.nan)
    return kind, "constant" if np.nanmin(values) == np.nanmax(values) else None

"""Column roles: what each column of a customer table is, guessed from its name and a sample of values.

The guess is a proposal the user confirms or edits (:func:`apply_role_overrides`) before the dataset
is saved. Special categories (GDPR art. 9: religion, health, ethnicity …) win over every other
reading, because missing one is a privacy incident while a false alarm costs one click.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from segmentation import vocabulary as vocab
from segmentation.profiling import ValueProfile, profile_values
from segmentation.role_rules import classify_column, feature_tag_from_name, promote_revenue_in_transaction_tables
from segmentation.role_types import (
    ROLES_FORMAT_VERSION,
    SPECIAL_CATEGORIES,
    ColumnRole,
    ColumnRoleName,
    DtypeHint,
    FeatureTag,
    SchemaError,
)

__all__ = [
    "ROLES_FORMAT_VERSION",
    "SPECIAL_CATEGORIES",
    "ColumnRole",
    "ColumnRoleName",
    "DtypeHint",
    "FeatureTag",
    "SchemaError",
    "ValueProfile",
    "apply_role_overrides",
    "feature_tag_from_name",
    "infer_column_roles",
    "profile_values",
    "roles_from_dict",
    "roles_to_dict",
]


def infer_column_roles(frame: pd.DataFrame, sample_rows: int = 5_000) -> list[ColumnRole]:
    """Guess the role of every column of ``frame`` from its name and up to ``sample_rows`` sampled rows."""
    positions = _spread_sample_positions(len(frame), sample_rows)
    roles = [
        classify_column(column, vocab.normalise_name(column), profile_values(_sampled(frame[column], positions)))
        for column in frame.columns
    ]
    return promote_revenue_in_transaction_tables(roles)


def _spread_sample_positions(rows: int, sample_rows: int, runs: int = 100) -> np.ndarray | None:
    """Row positions of ``sample_rows`` rows as ``runs`` contiguous stretches spread evenly over the table.

    Contiguous stretches still see the start, middle and end of a sorted file, and they can be cut
    out of pyarrow-backed columns without copying. None when the table is small enough to profile whole.
    """
    if sample_rows < 1:
        raise ValueError(f"sample_rows must be at least 1, not {sample_rows}")
    if rows <= sample_rows:
        return None
    length = max(sample_rows // runs, 1)
    starts = np.linspace(0, rows - length, num=sample_rows // length).astype(int)
    return (starts[:, np.newaxis] + np.arange(length)).ravel()


def _sampled(series: pd.Series, positions: np.ndarray | None) -> pd.Series:
    """The rows of ``series`` at ``positions`` (its own dtype and index labels), cheaply.

    pyarrow-backed columns are cut into zero-copy slices, one per stretch: pyarrow's own take would
    first join every chunk of the column into one copy. Other columns take their positions directly.
    """
    if positions is None:
        return series
    if not isinstance(series.dtype, pd.StringDtype | pd.ArrowDtype) or (
        isinstance(series.dtype, pd.StringDtype) and series.dtype.storage != "pyarrow"
    ):
        return series.take(positions)
    values = pa.array(series.array)  # zero-copy: the column's own arrow data
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    breaks = np.flatnonzero(np.diff(positions) != 1) + 1
    starts, stops = positions[np.r_[0, breaks]], positions[np.r_[breaks - 1, len(positions) - 1]] + 1
    pieces = [
        chunk for start, stop in zip(starts.tolist(), stops.tolist(), strict=True)
        for chunk in values.slice(start, stop - start).chunks
    ]
    sampled = pa.chunked_array(pieces, type=values.type)
    return pd.Series(sampled, dtype=series.dtype, index=series.index[positions], name=series.name)


# --- storing and editing -------------------------------------------------------------------------------


def roles_to_dict(roles: list[ColumnRole]) -> dict[str, Any]:
    """JSON-safe form of ``roles`` for the datasets table (order kept)."""
    return {"version": ROLES_FORMAT_VERSION, "columns": [asdict(role) for role in roles]}


def roles_from_dict(stored: dict[str, Any]) -> list[ColumnRole]:
    """Read roles written by :func:`roles_to_dict`; raise SchemaError when the data is not such a dict."""
    if not isinstance(stored, dict) or not isinstance(stored.get("columns"), list):
        raise SchemaError(
            "Stored column roles are not in the expected form {'version': 1, 'columns': [...]}; infer the roles again."
        )
    roles = []
    for position, entry in enumerate(stored["columns"], start=1):
        try:
            role = ColumnRole(**entry)
        except TypeError as error:
            raise SchemaError(
                f"Stored column role #{position} cannot be read ({error}); infer the roles again."
            ) from None
        _check_role_values(role)
        roles.append(role)
    return roles


def _check_role_values(role: ColumnRole) -> None:
    if role.role not in ColumnRoleName.__members__.values():
        raise SchemaError(
            f"Column '{role.column}': unknown role '{role.role}'; choose one of {', '.join(ColumnRoleName)}."
        )
    if role.role == ColumnRoleName.FEATURE and role.tag not in FeatureTag.__members__.values():
        raise SchemaError(
            f"Column '{role.column}': a feature needs a tag, one of {', '.join(FeatureTag)} (got {role.tag!r})."
        )
    if role.role == ColumnRoleName.SPECIAL_CATEGORY and role.special_category not in SPECIAL_CATEGORIES:
        raise SchemaError(
            f"Column '{role.column}': unknown special category {role.special_category!r}; choose "
            f"one of {', '.join(SPECIAL_CATEGORIES)}."
        )


def apply_role_overrides(roles: list[ColumnRole], overrides: dict[str, str | tuple]) -> list[ColumnRole]:
    """Apply the user's edits: ``{column: role}`` or ``{column: (role, tag_or_special_category)}``.

    A feature without a tag keeps its old tag or gets one from its name; a special category without
    a name keeps the old one or becomes "other". Unknown columns, roles or tags raise SchemaError.
    """
    by_column = {role.column: position for position, role in enumerate(roles)}
    edited = list(roles)
    for column, wanted in overrides.items():
        if column not in by_column:
            raise SchemaError(
                f"Cannot set the role of column '{column}': the data has no such column. "
                f"Columns are: {', '.join(map(str, by_column))}."
            )
        parts = (wanted,) if isinstance(wanted, str) else tuple(wanted)
        if not 1 <= len(parts) <= 2:
            raise SchemaError(f"Column '{column}': give a role or (role, tag), not {wanted!r}.")
        role_name, detail = (*parts, None)[:2]
        if role_name not in ColumnRoleName.__members__.values():
            raise SchemaError(
                f"Column '{column}': unknown role '{role_name}'; choose one of {', '.join(ColumnRoleName)}."
            )
        old = roles[by_column[column]]
        if detail is not None and role_name not in (ColumnRoleName.FEATURE, ColumnRoleName.SPECIAL_CATEGORY):
            raise SchemaError(
                f"Column '{column}': only 'feature' (a tag) and 'special_category' (a category) "
                f"take a second value; drop {detail!r}."
            )
        tag = special = None
        if role_name == ColumnRoleName.FEATURE:
            tag = detail or old.tag or feature_tag_from_name(vocab.normalise_name(column))[0] or FeatureTag.BEHAVIOURAL
        if role_name == ColumnRoleName.SPECIAL_CATEGORY:
            special = detail or old.special_category or "other"
        new = replace(
            old,
            role=str(role_name),
            tag=tag and str(tag),
            special_category=special,
            reason=f"set by the user (guessed: {old.role})",
            confidence=1.0,
        )
        _check_role_values(new)
        edited[by_column[column]] = new
    return edited

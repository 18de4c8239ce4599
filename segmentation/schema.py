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
    sample = _spread_sample(frame, sample_rows)
    roles = [
        classify_column(column, vocab.normalise_name(column), profile_values(sample[column]))
        for column in frame.columns
    ]
    return promote_revenue_in_transaction_tables(roles)


def _spread_sample(frame: pd.DataFrame, sample_rows: int, runs: int = 100) -> pd.DataFrame:
    """``sample_rows`` rows as ``runs`` contiguous stretches spread evenly over the table.

    Contiguous stretches are views, so this is far cheaper than picking random rows out of
    pyarrow-backed columns, while still seeing the start, middle and end of a sorted file.
    """
    if len(frame) <= sample_rows:
        return frame
    length = max(sample_rows // runs, 1)
    starts = np.linspace(0, len(frame) - length, num=sample_rows // length).astype(int)
    return pd.concat([frame.iloc[start : start + length] for start in starts])


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

"""Named, recorded data fixes applied to a copy of the data (the input frame is never changed).

Each fix is a :class:`FixStep` (a name plus settings, see :mod:`segmentation.fix_steps`) so the
list of steps can be stored with the new dataset version and replayed. The masks that decide which
rows a fix touches (:func:`duplicate_row_mask`, :func:`near_duplicate_mask` from
:mod:`segmentation.duplicates`; :func:`invalid_value_mask` from :mod:`segmentation.validity`) are
re-exported here, and the quality report counts problems with the very same masks: the figure in
a finding is exactly what its suggested fix will change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from segmentation import value_shapes as shapes
from segmentation import vocabulary as vocab
from segmentation.duplicates import duplicate_row_mask, near_duplicate_mask
from segmentation.fix_steps import (
    AppliedFix,
    FixError,
    FixResult,
    FixStep,
    count_of,
    fix_names,
    quoted,
    register_fix,
    spec_for,
)
from segmentation.validity import INVALID_CHECKS, as_dates, invalid_value_mask

__all__ = [
    "COERCE_TARGETS",
    "INVALID_CHECKS",
    "AppliedFix",
    "FixError",
    "FixResult",
    "FixStep",
    "apply_fixes",
    "as_dates",
    "duplicate_row_mask",
    "fix_names",
    "invalid_value_mask",
    "near_duplicate_mask",
    "steps_from_dicts",
    "steps_to_dicts",
]


def _columns_named(settings: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    named = []
    for key in keys:
        value = settings.get(key)
        named.extend(value if isinstance(value, tuple) else () if value is None else (value,))
    return named


def apply_fixes(frame: pd.DataFrame, steps: Iterable[FixStep]) -> FixResult:
    """Apply ``steps`` in order to a copy of ``frame``; raise FixError naming the first bad step."""
    current = frame.copy(deep=False)  # copy-on-write: changes to the copy never reach ``frame``
    log = []
    for position, step in enumerate(steps, start=1):
        spec = spec_for(step, position)
        absent = [
            column for column in _columns_named(step.settings, spec.column_settings) if column not in current.columns
        ]
        if absent:
            raise FixError(
                f"Step {position} ({step.describe()}): the data has no column "
                f"{', '.join(map(repr, absent))}; it may have been removed by an earlier step. "
                f"Columns are: {', '.join(map(str, current.columns))}."
            )
        current, change = spec.function(current, **step.settings)
        log.append(AppliedFix(step=step, **change))
    return FixResult(current, tuple(log))


def steps_to_dicts(steps: Iterable[FixStep]) -> list[dict[str, Any]]:
    """JSON-safe list of steps, for storing with a dataset version."""
    return [step.to_dict() for step in steps]


def steps_from_dicts(stored: Iterable[dict[str, Any]]) -> list[FixStep]:
    """Steps read back from :func:`steps_to_dicts` output."""
    return [FixStep.from_dict(entry) for entry in stored]


# --- the fixes ----------------------------------------------------------------------------------------------


def _describe_duplicates(settings: dict[str, Any]) -> str:
    mode = settings.get("mode", "exact")
    if mode == "id":
        return f"Remove rows whose {quoted(settings.get('column'))} repeats an earlier row (keep the first)"
    if mode == "near":
        also = [
            f"a similar {quoted(settings[key])}" if key == "email_column" else f"the same {quoted(settings[key])}"
            for key in ("postcode_column", "email_column")
            if settings.get(key)
        ]
        return (
            f"Remove near-duplicate customers (a similar {quoted(settings.get('name_column'))} with "
            f"{' or '.join(also)}), keeping the first of each group"
        )
    return "Remove rows that repeat an earlier row exactly (keep the first)"


@register_fix(
    "drop_duplicates",
    _describe_duplicates,
    optional=("mode", "column", "name_column", "email_column", "postcode_column", "threshold"),
    column_settings=("column", "name_column", "email_column", "postcode_column"),
    choices={"mode": ("exact", "id", "near")},
)
def _drop_duplicates(
    frame: pd.DataFrame,
    mode: str = "exact",
    column: str | None = None,
    name_column: str | tuple[str, ...] | None = None,
    email_column: str | None = None,
    postcode_column: str | None = None,
    threshold: int = 90,
) -> tuple[pd.DataFrame, dict]:
    if mode == "id":
        if column is None:
            raise FixError("drop_duplicates with mode='id' needs the id column: column='customer_id'.")
        mask = (frame[column].duplicated(keep="first") & frame[column].notna()).to_numpy()
        what = f"repeat an earlier row's {quoted(column)}"
    elif mode == "near":
        if name_column is None or (email_column is None and postcode_column is None):
            raise FixError("drop_duplicates with mode='near' needs name_column plus email_column or postcode_column.")
        mask = near_duplicate_mask(
            frame,
            name_column=name_column,
            email_column=email_column,
            postcode_column=postcode_column,
            threshold=int(threshold),
        )
        what = "look like the same customer as an earlier row"
    else:
        mask = duplicate_row_mask(frame)
        what = "repeat an earlier row exactly"
    removed = int(mask.sum())
    return frame.loc[~mask].reset_index(drop=True), {
        "rows_removed": removed,
        "message": f"Removed {count_of(removed, 'row')} that {what}.",
    }


def _text_columns(frame: pd.DataFrame, columns: tuple[str, ...] | str | None) -> list[str]:
    if columns is None:
        return [
            name
            for name in frame.columns
            if not pd.api.types.is_numeric_dtype(frame[name].dtype)
            and not pd.api.types.is_datetime64_any_dtype(frame[name].dtype)
            and not pd.api.types.is_bool_dtype(frame[name].dtype)
        ]
    return list(columns) if isinstance(columns, tuple) else [columns]


def _describe_trim(settings: dict[str, Any]) -> str:
    columns = settings.get("columns")
    return f"Trim spaces around the values of {quoted(columns) if columns else 'every text column'}"


@register_fix("trim_whitespace", _describe_trim, optional=("columns",), column_settings=("columns",))
def _trim_whitespace(frame: pd.DataFrame, columns: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, dict]:
    result = frame.copy(deep=False)
    changed_rows = np.zeros(len(frame), dtype=bool)
    cells = emptied = 0
    for name in _text_columns(frame, columns):
        original = frame[name]
        if not shapes.is_text(original):
            continue
        trimmed = original.astype("str").str.strip()
        trimmed = trimmed.mask(trimmed == "")  # a value of only spaces is a missing value
        changed = (original.notna() & (trimmed.isna() | (trimmed != original.astype("str")))).to_numpy()
        if changed.any():
            result[name] = trimmed
            changed_rows |= changed
            cells += int(changed.sum())
            emptied += int((original.notna() & trimmed.isna()).sum())
    return result, {
        "rows_changed": int(changed_rows.sum()),
        "cells_changed": cells,
        "values_made_missing": emptied,
        "message": f"Trimmed {count_of(cells, 'value')}"
        + (f"; {count_of(emptied, 'value')} held only spaces and are now missing." if emptied else "."),
    }


def _describe_case(settings: dict[str, Any]) -> str:
    case = settings.get("case", "title")
    if case == "most_common":
        return (
            f"Spell each value of {quoted(settings['columns'])} the way most rows do "
            "(ignoring letter case and surrounding spaces)"
        )
    return f"Write the values of {quoted(settings['columns'])} in {case} case"


def _most_common_spelling(series: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(series)
    spellings = pd.DataFrame(
        {"value": np.asarray(uniques, dtype=object), "count": np.bincount(codes[codes >= 0], minlength=len(uniques))}
    )
    spellings["key"] = pd.Series(uniques).astype("str").str.strip().str.casefold()
    favourite = spellings.sort_values("count", ascending=False, kind="stable").groupby("key")["value"].first()
    replacement = np.append(spellings["key"].map(favourite).to_numpy(dtype=object), None)
    return pd.Series(replacement[codes], index=series.index, dtype="str")


@register_fix(
    "normalise_case",
    _describe_case,
    required=("columns",),
    optional=("case",),
    column_settings=("columns",),
    choices={"case": ("title", "lower", "upper", "most_common")},
)
def _normalise_case(
    frame: pd.DataFrame, columns: tuple[str, ...] | str, case: str = "title"
) -> tuple[pd.DataFrame, dict]:
    result = frame.copy(deep=False)
    changed_rows = np.zeros(len(frame), dtype=bool)
    cells = 0
    for name in _text_columns(frame, columns):
        if not shapes.is_text(frame[name]):
            continue  # numbers and dates have no letter case
        original = frame[name].astype("str")
        recased = _most_common_spelling(original) if case == "most_common" else getattr(original.str, case)()
        changed = (original.notna() & (recased != original)).to_numpy()
        result[name] = recased
        changed_rows |= changed
        cells += int(changed.sum())
    return result, {
        "rows_changed": int(changed_rows.sum()),
        "cells_changed": cells,
        "message": f"Changed the letter case of {count_of(cells, 'value')}.",
    }


COERCE_TARGETS = ("number", "integer", "date", "text", "boolean")


def _describe_coerce(settings: dict[str, Any]) -> str:
    target = {
        "number": "numbers",
        "integer": "whole numbers",
        "date": "dates",
        "text": "text",
        "boolean": "yes/no values",
    }.get(settings.get("to"), settings.get("to"))
    return f"Convert {quoted(settings['column'])} to {target}; values that cannot be read become missing"


def _to_number(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("float64")
    text = series.astype("str").str.strip()
    parsed = pd.to_numeric(text, errors="coerce")
    decimal_comma = parsed.isna() & text.str.fullmatch(r"[+-]?[0-9]*,[0-9]+").fillna(False).astype(bool)
    if decimal_comma.any():  # "12,50" written the Dutch/German way
        parsed = parsed.mask(decimal_comma, pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce"))
    return parsed.astype("float64")


def _to_boolean(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    folded = series.astype("str").str.strip().str.lower()
    lookup = dict.fromkeys(vocab.TRUE_WORDS, True) | dict.fromkeys(vocab.FALSE_WORDS, False)
    return folded.map(lookup).astype("boolean")


@register_fix(
    "coerce_type",
    _describe_coerce,
    required=("column", "to"),
    column_settings=("column",),
    choices={"to": COERCE_TARGETS},
)
def _coerce_type(frame: pd.DataFrame, column: str, to: str) -> tuple[pd.DataFrame, dict]:
    original = frame[column]
    if to == "number":
        converted = _to_number(original)
    elif to == "integer":
        numbers = _to_number(original)
        converted = numbers.where(numbers == np.round(numbers)).astype("Int64")  # 2.5 is not a whole number
    elif to == "date":
        converted = as_dates(original)
    elif to == "boolean":
        converted = _to_boolean(original)
    else:
        converted = original.astype("str")
    result = frame.copy(deep=False)
    result[column] = converted
    made_missing = int((original.notna() & converted.isna()).sum())
    same_type = str(converted.dtype) == str(original.dtype)
    cells = made_missing if same_type else int(original.notna().sum())
    return result, {
        "rows_changed": cells,
        "cells_changed": cells,
        "values_made_missing": made_missing,
        "message": f"Converted {quoted(column)} to {to}; "
        f"{count_of(made_missing, 'value')} could not be read and are now missing.",
    }


@register_fix(
    "drop_column",
    lambda settings: f"Remove the column {quoted(settings['column'])}",
    required=("column",),
    column_settings=("column",),
)
def _drop_column(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, dict]:
    return frame.drop(columns=[column]), {
        "columns_removed": (column,),
        "message": f"Removed the column {quoted(column)}.",
    }


_CHECK_WORDS = {  # check: (the problem said of several values, of one value)
    "invalid_email": ("are not valid e-mail addresses", "is not a valid e-mail address"),
    "invalid_phone": ("are not valid phone numbers", "is not a valid phone number"),
    "invalid_postcode": ("are not valid postcodes", "is not a valid postcode"),
    "impossible_age": ("are impossible ages", "is an impossible age"),
    "future_date": ("lie in the future", "lies in the future"),
}


def _describe_invalid(settings: dict[str, Any]) -> str:
    words = _CHECK_WORDS.get(settings.get("check"), ("fail the check",))[0]
    if settings.get("remove", "value") == "row":
        return f"Remove rows whose {quoted(settings['column'])} values {words}"
    return f"Make values of {quoted(settings['column'])} that {words} missing"


@register_fix(
    "drop_invalid",
    _describe_invalid,
    required=("column", "check"),
    optional=("remove", "today", "country_column"),
    column_settings=("column", "country_column"),
    choices={"check": INVALID_CHECKS, "remove": ("value", "row")},
)
def _drop_invalid(
    frame: pd.DataFrame,
    column: str,
    check: str,
    remove: str = "value",
    today: str | None = None,
    country_column: str | None = None,
) -> tuple[pd.DataFrame, dict]:
    invalid = invalid_value_mask(frame, column, check, today=today, country_column=country_column)
    count = int(invalid.sum())
    if remove == "row":
        return frame.loc[~invalid].reset_index(drop=True), {
            "rows_removed": count,
            "message": f"Removed {count_of(count, 'row')} whose {quoted(column)} "
            f"{'value' if count == 1 else 'values'} {_CHECK_WORDS[check][count == 1]}.",
        }
    original = frame[column]
    if isinstance(original.dtype, np.dtype) and np.issubdtype(original.dtype, np.integer):
        original = original.astype("Int64")  # keep whole numbers whole once a value is missing
    result = frame.copy(deep=False)
    result[column] = original.mask(invalid)
    return result, {
        "rows_changed": count,
        "cells_changed": count,
        "values_made_missing": count,
        "message": f"Made {count_of(count, 'value')} of {quoted(column)} missing: "
        f"{'it' if count == 1 else 'they'} {_CHECK_WORDS[check][count == 1]}.",
    }

"""Named, recorded data fixes applied to a copy of the data (the input frame is never changed).

Each fix is a :class:`FixStep` (a name plus settings) so the list of steps can be stored with the
new dataset version and replayed. The masks that decide which rows a fix touches
(:func:`duplicate_row_mask`, :func:`near_duplicate_mask`, :func:`invalid_value_mask`) live here
too, and the quality report counts problems with the very same masks: the figure in a finding
is exactly what its suggested fix will change.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from segmentation import vocabulary as vocab


class FixError(ValueError):
    """A fix step cannot be read or applied; the message says which step and what to change."""


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, tuple) else value


@dataclass(frozen=True)
class FixStep:
    """One named fix with its settings as sorted (key, value) pairs, so steps are hashable."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, name: str, **params: Any) -> FixStep:
        """Build a step from keyword settings; lists become tuples and dates ISO strings."""
        return cls(name, tuple(sorted((key, _frozen(value)) for key, value in params.items() if value is not None)))

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.params)

    def describe(self) -> str:
        """The step in plain words, e.g. "Trim spaces around the values of 'city'"."""
        spec = _FIXES.get(self.name)
        return spec.describe(self.settings) if spec else f"Unknown fix '{self.name}'"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: {"name": ..., "params": {...}}."""
        return {"name": self.name, "params": {key: _plain(value) for key, value in self.params}}

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> FixStep:
        """Read a step written by :meth:`to_dict`; unknown fixes or settings raise FixError."""
        if not isinstance(stored, dict) or not isinstance(stored.get("name"), str):
            raise FixError(f"A stored fix step must be a dict with a 'name'; got {stored!r}.")
        step = cls.of(stored["name"], **dict(stored.get("params") or {}))
        _spec_for(step, position=None)
        return step


@dataclass(frozen=True)
class AppliedFix:
    """What one step changed: removed/changed rows, changed cells, values that became missing."""

    step: FixStep
    rows_removed: int = 0
    rows_changed: int = 0
    cells_changed: int = 0
    values_made_missing: int = 0
    columns_removed: tuple[str, ...] = ()
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step.to_dict(),
            "rows_removed": self.rows_removed,
            "rows_changed": self.rows_changed,
            "cells_changed": self.cells_changed,
            "values_made_missing": self.values_made_missing,
            "columns_removed": list(self.columns_removed),
            "message": self.message,
        }


@dataclass(frozen=True, eq=False)
class FixResult:
    """The fixed copy of the data and one log entry per step."""

    frame: pd.DataFrame
    log: tuple[AppliedFix, ...]


@dataclass(frozen=True)
class _FixSpec:
    function: Callable[..., tuple[pd.DataFrame, dict[str, Any]]]
    describe: Callable[[dict[str, Any]], str]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    column_settings: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


_FIXES: dict[str, _FixSpec] = {}


def fix_names() -> tuple[str, ...]:
    """Names of every registered fix."""
    return tuple(_FIXES)


def _spec_for(step: FixStep, position: int | None) -> _FixSpec:
    where = f"Step {position} ('{step.name}')" if position else f"Fix '{step.name}'"
    spec = _FIXES.get(step.name)
    if spec is None:
        raise FixError(f"{where}: unknown fix; choose one of {', '.join(_FIXES)}.")
    settings = step.settings
    if unknown := sorted(set(settings) - set(spec.required) - set(spec.optional)):
        raise FixError(
            f"{where} has no setting {', '.join(map(repr, unknown))}; it takes "
            f"{', '.join(spec.required + spec.optional)}."
        )
    if missing := [key for key in spec.required if key not in settings]:
        raise FixError(f"{where} needs the setting {', '.join(map(repr, missing))}.")
    for key, allowed in spec.choices.items():
        if key in settings and settings[key] not in allowed:
            raise FixError(f"{where}: {key}={settings[key]!r} is not supported; use one of {', '.join(allowed)}.")
    return spec


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
        spec = _spec_for(step, position)
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


def _register(name: str, describe: Callable[[dict[str, Any]], str], **spec: Any) -> Callable:
    def decorate(function: Callable) -> Callable:
        _FIXES[name] = _FixSpec(function=function, describe=describe, **spec)
        return function

    return decorate


def _quoted(columns: Any) -> str:
    names = columns if isinstance(columns, tuple) else (columns,)
    return ", ".join(f"'{name}'" for name in names)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


# --- masks shared with the quality report ---------------------------------------------------------------


def duplicate_row_mask(frame: pd.DataFrame, subset: Iterable[str] | None = None) -> np.ndarray:
    """True for each row that repeats an earlier row exactly (the first of each group stays False).

    A row can only repeat another if each of its values repeats, so a few cheap single-column checks
    on the most varied columns shrink the candidates before the full comparison.
    """
    columns = list(subset) if subset is not None else list(frame.columns)
    mask = np.zeros(len(frame), dtype=bool)
    if len(frame) < 2 or not columns:
        return mask
    head = frame.iloc[:5_000]
    # most varied first; among equals numbers before text, as they hash faster
    by_variety = sorted(columns, key=lambda column: (-head[column].nunique(), _is_text(frame[column])))
    candidates = np.arange(len(frame))
    for column in by_variety[:3]:
        values = frame[column] if len(candidates) == len(frame) else frame[column].iloc[candidates]
        candidates = candidates[values.duplicated(keep=False).to_numpy()]
        if len(candidates) == 0:
            return mask
    mask[candidates[frame.iloc[candidates][columns].duplicated(keep="first").to_numpy()]] = True
    return mask


def _normalised_text(series: pd.Series, drop: str) -> pa.ChunkedArray | pa.Array:
    """Lower-case, accent-free, ``drop`` pattern replaced by a space, spaces collapsed and trimmed."""
    folded = pc.utf8_lower(
        pc.replace_substring_regex(pc.utf8_normalize(vocab.arrow_strings(series), "NFKD"), r"\p{Mn}", "")
    )
    cleaned = pc.replace_substring_regex(pc.replace_substring_regex(folded, drop, " "), r"\s+", " ")
    return pc.utf8_trim_whitespace(cleaned).fill_null("")


def _as_objects(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)


def near_duplicate_mask(
    frame: pd.DataFrame,
    *,
    name_column: str | tuple[str, ...],
    email_column: str | None = None,
    postcode_column: str | None = None,
    threshold: int = 90,
    rows: np.ndarray | None = None,
    window: int = 4,
) -> np.ndarray:
    """True for each row that looks like the same customer as an earlier row (similar name and e-mail,
    or similar name at the same postcode); only ``rows`` (positions) are compared when given.

    Rows are blocked on the postcode, and on the start of the e-mail address; after sorting by block
    and name, each row is compared with its next ``window`` rows in the same block only.
    """
    positions = np.arange(len(frame)) if rows is None else np.asarray(rows)
    mask = np.zeros(len(frame), dtype=bool)

    def subset(column: str) -> pd.Series:
        return frame[column] if rows is None else frame[column].iloc[positions]

    name_parts = [
        _normalised_text(subset(column), drop=r"[^a-z0-9 ]+")
        for column in (name_column if isinstance(name_column, tuple) else (name_column,))
    ]
    joined = (
        name_parts[0]
        if len(name_parts) == 1
        else pc.binary_join_element_wise(
            *(part.cast(pa.large_string()) for part in name_parts), pa.scalar(" ", pa.large_string())
        )
    )
    names = _as_objects(pc.utf8_trim_whitespace(joined))
    pairs: list[np.ndarray] = []
    if postcode_column is not None:
        postcodes = _as_objects(pc.replace_substring(_normalised_text(subset(postcode_column), r"[^a-z0-9]+"), " ", ""))
        pairs.append(_similar_pairs(postcodes, names, names, threshold, window))
    if email_column is not None:
        emails = _normalised_text(subset(email_column), drop=r"\s+")
        # block on the first three characters of the address plus its domain: "jan@example.com"
        blocks = _as_objects(pc.replace_substring_regex(emails, r"^([^@]{0,3})[^@]*@", r"\1@"))
        pairs.append(
            _similar_pairs(blocks, _as_objects(emails), names, threshold, window, second_threshold=threshold - 15)
        )
    found = np.concatenate(pairs, axis=1) if pairs else np.empty((2, 0), dtype=np.int64)
    if found.shape[1] == 0:
        return mask
    size = len(positions)
    graph = coo_matrix((np.ones(found.shape[1]), (found[0], found[1])), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    first_of_group = pd.Series(positions).groupby(labels).transform("min").to_numpy()
    mask[positions[positions != first_of_group]] = True  # keep the earliest row of each group
    return mask


def _similar_pairs(
    blocks: np.ndarray,
    compared: np.ndarray,
    names: np.ndarray,
    threshold: int,
    window: int,
    second_threshold: int | None = None,
) -> np.ndarray:
    """Index pairs (2×k) in the same non-empty block whose ``compared`` texts are similar enough."""
    block_codes = pd.factorize(blocks)[0]
    block_codes[(blocks == "") | (names == "")] = -1  # rows without a block or a name are never paired
    order = pc.sort_indices(
        pa.table({"block": pa.array(block_codes), "text": pa.array(compared, pa.string())}),
        sort_keys=[("block", "ascending"), ("text", "ascending")],
    ).to_numpy()
    found = []
    for step in range(1, min(window, len(order) - 1) + 1):
        left, right = order[:-step], order[step:]
        same = (block_codes[left] == block_codes[right]) & (block_codes[left] >= 0)
        left, right = left[same], right[same]
        if len(left) == 0:
            continue
        scorer = fuzz.token_sort_ratio if compared is names else fuzz.ratio  # word order matters in names only
        score = process.cpdist(list(compared[left]), list(compared[right]), scorer=scorer)
        keep = score >= threshold
        if second_threshold is not None:
            name_score = process.cpdist(list(names[left]), list(names[right]), scorer=fuzz.token_sort_ratio)
            keep &= name_score >= second_threshold
        found.append(np.vstack((left[keep], right[keep])))
    return np.concatenate(found, axis=1) if found else np.empty((2, 0), dtype=np.int64)


INVALID_CHECKS = ("invalid_email", "invalid_phone", "invalid_postcode", "impossible_age", "future_date")


def invalid_value_mask(
    frame: pd.DataFrame, column: str, check: str, *, today: date | str | None = None, country_column: str | None = None
) -> np.ndarray:
    """True where a present value of ``column`` fails ``check`` (one of :data:`INVALID_CHECKS`)."""
    series = frame[column]
    present = series.notna().to_numpy()
    if check == "invalid_email":
        return present & ~vocab.valid_email_mask(series)
    if check == "invalid_phone":
        return present & ~vocab.valid_phone_mask(series)
    if check == "invalid_postcode":
        countries = vocab.country_codes(frame[country_column]) if country_column else None
        return present & ~vocab.valid_postcode_mask(series, countries)
    today = pd.Timestamp(today or date.today())
    if check == "impossible_age" and not _holds_dates(series):
        ages = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        return (ages < 0) | (ages > 120)
    moments = as_dates(series).to_numpy()
    if check == "impossible_age":  # a birth date more than 120 years ago
        return moments < (today - pd.DateOffset(years=120)).to_datetime64()
    if check == "future_date":
        return moments >= (today.normalize() + pd.Timedelta(days=1)).to_datetime64()
    raise FixError(f"Unknown check '{check}'; choose one of {', '.join(INVALID_CHECKS)}.")


def _holds_dates(series: pd.Series) -> bool:
    """Datetime dtype, or text whose first values are mostly not numbers (a birth date, not an age)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return True
    if pd.api.types.is_numeric_dtype(series.dtype):
        return False
    head = series.dropna().iloc[:1_000]
    return len(head) > 0 and pd.to_numeric(head, errors="coerce").isna().mean() > 0.5


def _parse_dates(values: pd.Series) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format": unreadable values simply become NaT
        parsed = pd.to_datetime(values, errors="coerce")
        if parsed.isna().sum() > values.notna().sum() / 2:
            retry = pd.to_datetime(values, errors="coerce", dayfirst=True)
            parsed = retry if retry.notna().sum() > parsed.notna().sum() else parsed
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed.astype("datetime64[ns]")


def as_dates(series: pd.Series, factorized: tuple[np.ndarray, Any] | None = None) -> pd.Series:
    """The column as timezone-free datetimes; text that is no date becomes missing.

    ``factorized`` is ``pd.factorize(series)`` when the caller already has it.
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.dt.tz_convert(None) if getattr(series.dt, "tz", None) is not None else series
    codes, uniques = factorized if factorized is not None else pd.factorize(series)
    if len(uniques) > len(series) / 2:
        return _parse_dates(series)
    # dates repeat a lot: parse each distinct text once and spread the result over the rows
    parsed = np.append(_parse_dates(pd.Series(uniques)).to_numpy(), np.datetime64("NaT", "ns"))
    return pd.Series(parsed[codes], index=series.index)


# --- the fixes ----------------------------------------------------------------------------------------------


def _describe_duplicates(settings: dict[str, Any]) -> str:
    mode = settings.get("mode", "exact")
    if mode == "id":
        return f"Remove rows whose {_quoted(settings.get('column'))} repeats an earlier row (keep the first)"
    if mode == "near":
        also = [
            f"a similar {_quoted(settings[key])}" if key == "email_column" else f"the same {_quoted(settings[key])}"
            for key in ("postcode_column", "email_column")
            if settings.get(key)
        ]
        return (
            f"Remove near-duplicate customers (a similar {_quoted(settings.get('name_column'))} with "
            f"{' or '.join(also)}), keeping the first of each group"
        )
    return "Remove rows that repeat an earlier row exactly (keep the first)"


@_register(
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
        what = f"repeat an earlier row's {_quoted(column)}"
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
        "message": f"Removed {_count(removed, 'row')} that {what}.",
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


def _is_text(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype | pd.CategoricalDtype) or series.dtype == object


def _describe_trim(settings: dict[str, Any]) -> str:
    columns = settings.get("columns")
    return f"Trim spaces around the values of {_quoted(columns) if columns else 'every text column'}"


@_register("trim_whitespace", _describe_trim, optional=("columns",), column_settings=("columns",))
def _trim_whitespace(frame: pd.DataFrame, columns: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, dict]:
    result = frame.copy(deep=False)
    changed_rows = np.zeros(len(frame), dtype=bool)
    cells = emptied = 0
    for name in _text_columns(frame, columns):
        original = frame[name]
        if not _is_text(original):
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
        "message": f"Trimmed {_count(cells, 'value')}"
        + (f"; {_count(emptied, 'value')} held only spaces and are now missing." if emptied else "."),
    }


def _describe_case(settings: dict[str, Any]) -> str:
    case = settings.get("case", "title")
    if case == "most_common":
        return (
            f"Spell each value of {_quoted(settings['columns'])} the way most rows do "
            "(ignoring letter case and surrounding spaces)"
        )
    return f"Write the values of {_quoted(settings['columns'])} in {case} case"


def _most_common_spelling(series: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(series)
    spellings = pd.DataFrame(
        {"value": np.asarray(uniques, dtype=object), "count": np.bincount(codes[codes >= 0], minlength=len(uniques))}
    )
    spellings["key"] = pd.Series(uniques).astype("str").str.strip().str.casefold()
    favourite = spellings.sort_values("count", ascending=False, kind="stable").groupby("key")["value"].first()
    replacement = np.append(spellings["key"].map(favourite).to_numpy(dtype=object), None)
    return pd.Series(replacement[codes], index=series.index, dtype="str")


@_register(
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
        if not _is_text(frame[name]):
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
        "message": f"Changed the letter case of {_count(cells, 'value')}.",
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
    return f"Convert {_quoted(settings['column'])} to {target}; values that cannot be read become missing"


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


@_register(
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
        "message": f"Converted {_quoted(column)} to {to}; "
        f"{_count(made_missing, 'value')} could not be read and are now missing.",
    }


@_register(
    "drop_column",
    lambda settings: f"Remove the column {_quoted(settings['column'])}",
    required=("column",),
    column_settings=("column",),
)
def _drop_column(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, dict]:
    return frame.drop(columns=[column]), {
        "columns_removed": (column,),
        "message": f"Removed the column {_quoted(column)}.",
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
        return f"Remove rows whose {_quoted(settings['column'])} values {words}"
    return f"Make values of {_quoted(settings['column'])} that {words} missing"


@_register(
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
            "message": f"Removed {_count(count, 'row')} whose {_quoted(column)} "
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
        "message": f"Made {_count(count, 'value')} of {_quoted(column)} missing: "
        f"{'it' if count == 1 else 'they'} {_CHECK_WORDS[check][count == 1]}.",
    }

"""Segment profiles: what sets each segment apart from the whole customer base, in plain words.

`profile_segments` compares every segment with the whole base feature by feature (numbers by their
mean, dates by "how long ago", categories and multi-value text by the share of their most
over-represented level), ranks the differences on one standardised scale and turns the strongest
into trait texts ("average revenue €2,340 vs €610 overall") and a proposed segment name ("Older
high-spending customers in Bayern"). The column readers at the top (`column_kind`, `days_before`)
are shared with the clustering, so both see a column the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.fixes import as_dates

__all__ = [
    "MULTI_VALUE_SEPARATORS", "SegmentProfile", "Trait", "column_kind", "days_before", "multi_value_separator",
    "profile_segments", "split_levels",
]

MULTI_VALUE_SEPARATORS = (";", "|")
MAX_TRAITS = 5
_KIND_SAMPLE = 5_000  # values looked at to tell what a text column holds
_MULTI_VALUE_SHARE = 0.2  # "a;b" in this share of values makes a column multi-valued (interests, tags)
_DATE_TEXT_SHARE = 0.9
_DATE_TEXT = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}([ T][\d:.+Z-]*)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})\s*$")
_MIN_LEVEL_SHARE_IN_SEGMENT = 0.05  # a level is only a trait when it describes a fair part of the segment
_TRAIT_NAME_STRENGTH = 0.2  # weaker differences do not go into a segment's name
_TRAIT_MIN_DIFFERENCE = 0.05  # below this a "trait" is the base itself (standardised difference)


# ---------------------------------------------------------------- reading columns
def column_kind(series: pd.Series) -> str:
    """What a column holds for segmenting: "boolean", "numeric", "date", "multi" or "category".

    Text is a "date" when nearly all sampled values look like dates (2024-03-01, 01-03-2024) and
    "multi" when a fair share holds several values joined by ';' or '|' (e.g. interests).
    """
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    sample = _text_sample(series)
    if len(sample) and sample.str.match(_DATE_TEXT).mean() >= _DATE_TEXT_SHARE:
        return "date"
    return "multi" if multi_value_separator(series) else "category"


def multi_value_separator(series: pd.Series) -> str | None:
    """The separator of a multi-value text column ("gaming;music"), or None for a plain column."""
    sample = _text_sample(series)
    if not len(sample):
        return None
    shares = {separator: sample.str.contains(separator, regex=False).mean() for separator in MULTI_VALUE_SEPARATORS}
    separator = max(shares, key=shares.get)
    return separator if shares[separator] >= _MULTI_VALUE_SHARE else None


def _text_sample(series: pd.Series) -> pd.Series:
    present = series.dropna()
    step = max(1, len(present) // _KIND_SAMPLE)  # evenly spread, deterministic
    return present.iloc[::step].astype(str)


def days_before(series: pd.Series, reference: np.datetime64 | None = None) -> tuple[np.ndarray, np.datetime64]:
    """Days from each date to `reference` (default: the latest date in the column), and that reference.

    Text dates are parsed; unreadable values and missing dates become NaN.
    """
    moments = as_dates(series).to_numpy(dtype="datetime64[ns]")
    if reference is None:
        present = moments[~np.isnat(moments)]
        reference = present.max() if present.size else np.datetime64("1970-01-01", "ns")
    return (reference - moments) / np.timedelta64(1, "D"), reference


def split_levels(series: pd.Series, separator: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Multi-value text as (row codes, levels, distinct-value × level 0/1 matrix), without a loop over rows.

    Row code -1 marks a missing value. Only the distinct texts are split, which keeps a million rows fast.
    """
    codes, uniques = pd.factorize(series)
    parts = [sorted({part.strip() for part in str(text).split(separator)} - {""}) for text in uniques]
    levels = sorted({part for row in parts for part in row})
    position = {level: index for index, level in enumerate(levels)}
    matrix = np.zeros((len(uniques), len(levels)), dtype=np.float32)
    for row, row_parts in enumerate(parts):
        matrix[row, [position[part] for part in row_parts]] = 1.0
    return codes, levels, matrix


# ---------------------------------------------------------------- profile values
@dataclass(frozen=True)
class Trait:
    """One way a segment differs from the whole base.

    `difference` is standardised so traits of every kind rank on one scale: for numbers and dates
    (segment mean − overall mean) / overall standard deviation, for a category level the same for
    its 0/1 indicator. `segment_value`/`overall_value` are means (numbers, days ago for dates) or
    shares (category levels, with `level` naming the level).
    """

    feature: str
    kind: str  # "numeric" | "category"
    segment_value: float
    overall_value: float
    difference: float
    text: str
    level: str | None = None
    lift: float | None = None  # share in segment / share overall, for category levels


@dataclass(frozen=True)
class SegmentProfile:
    """Who is in one segment: size, strongest traits, a proposed name and a one-paragraph summary."""

    label: Any
    size: int
    share: float
    top_traits: tuple[Trait, ...]
    proposed_name: str
    summary: str


def profile_segments(
    frame: pd.DataFrame,
    labels: Sequence[Any] | np.ndarray | pd.Series,
    features: Sequence[str],
    column_roles: Mapping[str, Any] | Sequence[Any] | None = None,
    *,
    currency: str = "€",
) -> list[SegmentProfile]:
    """Profile each segment against the whole base, strongest differences first.

    `labels` holds one segment label per row of `frame`. A boolean mask (a rule segment) gives one
    profile, of the rows where it is True, still compared with the whole base. `column_roles`
    (the app's `{column: {"role", "tag", ...}}`, tag strings or `ColumnRole` objects) only lends
    the geographic tag to the wording. Names are unique across the returned profiles.
    """
    label_values = _label_array(frame, labels)
    missing = [column for column in features if column not in frame.columns]
    if missing:
        raise ValueError(
            f"features: {', '.join(map(repr, missing))} not in the table; columns are {list(frame.columns)}"
        )
    is_mask = label_values.dtype == bool
    codes, uniques = pd.factorize(label_values, sort=True)
    segment_count = len(uniques)
    sizes = np.bincount(codes[codes >= 0], minlength=segment_count)
    tags = _tags(column_roles)
    kinds = {column: column_kind(frame[column]) for column in features}
    # one reference for every date column (the latest date anywhere), so "years ago" reads like an age
    dates = {column: as_dates(frame[column]).to_numpy(dtype="datetime64[ns]") for column in features
             if kinds[column] == "date"}
    latest = [values[~np.isnat(values)].max() for values in dates.values() if (~np.isnat(values)).any()]
    reference = max(latest) if latest else None
    traits_per_segment: list[list[Trait]] = [[] for _ in range(segment_count)]
    for column in features:
        if column in dates:
            values = (reference - dates[column]) / np.timedelta64(1, "D") if reference is not None else None
            found = _numeric_traits(values, column, "date", codes, sizes, currency) if values is not None else []
        else:
            found = _column_traits(frame[column], column, kinds[column], codes, sizes, tags.get(column), currency)
        for index, trait in found:
            traits_per_segment[index].append(trait)
    wanted = [index for index, label in enumerate(uniques) if not is_mask or bool(label)]
    profiles = []
    for index in wanted:
        traits = [trait for trait in traits_per_segment[index] if abs(trait.difference) >= _TRAIT_MIN_DIFFERENCE]
        traits.sort(key=lambda trait: -abs(trait.difference))
        profiles.append((uniques[index], int(sizes[index]), traits))
    if is_mask and not wanted:
        profiles.append((True, 0, []))
    names = _unique_names([traits for _, _, traits in profiles], [label for label, _, _ in profiles], tags)
    total = max(len(label_values), 1)
    return [
        SegmentProfile(
            label=label.item() if isinstance(label, np.generic) else label,
            size=size,
            share=size / total,
            top_traits=tuple(traits[:MAX_TRAITS]),
            proposed_name=name,
            summary=_summary(size, size / total, traits),
        )
        for (label, size, traits), name in zip(profiles, names, strict=True)
    ]


def _label_array(frame: pd.DataFrame, labels: Any) -> np.ndarray:
    if isinstance(labels, pd.Series) and (labels.dtype == "boolean" or pd.api.types.is_bool_dtype(labels.dtype)):
        values = labels.fillna(False).to_numpy(dtype=bool)  # a rule's unknown (NA) means "not in the segment"
    else:
        values = np.asarray(labels)
    if values.ndim != 1 or len(values) != len(frame):
        raise ValueError(f"labels: {len(values)} values for {len(frame)} rows; need one label per row of the table")
    return values


def _tags(column_roles: Mapping[str, Any] | Sequence[Any] | None) -> dict[str, str | None]:
    if column_roles is None:
        return {}
    if not isinstance(column_roles, Mapping):
        return {role.column: role.tag for role in column_roles}
    tags = {}
    for column, role in column_roles.items():
        if isinstance(role, str):
            tags[column] = role
        elif isinstance(role, Mapping):
            tags[column] = role.get("tag")
        else:
            tags[column] = getattr(role, "tag", None)
    return tags


def _column_traits(
    series: pd.Series, column: str, kind: str, codes: np.ndarray, sizes: np.ndarray, tag: str | None, currency: str
) -> list[tuple[int, Trait]]:
    if kind == "numeric":
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return _numeric_traits(values, column, kind, codes, sizes, currency)
    if kind == "multi":
        row_codes, levels, matrix = split_levels(series, multi_value_separator(series) or ";")
    else:
        text = series.map({True: "yes", False: "no"}) if kind == "boolean" else series
        row_codes, uniques = pd.factorize(text)
        levels, matrix = [str(level) for level in uniques], np.eye(len(uniques), dtype=np.float32)
    return _level_traits(row_codes, levels, matrix, column, kind, codes, sizes, tag)


def _numeric_traits(
    values: np.ndarray, column: str, kind: str, codes: np.ndarray, sizes: np.ndarray, currency: str
) -> list[tuple[int, Trait]]:
    present = ~np.isnan(values) & (codes >= 0)
    if not present.any():
        return []
    filled = np.where(present, values, 0.0)
    counts = np.bincount(codes[present], minlength=len(sizes))
    sums = np.bincount(codes[present], weights=filled[present], minlength=len(sizes))
    overall_mean = values[present].mean()
    overall_std = values[present].std()
    traits = []
    for index in np.flatnonzero(counts):
        mean = sums[index] / counts[index]
        difference = (mean - overall_mean) / overall_std if overall_std > 0 else 0.0
        text = _numeric_text(column, kind, mean, overall_mean, currency)
        traits.append((int(index), Trait(column, "numeric", float(mean), float(overall_mean), float(difference), text)))
    return traits


def _level_traits(
    row_codes: np.ndarray, levels: list[str], matrix: np.ndarray, column: str, kind: str,
    codes: np.ndarray, sizes: np.ndarray, tag: str | None,
) -> list[tuple[int, Trait]]:
    if not levels:
        return []
    segment_count = len(sizes)
    row_codes = np.where(row_codes < 0, len(matrix), row_codes)  # missing → an all-zero row
    matrix = np.vstack([matrix, np.zeros((1, matrix.shape[1]), dtype=matrix.dtype)])
    if kind != "multi" and (row_codes == len(matrix) - 1).any():
        levels = [*levels, "missing"]
        matrix = np.hstack([matrix, np.zeros((len(matrix), 1), dtype=matrix.dtype)])
        matrix[-1, -1] = 1.0
    valid = codes >= 0
    pair_counts = np.bincount(codes[valid] * len(matrix) + row_codes[valid], minlength=segment_count * len(matrix))
    level_counts = pair_counts.reshape(segment_count, len(matrix)).astype(float) @ matrix  # segment × level
    overall = level_counts.sum(axis=0) / max(valid.sum(), 1)
    shares = level_counts / np.maximum(sizes, 1)[:, None]
    spread = np.sqrt(overall * (1 - overall))
    differences = np.where(spread > 0, (shares - overall) / np.where(spread > 0, spread, 1), 0.0)
    differences = np.where(shares >= _MIN_LEVEL_SHARE_IN_SEGMENT, differences, -np.inf)
    if kind == "boolean":  # "38% newsletter vs 12% overall" reads better than "62% not newsletter"
        differences[:, [i for i, level in enumerate(levels) if level != "yes"]] = -np.inf
    traits = []
    for index in np.flatnonzero(sizes):
        best = int(np.argmax(differences[index]))
        if not np.isfinite(differences[index, best]):
            continue
        share, base = float(shares[index, best]), float(overall[best])
        text = _level_text(column, kind, levels[best], share, base, tag)
        trait = Trait(column, "category", share, base, float(differences[index, best]), text, levels[best],
                      share / base if base > 0 else None)
        traits.append((int(index), trait))
    return traits


# ---------------------------------------------------------------- wording
_MONEY_WORDS = {"revenue", "spend", "spent", "amount", "value", "price", "cltv", "clv", "sales", "turnover",
                "basket", "monetary", "income", "salary", "omzet", "umsatz", "bedrag"}
_NUMERIC_NAME_WORDS = (  # (name words, word when the segment is above the base, word when below)
    ({"age", "leeftijd", "alter", "birth", "geboortedatum"}, "older", "younger"),
    ({"income", "salary", "inkomen", "einkommen"}, "high-income", "low-income"),
    ({"last", "recency", "recent", "latest"}, "lapsed", "recently active"),
    ({"signup", "first", "tenure", "since", "registered", "joined"}, "long-standing", "newer"),
    ({"order", "orders", "frequency", "count", "visits", "purchases", "transactions"}, "frequent", "occasional"),
    (_MONEY_WORDS, "high-spending", "low-spending"),
)
_LEVEL_PREFIX_WORDS = {"lifestyle", "type", "segment", "persona", "occupation", "gender", "status", "stage"}


def _words(column: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", column.lower())) - {""}


def _readable(column: str) -> str:
    return re.sub(r"[_\s]+", " ", column).strip()


def _amount(value: float, column: str, currency: str) -> str:
    number = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}".removesuffix(".0")
    return f"{currency}{number}" if _words(column) & _MONEY_WORDS else number


def _duration(segment_days: float, overall_days: float) -> tuple[str, str]:
    scale = max(abs(segment_days), abs(overall_days))
    unit, size = ("years", 365.25) if scale >= 730 else ("months", 30.44) if scale >= 90 else ("days", 1.0)

    def shown(days: float) -> str:
        value = days / size
        return f"{value:,.0f}" if abs(value) >= 10 or unit == "days" else f"{value:.1f}".removesuffix(".0")

    return shown(segment_days), f"{shown(overall_days)} {unit}"


def _numeric_text(column: str, kind: str, mean: float, overall: float, currency: str) -> str:
    if kind == "date":
        segment_text, overall_text = _duration(mean, overall)
        return f"{_readable(column)} on average {segment_text} vs {overall_text} ago overall"
    segment_text, overall_text = _amount(mean, column, currency), _amount(overall, column, currency)
    return f"average {_readable(column)} {segment_text} vs {overall_text} overall"


def _is_geographic(column: str, tag: str | None) -> bool:
    return tag == "geographic" or bool(_words(column) & {"city", "region", "country", "province", "state", "town"})


def _level_text(column: str, kind: str, level: str, share: float, overall: float, tag: str | None) -> str:
    if kind == "boolean":
        what = _readable(column)
    elif _is_geographic(column, tag):
        what = f"in {level}"
    else:
        what = f"{_readable(column)}: {level}"
    return f"{share:.0%} {what} vs {overall:.0%} overall"


def _name_phrase(trait: Trait, tag: str | None) -> tuple[str, str]:
    """("prefix" | "suffix", words) describing one trait in a segment name."""
    words = _words(trait.feature)
    if trait.kind == "numeric":
        above = trait.difference > 0
        for name_words, high, low in _NUMERIC_NAME_WORDS:
            if words & name_words:
                return "prefix", high if above else low
        return "prefix", f"{'high' if above else 'low'}-{_readable(trait.feature)}"
    level = trait.level or ""
    if level == "yes":
        return "suffix", f"with {_readable(trait.feature)}"
    if _is_geographic(trait.feature, tag):
        return "suffix", f"in {level}"
    if words & {"tier", "level", "loyalty"}:
        return "prefix", f"{level}-tier"
    if words & {"income", "inkomen", "einkommen"}:
        return "prefix", f"{level} income"
    if words & _LEVEL_PREFIX_WORDS:
        return "prefix", level
    if words & {"interest", "interests", "hobby", "hobbies"}:
        return "suffix", f"into {level}"
    if words & {"value", "values"}:
        return "suffix", f"valuing {level}"
    if words & {"channel", "kanaal", "kanal"}:
        return "suffix", f"preferring {level}"
    if words & {"language", "taal", "sprache"}:
        return "suffix", f"speaking {level}"
    return "suffix", f"with {_readable(trait.feature)} {level}"


def _name(traits: list[Trait], tags: dict[str, str | None], phrase_count: int) -> str:
    phrases: list[tuple[str, str]] = []
    for trait in traits:
        phrase = _name_phrase(trait, tags.get(trait.feature))
        if abs(trait.difference) >= _TRAIT_NAME_STRENGTH and phrase not in phrases:  # age and birth date: "older" once
            phrases.append(phrase)
    phrases = phrases[:phrase_count]
    if not phrases:
        return "Typical customers"
    prefixes = [words for position, words in phrases if position == "prefix"]
    suffixes = [words for position, words in phrases if position == "suffix"]
    name = " ".join([*prefixes, "customers", *suffixes])
    return name[0].upper() + name[1:]


def _unique_names(traits_per_profile: list[list[Trait]], labels: list[Any], tags: dict[str, str | None]) -> list[str]:
    names = [_name(traits, tags, 3) if traits else "Empty segment" for traits in traits_per_profile]
    for phrase_count in (4, 5):  # a longer name usually tells two look-alike segments apart
        clashing = {name for name in names if names.count(name) > 1}
        names = [_name(traits, tags, phrase_count) if name in clashing else name
                 for name, traits in zip(names, traits_per_profile, strict=True)]
    seen: dict[str, int] = {}
    unique = []
    for name, label in zip(names, labels, strict=True):
        unique.append(name if name not in seen and names.count(name) == 1 else f"{name} (segment {label})")
        seen[name] = seen.get(name, 0) + 1
    return unique


def _summary(size: int, share: float, traits: list[Trait]) -> str:
    if size == 0:
        return "No customers are in this segment."
    head = f"{size:,} customers ({share:.0%} of the base)."
    details = "; ".join(trait.text for trait in traits[:3])
    return f"{head} Compared with everyone: {details}." if details else head

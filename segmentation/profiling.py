"""Value profiling: what a sample of one column looks like (shapes, special-category words, lengths).

The profile is the evidence the role rules in :mod:`segmentation.role_rules` read next to the column
name. The work runs on the distinct values of the sample, weighted by how often each occurs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation import value_shapes as shapes
from segmentation import vocabulary as vocab
from segmentation.role_types import DtypeHint

_SHAPE_PATTERNS = {
    "email": shapes.EMAIL_PATTERN,
    "online_id": shapes.IP_PATTERN,
    "person_name": shapes.PERSON_NAME_PATTERN,
    "address": shapes.ADDRESS_PATTERN,
    "number": shapes.NUMBER_PATTERN,
    "date": shapes.DATE_PATTERN,
}
_MAX_WORD_CHECKED_VALUES = 2_000  # the most frequent distinct values searched for special-category words
_NEUTRAL = pa.array(sorted(vocab.NEUTRAL_VALUES))
# One RE2 pattern per special category: any of its words or phrases as a whole word of the folded value.
_SPECIAL_VALUE_PATTERNS = {
    category: r"(^|[^a-z0-9])("
    + "|".join(
        sorted(words) + [phrase.replace(" ", "[^a-z0-9]+") for phrase in vocab.SPECIAL_VALUE_PHRASES.get(category, ())]
    )
    + r")([^a-z0-9]|$)"
    for category, words in vocab.SPECIAL_VALUE_WORDS.items()
}


@dataclass(frozen=True)
class ValueProfile:
    """Evidence from a sample of one column: shares of value shapes, special-category words, lengths."""

    non_missing: int
    distinct: int
    dtype_hint: DtypeHint
    is_text: bool = False
    shares: dict[str, float] = field(default_factory=dict)
    # Shapes only the last rules ask about (person names, addresses under neutral column names): their
    # patterns are costly to compile, so they are matched on first use and the answer kept in ``shares``.
    deferred: dict[str, Callable[[], float]] = field(default_factory=dict, compare=False, repr=False)
    special_values: tuple[str, float] | None = None
    median_length: float = 0.0
    has_spaces: bool = False
    looks_like_birth_dates: bool = False

    @property
    def distinct_ratio(self) -> float:
        return self.distinct / self.non_missing if self.non_missing else 0.0

    @property
    def is_numeric_like(self) -> bool:
        return self.dtype_hint in (DtypeHint.NUMBER, DtypeHint.INTEGER)

    def shape_share(self, kind: str) -> float:
        if kind not in self.shares and kind in self.deferred:
            self.shares[kind] = self.deferred[kind]()
        return self.shares.get(kind, 0.0)

    def strongest_identifier_shape(self) -> tuple[str | None, float]:
        kinds = ("email", "phone", "iban", "online_id")
        best = max(kinds, key=self.shape_share)
        return (best, self.shape_share(best)) if self.shape_share(best) > 0 else (None, 0.0)


def profile_values(series: pd.Series) -> ValueProfile:
    """Profile one (sampled) column; the work is on its distinct values, so it stays fast."""
    present = series.dropna()
    non_missing = len(present)
    if non_missing == 0:
        return ValueProfile(0, 0, DtypeHint.TEXT)
    if pd.api.types.is_bool_dtype(series.dtype):
        return ValueProfile(non_missing, int(present.nunique()), DtypeHint.BOOLEAN)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return ValueProfile(
            non_missing,
            int(present.nunique()),
            DtypeHint.DATE,
            looks_like_birth_dates=_birth_date_like(present.dt.year.to_numpy()),
        )
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = present.to_numpy(dtype=float)
        distinct_values = np.unique(values)
        if len(distinct_values) <= 2 and np.isin(distinct_values, (0.0, 1.0)).all():
            hint = DtypeHint.BOOLEAN
        else:
            whole = np.isfinite(values).all() and np.array_equal(values, np.round(values))
            hint = DtypeHint.INTEGER if whole else DtypeHint.NUMBER
        return ValueProfile(non_missing, len(distinct_values), hint)
    return _profile_text(present.astype("str"), non_missing)


def _profile_text(present: pd.Series, non_missing: int) -> ValueProfile:
    counted = present.value_counts()
    uniques, counts = pd.Series(counted.index.astype("str")), counted.to_numpy()
    trimmed = pc.utf8_trim_whitespace(shapes.arrow_strings(uniques))

    def share(mask: np.ndarray) -> float:
        return float(counts[mask].sum() / non_missing)

    # Cheap pre-checks decide which of the (slower) shape patterns can match at all.
    has_digit = shapes.full_match(trimmed, r"[0-9]").any()
    has_at = bool(pc.any(pc.match_substring(trimmed, "@")).as_py())
    varied = len(uniques) >= 0.3 * non_missing
    wanted = {"email": has_at, "online_id": has_digit, "number": has_digit, "date": has_digit}
    shares = {
        kind: share(shapes.full_match(trimmed, _SHAPE_PATTERNS[kind])) if run else 0.0 for kind, run in wanted.items()
    }

    def deferred_share(kind: str, run: bool) -> Callable[[], float]:
        return lambda: share(shapes.full_match(trimmed, _SHAPE_PATTERNS[kind])) if run else 0.0

    deferred = {
        "person_name": deferred_share("person_name", varied),
        "address": deferred_share("address", varied and has_digit),
    }
    shares["phone"] = share(shapes.phone_shaped_mask(uniques)) if has_digit else 0.0
    shares["phone_any"] = share(shapes.valid_phone_mask(uniques)) if has_digit else 0.0
    shares["iban"] = share(shapes.iban_shaped_mask(uniques)) if has_digit else 0.0
    shares["postcode"] = (
        share(shapes.full_match(pc.utf8_upper(trimmed), shapes.DISTINCT_POSTCODE_PATTERN)) if has_digit else 0.0
    )
    lengths = np.asarray(pc.utf8_length(trimmed).to_numpy(zero_copy_only=False), dtype=float)
    order = np.argsort(lengths, kind="stable")
    median_length = float(lengths[order][np.searchsorted(np.cumsum(counts[order]), non_missing / 2)])
    spaces = share(shapes.full_match(trimmed, r".*\s.*"))
    hint, birth_like = _text_dtype_hint(uniques, counts, shares, median_length)
    top = slice(0, _MAX_WORD_CHECKED_VALUES)
    special = None if shares["email"] > 0.5 else _special_by_values(_fold(trimmed[top]), counts[top], non_missing)
    return ValueProfile(
        non_missing,
        len(uniques),
        hint,
        is_text=True,
        shares=shares,
        deferred=deferred,
        special_values=special,
        median_length=median_length,
        has_spaces=spaces >= 0.2,
        looks_like_birth_dates=birth_like,
    )


def _fold(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Lower-case and accent-free, like :func:`vocabulary.fold_text`, for a whole array at once."""
    return pc.utf8_lower(shapes.strip_accents(pc.replace_substring(values, "ß", "ss")))


def _text_dtype_hint(
    uniques: pd.Series, counts: np.ndarray, shares: dict[str, float], median_length: float
) -> tuple[DtypeHint, bool]:
    folded = uniques.str.strip().str.lower()
    if len(uniques) <= 3 and folded.isin(vocab.TRUE_WORDS | vocab.FALSE_WORDS).all():
        return DtypeHint.BOOLEAN, False
    if shares["number"] >= 0.95:
        whole = uniques.str.fullmatch(r"\s*[+-]?[0-9]+\s*") | ~uniques.str.fullmatch(shapes.NUMBER_PATTERN)
        return (DtypeHint.INTEGER if whole.all() else DtypeHint.NUMBER), False
    if shares["date"] >= 0.9:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "could not infer format" is expected for mixed samples
            parsed = pd.to_datetime(uniques.head(5_000), errors="coerce")
        years = np.repeat(parsed.dt.year.to_numpy(dtype=float), counts[:5_000])
        return DtypeHint.DATE, _birth_date_like(years[~np.isnan(years)])
    non_missing = counts.sum()
    few_values = len(uniques) <= 1_000 and (len(uniques) <= 12 or len(uniques) <= non_missing / 2)
    return (DtypeHint.CATEGORY if few_values and median_length <= 40 else DtypeHint.TEXT), False


def _birth_date_like(years: np.ndarray) -> bool:
    """Birth dates spread over decades and lie 16 to 100 years back."""
    if len(years) < 5:
        return False
    low, median, high = np.percentile(years, (5, 50, 95))
    this_year = pd.Timestamp.now().year
    return high - low >= 30 and this_year - 100 <= median <= this_year - 16


def _special_by_values(
    folded: pa.ChunkedArray | pa.Array, counts: np.ndarray, non_missing: int
) -> tuple[str, float] | None:
    """The special category whose words make up at least 30% of the non-neutral values, if any."""
    neutral = pc.is_in(folded, value_set=_NEUTRAL).fill_null(False)
    neutral_rows = counts[np.asarray(neutral.to_numpy(zero_copy_only=False), dtype=bool)].sum()
    considered = non_missing - neutral_rows
    if considered <= 0:
        return None
    hits = {
        category: int(counts[shapes.full_match(folded, pattern)].sum())
        for category, pattern in _SPECIAL_VALUE_PATTERNS.items()
    }
    category = max(hits, key=hits.__getitem__)
    if hits[category] < min(3, considered) or hits[category] / considered < 0.3:
        return None
    return category, float(hits[category] / considered)

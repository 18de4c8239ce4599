"""Column roles: what each column of a customer table is, guessed from its name and a sample of values.

The guess is a proposal the user confirms or edits (:func:`apply_role_overrides`) before the dataset
is saved. Special categories (GDPR art. 9: religion, health, ethnicity …) win over every other
reading, because missing one is a privacy incident while a false alarm costs one click.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation import vocabulary as vocab


class SchemaError(ValueError):
    """Column roles cannot be read or changed as asked; the message says what to fix."""


class ColumnRoleName(StrEnum):
    """What a column is for; decides whether it may be used for targeting."""

    ID = "id"
    DIRECT_IDENTIFIER = "direct_identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SPECIAL_CATEGORY = "special_category"
    CONSENT = "consent"
    FEATURE = "feature"
    TRANSACTION_DATE = "transaction_date"
    TRANSACTION_AMOUNT = "transaction_amount"
    FREE_TEXT = "free_text"
    IGNORE = "ignore"


class FeatureTag(StrEnum):
    """The marketing-textbook family of a feature column."""

    DEMOGRAPHIC = "demographic"
    GEOGRAPHIC = "geographic"
    PSYCHOGRAPHIC = "psychographic"
    BEHAVIOURAL = "behavioural"


class DtypeHint(StrEnum):
    """What the values are, whatever the parser made of them."""

    NUMBER = "number"
    INTEGER = "integer"
    DATE = "date"
    CATEGORY = "category"
    TEXT = "text"
    BOOLEAN = "boolean"


SPECIAL_CATEGORIES = (*vocab.SPECIAL_NAME_WORDS, "other")
ROLES_FORMAT_VERSION = 1
_KIND_LABELS = {
    "email": "e-mail addresses",
    "phone": "phone numbers",
    "iban": "IBANs",
    "online_id": "IP addresses",
    "postcode": "postcodes",
    "person_name": "person names",
    "address": "street addresses",
}
_COUNTRY_WORDS = ("country", "land", "landcode", "nation", "countrycode")


@dataclass(frozen=True)
class ColumnRole:
    """The role of one column, with the reason in plain words and how sure the guess is (0..1).

    ``kind`` narrows identifiers and quasi-identifiers down ("email", "phone", "postcode", "age",
    "birth_date", "country" …) so quality checks know which shape to validate.
    """

    column: str
    role: str
    tag: str | None = None
    special_category: str | None = None
    reason: str = ""
    confidence: float = 0.5
    dtype_hint: str = DtypeHint.TEXT
    kind: str | None = None


def infer_column_roles(frame: pd.DataFrame, sample_rows: int = 20_000) -> list[ColumnRole]:
    """Guess the role of every column of ``frame`` from its name and up to ``sample_rows`` sampled rows."""
    sample = _spread_sample(frame, sample_rows)
    roles = [
        _classify(column, vocab.normalise_name(column), profile_values(sample[column])) for column in frame.columns
    ]
    return _promote_revenue_in_transaction_tables(roles)


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


def _role(
    column: Any,
    role: str,
    reason: str,
    confidence: float,
    profile: ValueProfile,
    *,
    tag: str | None = None,
    special: str | None = None,
    kind: str | None = None,
) -> ColumnRole:
    return ColumnRole(
        column=column,
        role=str(role),
        tag=tag and str(tag),
        special_category=special,
        reason=reason,
        confidence=round(confidence, 2),
        dtype_hint=str(profile.dtype_hint),
        kind=kind,
    )


def _classify(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole:
    """Walk the rules from most to least sensitive; the first that fits decides."""
    if vocab.first_keyword(vocab.TECHNICAL_NAME_WORDS, name):
        return _role(column, ColumnRoleName.IGNORE, "name looks like a technical row number or index", 0.8, profile)
    special = _special_category(column, name, profile)
    if special is not None:
        return special
    if profile.non_missing == 0:
        return _role(column, ColumnRoleName.IGNORE, "the column holds no values", 0.95, profile)
    consent_word = vocab.first_keyword(vocab.CONSENT_NAME_WORDS, name)
    if consent_word:
        confirmed = profile.dtype_hint == DtypeHint.BOOLEAN
        reason = f"name matches '{consent_word}'" + (" and the values are yes/no" if confirmed else "")
        return _role(column, ColumnRoleName.CONSENT, reason, 0.95 if confirmed else 0.8, profile)
    for rule in (_identifier, _quasi_identifier, _transaction, _text_or_feature, _by_values_only):
        decided = rule(column, name, profile)
        if decided is not None:
            return decided
    return _role(
        column,
        ColumnRoleName.FEATURE,
        "no name or value clue; treated as a behavioural feature — please check",
        0.3,
        profile,
        tag=FeatureTag.BEHAVIOURAL,
    )


def _special_category(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole | None:
    by_name = next(
        (
            (category, word)
            for category, words in vocab.SPECIAL_NAME_WORDS.items()
            if (word := vocab.first_keyword(words, name))
        ),
        None,
    )
    by_values = profile.special_values
    if by_name is None and by_values is None:
        return None
    parts, category, confidence = [], None, 0.9
    if by_name:
        category = by_name[0]
        parts.append(f"name matches '{by_name[1]}' ({category.replace('_', ' ')})")
    if by_values:
        value_category, share = by_values
        category = category or value_category
        confidence = 0.97 if by_name else min(0.95, 0.6 + share / 2)
        parts.append(f"{share:.0%} of sampled values are {value_category.replace('_', ' ')} terms")
    return _role(column, ColumnRoleName.SPECIAL_CATEGORY, " and ".join(parts), confidence, profile, special=category)


def _identifier(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole | None:
    value_kind, value_share = profile.strongest_identifier_shape()
    name_kind, word = _identifier_name(name, profile)
    if value_kind and value_kind != "postcode" and value_share >= 0.6:
        label = _KIND_LABELS[value_kind]
        prefix = f"name matches '{word}' and " if name_kind == value_kind else ""
        confidence = 0.97 if prefix else min(0.95, 0.5 + value_share * 0.45)
        return _role(
            column,
            ColumnRoleName.DIRECT_IDENTIFIER,
            f"{prefix}{value_share:.0%} of sampled values look like {label}",
            confidence,
            profile,
            kind=value_kind,
        )
    if name_kind:
        return _role(column, ColumnRoleName.DIRECT_IDENTIFIER, f"name matches '{word}'", 0.85, profile, kind=name_kind)
    id_word = vocab.first_keyword(vocab.ID_NAME_WORDS, name)
    if id_word:
        unique = profile.distinct_ratio >= 0.98
        reason = f"name matches '{id_word}'" + (" and every sampled value is different" if unique else "")
        return _role(column, ColumnRoleName.ID, reason, 0.95 if unique else 0.85, profile, kind="id")
    return None


def _identifier_name(name: vocab.NormalisedName, profile: ValueProfile) -> tuple[str | None, str | None]:
    """Which identifier the name points at, unless the name or the values say it is something else."""
    if profile.dtype_hint == DtypeHint.BOOLEAN or vocab.first_keyword(vocab.METRIC_NAME_WORDS, name):
        return None, None  # "has_email", "email_opens": a flag or a count, not the address itself
    for kind, words in vocab.IDENTIFIER_NAME_WORDS.items():
        word = vocab.first_keyword(words, name)
        if not word:
            continue
        if kind == "person_name" and vocab.first_keyword(vocab.NOT_A_PERSON_WORDS, name):
            continue
        shape = "phone_any" if kind == "phone" else kind
        if kind in ("email", "phone", "iban") and profile.is_text and profile.shape_share(shape) < 0.2:
            continue  # "preferred_email_day" with weekday values: the name misleads
        return kind, word
    return None, None


def _quasi_identifier(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole | None:
    for kind, words in vocab.QUASI_NAME_WORDS.items():
        word = vocab.first_keyword(words, name)
        if not word:
            continue
        if kind in ("age", "postcode") and vocab.first_keyword(vocab.BANDED_NAME_WORDS, name):
            return None  # "age_group", "pc4", "postcode_area": coarse, handled as features
        if kind == "age" and profile.is_text and profile.shape_share("number") < 0.5:
            return None  # values like "25-34" are bands, not exact ages
        return _role(column, ColumnRoleName.QUASI_IDENTIFIER, f"name matches '{word}'", 0.85, profile, kind=kind)
    if profile.shape_share("postcode") >= 0.6:
        share = profile.shape_share("postcode")
        return _role(
            column,
            ColumnRoleName.QUASI_IDENTIFIER,
            f"{share:.0%} of sampled values look like postcodes",
            min(0.9, 0.5 + share * 0.4),
            profile,
            kind="postcode",
        )
    return None


def _transaction(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole | None:
    summary = vocab.first_keyword(vocab.SUMMARY_DATE_WORDS, name)
    word = vocab.first_keyword(vocab.TRANSACTION_DATE_NAME_WORDS, name)
    if word and not summary and profile.dtype_hint in (DtypeHint.DATE, DtypeHint.TEXT, DtypeHint.CATEGORY):
        confirmed = profile.dtype_hint == DtypeHint.DATE
        return _role(
            column,
            ColumnRoleName.TRANSACTION_DATE,
            f"name matches '{word}'" + (" and the values are dates" if confirmed else ""),
            0.95 if confirmed else 0.7,
            profile,
        )
    word = vocab.first_keyword(vocab.TRANSACTION_AMOUNT_NAME_WORDS, name)
    if word and not vocab.first_keyword(vocab.AVERAGE_NAME_WORDS, name) and profile.is_numeric_like:
        return _role(
            column, ColumnRoleName.TRANSACTION_AMOUNT, f"name matches '{word}' and the values are numbers", 0.9, profile
        )
    return None


def _text_or_feature(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole | None:
    word = vocab.first_keyword(vocab.FREE_TEXT_NAME_WORDS, name)
    if word:
        return _role(column, ColumnRoleName.FREE_TEXT, f"name matches '{word}'", 0.85, profile)
    word = vocab.first_keyword(vocab.DESCRIPTION_NAME_WORDS, name)
    if word and profile.median_length >= 40:
        return _role(
            column,
            ColumnRoleName.FREE_TEXT,
            f"name matches '{word}' and values are long texts (median {profile.median_length:.0f} characters)",
            0.8,
            profile,
        )
    if word:
        return _role(
            column,
            ColumnRoleName.FEATURE,
            f"name matches '{word}' and values are short labels (what was bought)",
            0.6,
            profile,
            tag=FeatureTag.BEHAVIOURAL,
        )
    tag, word = feature_tag_from_name(name)
    if tag is None:
        return None
    if profile.distinct == 1:
        return _role(column, ColumnRoleName.IGNORE, f"name matches '{word}' but every value is the same", 0.8, profile)
    kind = "country" if word in _COUNTRY_WORDS else None
    return _role(column, ColumnRoleName.FEATURE, f"name matches '{word}' ({tag})", 0.85, profile, tag=tag, kind=kind)


def feature_tag_from_name(name: vocab.NormalisedName) -> tuple[FeatureTag | None, str | None]:
    """The feature family a column name points at, with the keyword that decided it."""
    for tag, words in vocab.FEATURE_NAME_WORDS.items():
        word = vocab.first_keyword(words, name)
        if word:
            return FeatureTag(tag), word
    return None, None


def _by_values_only(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole | None:
    """Neutral names ("col7", "field_x"): decide from what the values look like."""
    if profile.distinct == 1:
        return _role(column, ColumnRoleName.IGNORE, "every value is the same", 0.85, profile)
    for kind, min_distinct_ratio in (("person_name", 0.5), ("address", 0.3)):
        share = profile.shape_share(kind)
        if share >= 0.6 and profile.distinct_ratio >= min_distinct_ratio:
            return _role(
                column,
                ColumnRoleName.DIRECT_IDENTIFIER,
                f"{share:.0%} of sampled values look like {_KIND_LABELS[kind]}",
                min(0.8, 0.4 + share * 0.4),
                profile,
                kind=kind,
            )
    if profile.dtype_hint == DtypeHint.DATE and profile.looks_like_birth_dates:
        return _role(
            column,
            ColumnRoleName.QUASI_IDENTIFIER,
            "dates spread over decades, like birth dates",
            0.5,
            profile,
            kind="birth_date",
        )
    if profile.median_length >= 40 and profile.distinct_ratio >= 0.5:
        return _role(
            column,
            ColumnRoleName.FREE_TEXT,
            f"values are long texts (median {profile.median_length:.0f} characters)",
            0.6,
            profile,
        )
    id_like = profile.dtype_hint in (DtypeHint.INTEGER, DtypeHint.TEXT) and not profile.has_spaces
    if id_like and profile.distinct_ratio >= 0.98 and profile.non_missing >= 20:
        return _role(column, ColumnRoleName.ID, "every sampled value is different and short", 0.6, profile, kind="id")
    return None


def _promote_revenue_in_transaction_tables(roles: list[ColumnRole]) -> list[ColumnRole]:
    """In a table of transactions (it has a transaction date) a revenue column is the amount per row."""
    present = {role.role for role in roles}
    if ColumnRoleName.TRANSACTION_DATE not in present or ColumnRoleName.TRANSACTION_AMOUNT in present:
        return roles
    for position, role in enumerate(roles):
        name = vocab.normalise_name(role.column)
        word = vocab.first_keyword(vocab.REVENUE_NAME_WORDS, name)
        if (
            role.role == ColumnRoleName.FEATURE
            and word
            and role.dtype_hint in (DtypeHint.NUMBER, DtypeHint.INTEGER)
            and not vocab.first_keyword(vocab.AVERAGE_NAME_WORDS, name)
        ):
            reason = f"name matches '{word}' in a table of transactions (it has a transaction date)"
            return [
                *roles[:position],
                replace(role, role=str(ColumnRoleName.TRANSACTION_AMOUNT), tag=None, reason=reason),
                *roles[position + 1 :],
            ]
    return roles


# --- what the sampled values look like -----------------------------------------------------------------

_SHAPE_PATTERNS = {
    "email": vocab.EMAIL_PATTERN,
    "online_id": vocab.IP_PATTERN,
    "person_name": vocab.PERSON_NAME_PATTERN,
    "address": vocab.ADDRESS_PATTERN,
    "number": vocab.NUMBER_PATTERN,
    "date": vocab.DATE_PATTERN,
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
    trimmed = pc.utf8_trim_whitespace(vocab.arrow_strings(uniques))

    def share(mask: np.ndarray) -> float:
        return float(counts[mask].sum() / non_missing)

    # Cheap pre-checks decide which of the (slower) shape patterns can match at all.
    has_digit = vocab.full_match(trimmed, r"[0-9]").any()
    has_at = bool(pc.any(pc.match_substring(trimmed, "@")).as_py())
    varied = len(uniques) >= 0.3 * non_missing
    wanted = {
        "email": has_at,
        "online_id": has_digit,
        "number": has_digit,
        "date": has_digit,
        "person_name": varied,
        "address": varied and has_digit,
    }
    shares = {
        kind: share(vocab.full_match(trimmed, _SHAPE_PATTERNS[kind])) if run else 0.0 for kind, run in wanted.items()
    }
    shares["phone"] = share(vocab.phone_shaped_mask(uniques)) if has_digit else 0.0
    shares["phone_any"] = share(vocab.valid_phone_mask(uniques)) if has_digit else 0.0
    shares["iban"] = share(vocab.iban_shaped_mask(uniques)) if has_digit else 0.0
    shares["postcode"] = (
        share(vocab.full_match(pc.utf8_upper(trimmed), vocab.DISTINCT_POSTCODE_PATTERN)) if has_digit else 0.0
    )
    lengths = np.asarray(pc.utf8_length(trimmed).to_numpy(zero_copy_only=False), dtype=float)
    order = np.argsort(lengths, kind="stable")
    median_length = float(lengths[order][np.searchsorted(np.cumsum(counts[order]), non_missing / 2)])
    spaces = share(vocab.full_match(trimmed, r".*\s.*"))
    hint, birth_like = _text_dtype_hint(uniques, counts, shares, median_length)
    top = slice(0, _MAX_WORD_CHECKED_VALUES)
    special = None if shares["email"] > 0.5 else _special_by_values(_fold(trimmed[top]), counts[top], non_missing)
    return ValueProfile(
        non_missing,
        len(uniques),
        hint,
        is_text=True,
        shares=shares,
        special_values=special,
        median_length=median_length,
        has_spaces=spaces >= 0.2,
        looks_like_birth_dates=birth_like,
    )


def _fold(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Lower-case and accent-free, like :func:`vocabulary.fold_text`, for a whole array at once."""
    decomposed = pc.utf8_normalize(pc.replace_substring(values, "ß", "ss"), "NFKD")
    return pc.utf8_lower(pc.replace_substring_regex(decomposed, r"\p{Mn}", ""))


def _text_dtype_hint(
    uniques: pd.Series, counts: np.ndarray, shares: dict[str, float], median_length: float
) -> tuple[DtypeHint, bool]:
    folded = uniques.str.strip().str.lower()
    if len(uniques) <= 3 and folded.isin(vocab.TRUE_WORDS | vocab.FALSE_WORDS).all():
        return DtypeHint.BOOLEAN, False
    if shares["number"] >= 0.95:
        whole = uniques.str.fullmatch(r"\s*[+-]?[0-9]+\s*") | ~uniques.str.fullmatch(vocab.NUMBER_PATTERN)
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
        category: int(counts[vocab.full_match(folded, pattern)].sum())
        for category, pattern in _SPECIAL_VALUE_PATTERNS.items()
    }
    category = max(hits, key=hits.__getitem__)
    if hits[category] < min(3, considered) or hits[category] / considered < 0.3:
        return None
    return category, float(hits[category] / considered)


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

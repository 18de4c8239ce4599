"""Role rules: decide one column's role from its normalised name and its value profile.

The rules run from most to least sensitive and the first that fits decides; each returns a
:class:`ColumnRole` with the reason in plain words, or None to pass the column on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from segmentation import vocabulary as vocab
from segmentation.profiling import ValueProfile
from segmentation.role_types import ColumnRole, ColumnRoleName, DtypeHint, FeatureTag

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


def classify_column(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole:
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
    for rule in (_identifier, _age, _quasi_identifier, _transaction, _text_or_feature, _by_values_only):
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


def _age(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole | None:
    """Age, exact or banded, is the main demographic segmentation variable: a feature, tagged as such.

    It keeps ``kind="age"`` so the quality checks still validate it, and the reason warns that next
    to other columns (postcode, gender, birth date) it helps single a person out.
    """
    word = vocab.first_keyword(vocab.AGE_NAME_WORDS, name)
    if not word:
        return None
    return _role(
        column,
        ColumnRoleName.FEATURE,
        f"name matches '{word}' (demographic); age is a quasi-identifier in combination with other columns "
        "such as postcode or gender",
        0.85,
        profile,
        tag=FeatureTag.DEMOGRAPHIC,
        kind="age",
    )


def _quasi_identifier(column: Any, name: vocab.NormalisedName, profile: ValueProfile) -> ColumnRole | None:
    for kind, words in vocab.QUASI_NAME_WORDS.items():
        word = vocab.first_keyword(words, name)
        if not word:
            continue
        if kind == "postcode" and vocab.first_keyword(vocab.BANDED_NAME_WORDS, name):
            return None  # "pc4", "postcode_area": coarse, handled as features
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


def promote_revenue_in_transaction_tables(roles: list[ColumnRole]) -> list[ColumnRole]:
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

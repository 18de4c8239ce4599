"""Which columns may be used for segmentation, targeting and export, with GDPR Art. 9 as the hard line.

Special categories of personal data (Art. 9(1) GDPR) are excluded from every use by default. An admin
can allow one column of one dataset by recording a ``SpecialCategoryAllowance``: the Art. 9(2) legal
basis, a reason in plain words, who granted it and when. The other rules follow from the column's role:
direct identifiers and free text never feed segments or targeting, ids only link records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Use = Literal["segmentation", "targeting", "export"]
USES: tuple[str, ...] = ("segmentation", "targeting", "export")

ROLES: tuple[str, ...] = (
    "id", "direct_identifier", "quasi_identifier", "special_category", "consent", "feature",
    "transaction_date", "transaction_amount", "free_text", "ignore",
)

# Art. 9(1) GDPR, in the app's three languages.
SPECIAL_CATEGORIES: dict[str, dict[str, str]] = {
    "ethnicity": {"en": "Racial or ethnic origin", "nl": "Ras of etnische afkomst",
                  "de": "Rassische oder ethnische Herkunft"},
    "political_opinion": {"en": "Political opinions", "nl": "Politieke opvattingen",
                          "de": "Politische Meinungen"},
    "religion": {"en": "Religious or philosophical beliefs",
                 "nl": "Religieuze of levensbeschouwelijke overtuigingen",
                 "de": "Religiöse oder weltanschauliche Überzeugungen"},
    "trade_union_membership": {"en": "Trade-union membership", "nl": "Lidmaatschap van een vakbond",
                               "de": "Gewerkschaftszugehörigkeit"},
    "genetic_data": {"en": "Genetic data", "nl": "Genetische gegevens", "de": "Genetische Daten"},
    "biometric_data": {"en": "Biometric data (to identify a person)",
                       "nl": "Biometrische gegevens (om iemand te identificeren)",
                       "de": "Biometrische Daten (zur Identifizierung)"},
    "health": {"en": "Health", "nl": "Gezondheid", "de": "Gesundheit"},
    "sexual_orientation": {"en": "Sex life or sexual orientation",
                           "nl": "Seksueel gedrag of seksuele gerichtheid",
                           "de": "Sexualleben oder sexuelle Orientierung"},
}

# Art. 9(2) GDPR: the only grounds on which special-category data may be processed.
LEGAL_BASES: dict[str, str] = {
    "art9_2_a": "Art. 9(2)(a) explicit consent of the data subject",
    "art9_2_b": "Art. 9(2)(b) obligations in employment and social security law",
    "art9_2_c": "Art. 9(2)(c) vital interests of a person unable to consent",
    "art9_2_d": "Art. 9(2)(d) members of a foundation, association or other not-for-profit body",
    "art9_2_e": "Art. 9(2)(e) data manifestly made public by the data subject",
    "art9_2_f": "Art. 9(2)(f) legal claims or courts acting in their judicial capacity",
    "art9_2_g": "Art. 9(2)(g) substantial public interest under EU or member-state law",
    "art9_2_h": "Art. 9(2)(h) preventive or occupational medicine, health or social care",
    "art9_2_i": "Art. 9(2)(i) public health",
    "art9_2_j": "Art. 9(2)(j) archiving in the public interest, research or statistics",
}

MINIMUM_REASON_LENGTH = 10

# Why a role is not usable, per use; a role missing here is usable for that use.
_ROLE_EXCLUSIONS: dict[str, dict[str, str]] = {
    "id": {
        "segmentation": "an id only links records; it says nothing about the customer",
        "targeting": "an id only links records; it says nothing about the customer",
    },
    "direct_identifier": {
        "segmentation": "a direct identifier (name, e-mail, phone, address, IBAN…) is never used to form segments",
        "targeting": "a direct identifier (name, e-mail, phone, address, IBAN…) is never used to pick an audience",
    },
    "consent": {
        use: "consent comes from the consent ledger when the audience is built, not from a copy in the data"
        for use in USES
    },
    "free_text": {
        use: "free text can contain anything, including health or religion details, so it is never used"
        for use in USES
    },
    "ignore": {use: "the column is marked as not needed" for use in USES},
}


class SpecialCategoryError(ValueError):
    """An allowance or a usage question is invalid; the message says which field and what is accepted."""


@dataclass(frozen=True)
class SpecialCategoryAllowance:
    """An admin's recorded permission to use one special-category column of a dataset.

    ``uses`` narrows the permission (default: segmentation, targeting and export).
    """

    column: str
    category: str
    legal_basis: str
    reason: str
    granted_by: str
    granted_at: datetime
    uses: frozenset[str] = field(default_factory=lambda: frozenset(USES))

    def __post_init__(self) -> None:
        if not str(self.column).strip():
            raise SpecialCategoryError("An allowance needs the column it applies to.")
        if self.category not in SPECIAL_CATEGORIES:
            raise SpecialCategoryError(
                f"category={self.category!r}: expected one of {', '.join(SPECIAL_CATEGORIES)}")
        if self.legal_basis not in LEGAL_BASES:
            raise SpecialCategoryError(
                f"legal_basis={self.legal_basis!r}: expected one of the Art. 9(2) GDPR grounds "
                f"{', '.join(LEGAL_BASES)}")
        if len(str(self.reason).strip()) < MINIMUM_REASON_LENGTH:
            raise SpecialCategoryError(
                f"Give a reason of at least {MINIMUM_REASON_LENGTH} characters for using "
                f"'{self.column}' ({category_label(self.category)}).")
        if not str(self.granted_by).strip():
            raise SpecialCategoryError("An allowance must name the admin who granted it.")
        if not isinstance(self.granted_at, datetime) or self.granted_at.tzinfo is None:
            raise SpecialCategoryError("granted_at must be a timezone-aware datetime.")
        unknown = set(self.uses) - set(USES)
        if unknown or not self.uses:
            raise SpecialCategoryError(f"uses={sorted(self.uses)!r}: expected one or more of {', '.join(USES)}")
        object.__setattr__(self, "uses", frozenset(self.uses))

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form for storage and the audit log."""
        return {"column": self.column, "category": self.category, "legal_basis": self.legal_basis,
                "reason": self.reason, "granted_by": self.granted_by,
                "granted_at": self.granted_at.isoformat(), "uses": sorted(self.uses)}


def category_label(category: str, language: str = "en") -> str:
    """The label of a special category in ``language`` (en, nl, de); the key itself when unknown."""
    labels = SPECIAL_CATEGORIES.get(category)
    if labels is None:
        return category
    return labels.get(language, labels["en"])


def _role_of(info: dict[str, Any] | None) -> str:
    return str((info or {}).get("role") or "").strip()


def _category_of(info: dict[str, Any] | None) -> str:
    return str((info or {}).get("special_category") or "").strip()


def is_special_category(info: dict[str, Any] | None) -> bool:
    """True when a column's role info marks it as special-category data (by role or by category)."""
    return _role_of(info) == "special_category" or bool(_category_of(info))


def _special_category_decision(column: str, info: dict[str, Any], allowances: Iterable[SpecialCategoryAllowance],
                               use: str) -> tuple[bool, str]:
    category = _category_of(info)
    kind = f"special-category data ({category_label(category)})" if category else "special-category data"
    for allowance in allowances:
        if allowance.column != column:
            continue
        if category and allowance.category != category:
            return False, (f"{kind}; the recorded allowance names {category_label(allowance.category)} "
                           "instead, so it does not apply")
        if use not in allowance.uses:
            return False, f"{kind}; the allowance by {allowance.granted_by} does not cover {use}"
        return True, (f"allowed by {allowance.granted_by} on {allowance.granted_at:%Y-%m-%d} under "
                      f"{LEGAL_BASES[allowance.legal_basis]}: {allowance.reason}")
    return False, (f"{kind} is excluded from {use} unless an admin records an allowance with a legal basis "
                   "and a reason")


def column_usage(roles: dict[str, dict[str, Any]], allowances: Iterable[SpecialCategoryAllowance],
                 use: Use) -> dict[str, tuple[bool, str]]:
    """For every column: whether it may be used for ``use`` and why, in plain words."""
    if use not in USES:
        raise SpecialCategoryError(f"use={use!r}: expected one of {', '.join(USES)}")
    allowances = list(allowances)
    decisions: dict[str, tuple[bool, str]] = {}
    for column, info in roles.items():
        role = _role_of(info)
        # The role's own exclusion comes first: an allowance never makes free text or an identifier usable.
        if role not in ROLES:
            decisions[column] = (False, f"the column has no known role ({role or 'none'}); give it one first")
        elif use in _ROLE_EXCLUSIONS.get(role, {}):
            decisions[column] = (False, _ROLE_EXCLUSIONS[role][use])
        elif is_special_category(info):
            decisions[column] = _special_category_decision(column, info, allowances, use)
        elif role == "id":
            decisions[column] = (True, "usable as the key that links records")
        else:
            decisions[column] = (True, f"usable ({role.replace('_', ' ')})")
    return decisions


def usable_columns(roles: dict[str, dict[str, Any]], allowances: Iterable[SpecialCategoryAllowance],
                   use: Use) -> list[str]:
    """The columns that may be used for ``use``, in the order of ``roles``."""
    return [column for column, (usable, _) in column_usage(roles, allowances, use).items() if usable]


def excluded_columns(roles: dict[str, dict[str, Any]], allowances: Iterable[SpecialCategoryAllowance],
                     use: Use) -> dict[str, str]:
    """The columns that may not be used for ``use``, each with the reason in plain words."""
    return {column: reason for column, (usable, reason) in column_usage(roles, allowances, use).items()
            if not usable}

"""The vocabulary of column roles: role names, feature tags, value types and the :class:`ColumnRole` record."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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

"""Keyed pseudonyms for direct identifiers (HMAC-SHA256), stable across files and imports.

The same person gets the same pseudonym wherever their identifier appears, as long as the key is the
same: values are normalised first (an e-mail address is trimmed and case-folded, a phone number keeps
only its digits), so "Jan@Example.nl " in one file and "jan@example.nl" in another link up. Without the
key a pseudonym cannot be traced back or recomputed; see ``privacy.keys``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from privacy.keys import key_fingerprint

IdentifierKind = Literal["auto", "email", "phone", "iban", "text"]
IDENTIFIER_KINDS: tuple[str, ...] = ("auto", "email", "phone", "iban", "text")
PSEUDONYM_PREFIX = "p_"
PSEUDONYM_HEX_LENGTH = 20  # 80 bits: collisions stay negligible far beyond 10^9 distinct values

# Patterns avoid \s and \d on purpose: pandas then runs them in pyarrow (RE2), many times faster than re.
# A phone number: optional leading +, digits and the usual separators, at least 6 digits.
_PHONE_SHAPE = r"\+?[0-9 \t()./-]+"
_IBAN_SHAPE = r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}"
_WHITESPACE = "[ \t\n\r\f\v]"  # after NFKC, other Unicode spaces have become " "
_BLOCK_SIZE = 64  # SHA-256 block size, for the HMAC pads
# pandas 3 has a default "str" dtype (missing = NaN); pandas 2 keeps text in object columns.
TEXT_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


class PseudonymisationError(ValueError):
    """A pseudonymisation request cannot be carried out; the message names the column."""


@dataclass(frozen=True)
class PseudonymisedColumn:
    """What happened to one column: how many values were replaced and how many were missing."""

    column: str
    kind: str
    pseudonymised_values: int
    distinct_values: int
    missing_values: int


@dataclass(frozen=True)
class PseudonymisationRecord:
    """What ``pseudonymise_frame`` did, safe to store: no values, only counts and the key fingerprint."""

    columns: tuple[PseudonymisedColumn, ...]
    subject_column: str | None
    namespace: str
    key_fingerprint: str

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form for metadata and the audit log."""
        return {
            "subject_column": self.subject_column,
            "namespace": self.namespace,
            "key_fingerprint": self.key_fingerprint,
            "columns": [vars(entry) for entry in self.columns],
        }


def normalise_identifiers(values: pd.Series, kind: IdentifierKind = "auto") -> pd.Series:
    """The canonical text of each identifier, as hashed by ``pseudonymise``; blank becomes missing.

    - email: trimmed and case-folded.
    - phone: digits only, with a leading ``+`` written as ``00`` and a ``(0)`` trunk marker removed,
      so "+31 (0)6-1234 5678", "0031 6 12345678" and "0031612345678" agree.
    - iban: spaces removed, upper case.
    - text: Unicode NFKC, trimmed, inner whitespace collapsed (case is kept: ids may be case-sensitive).
    - auto: per value — e-mail when it contains "@", phone when it looks like a phone number,
      IBAN when it has the IBAN shape, text otherwise.
    """
    if kind not in IDENTIFIER_KINDS:
        raise PseudonymisationError(f"kind={kind!r}: expected one of {', '.join(IDENTIFIER_KINDS)}")
    text = _clean_text(identifiers_as_text(values))
    if kind != "auto":
        return _NORMALISERS[kind](text)
    result = text
    undecided = text.notna().to_numpy(dtype=bool, copy=True)
    # Each check runs only on the values no earlier check claimed: most columns are one kind.
    for claims, normalise in ((_looks_like_email, _normalise_email), (_looks_like_phone, _normalise_phone),
                              (_looks_like_iban, _normalise_iban), (None, _normalise_text)):
        positions = np.flatnonzero(undecided)
        if not len(positions):
            break
        candidates = text.iloc[positions]
        claimed = np.ones(len(positions), dtype=bool) if claims is None else claims(candidates)
        if claimed.any():
            result = _put(result, positions[claimed], normalise(candidates[claimed]))
            undecided[positions[claimed]] = False
    return result


def _put(target: pd.Series, positions: np.ndarray, values: pd.Series) -> pd.Series:
    updated = target.copy()
    updated.iloc[positions] = values.to_numpy()
    return updated


def _flag(matches: pd.Series) -> np.ndarray:
    return matches.fillna(False).to_numpy(dtype=bool, copy=True)


def _looks_like_email(text: pd.Series) -> np.ndarray:
    return _flag(text.str.contains("@", regex=False))


def _looks_like_phone(text: pd.Series) -> np.ndarray:
    shaped = _flag(text.str.fullmatch(_PHONE_SHAPE))
    if shaped.any():
        shaped[shaped] = _flag(text[shaped].str.replace("[^0-9]+", "", regex=True).str.len() >= 6)
    return shaped


def _looks_like_iban(text: pd.Series) -> np.ndarray:
    return _flag(text.str.fullmatch(r"[A-Za-z0-9 ]+")) & _flag(
        text.str.replace(" ", "", regex=False).str.upper().str.fullmatch(_IBAN_SHAPE))


def _non_ascii(text: pd.Series) -> np.ndarray:
    flags = text.str.isascii() if hasattr(text.str, "isascii") else text.str.fullmatch(r"[\x00-\x7f]*")
    return ~_flag(flags) & text.notna().to_numpy(dtype=bool)


def _clean_text(text: pd.Series) -> pd.Series:
    """NFKC where a value has non-ASCII characters (ASCII is already normal), trimmed, blank → missing."""
    non_ascii = _non_ascii(text)
    if non_ascii.any():
        text = _put(text, np.flatnonzero(non_ascii), text[non_ascii].str.normalize("NFKC"))
    text = text.str.strip()
    return text.mask(text == "")


def identifiers_as_text(values: pd.Series) -> pd.Series:
    """Values as a ``string`` series; whole-number floats lose their ".0" (ids read as floats from a file)."""
    values = pd.Series(values)
    if pd.api.types.is_float_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(numbers) & (numbers % 1 == 0) & (np.abs(numbers) < 2**63)
        as_integers = values.where(whole).astype("Int64").astype("string")
        return as_integers.where(whole, values.astype("string"))
    if pd.api.types.is_object_dtype(values.dtype):
        values = values.map(_whole_float_as_int, na_action="ignore")
    return values.astype("string")


def _whole_float_as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _normalise_email(text: pd.Series) -> pd.Series:
    # lower() equals casefold() on ASCII and is far faster; casefold only where it can differ.
    lowered = text.str.lower()
    non_ascii = _non_ascii(text)
    if non_ascii.any():
        lowered = _put(lowered, np.flatnonzero(non_ascii), text[non_ascii].str.casefold())
    return lowered


def _normalise_phone(text: pd.Series) -> pd.Series:
    digits = (text.str.replace(r"^\+", "00", regex=True)
              .str.replace("(0)", "", regex=False)
              .str.replace("[^0-9]+", "", regex=True))
    return digits.mask(digits == "")


def _normalise_iban(text: pd.Series) -> pd.Series:
    return text.str.replace("[ \t]+", "", regex=True).str.upper()


def _normalise_text(text: pd.Series) -> pd.Series:
    spaced = _flag(text.str.contains(f"{_WHITESPACE}{{2,}}|[\t\n\r\f\v]", regex=True))
    if not spaced.any():
        return text
    return _put(text, np.flatnonzero(spaced), text[spaced].str.replace(f"{_WHITESPACE}+", " ", regex=True))


_NORMALISERS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "email": _normalise_email, "phone": _normalise_phone, "iban": _normalise_iban, "text": _normalise_text,
}


def _keyed_hasher(key: bytes, namespace: str) -> Callable[[Iterable[str]], list[str]]:
    """HMAC-SHA256 over ``namespace + 0x1F + value``, built from hashlib copies.

    Copying pre-keyed SHA-256 states is about twice as fast as ``hmac.new`` per value, which matters
    at a million distinct identifiers; a test checks it agrees with the standard library's HMAC.
    """
    if not isinstance(key, bytes | bytearray) or not key:
        raise PseudonymisationError(
            "The pseudonymisation key must be non-empty bytes; load it with privacy.keys.load_pseudonym_key().")
    # Standard HMAC key preparation: hash keys longer than a block, then pad with zeros.
    short_key = hashlib.sha256(key).digest() if len(key) > _BLOCK_SIZE else bytes(key)
    padded = short_key.ljust(_BLOCK_SIZE, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
    inner.update(namespace.encode("utf-8") + b"\x1f")
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))

    def hash_all(values: Iterable[str]) -> list[str]:
        inner_copy, outer_copy = inner.copy, outer.copy
        pseudonyms = []
        for value in values:
            inner_state = inner_copy()
            inner_state.update(value.encode("utf-8"))
            outer_state = outer_copy()
            outer_state.update(inner_state.digest())
            pseudonyms.append(PSEUDONYM_PREFIX + outer_state.hexdigest()[:PSEUDONYM_HEX_LENGTH])
        return pseudonyms

    return hash_all


def pseudonymise(values: pd.Series, key: bytes, *, namespace: str = "subject",
                 kind: IdentifierKind = "auto") -> pd.Series:
    """Replace each identifier by a stable keyed pseudonym ``"p_" + 20 hex``; missing stays missing.

    Values are normalised first (see ``normalise_identifiers``), and each distinct normalised value is
    hashed once. The same key and namespace always give the same pseudonym; a different namespace
    gives unrelated pseudonyms (use it to keep two purposes unlinkable).
    """
    values = pd.Series(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    normalised = normalise_identifiers(pd.Series(uniques), kind)
    normalised_codes, distinct_normalised = pd.factorize(normalised, use_na_sentinel=True)
    hashed = _keyed_hasher(key, namespace)(distinct_normalised.tolist())
    # The trailing None makes code -1 (missing) look up "missing" without a second mask.
    lookup = np.array([*hashed, None], dtype=object)
    per_unique = np.append(lookup[normalised_codes], None)
    result = per_unique[codes]
    return pd.Series(result, index=values.index, name=values.name, dtype=TEXT_DTYPE)


def pseudonymise_frame(frame: pd.DataFrame, columns: Iterable[str], key: bytes, *,
                       id_column: str | None = None, namespace: str = "subject",
                       kinds: dict[str, IdentifierKind] | None = None,
                       ) -> tuple[pd.DataFrame, PseudonymisationRecord]:
    """Return a copy of ``frame`` with ``columns`` (and ``id_column``) replaced by pseudonyms.

    Columns keep their names and positions. ``id_column`` names the subject key: it is pseudonymised
    too, so the stored data carries pseudonymous subject ids that match consent records pseudonymised
    with the same key. ``kinds`` overrides the normalisation per column (default ``"auto"``).
    The record lists counts per column and the key fingerprint, never any value.
    """
    targets = list(dict.fromkeys(columns))
    if id_column is not None and id_column not in targets:
        targets.insert(0, id_column)
    missing = [column for column in targets if column not in frame.columns]
    if missing:
        raise PseudonymisationError(
            f"Cannot pseudonymise {', '.join(map(repr, missing))}: no such column; the data has "
            f"{', '.join(map(repr, map(str, frame.columns)))}."
        )
    kinds = kinds or {}
    result = frame.copy()
    done = []
    for column in targets:
        kind = kinds.get(column, "auto")
        pseudonyms = pseudonymise(frame[column], key, namespace=namespace, kind=kind)
        result[column] = pseudonyms
        present = int(pseudonyms.notna().sum())
        done.append(PseudonymisedColumn(column=column, kind=kind, pseudonymised_values=present,
                                        distinct_values=int(pseudonyms.nunique()),
                                        missing_values=len(pseudonyms) - present))
    record = PseudonymisationRecord(columns=tuple(done), subject_column=id_column, namespace=namespace,
                                    key_fingerprint=key_fingerprint(key))
    return result, record

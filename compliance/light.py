"""The light normal form of a message, with a map from every light character back to the original.

NFKC, case folding, diacritics removed, look-alike letters (Cyrillic/Greek) mapped to Latin, digits of
any script written as ASCII digits, zero-width characters dropped, typographic quotes/dashes folded to
ASCII. Numbers stay intact, so regex patterns such as ``5% APR`` run on this text. Pure ASCII costs one
``lower()``; other text a translation learnt per character, and the per-character path only for
characters that change length (ß, ligatures, combining accents).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from compliance.lexicon import LOOKALIKES, PUNCTUATION

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_TRANSLATE_LIMIT = 50_000
# Light forms of non-ASCII characters that map to exactly one character, and the characters that change
# length or vanish (those take the slow, per-character path).
_ONE_TO_ONE: dict[str, str] = {}
_IRREGULAR: set[str] = set()


@lru_cache(maxsize=8192)
def is_word_character(char: str) -> bool:
    """True for a character the word tokeniser keeps (a letter or digit of any script)."""
    return char.isalnum()


@lru_cache(maxsize=8192)
def _light_char(char: str) -> str:
    """The light normal form of one non-ASCII character ("" when it carries no letter)."""
    if char in PUNCTUATION:
        return PUNCTUATION[char]
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Me"):
        return ""
    if category == "Nd":  # any script's digits ("٣", "３") read as ASCII digits, so patterns see one kind
        return str(unicodedata.decimal(char))
    folded = unicodedata.normalize("NFKC", char).casefold()
    stripped = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return "".join(LOOKALIKES.get(c, c) for c in stripped)


class LightText:
    """The light normal form with, for each of its characters, the original span it came from."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: list[int] | range, ends: list[int] | range) -> None:
        self.text, self.starts, self.ends = text, starts, ends

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) covered by light characters [start, end)."""
        return self.starts[start], self.ends[end - 1]


def _one_to_one(text: str) -> list[tuple[str, str]] | None:
    """(character, light form) for the non-ASCII characters of ``text`` when each light form is one
    character long, else None (learnt lazily per character)."""
    replacements = []
    for char in set(_NON_ASCII.findall(text)):
        piece = _ONE_TO_ONE.get(char)
        if piece is None:
            if char in _IRREGULAR:
                return None
            piece = _light_char(char)
            if len(piece) != 1 or unicodedata.combining(char) or len(_ONE_TO_ONE) >= _TRANSLATE_LIMIT:
                if len(_IRREGULAR) < _TRANSLATE_LIMIT:
                    _IRREGULAR.add(char)
                return None
            _ONE_TO_ONE[char] = piece
        replacements.append((char, piece))
    return replacements


def light_normalise(text: str) -> LightText:
    """NFKC + case folding + diacritics/look-alike folding, with an offset map back to ``text``."""
    size = len(text)
    if text.isascii():
        return LightText(text.lower(), range(size), range(1, size + 1))
    replacements = _one_to_one(text)
    if replacements is not None:
        for char, piece in replacements:
            text = text.replace(char, piece)
        return LightText(text.lower(), range(size), range(1, size + 1))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        piece = char.lower() if char.isascii() else _light_char(char)
        if not piece:
            if ends and unicodedata.combining(char):
                ends[-1] = index + 1  # a combining accent belongs to the letter before it
            continue
        pieces.append(piece)
        starts.extend([index] * len(piece))
        ends.extend([index + 1] * len(piece))
    return LightText("".join(pieces), starts, ends)


def light_normalise_string(text: str) -> str:
    """Just the light normal form of ``text`` (for terms, stop words and pattern sources)."""
    return light_normalise(text).text

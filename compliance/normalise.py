"""Normalise a message for matching while keeping a map from every normalised letter back to the original.

Two layers, both offset-preserving:

* **light** text (`compliance.light`) — NFKC, case folding, diacritics and look-alikes folded; regex
  patterns run here.
* **words** (`compliance.words`) — the light text cut into words, with letters spelled out with
  separators joined ("b.e.t.t.i.n.g", "c a s i n o"), leetspeak read inside words that have letters
  ("c4s1n0"), and repeated letters collapsed ("caaasino" → "casino"). Keyword terms run here.

Cutting into words has a **common path** for text whose words are runs of ASCII letters and digits (no
"_", no leet symbol inside a word, no non-ASCII letter, no three one-character words in a row): one
bytes translation and a split instead of a regex, with spans derived only when a hit needs them. Any
other text takes the general path; both give identical word layers (tests compare them).
"""

from __future__ import annotations

import re
from itertools import compress, repeat
from operator import ne

from compliance.lexicon import LEET, LEET_ONE_ALTERNATIVE
from compliance.light import LightText, is_word_character, light_normalise, light_normalise_string
from compliance.words import TOKEN, WordCache, Words, collapse, collapse_letters, run_lengths

__all__ = [
    "LightText", "Normalised", "Words", "collapse", "collapse_letters", "light_normalise", "light_normalise_string",
    "normalise", "normalise_phrase", "run_lengths",
]

# Three or more single letters/digits separated by 1-3 separator characters: "b.e.t", "c a s i n o".
_SPELLED_OUT = re.compile(r"(?<![^\W_])[^\W_](?:(?:_|[^\w\n]){1,3}[^\W_](?![^\W_])){2,}")
_THREE_SINGLES = b"\x01\x01\x01"
_WORD = re.compile(r"\w+")
_SYMBOL_INSIDE_WORD = re.compile(r"[$@!](?<=[^\W_][$@!])(?=[^\W_])")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LEET_TABLE = str.maketrans(LEET)
_LEET_ONE_TABLE = str.maketrans({**LEET, "1": LEET_ONE_ALTERNATIVE})
# The common-path tokeniser: ASCII letters and digits stay, every other byte becomes a space.
_SEPARATORS_TO_SPACE = bytes(code if chr(code).isalnum() and code < 128 else 32 for code in range(256))
_CHARACTER_CLASSES = bytes(ord("a") if chr(code).isalpha() and code < 128 else ord("0") if chr(code).isdigit()
                           and code < 128 else 32 for code in range(256))
_DIGIT_TO_LETTER = bytes.maketrans(b"0", b"a")
# Three one-character words in a row (on the classes above, digits read as letters); its literal
# start " a " lets the regex engine skip ahead, so the check costs well under a microsecond.
_THREE_SINGLE_WORDS = re.compile(rb" a +a +a ")


class Normalised:
    """A message in both layers; ``alternative`` is the word layer reading a leet "1" as "l"."""

    __slots__ = ("original", "light", "words", "alternative")

    def __init__(self, original: str, light: LightText, words: Words, alternative: Words | None) -> None:
        self.original, self.light, self.words, self.alternative = original, light, words, alternative

    def word_layers(self) -> tuple[Words, ...]:
        """The word layers to search (one, or two when a leet "1" could be i or l)."""
        return (self.words,) if self.alternative is None else (self.words, self.alternative)

    def original_span(self, light_start: int, light_end: int) -> tuple[int, int]:
        """The original [start, end) of light [start, end)."""
        return self.light.original_span(light_start, light_end)


def _token_spans(light: str) -> list[tuple[int, int]]:
    """Light spans of the words, with letters spelled out with separators joined into one word."""
    spans = [match.span() for match in TOKEN.finditer(light)]
    runs = [match.span() for match in _SPELLED_OUT.finditer(light)
            if sum(c.isalpha() for c in light[match.start():match.end()]) >= 2]
    merged: list[tuple[int, int]] = []
    run_index = 0
    for start, end in spans:
        while run_index < len(runs) and runs[run_index][1] <= start:
            run_index += 1
        inside_run = run_index < len(runs) and runs[run_index][0] <= start < runs[run_index][1]
        if inside_run and merged and merged[-1][0] >= runs[run_index][0]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _read_leet(word: str, table: dict[int, str]) -> str:
    """Leetspeak read inside words that have letters ("c4s1n0" → "casino"); plain numbers stay."""
    if word.isalpha() or word.isdigit() or not any(c.isalpha() for c in word):
        return word
    return word.translate(table)


def _common_tokens(plain: str) -> tuple[list[str], bool, bytes] | None:
    """The words of light text on the common path, and whether any mixes letters and digits.

    None when the general tokeniser is needed: "_" or a leet symbol inside a word, a non-ASCII letter
    or digit, or three one-character words in a row (letters spelled out). Otherwise words are the runs
    of ASCII letters and digits, found with one bytes translation and a split instead of a regex.
    """
    if "_" in plain or ("$" in plain or "@" in plain or "!" in plain) and _SYMBOL_INSIDE_WORD.search(plain):
        return None
    if plain.isascii():
        data = plain.encode("ascii")
    elif any(map(is_word_character, set(_NON_ASCII.findall(plain)))):
        return None
    else:
        data = plain.encode("ascii", "replace")  # every non-ASCII character here separates words
    classes = data.translate(_CHARACTER_CLASSES)  # letters "a", digits "0", separators " "
    if _THREE_SINGLE_WORDS.search(b" " + classes.translate(_DIGIT_TO_LETTER) + b" "):
        return None
    mixed = b"a0" in classes or b"0a" in classes
    return data.translate(_SEPARATORS_TO_SPACE).decode("ascii").split(), mixed, classes


def _general_tokens(plain: str) -> tuple[list[str], list[tuple[int, int]] | None, bool]:
    """Words (with their spans when letters spelled out were joined) and whether to read leetspeak."""
    spans: list[tuple[int, int]] | None = None
    # Leet symbols ($ @ !) inside a word and "_" are rare; without them a plain \w+ split is the same.
    if "_" in plain or ("$" in plain or "@" in plain or "!" in plain) and _SYMBOL_INSIDE_WORD.search(plain):
        raw = TOKEN.findall(plain)
    else:
        raw = _WORD.findall(plain)
    # Three single-character words in a row are rare; only then look for letters spelled out.
    if _THREE_SINGLES in bytes(map((1).__eq__, map(len, raw))) and _SPELLED_OUT.search(plain):
        spans = _token_spans(plain)
        raw = ["".join(TOKEN.findall(plain[start:end])) for start, end in spans]
    needs_leet = spans is not None or not all(w.isdigit() for w in [w for w in raw if not w.isalpha()])
    return raw, spans, needs_leet


_leet_word = WordCache(lambda word: word if word.isalpha() else _read_leet(word, _LEET_TABLE)).__getitem__


def normalise(text: str, *, common_path: bool = True) -> Normalised:
    """Both normal forms of ``text`` with offset maps back to it.

    ``common_path=False`` skips the fast tokeniser for plain text (tests compare both paths).
    """
    light = light_normalise(text)
    plain = light.text
    common = _common_tokens(plain) if common_path else None
    classes = None
    if common is not None:
        raw, needs_leet, classes = common
        spans = None
    else:
        raw, spans, needs_leet = _general_tokens(plain)
    if not needs_leet:
        return Normalised(text, light, Words(raw, None, plain, classes), None)
    words = list(map(_leet_word, raw))
    alternative = None
    # Any word with a "1" that was read as leetspeak (in C: the changed raw words that contain a "1").
    if "1" in plain and any(map(str.__contains__, compress(raw, map(ne, raw, words)), repeat("1"))):
        alternative = Words([word if word.isalpha() else _read_leet(word, _LEET_ONE_TABLE) for word in raw],
                            spans, plain, classes)
    return Normalised(text, light, Words(words, spans, plain, classes), alternative)


def normalise_phrase(phrase: str) -> str:
    """A term or exception in word-layer spelling, words joined by single spaces (uncollapsed)."""
    return " ".join(normalise(phrase).words.words)

"""Normalise a message for matching while keeping a map from every normalised letter back to the original.

Two layers, both offset-preserving:

* **light** text — NFKC, case folding, diacritics removed, look-alike letters (Cyrillic/Greek) mapped to
  Latin, zero-width characters dropped, typographic quotes/dashes folded to ASCII. Numbers stay intact,
  so regex patterns such as ``5% APR`` run here.
* **words** — the light text cut into words, with letters spelled out with separators joined
  ("b.e.t.t.i.n.g", "c a s i n o"), leetspeak read inside words that have letters ("c4s1n0"), and
  repeated letters collapsed ("caaasino" → "casino"; run lengths are computed on demand so "weten" is
  not "wetten"). Keyword terms run here, through one Aho-Corasick pass over `Words.collapsed`.

Every step is a C-level string operation (translate, regex) on the common path; per-character Python
work happens only for rare characters that change length, and per-word run lengths only for words a
term actually hit.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from compliance.lexicon import CLAUSE_BREAKS, LEET, LEET_ONE_ALTERNATIVE, LOOKALIKES, PUNCTUATION

# A word: letters/digits, plus leet symbols ($ @ !) only when they sit between two word characters.
_TOKEN = re.compile(r"[^\W_]+(?:[$@!][^\W_]+)*")
# Three or more single letters/digits separated by 1-3 separator characters: "b.e.t", "c a s i n o".
_SPELLED_OUT = re.compile(r"(?<![^\W_])[^\W_](?:(?:_|[^\w\n]){1,3}[^\W_](?![^\W_])){2,}")
_THREE_SINGLES = b"\x01\x01\x01"
_WORD = re.compile(r"\w+")
_SYMBOL_INSIDE_WORD = re.compile(r"[$@!](?<=[^\W_][$@!])(?=[^\W_])")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Repeats of a Latin letter after its first occurrence (terms are Latin; digits must stay exact).
_REPEATED_LETTER = re.compile(r"(?<=([a-z]))\1+")
_RUN = re.compile(r"([a-z])\1*|.", re.DOTALL)
_LEET_TABLE = str.maketrans(LEET)
_LEET_ONE_TABLE = str.maketrans({**LEET, "1": LEET_ONE_ALTERNATIVE})
_TRANSLATE_LIMIT = 50_000
# Light forms of non-ASCII characters that map to exactly one character, and the characters that change
# length or vanish (those take the slow, per-character path).
_ONE_TO_ONE: dict[str, str] = {}
_IRREGULAR: set[str] = set()


@lru_cache(maxsize=8192)
def _light_char(char: str) -> str:
    """The light normal form of one non-ASCII character ("" when it carries no letter)."""
    if char in PUNCTUATION:
        return PUNCTUATION[char]
    if unicodedata.category(char) in ("Cf", "Mn", "Me"):
        return ""
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


_span = re.Match.span


def collapse_letters(text: str) -> str:
    """Write each run of a repeated letter once ("caaasino" → "casino"); digits stay as they are."""
    return _REPEATED_LETTER.sub("", text)


def run_lengths(word: str) -> list[int]:
    """Length of the run behind each character of the collapsed ``word`` ("betting" → [1, 1, 2, 1, 1, 1])."""
    return [match.end() - match.start() for match in _RUN.finditer(word)]


class Words:
    """The word layer of a message: words, their light spans, and the collapsed text for Aho-Corasick.

    ``collapsed`` is " w1 w2 … " (a space before and after every word, repeated letters written once);
    ``word_starts`` gives where each word starts in it. Light spans and run lengths are computed on
    demand: most messages never need them.
    """

    __slots__ = ("words", "collapsed", "light", "_word_starts", "_spans", "_runs", "_light_ends", "_distinct")

    def __init__(self, words: list[str], spans: list[tuple[int, int]] | None, light: str) -> None:
        self.words = words
        self.light = light
        self._spans = spans
        self.collapsed = collapse_letters(" " + " ".join(words) + " ")
        self._word_starts: list[int] | None = None
        self._runs: dict[int, list[int]] = {}
        self._light_ends: list[int] | None = None
        self._distinct: set[str] | None = None

    @property
    def distinct(self) -> set[str]:
        """The set of words (each once)."""
        if self._distinct is None:
            self._distinct = set(self.words)
        return self._distinct

    @property
    def word_starts(self) -> list[int]:
        """Where each word starts in ``collapsed``."""
        if self._word_starts is None:
            lengths = list(map(len, self.collapsed[1:-1].split(" "))) if self.words else []
            self._word_starts = list(accumulate((n + 1 for n in lengths[:-1]), initial=1)) if self.words else []
        return self._word_starts

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Light [start, end) of each word."""
        if self._spans is None:
            self._spans = list(map(_span, _TOKEN.finditer(self.light)))
        return self._spans

    def word_at(self, position: int) -> int:
        """Index of the word containing collapsed ``position``."""
        return bisect_right(self.word_starts, position) - 1

    def run_length(self, position: int) -> int:
        """How many letters the collapsed character at ``position`` stands for (0 for a space)."""
        word = self.word_at(position)
        offset = position - self.word_starts[word]
        runs = self._runs.get(word)
        if runs is None:
            runs = self._runs[word] = run_lengths(self.words[word])
        return runs[offset] if offset < len(runs) else 0

    def word_of_light(self, light_position: int) -> int:
        """Index of the first word ending after ``light_position`` (for pattern matches in light text)."""
        if self._light_ends is None:
            self._light_ends = [end for _, end in self.spans]
        return min(bisect_right(self._light_ends, light_position), max(len(self.words) - 1, 0))

    def gap_before(self, word: int) -> str:
        """The light text between ``word`` and the word before it."""
        spans = self.spans
        previous_end = spans[word - 1][1] if word > 0 else 0
        return self.light[previous_end:spans[word][0]]

    def breaks_clause(self, word: int) -> bool:
        """True when punctuation that ends a clause (. ! ? ; :) stands before ``word``."""
        gap = self.gap_before(word)
        if not any(c in CLAUSE_BREAKS for c in gap):
            return False
        previous_end = self.spans[word - 1][1] if word > 0 else 0
        start = self.spans[word][0]
        # "4.9" or "1,5" is one number, not two clauses.
        return not (gap in (".", ",") and self.light[previous_end - 1:previous_end].isdigit()
                    and self.light[start:start + 1].isdigit())

    def same_clause(self, first: int, last: int) -> bool:
        """True when no clause break lies between words ``first`` and ``last`` (first <= last)."""
        return not any(self.breaks_clause(word) for word in range(first + 1, last + 1))


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
    spans = [match.span() for match in _TOKEN.finditer(light)]
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


def normalise(text: str) -> Normalised:
    """Both normal forms of ``text`` with offset maps back to it."""
    light = light_normalise(text)
    plain = light.text
    spans: list[tuple[int, int]] | None = None
    # Leet symbols ($ @ !) inside a word and "_" are rare; without them a plain \w+ split is the same.
    if "_" in plain or ("$" in plain or "@" in plain or "!" in plain) and _SYMBOL_INSIDE_WORD.search(plain):
        raw = _TOKEN.findall(plain)
    else:
        raw = _WORD.findall(plain)
    # Three single-character words in a row are rare; only then look for letters spelled out.
    if _THREE_SINGLES in bytes(map((1).__eq__, map(len, raw))) and _SPELLED_OUT.search(plain):
        spans = _token_spans(plain)
        raw = ["".join(_TOKEN.findall(plain[start:end])) for start, end in spans]
    if spans is None and all(w.isdigit() for w in [w for w in raw if not w.isalpha()]):
        return Normalised(text, light, Words(raw, None, plain), None)
    words = [word if word.isalpha() else _read_leet(word, _LEET_TABLE) for word in raw]
    alternative = None
    if any("1" in r and r != w for r, w in zip(raw, words, strict=True)):
        alternative = Words([word if word.isalpha() else _read_leet(word, _LEET_ONE_TABLE) for word in raw],
                            spans, plain)
    return Normalised(text, light, Words(words, spans, plain), alternative)


def collapse(phrase: str) -> tuple[str, tuple[int, ...]]:
    """Collapse repeated letters of a normalised phrase, with the run length behind each character."""
    key = collapse_letters(phrase)
    counts = [n for word in phrase.split(" ") for n in (*run_lengths(word), 0)][:-1]
    return key, tuple(counts)


def normalise_phrase(phrase: str) -> str:
    """A term or exception in word-layer spelling, words joined by single spaces (uncollapsed)."""
    return " ".join(normalise(phrase).words.words)

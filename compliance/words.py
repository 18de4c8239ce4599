"""The word layer of a message: its words, their light spans, and the collapsed text terms are found in.

``Words.collapsed`` is " w1 w2 … " with repeated letters written once ("caaasino" → "casino"); run
lengths are computed on demand so "weten" is not "wetten". Light spans (needed only around hits) come
from the common path's character classes with C-level split/accumulate, or from a regex otherwise.
Clause, phrase and sentence breaks between words are what negation and freeing respect.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from operator import add

from compliance.lexicon import CLAUSE_BREAKS, PHRASE_BREAKS, SENTENCE_BREAKS

# A word: letters/digits, plus leet symbols ($ @ !) only when they sit between two word characters.
TOKEN = re.compile(r"[^\W_]+(?:[$@!][^\W_]+)*")
# A dash with white space on both sides separates clauses ("ohne Diät - Erfolg garantiert").
_SPACED_DASH = re.compile(r"\s-+\s")
# Repeats of a Latin letter after its first occurrence (terms are Latin; digits must stay exact).
_REPEATED_LETTER = re.compile(r"(?<=([a-z]))\1+")
_RUN = re.compile(r"([a-z])\1*|.", re.DOTALL)
_GAPS_ONLY = bytes.maketrans(b"a0 ", b"  x")  # separators become runs of "x", words white space


_span = re.Match.span
_plus_one = (1).__add__


def collapse_letters(text: str) -> str:
    """Write each run of a repeated letter once ("caaasino" → "casino"); digits stay as they are."""
    return _REPEATED_LETTER.sub("", text)


class WordCache(dict[str, str]):
    """Per-word results of a string function, computed once per distinct word (messages share words)."""

    def __init__(self, function: Callable[[str], str], limit: int = 100_000) -> None:
        super().__init__()
        self.function, self.limit = function, limit

    def __missing__(self, word: str) -> str:
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.function(word)
        return value


_collapsed_word = WordCache(collapse_letters).__getitem__


def run_lengths(word: str) -> list[int]:
    """Length of the run behind each character of the collapsed ``word`` ("betting" → [1, 1, 2, 1, 1, 1])."""
    return [match.end() - match.start() for match in _RUN.finditer(word)]


class Words:
    """The word layer of a message: words, their light spans, and the collapsed text for Aho-Corasick.

    ``collapsed`` is " w1 w2 … " (a space before and after every word, repeated letters written once);
    ``word_starts`` gives where each word starts in it. Light spans and run lengths are computed on
    demand: most messages never need them.
    """

    __slots__ = ("words", "collapsed", "light", "_word_starts", "_spans", "_runs", "_light_ends", "_distinct",
                 "_classes")

    def __init__(self, words: list[str], spans: list[tuple[int, int]] | None, light: str,
                 classes: bytes | None = None) -> None:
        self.words = words
        self.light = light
        self._spans = spans
        self._classes = classes  # common path: the light text as character classes, for fast spans
        # Per word (cached) equals collapsing the joined text: a space never repeats a letter.
        self.collapsed = " " + " ".join(map(_collapsed_word, words)) + " "
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
            self._word_starts = list(accumulate(map(_plus_one, lengths[:-1]), initial=1)) if self.words else []
        return self._word_starts

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Light [start, end) of each word."""
        if self._spans is None:
            if self._classes is not None:
                self._spans = spans_of_runs(self._classes, self.words)
            else:
                self._spans = list(map(_span, TOKEN.finditer(self.light)))
        return self._spans

    def word_at(self, position: int) -> int:
        """Index of the word containing collapsed ``position``."""
        return bisect_right(self.word_starts, position) - 1

    def end_of_word_at(self, position: int) -> int:
        """The collapsed position just after the word containing ``position`` (where its space is)."""
        word = self.word_at(position)
        starts = self.word_starts
        return starts[word + 1] - 1 if word + 1 < len(starts) else len(self.collapsed) - 1

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
        """True when punctuation that ends a clause (. ! ? ; : or a spaced dash) stands before ``word``."""
        gap = self.gap_before(word)
        if _SPACED_DASH.search(gap):
            return True
        return self._breaks(word, gap, CLAUSE_BREAKS)

    def breaks_phrase(self, word: int) -> bool:
        """True when a comma (not a decimal comma) or a clause break stands before ``word``."""
        gap = self.gap_before(word)
        return bool(_SPACED_DASH.search(gap)) or self._breaks(word, gap, PHRASE_BREAKS | CLAUSE_BREAKS)

    def ends_sentence(self, word: int) -> bool:
        """True when . ! ? or a line break (not a decimal point) stands before ``word``."""
        return self._breaks(word, self.gap_before(word), SENTENCE_BREAKS)

    def _breaks(self, word: int, gap: str, breaks: frozenset[str]) -> bool:
        if not any(c in breaks for c in gap):
            return False
        previous_end = self.spans[word - 1][1] if word > 0 else 0
        start = self.spans[word][0]
        # "4.9" or "1,5" is one number, not two clauses.
        return not (gap in (".", ",") and self.light[previous_end - 1:previous_end].isdigit()
                    and self.light[start:start + 1].isdigit())

    def same_clause(self, first: int, last: int) -> bool:
        """True when no clause break lies between words ``first`` and ``last`` (first <= last)."""
        return not any(self.breaks_clause(word) for word in range(first + 1, last + 1))


def spans_of_runs(classes: bytes, words: list[str]) -> list[tuple[int, int]]:
    """Spans of the words of the common path, from the lengths of words and of the gaps between them.

    ``classes`` is the light text with letters as "a", digits as "0" and separators as " ", one byte per
    character; the words are its runs of letters and digits. Everything runs in C (split, accumulate).
    """
    if not words:
        return []
    gaps = list(map(len, classes.translate(_GAPS_ONLY).split()))
    leading = classes[:1] == b" "
    first = gaps[0] if leading else 0
    between = gaps[1:] if leading else gaps
    lengths = list(map(len, words))
    starts = list(accumulate(map(add, lengths[:-1], between), initial=first))
    return list(zip(starts, map(add, starts, lengths), strict=True))


def collapse(phrase: str) -> tuple[str, tuple[int, ...]]:
    """Collapse repeated letters of a normalised phrase, with the run length behind each character."""
    key = collapse_letters(phrase)
    counts = [n for word in phrase.split(" ") for n in (*run_lengths(word), 0)][:-1]
    return key, tuple(counts)

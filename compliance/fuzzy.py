"""Fuzzy matching of misspelled words ("gamblng", "lotery", "gmabling") against single-word terms (rapidfuzz).

Similarity is 100 x (1 - OSA distance / term length): a dropped, added or swapped letter costs one
edit, so at the packs' usual threshold of 87 a term of 8+ letters tolerates one edit, 16+ two. Only
words of 5+ letters are compared, only against terms of rules that set a ``fuzzy`` threshold, with
the same first letter and a length within 2. Edits that only *substitute* letters are not accepted:
that is how real words differ from terms ("beating"/"betting", "casing"/"casino", "wetter"/"wetten"),
while disguises drop, add or swap letters. Results are cached per word; words with no near miss are
remembered in a set, so a known word costs one set lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Indel, Levenshtein

from compliance.normalise import normalise_phrase
from compliance.rules import Rule

MIN_WORD_LENGTH = 5
MAX_LENGTH_DIFFERENCE = 2
CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class FuzzyTerm:
    """A single-word term a misspelling may be compared with."""

    text: str
    rule_index: int
    lang: str
    threshold: float


@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    """A word that is close to a term."""

    term: FuzzyTerm
    score: float


class FuzzyMatcher:
    """Candidate terms indexed by first letter, with a bounded cache of words already looked up."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._by_first_letter: dict[str, list[FuzzyTerm]] = {}
        for index, rule in enumerate(rules):
            if rule.fuzzy is None:
                continue
            for lang, phrases in rule.terms.items():
                for phrase in phrases:
                    if "*" in phrase:
                        continue
                    text = normalise_phrase(phrase)
                    if len(text) >= MIN_WORD_LENGTH and text.isalpha():
                        term = FuzzyTerm(text, index, lang, rule.fuzzy / 100)
                        self._by_first_letter.setdefault(text[0], []).append(term)
        self._cache: dict[str, tuple[FuzzyMatch, ...]] = {}
        self.clean: set[str] = set()  # words known to be near no term: skipped with one set difference

    def __bool__(self) -> bool:
        return bool(self._by_first_letter)

    def lookup(self, word: str) -> tuple[FuzzyMatch, ...]:
        """Terms ``word`` is a near miss of (all languages; the caller filters)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        matches: tuple[FuzzyMatch, ...] = ()
        if len(word) >= MIN_WORD_LENGTH and word.isalpha() and word not in self.clean:
            found = []
            for term in self._by_first_letter.get(word[0], ()):
                if abs(len(term.text) - len(word)) > MAX_LENGTH_DIFFERENCE or term.text == word:
                    continue
                score = _similarity(word, term.text)
                if score >= term.threshold:
                    found.append(FuzzyMatch(term, score))
            matches = tuple(found)
        if len(self._cache) + len(self.clean) >= CACHE_LIMIT:
            self._cache.clear()
            self.clean.clear()
        if matches:
            self._cache[word] = matches
        else:
            self.clean.add(word)
        return matches

    def near_misses(self, words: set[str]) -> dict[str, tuple[FuzzyMatch, ...]]:
        """The words of ``words`` that are near a term, with their matches."""
        found = {}
        for word in words - self.clean:
            matches = self.lookup(word)
            if matches:
                found[word] = matches
        return found


def _similarity(word: str, term: str) -> float:
    """OSA similarity in 0..1, or 0 when the words differ only by substituted letters."""
    edits = OSA.distance(word, term)
    if edits == 0:
        return 1.0
    substitutions_only = Indel.distance(word, term) == 2 * Levenshtein.distance(word, term)
    return 0.0 if substitutions_only else 1 - edits / len(term)

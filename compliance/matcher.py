"""Find rule hits in a normalised message: terms, patterns and near misses, minus exceptions and negations.

Order per message: (1) terms and exceptions, one Aho-Corasick pass per word layer; (2) regex patterns on
the light text; (3) fuzzy matching of words no term covered; (4) drop hits an exception of the same rule
covers; (5) drop hits of negatable rules that are freed ("alcohol-free", "rentevrij", "0 % Zinsen" — which
also frees the next two words of that category: "alkoholfreies Bier"), negated ("no gambling", "geen
gokken", "kein Glücksspiel", "don't gamble") or asked about and answered "No" (`compliance.negation`);
(6) per rule, merge overlapping hits into one span.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from compliance.fuzzy import FuzzyMatcher
from compliance.negation import answered_no, freed_until, has_zero_rate, is_negated, is_predicative
from compliance.normalise import Normalised, Words
from compliance.prefilter import PatternPrefilter, starts_with_boundary
from compliance.rules import Rule
from compliance.schema import compile_pattern
from compliance.terms import TermHit, TermMatcher

FREE_SCOPE_WORDS = 2


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence of one rule, as an original-text span plus the words it covers."""

    rule_index: int
    lang: str
    start: int
    end: int
    first_word: int
    last_word: int
    kind: str  # "term" | "pattern" | "fuzzy"


class Freeing(NamedTuple):
    """A hit that frees its category ("alcohol-free", "0 % Zinsen"); predicative when it ends its clause."""

    hit: Hit
    predicative: bool


class Matcher:
    """The compiled form of a rule set; build once, use for every message."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.terms = TermMatcher(self.rules)
        self.fuzzy = FuzzyMatcher(self.rules)
        self.patterns: list[tuple[int, str, re.Pattern[str], bool]] = [
            (index, lang, *_without_leading_boundary(compile_pattern(source)))
            for index, rule in enumerate(self.rules) for lang, sources in rule.patterns.items() for source in sources]
        self.prefilter = PatternPrefilter([compiled.pattern for _, _, compiled, _ in self.patterns])

    def find(self, message: Normalised, languages: frozenset[str]) -> list[Hit]:
        """The surviving hits for ``message`` with terms/patterns of ``languages``."""
        words = message.words
        hits: list[Hit] = []
        exceptions: dict[int, list[tuple[int, int]]] = {}
        freed: list[Freeing] = []
        covered: set[int] = set()
        for layer in message.word_layers():
            for term_hit in self.terms.scan(layer, languages):
                entry = term_hit.entry
                if entry.is_exception:
                    exceptions.setdefault(entry.rule_index, []).append((term_hit.first_word, term_hit.last_word))
                    continue
                hit = self._word_hit(message, term_hit, "term")
                covered.update(range(hit.first_word, hit.last_word + 1))
                hits.append(hit)
                if self.rules[hit.rule_index].negatable:
                    until = freed_until(layer, term_hit)
                    if until is None and has_zero_rate(message.light.text, words.spans[term_hit.first_word][0],
                                                       words.spans[term_hit.last_word][1]):
                        until = term_hit.last_word
                    if until is not None:
                        freed.append(Freeing(hit, is_predicative(layer, until)))
        light = message.light
        listed = set(covered)
        for pattern_index in self.prefilter.candidates(light.text):
            rule_index, lang, pattern, at_boundary = self.patterns[pattern_index]
            if lang not in languages:
                continue
            for match in _matches(pattern, light.text, at_boundary):
                if match.end() > match.start():
                    start, end = light.original_span(match.start(), match.end())
                    first, last = words.word_of_light(match.start()), words.word_of_light(match.end() - 1)
                    hit = Hit(rule_index, lang, start, end, first, last, "pattern")
                    hits.append(hit)
                    listed.update(range(first, last + 1))
                    if self.rules[rule_index].negatable and has_zero_rate(light.text, match.start(), match.end()):
                        freed.append(Freeing(hit, is_predicative(words, last)))
        if self.fuzzy:
            hits.extend(self._fuzzy_hits(message, words, covered, languages))
        return _merge_overlaps([hit for hit in hits if not self._suppressed(hit, words, exceptions, freed, listed)])

    def _word_hit(self, message: Normalised, term_hit: TermHit, kind: str) -> Hit:
        light_start = message.words.spans[term_hit.first_word][0]
        light_end = message.words.spans[term_hit.last_word][1]
        start, end = message.original_span(light_start, light_end)
        entry = term_hit.entry
        return Hit(entry.rule_index, entry.lang, start, end, term_hit.first_word, term_hit.last_word, kind)

    def _fuzzy_hits(self, message: Normalised, words: Words, covered: set[int],
                    languages: frozenset[str]) -> list[Hit]:
        found = []
        for word, matches in self.fuzzy.near_misses(words.distinct).items():
            for index in (i for i, w in enumerate(words.words) if w == word and i not in covered):
                for match in matches:
                    if match.term.lang in languages:
                        start, end = message.original_span(*words.spans[index])
                        found.append(Hit(match.term.rule_index, match.term.lang, start, end, index, index, "fuzzy"))
        return found

    def _suppressed(self, hit: Hit, words: Words, exceptions: dict[int, list[tuple[int, int]]],
                    freed: list[Freeing], listed: set[int]) -> bool:
        for first, last in exceptions.get(hit.rule_index, ()):
            if first <= hit.last_word and hit.first_word <= last:
                return True
        rule = self.rules[hit.rule_index]
        if not rule.negatable or not words.words:
            return False
        for marker, predicative in freed:
            if self.rules[marker.rule_index].category != rule.category:
                continue
            if marker.first_word <= hit.first_word <= marker.last_word + FREE_SCOPE_WORDS and \
                    words.same_clause(marker.first_word, hit.first_word):
                return True
            if predicative and hit.first_word < marker.first_word and words.same_clause(hit.first_word,
                                                                                        marker.first_word):
                return True
        return is_negated(words, hit.first_word, listed) or ("?" in words.light and answered_no(words, hit.last_word))


def _without_leading_boundary(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], bool]:
    """The pattern without a leading ``\\b`` (checked by `_matches` instead), and whether it had one.

    A leading ``\\b`` stops the regex engine from skipping ahead to its first literal; checking the
    boundary on each candidate match gives the same matches several times faster.
    """
    if pattern.pattern.startswith(r"\b") and starts_with_boundary(pattern.pattern):
        return re.compile(pattern.pattern[2:], pattern.flags), True
    return pattern, False


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _matches(pattern: re.Pattern[str], text: str, at_boundary: bool) -> Iterator[re.Match[str]]:
    """Like ``pattern.finditer(text)``, for a pattern whose leading ``\\b`` was removed when ``at_boundary``."""
    if not at_boundary:
        yield from pattern.finditer(text)
        return
    position = 0
    while (match := pattern.search(text, position)) is not None:
        start = match.start()
        before = start > 0 and _is_word_char(text[start - 1])
        after = start < len(text) and _is_word_char(text[start])
        if before != after:
            yield match
            position = max(match.end(), start + 1)
        else:
            position = start + 1


def _merge_overlaps(hits: list[Hit]) -> list[Hit]:
    """Per rule, merge overlapping hits into one covering both ("offer ends in" + "ends in 02:59:59")."""
    merged: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.rule_index, h.start, -h.end)):
        previous = merged[-1] if merged else None
        if previous is not None and previous.rule_index == hit.rule_index and hit.start < previous.end:
            if hit.end > previous.end:
                merged[-1] = replace(previous, end=hit.end, last_word=max(previous.last_word, hit.last_word))
            continue
        merged.append(hit)
    return merged

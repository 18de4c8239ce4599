"""Keyword terms and exceptions of all rules in one Aho-Corasick automaton over the collapsed word layer.

Term syntax in packs:

* ``casino`` — a whole word, optionally with an inflection ending of its language ("casinos",
  Dutch "gokkasten", German "Wetten");
* ``gambl*`` — a word starting with it ("gambling", "gambler");
* ``*rente`` — may end a compound ("hypotheekrente"); ``*zins*`` — anywhere inside a word;
* Dutch and German single-word terms of 6+ letters (or every nl/de term of a rule with
  ``compound: true``) match inside compounds ("Sportwettenanbieter", "kredietkaartaanbieding");
  ``compound: false`` switches that off.

Exceptions use the same syntax and match as word prefixes ("alcohol free" covers "alcohol free beer").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import ahocorasick

from compliance.lexicon import SUFFIXES
from compliance.normalise import Words, collapse, normalise_phrase
from compliance.rules import Rule

COMPOUND_MIN_LETTERS = 6


@dataclass(frozen=True, slots=True)
class TermEntry:
    """One term (or exception) of one rule, compiled for the automaton."""

    rule_index: int
    lang: str
    text: str
    is_exception: bool
    left_open: bool
    right_open: bool
    counts: tuple[int, ...]
    stretchable: tuple[bool, ...]
    lead: int  # 1 when the key starts with the space before the word (word-start terms)


@dataclass(frozen=True, slots=True)
class TermHit:
    """A verified term/exception occurrence: collapsed span, covered words, and the rest of the last word."""

    entry: TermEntry
    start: int
    end: int
    first_word: int
    last_word: int
    remainder: str


def compile_term(term: str, lang: str, rule_index: int, is_exception: bool,
                 compound: bool | None) -> tuple[str, TermEntry] | None:
    """The automaton key and entry for one pack term (None when it normalises to nothing)."""
    core = term.strip()
    left_open, right_open = core.startswith("*"), core.endswith("*")
    phrase = normalise_phrase(core.strip("*"))
    if not phrase:
        return None
    single_word = " " not in phrase
    if not is_exception and lang in ("nl", "de") and single_word and compound is not False and \
            (compound or sum(c.isalpha() for c in phrase) >= COMPOUND_MIN_LETTERS):
        left_open = right_open = True
    key, counts = collapse(phrase)
    lead = 0 if left_open else 1
    # A term that must start a word carries the space before it, so the automaton only reports it at
    # word starts ("bet" is not even looked at inside "alphabet").
    key = " " * lead + key
    counts = (0,) * lead + tuple(0 if char == " " else count for char, count in zip(key[lead:], counts, strict=True))
    stretchable = tuple("a" <= char <= "z" for char in key)
    return key, TermEntry(rule_index, lang, phrase, is_exception, left_open, right_open or is_exception, counts,
                          stretchable, lead)


class TermMatcher:
    """All terms and exceptions of a rule set, found in one pass per word layer."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        grouped: dict[str, list[TermEntry]] = {}
        for index, rule in enumerate(rules):
            for is_exception, by_language in ((False, rule.terms), (True, rule.exceptions)):
                for lang, phrases in by_language.items():
                    for phrase in phrases:
                        compiled = compile_term(phrase, lang, index, is_exception, rule.compound)
                        if compiled is not None:
                            grouped.setdefault(compiled[0], []).append(compiled[1])
        self.automaton = ahocorasick.Automaton()
        for key, entries in grouped.items():
            self.automaton.add_word(key, (len(key), tuple(entries)))
        self.size = len(grouped)
        if self.size:
            self.automaton.make_automaton()

    def scan(self, layer: Words, languages: frozenset[str]) -> Iterator[TermHit]:
        """Every term/exception occurrence in ``layer`` for terms of ``languages``."""
        if not self.size:
            return
        text = layer.collapsed
        for end_index, (length, entries) in self.automaton.iter(text):
            start, end = end_index - length + 1, end_index + 1
            word_end = -1
            for entry in entries:
                if entry.lang not in languages:
                    continue
                if word_end < 0:
                    word_end = layer.end_of_word_at(end - 1)
                remainder = text[end:word_end]
                if not entry.right_open and remainder and remainder not in SUFFIXES[entry.lang]:
                    continue
                if not entry.is_exception and not _runs_agree(layer, start, entry):
                    continue
                first_word = layer.word_at(start + entry.lead)
                last_word = layer.word_at(end - 1)
                yield TermHit(entry, start + entry.lead, end, first_word, last_word, remainder)


def _runs_agree(layer: Words, start: int, entry: TermEntry) -> bool:
    """Each run of a letter must be at least as long as in the term; digit runs must be exact.

    "caaasino" and "ccaassiinnoo" are "casino" (stretched letters are a common disguise), but
    "weten" is not "wetten" and "1000" is not "100". The price is that "Bett" reads as "bet";
    packs list such words as exceptions of the language they belong to.
    """
    for offset, expected in enumerate(entry.counts):
        if expected <= 1 and entry.stretchable[offset]:
            continue  # any run of a letter is at least one long
        if expected == 0:
            continue
        found = layer.run_length(start + offset)
        if found == expected or (found > expected and entry.stretchable[offset]):
            continue
        return False
    return True

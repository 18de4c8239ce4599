"""Whether the words around a hit take it back: negated, freed, or a question answered "No".

* **Negated** — a negator within a few words before the hit, in the same clause ("no gambling", "geen
  gokken", "kein Glücksspiel"); a comma ends the negator's reach unless it continues a list of hits
  ("no alcohol, gambling or pork" but not "zonder dieet, 100% gegarandeerd resultaat"). A contraction
  ("don't", "can't") negates only the word right after it: "don't gamble" is a warning, "don't miss our
  casino night" is not.
* **Freed** — "-free", "vrij", "frei", "los" right after the term ("alcohol-free", "zinsfrei") or a zero
  rate right before it ("0 % Zinsen", "0% rente", "0,0 % alcohol").
* **Answered "No"** — a question whose answer is a lone "No" ("Summer wines? No - try our elderflower
  spritz"); "Need a loan? No problem!" is not an answer.
"""

from __future__ import annotations

import re

from compliance.lexicon import (
    ANSWER_NEGATORS,
    ANSWER_POLITENESS,
    APOSTROPHE_LESS_NEGATIONS,
    CONTRACTED_NEGATIONS,
    FREE_SUFFIXES,
    FREE_WORDS,
    NEGATION_WINDOW,
    NEGATORS,
    NEGATORS_NEEDING_NEXT,
    QUESTION_REACH,
    ZERO_RATE,
)
from compliance.terms import TermHit
from compliance.words import Words

_ZERO_RATE_BEFORE = re.compile(rf"(?:{ZERO_RATE})[\s-]*$")
_ZERO_RATE_AT = re.compile(ZERO_RATE)
_ZERO_RATE_REACH = 24  # characters before a hit in which "0 %" is looked for
_ZERO_RATE_FIRST = frozenset("0zn")
_TEASER = re.compile(r"\b(?:intro|introductory|promotional|teaser|einfuhrungs\w*|introductie\w*)\b")
# A non-zero rate later in the same sentence (a decimal point is not a sentence end).
_LATER_RATE = re.compile(r"(?:[^.!?\n]|\.(?=\d))*?(?<![\d.,])(?:[1-9]\d*(?:[.,]\d+)?|0[.,]\d*[1-9]\d*)\s?%")


def freed_until(layer: Words, term_hit: TermHit) -> int | None:
    """The last word of a freeing phrase: "alcoholvrij"/"zinsfrei" (inside the word) or "alcohol-free"
    (hyphenated next word); None when the hit is not freed."""
    if term_hit.remainder:
        return term_hit.last_word if term_hit.remainder.startswith(FREE_SUFFIXES) else None
    following = term_hit.last_word + 1
    if following >= len(layer.words) or layer.words[following] not in FREE_WORDS:
        return None
    return following if layer.gap_before(following).strip() == "-" else None


def is_predicative(words: Words, last_word: int) -> bool:
    """True when a freeing phrase ends its clause ("Our summer wines are alcohol-free."), so it also
    frees what the clause said before it; "alcohol-free cocktails and real whisky" does not."""
    return last_word + 1 >= len(words.words) or words.breaks_clause(last_word + 1)


def has_zero_rate(light: str, light_start: int, light_end: int) -> bool:
    """True when the hit at light [start, end) starts with, or directly follows, a zero rate ("0 %").

    A teaser rate is not a zero rate: "0% intro APR for 6 months, then 19.9%" charges interest, so an
    intro word in the hit or a non-zero rate later in the sentence keeps the hit.
    """
    if light[light_start:light_start + 1] in _ZERO_RATE_FIRST and _ZERO_RATE_AT.match(light, light_start):
        found = True
    else:
        reach = max(0, light_start - _ZERO_RATE_REACH)
        before = light[reach:light_start]
        if "0" not in before and "zero" not in before and "nul" not in before:
            return False
        found = _ZERO_RATE_BEFORE.search(light, reach, light_start) is not None
    if not found or _TEASER.search(light, light_start, light_end):
        return False
    return _LATER_RATE.match(light, light_end) is None


def _contracted_negation(words: Words, index: int) -> bool:
    """True when word ``index`` ends a negative contraction: "don't" (words "don" + "t") or "dont"."""
    word = words.words[index]
    if word in APOSTROPHE_LESS_NEGATIONS:
        return True
    return word == "t" and index > 0 and words.words[index - 1] in CONTRACTED_NEGATIONS and \
        words.gap_before(index) == "'"


def is_negated(words: Words, first_word: int, listed: set[int] | frozenset[int] = frozenset()) -> bool:
    """A negator before ``first_word`` within the window, in the same clause and phrase.

    ``listed`` holds the words other hits cover: a comma after one of them continues a list that a
    negator before it still governs, and such words do not use up the window.
    """
    if first_word > 0 and _contracted_negation(words, first_word - 1) and not words.breaks_phrase(first_word):
        return True
    budget = NEGATION_WINDOW
    index = first_word - 1
    while index >= 0 and budget > 0:
        if words.breaks_clause(index + 1) or (index not in listed and words.breaks_phrase(index + 1)):
            return False
        word = words.words[index]
        if word in NEGATORS:
            needed = NEGATORS_NEEDING_NEXT.get(word)
            if needed is None or (index + 1 < first_word and words.words[index + 1] == needed):
                return True
        if index not in listed:
            budget -= 1
        index -= 1
    return False


def answered_no(words: Words, last_word: int) -> bool:
    """True when the sentence of ``last_word`` is a question answered by a lone "No" ("Wine? No, ...")."""
    count = len(words.words)
    for index in range(last_word + 1, min(count, last_word + 1 + QUESTION_REACH)):
        gap = words.gap_before(index)
        if "?" in gap:
            if words.words[index] not in ANSWER_NEGATORS:
                return False
            if index + 1 >= count:
                return True
            after = words.gap_before(index + 1)
            return words.words[index + 1] in ANSWER_POLITENESS or not after.isspace()
        if words.ends_sentence(index):
            return False
    return False

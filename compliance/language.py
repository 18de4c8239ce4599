"""Guess whether a message is English, Dutch or German by counting distinctive stop words."""

from __future__ import annotations

from collections.abc import Iterable

from compliance.lexicon import STOP_WORDS
from compliance.normalise import normalise

DEFAULT_LANGUAGE = "en"
# Letter sequences that lean one way when stop words tie ("ij" is Dutch; umlauts were folded away).
_HINTS = {"nl": ("ij", "aa", "oe", "uu"), "de": ("sch", "tz", "ß", "ä", "ö", "ü"), "en": ("th", "wh")}


_ANY_STOP_WORD = frozenset().union(*STOP_WORDS.values())


def language_scores(words: Iterable[str]) -> dict[str, int]:
    """Distinct stop words per language among already normalised words."""
    # One pass over the message's words finds its few stop words; the per-language counts then only
    # look at those.
    found = _ANY_STOP_WORD.intersection(words)
    return {lang: len(stops & found) for lang, stops in STOP_WORDS.items()}


def guess_language(words: Iterable[str], original: str = "") -> tuple[str, bool]:
    """(language, confident): confident when one language has strictly more stop words than the others."""
    scores = language_scores(words)
    best_score = max(scores.values())
    tied = [lang for lang, score in scores.items() if score == best_score]
    if len(tied) == 1:
        return tied[0], True
    lowered = original.lower()
    hints = {lang: sum(lowered.count(h) for h in hints) for lang, hints in _HINTS.items()}
    winner = max(tied, key=lambda lang: (hints[lang], lang == DEFAULT_LANGUAGE))
    return winner, False


def detect_language(text: str) -> str:
    """The language of ``text``: "en", "nl" or "de" (English when nothing points elsewhere)."""
    return guess_language(normalise(text).words.distinct, text)[0]

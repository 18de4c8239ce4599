"""Screen messages: normalise, detect the language, match, judge hits with the audience, give a verdict."""

from __future__ import annotations

import re
from collections.abc import Iterable

from compliance.language import guess_language
from compliance.loader import default_ruleset
from compliance.matcher import Hit
from compliance.model import LANGUAGES, Audience, Finding, ScreeningResult, stricter
from compliance.normalise import normalise
from compliance.rules import Rule, resolve_replacement
from compliance.ruleset import RuleSet

LANGUAGE_CHOICES = ("auto", *LANGUAGES)
# Marketing copy in Dutch and German borrows English freely ("last chance", "free spins"), so English
# terms always apply; when the language is unclear every language's terms apply.
LINGUA_FRANCA = "en"


# The language sets a message is matched with: its own language plus English, or all when unsure.
_WITH_LINGUA_FRANCA = {lang: frozenset({lang, LINGUA_FRANCA}) for lang in LANGUAGES}
_ALL_LANGUAGES = frozenset(LANGUAGES)


def _languages(message_words: set[str], text: str, lang: str) -> tuple[str, frozenset[str]]:
    if lang not in LANGUAGE_CHOICES:
        raise ValueError(f"lang={lang!r}: expected one of {', '.join(LANGUAGE_CHOICES)}")
    if lang != "auto":
        return lang, _WITH_LINGUA_FRANCA[lang]
    language, confident = guess_language(message_words, text)
    return language, _WITH_LINGUA_FRANCA[language] if confident else _ALL_LANGUAGES


def _judge(rule: Rule, audience: Audience | None) -> tuple[str, str]:
    """Severity and explanation of a rule's hit for this audience."""
    severity, explanation = rule.severity, rule.explanation
    if audience is None:
        return severity, explanation
    if rule.audience.minors and audience.can_contain_minors():
        severity = stricter(severity, rule.audience.minors)
        explanation += (f" The audience can contain minors ({audience.describe_minors()}): this content must not "
                        "be sent to people under 18 — exclude them from the segment.")
    targeting = audience.targeting()
    if rule.audience.targeted and targeting:
        severity = stricter(severity, rule.audience.targeted)
        explanation += (f" The segment is selected by {' and '.join(targeting)}: a credit or finance offer aimed "
                        f"at people because of their {' or '.join(targeting)} needs a reviewer's check for "
                        "exploitation of vulnerable groups and discrimination.")
    return severity, explanation


_PLACEHOLDER = re.compile(r"(<[^<>]*>)")  # "<end date>": the marketer fills it in, so its case stays as written
_SENTENCE_END = ".!?\n"


def follow_case(replacement: str, matched: str, *, starts_sentence: bool = False) -> str:
    """``replacement`` in the case of the words it replaces.

    An ALL-CAPS match (two or more letters, none lower case) gets an all-caps replacement (placeholders
    such as ``<end date>`` excepted); a match that starts with a capital, or starts a sentence, gets a
    capital first letter. Otherwise the replacement stays as written: pack authors write it in lower case
    except where a word is always capitalised (German nouns), which is therefore never lowered.
    """
    letters = [char for char in matched if char.isalpha()]
    if len(letters) >= 2 and not any(char.islower() for char in letters):
        return "".join(part if _PLACEHOLDER.fullmatch(part) else part.upper()
                       for part in _PLACEHOLDER.split(replacement))
    if (matched[:1].isupper() or starts_sentence) and replacement[:1].islower():
        return replacement[0].upper() + replacement[1:]
    return replacement


def _splits_a_word(text: str, start: int, end: int) -> bool:
    """True when a span starts or ends inside a word or a number ("garantiert 5" of "5.000 €").

    Replacing such a span would leave half a word or a stray "000 €" behind.
    """
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return True
    if end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        return True
    return text[end - 1:end].isdigit() and text[end:end + 1] in (".", ",") and text[end + 1:end + 2].isdigit()


def _ends_a_clause_after_a_word(text: str, start: int, end: int) -> bool:
    """True when a span follows a word and ends its clause: removing it would orphan that word.

    "Our coats are [selling fast]." or "Al [38 klanten hebben besteld]." would become "Our coats are."
    and "Al."; "Hurry, [only 2 left]!" and "Order now — [don't miss out]." lose nothing they need.
    """
    before = text[:start].rstrip(" \t")
    after = text[end:].lstrip(" \t")
    return bool(before) and before[-1].isalnum() and (not after or after[0] in ".!?,;:)\n\u2014\u2013")


def _replacement(text: str, hit: Hit, rule: Rule, message_lang: str | None) -> str | None:
    """The one-click fix for this hit, in the case of the matched words (None: the rule offers none here).

    The message's own language is tried first: a timer read-out found by an English pattern in a Dutch
    message should become Dutch text. When that language offers nothing for these words, the hit's
    language does (English loan phrases get English wording).
    """
    if not rule.replacement or _splits_a_word(text, hit.start, hit.end):
        return None
    matched = text[hit.start:hit.end]
    resolved = None
    if message_lang is not None and message_lang != hit.lang and message_lang in rule.replacement:
        resolved = resolve_replacement(rule.replacement[message_lang], matched)
    if resolved is None:
        resolved = rule.replacement_for(hit.lang, matched)
    if resolved == "" and _ends_a_clause_after_a_word(text, hit.start, hit.end):
        return None
    if not resolved:  # None, or "" (remove): nothing to put in a case
        return resolved
    before = text[:hit.start].rstrip(" \t")
    return follow_case(resolved, matched, starts_sentence=not before or before[-1] in _SENTENCE_END)


def _finding(text: str, hit: Hit, rule: Rule, audience: Audience | None, message_lang: str | None) -> Finding:
    severity, explanation = _judge(rule, audience)
    return Finding(rule_id=rule.id, category=rule.category, severity=severity, matched_text=text[hit.start:hit.end],
                   start=hit.start, end=hit.end, explanation=explanation, suggestion=rule.suggestion,
                   source=rule.source, language=hit.lang,
                   replacement=_replacement(text, hit, rule, message_lang))


def screen(text: str, *, ruleset: RuleSet | None = None, lang: str = "auto",
           audience: Audience | None = None) -> ScreeningResult:
    """Screen one message against a rule set (the cached default when None).

    ``lang`` is "auto" (detected from stop words) or "en"/"nl"/"de"; ``audience`` lets segment-aware
    rules raise severities (gambling/alcohol to minors, credit offers targeted by age or gender).
    """
    if not isinstance(text, str):
        raise TypeError(f"screen() needs the message as str, got {type(text).__name__}")
    ruleset = ruleset if ruleset is not None else default_ruleset()
    message = normalise(text)
    language, languages = _languages(message.words.distinct, text, lang)
    hits = ruleset.matcher.find(message, languages)
    if not hits:  # most messages: skip building and sorting findings
        return ScreeningResult("pass", (), (), ruleset.version, language)
    rules = ruleset.rules
    message_lang = language if languages is not _ALL_LANGUAGES else None  # None: the language is a guess
    findings = [_finding(text, hit, rules[hit.rule_index], audience, message_lang) for hit in hits]
    return ScreeningResult.from_findings(findings, ruleset.version, language)


def screen_many(texts: Iterable[str], *, ruleset: RuleSet | None = None, lang: str = "auto",
                audience: Audience | None = None) -> list[ScreeningResult]:
    """Screen many messages with one compiled rule set (results in input order)."""
    ruleset = ruleset if ruleset is not None else default_ruleset()
    return [screen(text, ruleset=ruleset, lang=lang, audience=audience) for text in texts]

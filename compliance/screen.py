"""Screen messages: normalise, detect the language, match, judge hits with the audience, give a verdict."""

from __future__ import annotations

from collections.abc import Iterable

from compliance.language import guess_language
from compliance.loader import default_ruleset
from compliance.matcher import Hit
from compliance.model import LANGUAGES, Audience, Finding, ScreeningResult, stricter
from compliance.normalise import normalise
from compliance.rules import Rule
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


def _finding(text: str, hit: Hit, rule: Rule, audience: Audience | None) -> Finding:
    severity, explanation = _judge(rule, audience)
    return Finding(rule_id=rule.id, category=rule.category, severity=severity, matched_text=text[hit.start:hit.end],
                   start=hit.start, end=hit.end, explanation=explanation, suggestion=rule.suggestion,
                   source=rule.source, language=hit.lang,
                   replacement=rule.replacement.get(hit.lang, rule.replacement.get("en")))


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
    findings = [_finding(text, hit, rules[hit.rule_index], audience) for hit in hits]
    return ScreeningResult.from_findings(findings, ruleset.version, language)


def screen_many(texts: Iterable[str], *, ruleset: RuleSet | None = None, lang: str = "auto",
                audience: Audience | None = None) -> list[ScreeningResult]:
    """Screen many messages with one compiled rule set (results in input order)."""
    ruleset = ruleset if ruleset is not None else default_ruleset()
    return [screen(text, ruleset=ruleset, lang=lang, audience=audience) for text in texts]

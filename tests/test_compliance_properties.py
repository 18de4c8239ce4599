"""Property tests for compliance.screen: any text screens safely, spans map back, obfuscation does not hide a term.

Hypothesis generates arbitrary Unicode (no surrogates: Python strings from user input cannot hold lone
ones once decoded), emoji, combining marks, right-to-left scripts, characters whose case fold or NFKC form
changes length (ß, İ, ﬁ, full-width letters), zero-width and bidi controls, and very long repeats, with
and without real rule terms embedded — so the offset checks run on texts that do produce findings.
"""

from __future__ import annotations

import importlib
import importlib.util

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The autouse fixture in conftest.py only sets environment variables; it is safe to share across examples.
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def screen():
    """compliance.screen, or skip while the engine is not written yet (import errors still fail)."""
    if importlib.util.find_spec("compliance") is None:
        pytest.skip("the compliance package does not exist yet")
    function = getattr(importlib.import_module("compliance"), "screen", None)
    if function is None:
        pytest.skip("compliance.screen does not exist yet (the screening engine is still being built)")
    return function


# --- strategies ----------------------------------------------------------------------------------------

TRICKY_CHARACTERS = [
    "ß", "ẞ", "İ", "ı", "ﬁ", "ﬀ", "Å", "Ω", "ς", "ǅ", "①", "㎏", "ｃ", "ａ", "ｓ", "\u200b", "\u200d",
    "\ufeff", "\u202e", "\u00ad", "\u0301", "\u0308", "\u20ac", " ", ".", "-", "*", "\n", "\t",
]
ALPHABET = st.one_of(
    st.characters(codec="utf-8"),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # combining marks
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),  # Hebrew and Arabic (RTL)
    st.characters(min_codepoint=0x0400, max_codepoint=0x04FF),  # Cyrillic look-alikes
    st.sampled_from(TRICKY_CHARACTERS),
)
NOISE = st.text(alphabet=ALPHABET, max_size=60)
RULE_TERMS = [
    "casino", "Casino", "CASINO", "c4sino", "c.a.s.i.n.o", "саsino", "ｃａｓｉｎｏ", "Sportwetten", "gokkast",
    "rente", "Zinsen", "effektiver Jahreszins", "0% intro APR then 19.9%", "vodka", "Bier", "porn", "tarot",
    "dating app", "only 3 left!", "12 people are viewing this", "offer ends in 02:59:59", "risk-free",
    "guaranteed to lose 10 kg", "alcohol-free beer",
]


def _embed(prefix: str, term: str, marks: list[str], suffix: str) -> str:
    """Put a rule term between noise, with combining marks after some of its letters."""
    letters = [letter + (marks[index] if index < len(marks) else "") for index, letter in enumerate(term)]
    return f"{prefix} {''.join(letters)} {suffix}"


TEXT_WITH_TERM = st.builds(
    _embed, NOISE, st.sampled_from(RULE_TERMS),
    st.lists(st.sampled_from(["", "", "", "\u0301", "\u0308", "\u200b"]), max_size=8), NOISE,
)
LONG_REPEAT = st.builds(lambda unit, count: unit * count,
                        st.one_of(st.text(alphabet=ALPHABET, min_size=1, max_size=8), st.sampled_from(RULE_TERMS)),
                        st.integers(min_value=50, max_value=1_500))
ANY_TEXT = st.one_of(st.text(max_size=400), st.text(alphabet=ALPHABET, max_size=400), TEXT_WITH_TERM, LONG_REPEAT)


def assert_spans_map_back(text: str, result) -> None:
    """Every finding lies inside the text and its offsets cut out exactly its matched text."""
    assert result.verdict in {"pass", "review", "block"}
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text), (finding.start, finding.end, len(text))
        assert text[finding.start:finding.end] == finding.matched_text


# --- safety and determinism ----------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(text=ANY_TEXT)
def test_any_text_screens_and_every_span_maps_back(screen, text: str) -> None:
    assert_spans_map_back(text, screen(text))


@PROPERTY_SETTINGS
@given(text=TEXT_WITH_TERM)
def test_texts_with_embedded_terms_keep_exact_offsets(screen, text: str) -> None:
    assert_spans_map_back(text, screen(text))


@PROPERTY_SETTINGS
@given(text=ANY_TEXT)
def test_screening_is_deterministic(screen, text: str) -> None:
    first, second = screen(text), screen(text)
    assert (first.verdict, tuple(first.categories), tuple(first.findings)) == (
        second.verdict, tuple(second.categories), tuple(second.findings))


def test_the_generators_do_produce_findings(screen) -> None:
    """Guards the properties above: embedded terms must actually yield findings to check."""
    for term in ("casino", "Zinsen", "only 3 left!"):
        text = _embed("Tonight 🎉", term, [], "עברית")
        result = screen(text)
        assert result.findings, f"no finding for {text!r}"
        assert_spans_map_back(text, result)


# --- obfuscation closure: disguising a gambling word does not hide it ----------------------------------

GAMBLING_WORDS = ["casino", "poker", "gambling"]  # no doubled letters, so letter repeats stay unambiguous
SENTENCES = ["Join us at the {} tonight!", "Big {} weekend for all members.", "New: {} bonus for every sign-up"]
SEPARATORS = [".", "-", "_", " ", "*", "·"]
LEET = {"a": "4", "i": "1", "o": "0", "e": "3", "s": "5"}
CYRILLIC = {"a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "k": "к"}
ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}


def assert_gambling_found(screen, template: str, disguised: str) -> None:
    text = template.format(disguised)
    result = screen(text)
    assert "gambling" in result.categories, f"gambling not found in {text!r}: {result.categories}"
    start = template.index("{}")
    end = start + len(disguised)
    assert any(f.category == "gambling" and f.start < end and f.end > start for f in result.findings), (
        f"no gambling finding overlaps {disguised!r} in {text!r}")
    assert_spans_map_back(text, result)


def _substitute(word: str, table: dict[str, str], choices: list[bool]) -> str:
    return "".join(table[letter] if letter in table and use else letter
                   for letter, use in zip(word, choices + [False] * len(word), strict=False))


@PROPERTY_SETTINGS
@given(word=st.sampled_from(GAMBLING_WORDS), template=st.sampled_from(SENTENCES),
       gaps=st.lists(st.sampled_from(SEPARATORS), min_size=8, max_size=8))
def test_separators_between_letters_still_find_gambling(screen, word: str, template: str, gaps: list[str]) -> None:
    disguised = word[0] + "".join(gap + letter for gap, letter in zip(gaps, word[1:], strict=False))
    assert_gambling_found(screen, template, disguised)


@PROPERTY_SETTINGS
@given(word=st.sampled_from(GAMBLING_WORDS), template=st.sampled_from(SENTENCES),
       upper=st.lists(st.booleans(), min_size=8, max_size=8))
def test_any_letter_case_still_finds_gambling(screen, word: str, template: str, upper: list[bool]) -> None:
    disguised = "".join(letter.upper() if up else letter for letter, up in zip(word, upper, strict=False))
    assert_gambling_found(screen, template, disguised)


@PROPERTY_SETTINGS
@given(word=st.sampled_from(GAMBLING_WORDS), template=st.sampled_from(SENTENCES),
       choices=st.lists(st.booleans(), min_size=8, max_size=8))
def test_leetspeak_digits_still_find_gambling(screen, word: str, template: str, choices: list[bool]) -> None:
    assert_gambling_found(screen, template, _substitute(word, LEET, choices))


@PROPERTY_SETTINGS
@given(word=st.sampled_from(GAMBLING_WORDS), template=st.sampled_from(SENTENCES),
       choices=st.lists(st.booleans(), min_size=8, max_size=8))
def test_cyrillic_look_alikes_still_find_gambling(screen, word: str, template: str, choices: list[bool]) -> None:
    assert_gambling_found(screen, template, _substitute(word, CYRILLIC, choices))


@PROPERTY_SETTINGS
@given(word=st.sampled_from(GAMBLING_WORDS), template=st.sampled_from(SENTENCES),
       choices=st.lists(st.booleans(), min_size=8, max_size=8))
def test_accents_still_find_gambling(screen, word: str, template: str, choices: list[bool]) -> None:
    assert_gambling_found(screen, template, _substitute(word, ACCENTED, choices))


@PROPERTY_SETTINGS
@given(word=st.sampled_from(GAMBLING_WORDS), template=st.sampled_from(SENTENCES),
       repeats=st.lists(st.integers(min_value=1, max_value=3), min_size=8, max_size=8))
def test_repeated_letters_still_find_gambling(screen, word: str, template: str, repeats: list[int]) -> None:
    disguised = "".join(letter * count for letter, count in zip(word, repeats, strict=False))
    assert_gambling_found(screen, template, disguised)


@pytest.mark.parametrize("disguised", ["c4sino", "b.e.t.t.i.n.g", "c a s i n o", "саsino", "casinno", "Caaasino",
                                       "ｃａｓｉｎｏ", "CASINO"])
def test_examples_from_the_contract_are_found(screen, disguised: str) -> None:
    assert_gambling_found(screen, "Play at our {} tonight and win big", disguised)

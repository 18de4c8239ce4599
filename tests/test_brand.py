"""Brand consistency of segment messages against the campaign's core message, in en / nl / de."""

from __future__ import annotations

import pytest

from campaigns.brand import DEFAULT_THRESHOLD, BrandInputError, brand_check, key_terms

CORE = {
    "en": "Halal financing without interest: transparent, fair and for every family.",
    "nl": "Eerlijk en transparant bankieren zonder rente, voor elk gezin.",
    "de": "Faires und transparentes Banking ohne Zinsen für jede Familie.",
}


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Transparent halal financing for young families: fair terms, no interest."),
    ("en", "Halal financing without interest: transparent, fair and for every family. Now also for students!"),
    ("nl", "Transparante, eerlijke financiering zonder rente voor jonge gezinnen."),
    ("de", "Transparente, faire Finanzierung ohne Zinsen für junge Familien."),
])
def test_segment_variants_of_the_core_message_are_consistent(language, message):
    check = brand_check(CORE[language], message)
    assert not check.drifted, check
    assert check.similarity >= DEFAULT_THRESHOLD
    assert check.advice.startswith("Consistent")


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Win big tonight! Spin the wheel and get a free phone."),
    ("en", "Summer sale: 20% off all shoes this weekend only."),
    ("nl", "Profiteer nu van onze zomeractie op schoenen!"),
    ("de", "Jetzt neue Schuhe im Sommerschlussverkauf kaufen!"),
])
def test_unrelated_messages_have_drifted(language, message):
    check = brand_check(CORE[language], message)
    assert check.drifted
    assert check.similarity < DEFAULT_THRESHOLD
    assert check.missing_terms == key_terms(CORE[language])
    assert check.advice.startswith("The message has drifted")
    assert f"'{check.missing_terms[0]}'" in check.advice


@pytest.mark.parametrize(("language", "terms"), [
    ("en", ("halal", "financing", "interest", "transparent", "fair", "family")),
    ("nl", ("eerlijk", "transparant", "bankieren", "rente", "gezin")),
    ("de", ("faires", "transparentes", "banking", "zinsen", "familie")),
])
def test_key_terms_drop_stop_words_in_each_language(language, terms):
    assert key_terms(CORE[language]) == terms


def test_missing_terms_are_reported_and_inflections_count_as_present():
    check = brand_check(CORE["en"], "Fair and transparent: interest-free halal financing helps your business grow.")
    assert check.missing_terms == ("family",)
    assert not check.drifted
    assert "consider also using 'family'" in check.advice


def test_losing_most_key_terms_is_drift_even_when_the_wording_is_similar():
    # Shares many character n-grams ("famil", "transp") but keeps only one of five key terms.
    check = brand_check(CORE["de"], "Familienurlaub: transportieren, Familienfeste, Fairplay im Sommer")
    assert len(check.missing_terms) > len(key_terms(CORE["de"])) / 2
    assert check.drifted
    assert "key terms are missing" in check.advice


def test_the_threshold_decides_on_similarity():
    message = "Fair and transparent: interest-free halal financing helps your business grow."
    lenient, strict = brand_check(CORE["en"], message, threshold=0.1), brand_check(CORE["en"], message, threshold=0.99)
    assert lenient.similarity == strict.similarity
    assert (lenient.drifted, strict.drifted) == (False, True)
    assert "is below 0.99" in strict.advice


def test_accents_and_case_do_not_matter():
    check = brand_check("Vertrauen für Familien", "VERTRAUEN FUR FAMILIEN")
    assert check.missing_terms == () and check.similarity == pytest.approx(1.0)


def test_an_empty_message_has_drifted_completely():
    check = brand_check(CORE["nl"], "")
    assert (check.similarity, check.drifted, check.missing_terms) == (0.0, True, key_terms(CORE["nl"]))


@pytest.mark.parametrize("core", ["", "   ", "123 !!"])
def test_a_missing_core_message_is_refused_with_advice(core):
    with pytest.raises(BrandInputError, match="no core message"):
        brand_check(core, "anything")


def test_an_out_of_range_threshold_is_refused():
    with pytest.raises(BrandInputError, match="between 0 and 1"):
        brand_check(CORE["en"], "x", threshold=35)

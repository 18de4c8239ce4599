"""Masked display of contact details: exact schemes and what a mask may never reveal."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy import masking
from privacy.masking import (
    BULLET,
    MaskingError,
    mask_email,
    mask_iban,
    mask_name,
    mask_phone,
    mask_series,
)

LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=40)


@pytest.mark.parametrize(("value", "expected"), [
    ("jan.jansen@example.nl", "j•••••n@e•••••e.nl"),
    ("Jan@Example.NL", "J•••••@E•••••e.NL"),
    ("  jan.jansen@example.nl ", "j•••••n@e•••••e.nl"),
    ("ab@cd.com", "•••••@•••••.com"),
    ("info@mail.example.co.uk", "i•••••@m•••••o.uk"),
    ("jan@localhost", "j•••••@l•••••t"),
    ("j@192.168.0.1", "•••••@1•••••1"),
    ("not-an-address", "n•••••s"),
    (None, None),
    ("", None),
])
def test_mask_email(value, expected):
    assert mask_email(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("+31 6 1234 5678", "••••••78"),
    ("0612345678", "••••••78"),
    (612345678, "••••••78"),
    (612345678.0, "••••••78"),
    ("12345", "••••••"),
    ("call me", "••••••"),
    (None, None),
])
def test_mask_phone(value, expected):
    assert mask_phone(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Jan van Dijk", "J••• v••• D•••"),
    ("  Jan   Jansen ", "J••• J•••"),
    ("Émile Zola", "É••• Z•••"),
    ("J.", "J•••"),
    (None, None),
])
def test_mask_name(value, expected):
    assert mask_name(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("NL91 ABNA 0417 1643 00", "NL•• •••• 4300"),
    ("nl91abna0417164300", "NL•• •••• 4300"),
    ("DE89 3704 0044 0532 0130 00", "DE•• •••• 3000"),
    ("NL91", "•••••"),
    ("not an iban at all", "•••••"),
    (None, None),
])
def test_mask_iban(value, expected):
    assert mask_iban(value) == expected


@given(local=LETTERS, name=LETTERS, top_level=st.text(alphabet="abcdefghij", min_size=2, max_size=6))
@settings(max_examples=60, deadline=None)
def test_an_email_mask_reveals_at_most_two_characters_per_part_and_the_top_level_domain(local, name, top_level):
    masked = mask_email(f"{local}@{name}.{top_level}")
    shown_local, shown_domain = masked.split("@")
    assert shown_domain.endswith("." + top_level)
    for part, shown in ((local, shown_local), (name, shown_domain[: -len(top_level) - 1])):
        visible = shown.replace(BULLET, "")
        assert len(visible) <= 2 and len(visible) <= 0.4 * len(part)
        assert BULLET * 5 in shown


@given(middle=st.text(alphabet="abcdefghij", min_size=3, max_size=30),
       other=st.text(alphabet="klmnopqrst", min_size=3, max_size=30))
@settings(max_examples=40, deadline=None)
def test_an_email_mask_does_not_reveal_the_length(middle, other):
    assert mask_email(f"a{middle}z@d{middle}n.nl") == mask_email(f"a{other}z@d{other}n.nl")


@given(digits=st.text(alphabet="0123456789", min_size=0, max_size=20), separator=st.sampled_from(["", " ", "-"]))
@settings(max_examples=60, deadline=None)
def test_a_phone_mask_shows_only_the_last_two_digits(digits, separator):
    masked = mask_phone("+" + separator.join(digits)) if digits else mask_phone("+")
    shown = re.sub(BULLET, "", masked or "")
    if len(digits) >= 6:
        assert masked == BULLET * 6 + digits[-2:]
    else:
        assert shown == ""


@given(words=st.lists(st.text(alphabet="abcdefghijKLMNOPéü", min_size=1, max_size=12), min_size=1, max_size=5))
@settings(max_examples=60, deadline=None)
def test_a_name_mask_shows_only_initials(words):
    masked = mask_name(" ".join(words))
    assert masked == " ".join(word[0] + BULLET * 3 for word in words)


def test_an_iban_mask_shows_only_country_and_last_four():
    masked = mask_iban("NL91ABNA0417164300")
    assert masked.replace(BULLET, "").replace(" ", "") == "NL4300"


def test_mask_series_is_elementwise_and_keeps_index_name_and_missing():
    values = pd.Series(["jan.jansen@example.nl", None, "x@y.org", "  "], index=[5, 6, 7, 8], name="email")
    masked = mask_series(values, "email")
    assert masked.index.tolist() == [5, 6, 7, 8]
    assert masked.name == "email"
    assert masked.tolist()[0] == "j•••••n@e•••••e.nl"
    assert masked.tolist()[2] == "•••••@•••••.org"
    assert masked.isna().tolist() == [False, True, False, True]


@pytest.mark.parametrize(("kind", "function", "values"), [
    ("email", mask_email, ["a.b@c.de", "piet.puk@voorbeeld.nl", "z@q"]),
    ("phone", mask_phone, ["06 1234 5678", "+49 30 123456", "112"]),
    ("name", mask_name, ["Anna de Vries", "X"]),
    ("iban", mask_iban, ["NL91ABNA0417164300", "GB33BUKB20201555555555"]),
])
def test_the_vectorised_and_single_value_masks_agree(kind, function, values):
    assert mask_series(pd.Series(values), kind).tolist() == [function(value) for value in values]


def test_mask_series_text_kind_and_empty_input():
    assert mask_series(pd.Series(["Kerkstraat 1", "ab"]), "text").tolist() == ["K•••••", "•••••"]
    assert mask_series(pd.Series([], dtype=object), "email").tolist() == []


def test_an_unknown_kind_is_refused():
    with pytest.raises(MaskingError, match="kind='address': expected one of email, phone, name, iban, text"):
        mask_series(pd.Series(["x"]), "address")


@given(local=LETTERS, name=LETTERS, top_level=st.text(alphabet="abcdefghij0", min_size=1, max_size=6))
@settings(max_examples=80, deadline=None)
def test_the_fast_path_for_common_emails_masks_exactly_like_the_general_path(local, name, top_level):
    values = pd.Series([f"{local}@{name}.{top_level}"], dtype="string")
    assert masking._mask_emails(values).tolist() == masking._mask_emails_generally(values).tolist()

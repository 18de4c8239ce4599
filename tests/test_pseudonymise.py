"""Pseudonymisation key handling (privacy.keys) and keyed pseudonyms (privacy.pseudonymise)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat

import numpy as np
import pandas as pd
import pytest

from privacy import keys
from privacy import pseudonymise as pseudonymise_module
from privacy.keys import PseudonymKeyError, key_fingerprint, load_pseudonym_key, parse_key_text
from privacy.pseudonymise import (
    PseudonymisationError,
    normalise_identifiers,
    pseudonymise,
    pseudonymise_frame,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
PSEUDONYM = r"^p_[0-9a-f]{20}$"


def reference_pseudonym(value: str, key: bytes = KEY, namespace: str = "subject") -> str:
    """The definition, with the standard library's HMAC (the module uses a faster equivalent)."""
    digest = hmac.new(key, namespace.encode() + b"\x1f" + value.encode(), hashlib.sha256).hexdigest()
    return "p_" + digest[:20]


@pytest.fixture
def no_configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key in the environment or a developer's secrets.toml: the key file is used."""
    monkeypatch.delenv("AMANAH_PSEUDONYM_KEY", raising=False)
    monkeypatch.setattr(keys, "get_setting", lambda name: None)


# --- privacy.keys -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("00" * 32, bytes(32)),
    ("  " + KEY.hex() + "\n", KEY),
    (base64.b64encode(KEY).decode(), KEY),
    (base64.urlsafe_b64encode(b"\xff" * 32).decode(), b"\xff" * 32),
    ("correct horse battery staple, long enough!", b"correct horse battery staple, long enough!"),
    ("0123456789abcdef0123456789abcdef", b"0123456789abcdef0123456789abcdef"),  # 16 hex bytes: a passphrase
])
def test_key_text_is_read_as_hex_then_base64_then_text(text, expected):
    assert parse_key_text(text) == expected


@pytest.mark.parametrize("text", ["short", "00" * 15, "x" * 31])
def test_a_short_key_is_refused_with_a_way_to_make_one(text):
    with pytest.raises(PseudonymKeyError) as caught:
        parse_key_text(text)
    message = str(caught.value)
    assert message.startswith(f"AMANAH_PSEUDONYM_KEY is too short ({len(text)} characters)")
    assert "secrets.token_hex(32)" in message


def test_the_configured_setting_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("AMANAH_PSEUDONYM_KEY", OTHER_KEY.hex())
    assert load_pseudonym_key(tmp_path) == OTHER_KEY
    assert not (tmp_path / "pseudonym.key").exists()


def test_a_short_configured_key_fails_loudly(monkeypatch, tmp_path):
    monkeypatch.setenv("AMANAH_PSEUDONYM_KEY", "too-short")
    with pytest.raises(PseudonymKeyError, match="too short"):
        load_pseudonym_key(tmp_path)


def test_without_a_setting_a_key_file_is_created_once_with_mode_0600(no_configured_key, tmp_path):
    folder = tmp_path / "new" / "data"
    first = load_pseudonym_key(folder)
    key_file = folder / "pseudonym.key"
    assert len(first) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == first.hex() + "\n"
    assert sorted(path.name for path in folder.iterdir()) == ["pseudonym.key"]  # no partial file left
    assert load_pseudonym_key(folder) == first


def test_an_existing_key_file_is_reused_and_never_overwritten(no_configured_key, tmp_path):
    (tmp_path / "pseudonym.key").write_text(OTHER_KEY.hex() + "\n")
    assert load_pseudonym_key(tmp_path) == OTHER_KEY
    keys._create_key_file(tmp_path / "pseudonym.key")  # a racing process arrives second
    assert (tmp_path / "pseudonym.key").read_text() == OTHER_KEY.hex() + "\n"
    assert load_pseudonym_key(tmp_path) == OTHER_KEY


def test_the_key_file_defaults_to_the_data_folder(no_configured_key, isolated_environment):
    key = load_pseudonym_key()
    assert (isolated_environment / "pseudonym.key").read_text().strip() == key.hex()


def test_a_damaged_key_file_is_named_in_the_error(no_configured_key, tmp_path):
    (tmp_path / "pseudonym.key").write_text("abc\n")
    with pytest.raises(PseudonymKeyError, match=r"key file .*pseudonym\.key is too short \(3 characters\)"):
        load_pseudonym_key(tmp_path)


def test_an_unwritable_data_folder_is_explained(no_configured_key, tmp_path, monkeypatch):
    def refuse(**_):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(keys.tempfile, "mkstemp", refuse)
    with pytest.raises(PseudonymKeyError, match=r"Cannot create the pseudonymisation key file .*pseudonym\.key "
                                                r"\(Permission denied\); make the data folder writable"):
        load_pseudonym_key(tmp_path)


def test_a_key_file_can_move_into_the_setting_without_changing_pseudonyms(no_configured_key, tmp_path,
                                                                         monkeypatch):
    from_file = load_pseudonym_key(tmp_path)
    text = (tmp_path / "pseudonym.key").read_text()
    monkeypatch.setattr(keys, "get_setting", lambda name: text)
    assert load_pseudonym_key(tmp_path / "elsewhere") == from_file


def test_key_fingerprint_is_short_stable_and_reveals_no_plain_hash():
    assert key_fingerprint(KEY) == "a36620307fb3"
    assert key_fingerprint(KEY) == key_fingerprint(bytes(KEY))
    assert key_fingerprint(OTHER_KEY) != key_fingerprint(KEY)
    assert not hashlib.sha256(KEY).hexdigest().startswith(key_fingerprint(KEY))


# --- privacy.pseudonymise ----------------------------------------------------------------------------

def test_pseudonyms_are_keyed_hmac_sha256_prefixed_and_truncated():
    result = pseudonymise(pd.Series(["jan@example.nl", "piet@example.nl"]), KEY)
    assert result.tolist() == [reference_pseudonym("jan@example.nl"), reference_pseudonym("piet@example.nl")]
    assert result.iloc[0] == "p_479eedbcf346a545b34f"
    assert result.str.fullmatch(PSEUDONYM).all()


def test_keys_longer_than_a_hash_block_follow_the_hmac_definition():
    long_key = bytes(range(100))
    assert pseudonymise(pd.Series(["a"]), long_key).iloc[0] == reference_pseudonym("a", long_key)


@pytest.mark.parametrize(("first", "second"), [
    ("Jan@Example.nl ", "jan@example.nl"),
    ("  JAN@EXAMPLE.NL", "jan@example.nl"),
    ("ＪＡＮ@example.nl", "jan@example.nl"),  # full-width letters (NFKC)
    ("straße@example.de", "STRASSE@example.de"),  # case-folding, not just lower()
    ("+31 (0)6-1234 5678", "0031612345678"),
    ("+31 6 12345678", "0031 6 1234 5678"),
    ("06-12345678", "0612345678"),
    ("NL91 ABNA 0417 1643 00", "nl91abna0417164300"),
    ("  Jan   Jansen ", "Jan Jansen"),
    ("Jan\u00a0Jansen", "Jan Jansen"),  # no-break space
    (123, "123"),
    (123.0, "123"),
])
def test_normalisation_makes_equivalent_identifiers_one_pseudonym(first, second):
    values = pseudonymise(pd.Series([first, second], dtype=object), KEY)
    assert values.iloc[0] == values.iloc[1]


@pytest.mark.parametrize(("first", "second"), [
    ("jan@example.nl", "jan@example.com"),
    ("Jan Jansen", "jan jansen"),  # text keeps case: ids may be case-sensitive
    ("123", "1234"),
    ("0612345678", "0612345679"),
    ("123.5", "1235"),
])
def test_different_identifiers_get_different_pseudonyms(first, second):
    values = pseudonymise(pd.Series([first, second]), KEY)
    assert values.iloc[0] != values.iloc[1]


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("email", "  Jan@Example.NL ", "jan@example.nl"),
    ("phone", "+31 (0)6-1234 5678", "0031612345678"),
    ("phone", "tel. 020 123 4567", "0201234567"),
    ("iban", "nl91 abna 0417 1643 00", "NL91ABNA0417164300"),
    ("text", " Jan \t Jansen ", "Jan Jansen"),
    ("auto", "Jan@Example.NL", "jan@example.nl"),
    ("auto", "+49 (0)30 1234567", "0049301234567"),
    ("auto", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
    ("auto", "K-00123", "K-00123"),
])
def test_normalised_forms(kind, raw, expected):
    assert normalise_identifiers(pd.Series([raw]), kind).iloc[0] == expected


def test_an_unknown_kind_is_refused():
    with pytest.raises(PseudonymisationError, match="kind='postcode': expected one of auto, email"):
        normalise_identifiers(pd.Series(["x"]), "postcode")


def test_missing_and_blank_stay_missing_and_index_and_name_are_kept():
    values = pd.Series(["a@b.nl", None, np.nan, "", "   ", "a@b.nl"], index=[10, 11, 12, 13, 14, 15], name="email")
    result = pseudonymise(values, KEY)
    assert result.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert result.name == "email"
    assert result.isna().tolist() == [False, True, True, True, True, False]
    assert result.iloc[0] == result.iloc[5] == reference_pseudonym("a@b.nl")


def test_float_ids_with_gaps_keep_their_integer_form():
    result = pseudonymise(pd.Series([1.0, np.nan, 2.5]), KEY)
    assert result.iloc[0] == reference_pseudonym("1")
    assert pd.isna(result.iloc[1])
    assert result.iloc[2] == reference_pseudonym("2.5")


@pytest.mark.parametrize("values", [pd.Series([], dtype=object), pd.Series([None, None])])
def test_empty_and_all_missing_input(values):
    result = pseudonymise(values, KEY)
    assert len(result) == len(values) and result.isna().all()


def test_namespace_and_key_separate_pseudonyms():
    values = pd.Series(["jan@example.nl"])
    base = pseudonymise(values, KEY).iloc[0]
    assert pseudonymise(values, KEY, namespace="export").iloc[0] == reference_pseudonym(
        "jan@example.nl", namespace="export")
    assert pseudonymise(values, KEY, namespace="export").iloc[0] != base
    assert pseudonymise(values, OTHER_KEY).iloc[0] != base


def test_an_empty_or_text_key_is_refused():
    for bad_key in (b"", "a text key, not bytes"):
        with pytest.raises(PseudonymisationError, match="key must be non-empty bytes"):
            pseudonymise(pd.Series(["a"]), bad_key)


def test_each_distinct_normalised_value_is_hashed_once(monkeypatch):
    hashed: list[str] = []
    real = pseudonymise_module._keyed_hasher

    def counting(key, namespace):
        hash_all = real(key, namespace)
        return lambda values: hashed.extend(values) or hash_all(values)

    monkeypatch.setattr(pseudonymise_module, "_keyed_hasher", counting)
    values = pd.Series(["Jan@example.nl", "jan@example.nl ", "piet@example.nl", None] * 250)
    result = pseudonymise(values, KEY)
    assert sorted(hashed) == ["jan@example.nl", "piet@example.nl"]
    assert result.nunique() == 2


def test_pseudonymise_frame_replaces_columns_and_records_counts_only():
    frame = pd.DataFrame({"klant_id": [7, 8, 8], "email": ["A@x.nl", None, "a@x.nl"], "spend": [1.5, 2.0, 3.0]})
    result, record = pseudonymise_frame(frame, ["email"], KEY, id_column="klant_id")
    assert list(result.columns) == ["klant_id", "email", "spend"]
    assert result["klant_id"].tolist() == [reference_pseudonym("7"), reference_pseudonym("8"),
                                           reference_pseudonym("8")]
    assert result["email"].iloc[0] == result["email"].iloc[2] == reference_pseudonym("a@x.nl")
    assert result["spend"].tolist() == [1.5, 2.0, 3.0]
    assert frame["email"].iloc[0] == "A@x.nl"  # the input is not changed
    assert record.subject_column == "klant_id"
    assert record.key_fingerprint == key_fingerprint(KEY)
    assert [(entry.column, entry.pseudonymised_values, entry.distinct_values, entry.missing_values)
            for entry in record.columns] == [("klant_id", 3, 2, 0), ("email", 2, 1, 1)]
    stored = json.dumps(record.as_dict())
    assert "x.nl" not in stored and reference_pseudonym("a@x.nl") not in stored


def test_pseudonymise_frame_names_missing_columns():
    frame = pd.DataFrame({"email": ["a@b.nl"]})
    with pytest.raises(PseudonymisationError,
                       match=r"Cannot pseudonymise 'telefoon': no such column; the data has 'email'"):
        pseudonymise_frame(frame, ["email", "telefoon"], KEY)


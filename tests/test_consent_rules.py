"""Consent ledger logic: parsing answers, events from files, current status and reachability."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from privacy.consent import (
    CHANNELS,
    EVENT_COLUMNS,
    ConsentError,
    ConsentEvent,
    consent_events_from_columns,
    consent_events_from_file,
    current_consent,
    events_frame,
    infer_consent_columns,
    parse_consent_answers,
    reachable_subjects,
)

JAN_1 = datetime(2025, 1, 1, tzinfo=UTC)


def event(subject: str, status: str, day: int, channel: str = "email", purpose: str = "marketing",
          source: str = "form") -> ConsentEvent:
    return ConsentEvent(subject, channel, purpose, status, datetime(2025, 1, day, 12, tzinfo=UTC), source)


# --- answers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("answer", "status"), [
    ("yes", "granted"), ("Y", "granted"), ("true", "granted"), ("1", "granted"), (1, "granted"),
    (1.0, "granted"), (True, "granted"), ("x", "granted"), ("Opt-In", "granted"), ("opt in", "granted"),
    ("granted", "granted"), ("Ja", "granted"), ("akkoord", "granted"), ("aangemeld", "granted"),
    ("zugestimmt", "granted"), ("einverstanden", "granted"),
    ("no", "withdrawn"), ("FALSE", "withdrawn"), ("0", "withdrawn"), (0, "withdrawn"), (False, "withdrawn"),
    ("opt-out", "withdrawn"), ("withdrawn", "withdrawn"), ("nee", "withdrawn"), ("afgemeld", "withdrawn"),
    ("geen toestemming", "withdrawn"), ("Nein", "withdrawn"), ("widerrufen", "withdrawn"),
    ("", None), ("  ", None), (None, None), (np.nan, None), ("onbekend", None), ("-", None),
])
def test_answers_in_english_dutch_and_german(answer, status):
    parsed = parse_consent_answers(pd.Series([answer], dtype=object), where="column 'c'")
    assert (None if pd.isna(parsed.iloc[0]) else parsed.iloc[0]) == status


def test_an_unknown_answer_names_column_row_and_count():
    with pytest.raises(ConsentError) as caught:
        parse_consent_answers(pd.Series(["ja", "misschien", "nee", "vielleicht"]), where="Consent column 'sms'")
    assert str(caught.value) == (
        "Consent column 'sms', row 2: 'misschien' is not a consent answer; use yes/no, ja/nee, ja/nein, "
        "true/false, 1/0, x, opt-in/opt-out, granted/withdrawn or leave it blank (1 more row(s) like this).")


# --- events from consent columns --------------------------------------------------------------------

def test_consent_columns_become_one_event_per_answer():
    frame = pd.DataFrame({"subject": ["p_a", "p_b", "p_c"], "opt_in_sms": ["Ja", "nee", ""],
                          "Einwilligung_Newsletter": ["x", None, "Nein"]}, index=[7, 8, 9])
    events = consent_events_from_columns(
        frame, "subject", {"opt_in_sms": ("sms", "marketing"), "Einwilligung_Newsletter": ("email", "Newsletter")},
        recorded_at="2025-01-01 10:00", source="import: klanten.csv", evidence="klanten.csv")
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert events[["subject", "channel", "purpose", "status"]].values.tolist() == [
        ["p_a", "sms", "marketing", "granted"], ["p_b", "sms", "marketing", "withdrawn"],
        ["p_a", "email", "newsletter", "granted"], ["p_c", "email", "newsletter", "withdrawn"]]
    assert (events["timestamp"] == pd.Timestamp("2025-01-01 10:00", tz="UTC")).all()
    assert events["source"].unique().tolist() == ["import: klanten.csv"]
    assert events["evidence"].tolist()[::2] == ["klanten.csv; column 'opt_in_sms'",
                                                "klanten.csv; column 'Einwilligung_Newsletter'"]


def test_no_consent_columns_give_an_empty_event_frame():
    events = consent_events_from_columns(pd.DataFrame({"subject": ["p_a"]}), "subject", {},
                                         recorded_at=JAN_1, source="import")
    assert events.empty and list(events.columns) == list(EVENT_COLUMNS)


@pytest.mark.parametrize(("frame", "columns", "message"), [
    (pd.DataFrame({"s": ["a", None], "sms": ["ja", "ja"]}), {"sms": ("sms", "marketing")},
     "Column 's', row 2: (blank) has no subject; every row with a consent answer in 'sms' needs one."),
    (pd.DataFrame({"s": ["a"], "sms": ["ja"]}), {"sms": ("fax", "marketing")},
     "channel='fax': expected one of email, sms, push, phone, post, ads"),
    (pd.DataFrame({"s": ["a"], "sms": ["ja"]}), {"tel": ("phone", "marketing")},
     "Consent columns: no column 'tel'; the data has 's', 'sms'."),
    (pd.DataFrame({"s": ["a"], "nieuwsbrief": ["ja"], "newsletter": ["ja"]}),
     {"nieuwsbrief": ("email", "nieuwsbrief"), "newsletter": ("email", "newsletter")},
     "Columns 'nieuwsbrief' and 'newsletter' both record consent for email/newsletter; map one of them to "
     "another purpose or leave it out."),
])
def test_consent_column_problems_are_named(frame, columns, message):
    with pytest.raises(ConsentError) as caught:
        consent_events_from_columns(frame, "s", columns, recorded_at=JAN_1, source="import")
    assert str(caught.value) == message


# --- events from a consent file ---------------------------------------------------------------------

FILE_MAPPING = {"subject": "klant", "channel": "kanaal", "purpose": "doel", "status": "status",
                "timestamp": "datum"}


def consent_file(**changes) -> pd.DataFrame:
    columns = {"klant": ["a", "a", "b"], "kanaal": ["E-mail", "email", "Telefoon"],
               "doel": ["Marketing", "marketing", "Nieuwsbrief"], "status": ["ja", "ingetrokken", "granted"],
               "datum": ["2025-01-01", "02-01-2025", "2025-01-03T10:00:00+01:00"]}
    return pd.DataFrame({**columns, **changes})


def test_a_consent_file_becomes_events_with_normalised_values():
    events = consent_events_from_file(consent_file(), FILE_MAPPING, file_name="toestemming.csv")
    assert events[["subject", "channel", "purpose", "status"]].values.tolist() == [
        ["a", "email", "marketing", "granted"], ["a", "email", "marketing", "withdrawn"],
        ["b", "phone", "newsletter", "granted"]]
    assert events["timestamp"].tolist() == [pd.Timestamp("2025-01-01", tz="UTC"),
                                            pd.Timestamp("2025-01-02", tz="UTC"),  # day first
                                            pd.Timestamp("2025-01-03 09:00", tz="UTC")]
    assert events["source"].tolist() == ["import"] * 3
    assert events["evidence"].tolist() == ["row of toestemming.csv"] * 3


def test_a_consent_file_without_purpose_column_uses_the_default_and_reads_source_and_evidence():
    frame = consent_file(bron=["website", None, "winkel"], bewijs=["form v2", "", "paper"]).drop(columns="doel")
    mapping = {**FILE_MAPPING, "source": "bron", "evidence": "bewijs"}
    del mapping["purpose"]
    events = consent_events_from_file(frame, mapping, default_purpose="Newsletter")
    assert events["purpose"].unique().tolist() == ["newsletter"]
    assert events["source"].tolist() == ["website", "import", "winkel"]
    assert events["evidence"].tolist() == ["form v2", "", "paper"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"kanaal": ["fax", "email", "sms"]},
     "toestemming.csv, column 'kanaal', row 1: 'fax' is not a channel; use one of email, sms, push, phone, "
     "post, ads."),
    ({"datum": ["gisteren", "2025-01-01", "31-02-2025"]},
     "toestemming.csv, column 'datum', row 1: 'gisteren' is not a date; use e.g. 2025-03-01 or "
     "2025-03-01T12:00:00Z (1 more row(s) like this)."),
    ({"status": ["ja", "", "nee"]},
     "toestemming.csv, column 'status', row 2: (blank) is not a consent status; every row of a consent file "
     "needs granted or withdrawn (or yes/no)."),
    ({"status": ["ja", "misschien", "nee"]},
     "toestemming.csv, column 'status', row 2: 'misschien' is not a consent answer; use yes/no, ja/nee, "
     "ja/nein, true/false, 1/0, x, opt-in/opt-out, granted/withdrawn or leave it blank."),
    ({"klant": ["a", " ", "b"]},
     "toestemming.csv, column 'klant', row 2: (blank) is not a subject; every row needs the person's id or "
     "pseudonym."),
    ({"doel": ["marketing", None, "x"]},
     "toestemming.csv, column 'doel', row 2: (blank) is not a purpose; every row needs one, e.g. marketing or "
     "newsletter."),
])
def test_consent_file_problems_name_file_column_and_row(changes, message):
    with pytest.raises(ConsentError) as caught:
        consent_events_from_file(consent_file(**changes), FILE_MAPPING, file_name="toestemming.csv")
    assert str(caught.value) == message


@pytest.mark.parametrize(("mapping", "message"), [
    ({"subject": "klant", "kanal": "kanaal"},
     "consent file: map the fields subject, channel, status, timestamp, purpose (optional: source, evidence) "
     "to columns; unknown field(s) 'kanal'; missing channel, status, timestamp, purpose."),
    ({**FILE_MAPPING, "status": "toestemming"},
     "consent file: no column 'toestemming'; the data has 'klant', 'kanaal', 'doel', 'status', 'datum'."),
])
def test_a_wrong_mapping_is_explained(mapping, message):
    with pytest.raises(ConsentError) as caught:
        consent_events_from_file(consent_file(), mapping)
    assert str(caught.value) == message


# --- inferring consent columns ----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("consent_email", ("email", "marketing")),
    ("opt_in_sms", ("sms", "marketing")),
    ("toestemming_email", ("email", "marketing")),
    ("nieuwsbrief", ("email", "newsletter")),
    ("Einwilligung_Newsletter", ("email", "newsletter")),
    ("Newslettereinwilligung", ("email", "newsletter")),
    ("push_optin", ("push", "marketing")),
    ("EmailOptIn", ("email", "marketing")),
    ("toestemming_post", ("post", "marketing")),
    ("Einwilligung Telefonwerbung", ("phone", "marketing")),
    ("ads_consent", ("ads", "marketing")),
    ("sms_permission", ("sms", "marketing")),
    ("opt_in_onderzoek_email", ("email", "research")),
    ("opt_out_email", None),  # "yes" means withdrawn: mapped by hand
    ("consent_date", None),
    ("Einwilligungsdatum_Email", None),
    ("consent_email_source", None),
    ("newsletter_opens", None),
    ("marketing_consent", None),  # no channel in the name
    ("email", None),
    ("postcode", None),
])
def test_consent_columns_are_recognised_by_name(name, expected):
    assert infer_consent_columns([name]).get(name) == expected


# --- current status and reachability ----------------------------------------------------------------

def test_the_latest_event_wins_and_ties_go_to_the_later_ledger_entry():
    events = events_frame([
        event("a", "granted", 1), event("a", "withdrawn", 3), event("a", "granted", 2),  # late entry, older
        event("b", "withdrawn", 5), event("b", "granted", 5),  # same moment: ledger order decides
        event("c", "granted", 1, channel="sms"),
    ])
    current = current_consent(events)
    assert current[["subject", "channel", "status"]].values.tolist() == [
        ["a", "email", "withdrawn"], ["b", "email", "granted"], ["c", "sms", "granted"]]


def test_withdrawal_after_grant_makes_a_subject_unreachable():
    events = events_frame([event("a", "granted", 1), event("a", "withdrawn", 2), event("b", "granted", 1)])
    assert reachable_subjects(events, ["a", "b"], "email", "marketing").tolist() == ["b"]


def test_grant_after_withdrawal_makes_a_subject_reachable_again():
    events = events_frame([event("a", "withdrawn", 1), event("a", "granted", 2)])
    assert reachable_subjects(events, ["a"], "email", "marketing").tolist() == ["a"]


def test_as_of_a_past_moment_gives_the_status_then():
    events = events_frame([event("a", "granted", 1), event("a", "withdrawn", 10), event("b", "granted", 10)])
    assert reachable_subjects(events, ["a", "b"], "email", "marketing", as_of="2025-01-05").tolist() == ["a"]
    assert reachable_subjects(events, ["a", "b"], "email", "marketing").tolist() == ["b"]
    assert current_consent(events, as_of=datetime(2024, 12, 31, tzinfo=UTC)).empty


def test_only_a_grant_for_the_same_channel_and_purpose_counts():
    events = events_frame([event("a", "granted", 1, channel="sms"), event("b", "granted", 1, purpose="newsletter"),
                           event("c", "granted", 1)])
    assert reachable_subjects(events, ["a", "b", "c", "d"], "email", "marketing").tolist() == ["c"]
    assert reachable_subjects(events, ["a", "b", "c", "d"], "email", "Nieuwsbrief").tolist() == ["b"]


def test_reachable_keeps_the_order_of_subjects_without_duplicates_or_missing():
    events = events_frame([event(name, "granted", 1) for name in "abc"])
    subjects = pd.Series(["c", None, "a", "c", "x", "b"])
    assert reachable_subjects(events, subjects, "email", "marketing").tolist() == ["c", "a", "b"]


def test_events_in_other_time_zones_compare_by_instant():
    events = pd.DataFrame({
        "subject": ["a", "a"], "channel": ["email", "email"], "purpose": ["marketing", "marketing"],
        "status": ["withdrawn", "granted"],
        # 12:30 in Amsterdam (11:30 UTC) is later than 11:00 UTC, although it is listed first.
        "timestamp": [pd.Timestamp("2025-01-01 12:30", tz="Europe/Amsterdam"),
                      pd.Timestamp("2025-01-01 11:00", tz="UTC")],
    })
    assert current_consent(events)["status"].tolist() == ["withdrawn"]


def test_current_consent_matches_a_plain_pandas_reference():
    rng = np.random.default_rng(7)
    size = 5_000
    events = pd.DataFrame({
        "subject": rng.choice([f"p_{number}" for number in range(300)], size),
        "channel": rng.choice(list(CHANNELS), size), "purpose": rng.choice(["marketing", "newsletter"], size),
        "status": rng.choice(["granted", "withdrawn"], size),
        "timestamp": pd.to_datetime(rng.integers(0, 50, size), unit="D", utc=True),  # many ties
    })
    reference = (events.assign(order=np.arange(size)).sort_values(["timestamp", "order"])
                 .drop_duplicates(["subject", "channel", "purpose"], keep="last").sort_values("order"))
    current = current_consent(events)
    assert current[["subject", "channel", "purpose", "status"]].values.tolist() == \
        reference[["subject", "channel", "purpose", "status"]].values.tolist()


@pytest.mark.parametrize(("fields", "message"), [
    (("", "email", "marketing", "granted", JAN_1, "form"), "A consent event needs a subject"),
    (("a", "fax", "marketing", "granted", JAN_1, "form"), "channel='fax': expected one of email, sms"),
    (("a", "email", " ", "granted", JAN_1, "form"), "purpose=' ': give a purpose such as 'marketing'"),
    (("a", "email", "marketing", "maybe", JAN_1, "form"), "status='maybe': expected one of granted, withdrawn"),
    (("a", "email", "marketing", "granted", "not a date", "form"), "timestamp='not a date': expected a date"),
    (("a", "email", "marketing", "granted", JAN_1, ""), "A consent event needs a source (import, form, admin)"),
])
def test_an_invalid_consent_event_is_refused(fields, message):
    with pytest.raises(ConsentError) as caught:
        ConsentEvent(*fields)
    assert str(caught.value).startswith(message)


def test_a_consent_event_normalises_purpose_and_time():
    recorded = ConsentEvent("a", "email", "Nieuwsbrief", "granted", datetime(2025, 1, 1, 13), "admin")
    assert recorded.purpose == "newsletter"
    assert recorded.timestamp == datetime(2025, 1, 1, 13, tzinfo=UTC)  # naive is taken as UTC


def test_events_without_a_timestamp_are_refused():
    events = events_frame([event("a", "granted", 1)]).assign(timestamp=[None])
    with pytest.raises(ConsentError, match="Consent event 1 has no valid timestamp"):
        current_consent(events)

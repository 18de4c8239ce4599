"""Column roles from names (English, Dutch, German) and from values when the name says nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation.schema import (
    ColumnRole,
    SchemaError,
    apply_role_overrides,
    infer_column_roles,
    roles_from_dict,
    roles_to_dict,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ROWS = 40
RNG = np.random.default_rng(7)

# Typical values per kind of column, so name rules are tested with believable data.
VALUES = {
    "ids": list(range(1001, 1001 + ROWS)),
    "names": [
        f"{first} {last}"
        for first, last in zip(
            RNG.choice(["Jan", "Anna", "Piet", "Fatima", "Lukas", "Emma"], ROWS),
            [f"Achter{chr(97 + i % 26)}{'x' * (i // 26)}" for i in range(ROWS)],
            strict=True,
        )
    ],
    "emails": [f"klant{i}@voorbeeld.nl" for i in range(ROWS)],
    "phones": [f"06-{12345600 + i}" for i in range(ROWS)],
    "ibans": [f"NL91ABNA04171643{i:02d}" for i in range(ROWS)],
    "bsn": [f"{111222333 + i}" for i in range(ROWS)],
    "ips": [f"10.0.0.{i}" for i in range(ROWS)],
    "streets": [f"Hoofdstraat {i + 1}" for i in range(ROWS)],
    "birth_dates": pd.date_range("1950-01-01", periods=ROWS, freq="400D"),
    "ages": RNG.integers(18, 90, ROWS),
    "nl_postcodes": [f"{1000 + i} AB" for i in range(ROWS)],
    "de_postcodes": [f"{10115 + i}" for i in range(ROWS)],
    "yes_no": RNG.choice(["yes", "no"], ROWS),
    "ja_nein": RNG.choice(["ja", "nein"], ROWS),
    "dates": pd.date_range("2023-01-01", periods=ROWS, freq="3D"),
    "amounts": np.round(RNG.uniform(1, 500, ROWS), 2),
    "counts": RNG.integers(0, 30, ROWS),
    "comments": [
        f"Klant belde over de levering van bestelling {i} en was niet tevreden over de bezorger." for i in range(ROWS)
    ],
    "genders": RNG.choice(["female", "male", "other"], ROWS),
    "bands": RNG.choice(["low", "middle", "high"], ROWS),
    "cities": RNG.choice(["Amsterdam", "Utrecht", "Berlin", "Köln"], ROWS),
    "labels": RNG.choice(["urban", "family", "outdoor", "student"], ROWS),
    "tiers": RNG.choice(["bronze", "silver", "gold"], ROWS),
    "religions": RNG.choice(["islam", "katholiek", "protestants", "geen"], ROWS),
    "unknown": RNG.choice(["a", "b", "c", "d"], ROWS),
}


def role_of(column: str, values) -> ColumnRole:
    return infer_column_roles(pd.DataFrame({column: values}))[0]


NAME_CASES = [
    # (column name, values, role, tag, special category)
    ("customer_id", "ids", "id", None, None),
    ("CustomerID", "ids", "id", None, None),
    ("klantnummer", "ids", "id", None, None),
    ("Kundennummer", "ids", "id", None, None),
    ("full_name", "names", "direct_identifier", None, None),
    ("achternaam", "names", "direct_identifier", None, None),
    ("Vorname", "names", "direct_identifier", None, None),
    ("email", "emails", "direct_identifier", None, None),
    ("E-Mail-Adresse", "emails", "direct_identifier", None, None),
    ("emailadres", "emails", "direct_identifier", None, None),
    ("phone", "phones", "direct_identifier", None, None),
    ("telefoonnummer", "phones", "direct_identifier", None, None),
    ("Handynummer", "phones", "direct_identifier", None, None),
    ("IBAN", "ibans", "direct_identifier", None, None),
    ("Kontonummer", "ibans", "direct_identifier", None, None),
    ("BSN", "bsn", "direct_identifier", None, None),
    ("Steuer-ID", "bsn", "direct_identifier", None, None),
    ("IP-Adresse", "ips", "direct_identifier", None, None),
    ("Straße", "streets", "direct_identifier", None, None),
    ("adres", "streets", "direct_identifier", None, None),
    ("birth_date", "birth_dates", "quasi_identifier", None, None),
    ("geboortedatum", "birth_dates", "quasi_identifier", None, None),
    ("Geburtsdatum", "birth_dates", "quasi_identifier", None, None),
    ("age", "ages", "feature", "demographic", None),
    ("leeftijd", "ages", "feature", "demographic", None),
    ("Alter", "ages", "feature", "demographic", None),
    ("postcode", "nl_postcodes", "quasi_identifier", None, None),
    ("PLZ", "de_postcodes", "quasi_identifier", None, None),
    ("zip_code", "de_postcodes", "quasi_identifier", None, None),
    ("consent_email", "yes_no", "consent", None, None),
    ("opt_in_sms", "yes_no", "consent", None, None),
    ("nieuwsbrief_toestemming", "yes_no", "consent", None, None),
    ("Einwilligung_Email", "ja_nein", "consent", None, None),
    ("newsletter_optin", "yes_no", "consent", None, None),
    ("InvoiceDate", "dates", "transaction_date", None, None),
    ("besteldatum", "dates", "transaction_date", None, None),
    ("Kaufdatum", "dates", "transaction_date", None, None),
    ("UnitPrice", "amounts", "transaction_amount", None, None),
    ("bedrag", "amounts", "transaction_amount", None, None),
    ("Betrag", "amounts", "transaction_amount", None, None),
    ("comments", "comments", "free_text", None, None),
    ("opmerking", "comments", "free_text", None, None),
    ("Bemerkung", "comments", "free_text", None, None),
    ("gender", "genders", "feature", "demographic", None),
    ("geslacht", "genders", "feature", "demographic", None),
    ("Geschlecht", "genders", "feature", "demographic", None),
    ("income_band", "bands", "feature", "demographic", None),
    ("inkomen", "bands", "feature", "demographic", None),
    ("Einkommen", "bands", "feature", "demographic", None),
    ("opleiding", "bands", "feature", "demographic", None),
    ("Bildung", "bands", "feature", "demographic", None),
    ("beroep", "labels", "feature", "demographic", None),
    ("Beruf", "labels", "feature", "demographic", None),
    ("age_group", "bands", "feature", "demographic", None),
    ("city", "cities", "feature", "geographic", None),
    ("woonplaats", "cities", "feature", "geographic", None),
    ("Ort", "cities", "feature", "geographic", None),
    ("Bundesland", "labels", "feature", "geographic", None),
    ("provincie", "labels", "feature", "geographic", None),
    ("lifestyle", "labels", "feature", "psychographic", None),
    ("levensstijl", "labels", "feature", "psychographic", None),
    ("Lebensstil", "labels", "feature", "psychographic", None),
    ("interesses", "labels", "feature", "psychographic", None),
    ("Interessen", "labels", "feature", "psychographic", None),
    ("omzet", "amounts", "feature", "behavioural", None),
    ("Umsatz", "amounts", "feature", "behavioural", None),
    ("bestellingen", "counts", "feature", "behavioural", None),
    ("Bestellungen", "counts", "feature", "behavioural", None),
    ("laatste aankoop", "dates", "feature", "behavioural", None),
    ("letzter Kauf", "dates", "feature", "behavioural", None),
    ("loyaliteit", "tiers", "feature", "behavioural", None),
    ("Treuestufe", "tiers", "feature", "behavioural", None),
    ("email_opens", "counts", "feature", "behavioural", None),
    ("preferred_channel", "labels", "feature", "behavioural", None),
    ("product_name", "labels", "feature", "behavioural", None),
]


@pytest.mark.parametrize(("column", "values", "role", "tag", "special"), NAME_CASES)
def test_roles_from_column_names(column, values, role, tag, special) -> None:
    found = role_of(column, VALUES[values])
    assert (found.role, found.tag, found.special_category) == (role, tag, special), found.reason
    assert found.reason and 0 < found.confidence <= 1


AGE_BANDS = RNG.choice(["18-24", "25-34", "35-49", "50-64", "65+"], ROWS)


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("age", VALUES["ages"]),
        ("leeftijd", VALUES["ages"]),
        ("Alter", VALUES["ages"]),
        ("customer_age", VALUES["ages"]),
        ("age", AGE_BANDS),  # bands under a plain name are still ages
        ("age_band", AGE_BANDS),
        ("AgeGroup", AGE_BANDS),
        ("leeftijdsgroep", AGE_BANDS),
        ("Altersgruppe", AGE_BANDS),
    ],
)
def test_age_is_a_demographic_feature_that_keeps_its_kind(column, values) -> None:
    found = role_of(column, values)
    assert (found.role, found.tag, found.kind) == ("feature", "demographic", "age"), found.reason
    assert "quasi-identifier in combination with other columns" in found.reason


@pytest.mark.parametrize(
    ("column", "values", "kind"),
    [
        ("birth_date", "birth_dates", "birth_date"),
        ("geboortedatum", "birth_dates", "birth_date"),
        ("Geburtsdatum", "birth_dates", "birth_date"),
        ("postcode", "nl_postcodes", "postcode"),
        ("PLZ", "de_postcodes", "postcode"),
    ],
)
def test_birth_dates_and_postcodes_stay_quasi_identifiers(column, values, kind) -> None:
    found = role_of(column, VALUES[values])
    assert (found.role, found.tag, found.kind) == ("quasi_identifier", None, kind)


@pytest.mark.parametrize("column", ["page_views", "mortgage", "message_count", "Altersvorsorge"])
def test_words_that_merely_contain_age_are_not_ages(column) -> None:
    assert role_of(column, VALUES["counts"]).kind != "age"


def test_an_age_set_back_to_quasi_identifier_keeps_its_kind() -> None:
    roles = infer_column_roles(demo_frame(20))
    [age] = [role for role in apply_role_overrides(roles, {"age": "quasi_identifier"}) if role.column == "age"]
    assert (age.role, age.tag, age.kind) == ("quasi_identifier", None, "age")


SPECIAL_NAME_CASES = [
    ("religion", "religion"),
    ("religie", "religion"),
    ("geloof", "religion"),
    ("Religion", "religion"),
    ("Konfession", "religion"),
    ("faith", "religion"),
    ("gezondheid", "health"),
    ("Gesundheit", "health"),
    ("health_status", "health"),
    ("ethniciteit", "ethnicity"),
    ("Herkunft", "ethnicity"),
    ("nationality", "ethnicity"),
    ("Staatsangehörigkeit", "ethnicity"),
    ("politieke voorkeur", "political_opinion"),
    ("Partei", "political_opinion"),
    ("political_party", "political_opinion"),
    ("vakbond", "trade_union"),
    ("Gewerkschaft", "trade_union"),
    ("union_member", "trade_union"),
    ("sexuele geaardheid", "sexual_orientation"),
    ("sexual_orientation", "sexual_orientation"),
    ("fingerprint", "biometric"),
    ("DNA-profiel", "genetic"),
]


@pytest.mark.parametrize(("column", "category"), SPECIAL_NAME_CASES)
def test_special_category_names_win_whatever_the_values(column, category) -> None:
    found = role_of(column, VALUES["labels"])  # values that say nothing sensitive
    assert (found.role, found.special_category) == ("special_category", category)
    assert found.tag is None


VALUE_CASES = [
    # (values under a neutral name, role, special category, kind)
    (VALUES["emails"], "direct_identifier", None, "email"),
    (["+31 6 1234 56" + f"{i:02d}" for i in range(ROWS)], "direct_identifier", None, "phone"),
    (VALUES["ibans"], "direct_identifier", None, "iban"),
    (VALUES["ips"], "direct_identifier", None, "online_id"),
    (VALUES["names"], "direct_identifier", None, "person_name"),
    (VALUES["nl_postcodes"], "quasi_identifier", None, "postcode"),
    (VALUES["birth_dates"], "quasi_identifier", None, "birth_date"),
    (VALUES["comments"], "free_text", None, None),
    (VALUES["ids"], "id", None, "id"),
    (VALUES["religions"], "special_category", "religion", None),
    (RNG.choice(["Islam", "Christian", "Jewish", "none"], ROWS), "special_category", "religion", None),
    (
        RNG.choice(["katholisch", "evangelisch", "konfessionslos", "Atheïst"], ROWS),
        "special_category",
        "religion",
        None,
    ),
    (RNG.choice(["diabetes", "zwanger", "Schwanger", "geen", "keine"], ROWS), "special_category", "health", None),
    (RNG.choice(["VVD", "PvdA", "CDU", "SPD", "Labour"], ROWS), "special_category", "political_opinion", None),
    (RNG.choice(["hetero", "homo", "bisexual"], ROWS), "special_category", "sexual_orientation", None),
    (["same"] * ROWS, "ignore", None, None),
    ([None] * ROWS, "ignore", None, None),
]


@pytest.mark.parametrize(("values", "role", "special", "kind"), VALUE_CASES)
@pytest.mark.parametrize("column", ["col7", "field_x"])
def test_roles_from_values_when_the_name_is_neutral(column, values, role, special, kind) -> None:
    found = role_of(column, values)
    assert (found.role, found.special_category, found.kind) == (role, special, kind), found.reason


def test_religion_values_above_30_percent_win_over_a_feature_name() -> None:
    values = ["islam"] * 10 + ["katholiek"] * 4 + ["tradition"] * 26  # 35% religion terms
    found = role_of("values", values)
    assert (found.role, found.special_category) == ("special_category", "religion")
    assert "35% of sampled values are religion terms" in found.reason


def test_a_few_religion_words_below_30_percent_stay_a_feature() -> None:
    found = role_of("interests", ["halal"] * 5 + ["sports", "music", "travel", "cooking"] * 8 + ["gaming"] * 3)
    assert (found.role, found.tag) == ("feature", "psychographic")


@pytest.mark.parametrize(
    ("column", "values", "role"),
    [
        ("has_phone", VALUES["yes_no"], "feature"),  # a flag about the phone, not the number
        ("preferred_channel", RNG.choice(["email", "sms"], ROWS), "feature"),  # channel names, not addresses
        ("contact", RNG.choice(["cellular", "telephone"], ROWS), "feature"),
    ],
)
def test_identifier_words_do_not_fool_the_rules(column, values, role) -> None:
    assert role_of(column, values).role == role


def test_dtype_hints() -> None:
    frame = pd.DataFrame(
        {
            "a": VALUES["yes_no"],
            "b": [str(v) for v in VALUES["ages"]],
            "c": ["1,5", "2,25"] * (ROWS // 2),
            "d": ["2024-01-05", "2023-12-31"] * (ROWS // 2),
            "e": VALUES["cities"],
            "f": VALUES["comments"],
            "g": VALUES["amounts"],
        }
    )
    hints = {role.column: role.dtype_hint for role in infer_column_roles(frame)}
    assert hints == {
        "a": "boolean",
        "b": "integer",
        "c": "number",
        "d": "date",
        "e": "category",
        "f": "text",
        "g": "number",
    }


DEMO_EXPECTED = {
    "customer_id": ("id", None),
    "full_name": ("direct_identifier", None),
    "email": ("direct_identifier", None),
    "phone": ("direct_identifier", None),
    "birth_date": ("quasi_identifier", None),
    "age": ("feature", "demographic"),
    "gender": ("feature", "demographic"),
    "income_band": ("feature", "demographic"),
    "postcode": ("quasi_identifier", None),
    "city": ("feature", "geographic"),
    "region": ("feature", "geographic"),
    "country": ("feature", "geographic"),
    "language": ("feature", "demographic"),
    "customer_type": ("feature", "demographic"),
    "lifestyle": ("feature", "psychographic"),
    "values": ("feature", "psychographic"),
    "interests": ("feature", "psychographic"),
    "loyalty_tier": ("feature", "behavioural"),
    "preferred_channel": ("feature", "behavioural"),
    "first_purchase": ("feature", "behavioural"),
    "last_purchase": ("feature", "behavioural"),
    "order_count": ("feature", "behavioural"),
    "revenue": ("feature", "behavioural"),
    "consent_email": ("consent", None),
    "consent_sms": ("consent", None),
    "consent_push": ("consent", None),
    "religion": ("special_category", None),
}


def demo_frame(rows: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    ids = np.arange(1, rows + 1)
    return pd.DataFrame(
        {
            "customer_id": ids,
            "full_name": [
                f"{first} {last}"
                for first, last in zip(
                    rng.choice(["Jan", "Anna", "Fatima", "Lukas"], rows), [f"Visser{i}" for i in ids], strict=True
                )
            ],
            "email": [f"klant{i}@example.com" for i in ids],
            "phone": [f"+49 151 {1000000 + i}" for i in ids],
            "birth_date": pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 20_000, rows), unit="D"),
            "age": rng.integers(18, 90, rows),
            "gender": rng.choice(["female", "male"], rows),
            "income_band": rng.choice(["<20k", "20-40k", ">40k"], rows),
            "postcode": [f"{1000 + i % 800} AB" for i in ids],
            "city": rng.choice(["Amsterdam", "Berlin"], rows),
            "region": rng.choice(["Noord-Holland", "Bayern"], rows),
            "country": rng.choice(["NL", "DE"], rows),
            "language": rng.choice(["nl", "de"], rows),
            "customer_type": rng.choice(["private", "business"], rows),
            "lifestyle": rng.choice(["urban", "family"], rows),
            "values": rng.choice(["sustainability", "tradition"], rows),
            "interests": rng.choice(["sports", "travel"], rows),
            "loyalty_tier": rng.choice(["bronze", "gold"], rows),
            "preferred_channel": rng.choice(["email", "sms", "push"], rows),
            "first_purchase": pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), unit="D"),
            "last_purchase": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), unit="D"),
            "order_count": rng.integers(1, 40, rows),
            "revenue": np.round(rng.lognormal(5, 1, rows), 2),
            "consent_email": rng.choice(["yes", "no"], rows),
            "consent_sms": rng.choice([True, False], rows),
            "consent_push": rng.choice([0, 1], rows),
            "religion": rng.choice(["islam", "christian", "none", None], rows),
        }
    )


def test_demo_columns() -> None:
    roles = infer_column_roles(demo_frame())
    assert {role.column: (role.role, role.tag) for role in roles} == DEMO_EXPECTED
    kinds = {role.column: role.kind for role in roles if role.kind}
    assert kinds == {
        "customer_id": "id",
        "full_name": "person_name",
        "email": "email",
        "phone": "phone",
        "birth_date": "birth_date",
        "age": "age",
        "postcode": "postcode",
        "country": "country",
    }


def test_sampling_keeps_the_answer_for_large_frames() -> None:
    frame = pd.concat([demo_frame()] * 150, ignore_index=True)  # 30,000 rows, above the 20,000-row sample
    roles = infer_column_roles(frame, sample_rows=5_000)
    assert {role.column: (role.role, role.tag) for role in roles} == DEMO_EXPECTED


def test_revenue_is_the_amount_in_a_table_of_transactions() -> None:
    frame = pd.DataFrame({"klant_id": VALUES["ids"], "besteldatum": VALUES["dates"], "omzet": VALUES["amounts"]})
    assert [role.role for role in infer_column_roles(frame)] == ["id", "transaction_date", "transaction_amount"]


@pytest.mark.parametrize("column", ["signup_date", "registratiedatum", "Anmeldedatum", "date_joined"])
def test_a_signup_date_describes_the_customer_not_a_transaction(column) -> None:
    frame = pd.DataFrame({"klant_id": VALUES["ids"], column: VALUES["dates"], "omzet": VALUES["amounts"]})
    roles = {role.column: (role.role, role.tag) for role in infer_column_roles(frame)}
    assert roles[column] == ("feature", "behavioural")
    assert roles["omzet"] == ("feature", "behavioural")  # revenue per customer, not an amount per row


def test_roles_survive_a_json_round_trip() -> None:
    roles = infer_column_roles(demo_frame())
    stored = json.loads(json.dumps(roles_to_dict(roles)))
    assert stored["version"] == 1
    assert roles_from_dict(stored) == roles


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"columns": "nope"}, "not in the expected form"),
        ({"columns": [{"column": "a", "rol": "id"}]}, "#1 cannot be read"),
        ({"columns": [{"column": "a", "role": "boss"}]}, "unknown role 'boss'"),
        ({"columns": [{"column": "a", "role": "feature", "tag": "cosmic"}]}, "a feature needs a tag"),
    ],
)
def test_broken_stored_roles_raise_a_clear_error(stored, message) -> None:
    with pytest.raises(SchemaError, match=message):
        roles_from_dict(stored)


def test_overrides_change_only_the_named_columns() -> None:
    roles = infer_column_roles(demo_frame())
    edited = apply_role_overrides(
        roles,
        {
            "age": "feature",  # already a feature: the tag is kept
            "values": ("special_category", "religion"),
            "lifestyle": ("feature", "behavioural"),
            "phone": "ignore",
        },
    )
    by_column = {role.column: role for role in edited}
    assert (by_column["age"].role, by_column["age"].tag) == ("feature", "demographic")  # tag from the name
    assert (by_column["values"].role, by_column["values"].special_category) == ("special_category", "religion")
    assert by_column["lifestyle"].tag == "behavioural"
    assert (by_column["phone"].role, by_column["phone"].tag) == ("ignore", None)
    assert by_column["age"].kind == "age"  # the quality checks still know it holds ages
    assert by_column["age"].confidence == 1.0 and "set by the user" in by_column["age"].reason
    untouched = [role for role in edited if role.column not in {"age", "values", "lifestyle", "phone"}]
    assert untouched == [role for role in roles if role.column not in {"age", "values", "lifestyle", "phone"}]
    assert {role.column: role.role for role in roles}["phone"] == "direct_identifier"  # the input list is unchanged


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"agee": "feature"}, "Cannot set the role of column 'agee': the data has no such column"),
        ({"age": "boss"}, "Column 'age': unknown role 'boss'; choose one of id, direct_identifier"),
        ({"age": ("feature", "cosmic")}, "a feature needs a tag, one of demographic"),
        ({"age": ("consent", "email")}, "only 'feature' .* take a second value"),
        ({"age": ("special_category", "astrology")}, "unknown special category 'astrology'"),
    ],
)
def test_bad_overrides_raise_one_clear_message(overrides, message) -> None:
    with pytest.raises(SchemaError, match=message):
        apply_role_overrides(infer_column_roles(demo_frame(20)), overrides)


def shared_file(name: str) -> Path:
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"../shared/data is absent: {name} not found in {DATA}")
    return path


@pytest.mark.shared_data
def test_bank_marketing_roles() -> None:
    frame = pd.read_csv(shared_file("bank-full.csv"), sep=";")
    roles = {role.column: (role.role, role.tag) for role in infer_column_roles(frame)}
    demographic, behavioural = ("feature", "demographic"), ("feature", "behavioural")
    assert roles == {
        "age": demographic,
        "job": demographic,
        "marital": demographic,
        "education": demographic,
        "default": behavioural,
        "balance": behavioural,
        "housing": demographic,
        "loan": behavioural,
        "contact": behavioural,
        "day": behavioural,
        "month": behavioural,
        "duration": behavioural,
        "campaign": behavioural,
        "pdays": behavioural,
        "previous": behavioural,
        "poutcome": behavioural,
        "y": behavioural,
    }


@pytest.mark.shared_data
def test_online_retail_roles() -> None:
    frame = pd.read_csv(shared_file("online_retail.csv.gz"), nrows=50_000)
    roles = {role.column: role for role in infer_column_roles(frame)}
    assert roles["InvoiceDate"].role == "transaction_date" and roles["InvoiceDate"].dtype_hint == "date"
    assert roles["CustomerID"].role == "id"
    assert (roles["Country"].role, roles["Country"].tag) == ("feature", "geographic")
    assert roles["UnitPrice"].role == "transaction_amount"
    assert (roles["Quantity"].role, roles["Quantity"].tag) == ("feature", "behavioural")
    assert not any(role.role == "special_category" for role in roles.values())

"""Data minimisation plans (privacy.minimisation) and special-category rules (privacy.special_categories)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from privacy.minimisation import (
    PURPOSES,
    MinimisationError,
    apply_minimisation,
    identifier_kind,
    minimisation_report,
    plan_minimisation,
)
from privacy.pseudonymise import pseudonymise
from privacy.special_categories import (
    LEGAL_BASES,
    SPECIAL_CATEGORIES,
    SpecialCategoryAllowance,
    SpecialCategoryError,
    category_label,
    excluded_columns,
    usable_columns,
)

KEY = bytes(range(32))
GRANTED_AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)

ROLES = {
    "klant_id": {"role": "id"},
    "email": {"role": "direct_identifier", "tag": "email"},
    "telefoon": {"role": "direct_identifier"},
    "naam": {"role": "direct_identifier"},
    "iban": {"role": "direct_identifier"},
    "leeftijd": {"role": "quasi_identifier"},
    "religie": {"role": "special_category", "special_category": "religion"},
    "opt_in_email": {"role": "consent"},
    "omzet": {"role": "feature"},
    "laatste_aankoop": {"role": "transaction_date"},
    "bedrag": {"role": "transaction_amount"},
    "opmerking": {"role": "free_text"},
    "rij": {"role": "ignore"},
}

DEFAULT_ACTIONS = {
    "analysis": ["pseudonymised", "pseudonymised", "pseudonymised", "pseudonymised", "pseudonymised", "kept",
                 "excluded", "dropped", "kept", "kept", "kept", "dropped", "dropped"],
    "campaign_sending": ["pseudonymised", "kept", "kept", "pseudonymised", "pseudonymised", "kept",
                         "excluded", "dropped", "kept", "kept", "kept", "dropped", "dropped"],
    "personalisation": ["pseudonymised", "kept", "kept", "kept", "pseudonymised", "kept",
                        "excluded", "dropped", "kept", "kept", "kept", "dropped", "dropped"],
}


def allowance(column: str = "religie", category: str = "religion", **changes) -> SpecialCategoryAllowance:
    fields = {"legal_basis": "art9_2_a", "reason": "Customers asked for halal offers and consented explicitly.",
              "granted_by": "ada", "granted_at": GRANTED_AT, **changes}
    return SpecialCategoryAllowance(column=column, category=category, **fields)


# --- purposes and plans -----------------------------------------------------------------------------

def test_purposes_say_whether_and_which_contact_details_they_need():
    assert list(PURPOSES) == ["analysis", "campaign_sending", "personalisation"]
    assert PURPOSES["analysis"].sends_messages is False and PURPOSES["analysis"].contact_kinds == ()
    assert PURPOSES["campaign_sending"].contact_kinds == ("email", "phone", "address", "push_token")
    assert "name" in PURPOSES["personalisation"].contact_kinds


@pytest.mark.parametrize("purpose", list(DEFAULT_ACTIONS))
def test_default_actions_per_purpose(purpose):
    plan = plan_minimisation(ROLES, purpose)
    assert [decision.column for decision in plan.decisions] == list(ROLES)
    assert [decision.action for decision in plan.decisions] == DEFAULT_ACTIONS[purpose]
    assert not any(decision.chosen for decision in plan.decisions)


def test_kept_contact_details_are_shown_masked_with_a_reason():
    plan = plan_minimisation(ROLES, "campaign_sending")
    email, phone = plan.decision("email"), plan.decision("telefoon")
    assert (email.mask_kind, phone.mask_kind) == ("email", "phone")
    assert email.reason == "e-mail address kept because 'Campaign sending' sends messages; shown masked"
    assert plan.decision("naam").reason == (
        "name not needed for 'Campaign sending'; replaced by a keyed pseudonym")
    assert plan.decision("religie").reason.startswith(
        "special-category data (Religious or philosophical beliefs): stored but excluded")


@pytest.mark.parametrize(("column", "choice", "action"), [
    ("email", "drop", "dropped"),
    ("email", "pseudonymise", "pseudonymised"),
    ("klant_id", "drop", "dropped"),
    ("religie", "keep", "excluded"),
    ("religie", "drop", "dropped"),
    ("opt_in_email", "keep", "kept"),
    ("opmerking", "keep", "kept"),
    ("leeftijd", "drop", "dropped"),
    ("rij", "keep", "kept"),
])
def test_choices_within_the_rules_are_followed(column, choice, action):
    decision = plan_minimisation(ROLES, "campaign_sending", {column: choice}).decision(column)
    assert (decision.action, decision.chosen) == (action, True)


@pytest.mark.parametrize(("purpose", "choices", "message"), [
    ("analysis", {"email": "keep"},
     "Column 'email': the purpose 'Analysis' does not need the e-mail address in clear. Choose pseudonymise "
     "or drop, or use a purpose that needs it (Campaign sending, Personalised messages)."),
    ("campaign_sending", {"iban": "keep"},
     "Column 'iban': the purpose 'Campaign sending' does not need the bank account (IBAN) in clear. "
     "Choose pseudonymise or drop."),
    ("campaign_sending", {"klant_id": "keep"},
     "Column 'klant_id': the customer id is never stored in clear. Choose pseudonymise (records still link "
     "up) or drop."),
    ("analysis", {"religie": "pseudonymise"},
     "Column 'religie': special-category data (Religious or philosophical beliefs) stays special-category data "
     "when pseudonymised. "
     "Choose keep (stored but excluded from use) or drop."),
    ("analysis", {"opt_in_email": "pseudonymise"},
     "Column 'opt_in_email': consent answers are not identifiers. Choose keep or drop."),
    ("analysis", {"omzet": "hide"},
     "Column 'omzet': unknown choice 'hide'. Choose one of: keep, pseudonymise, drop."),
    ("analysis", {"postcode": "drop"}, "Choices name unknown column(s) 'postcode'"),
    ("marketing", {}, "purpose='marketing': expected one of analysis, campaign_sending, personalisation"),
])
def test_choices_that_break_the_rules_are_refused_with_the_fix(purpose, choices, message):
    with pytest.raises(MinimisationError) as caught:
        plan_minimisation(ROLES, purpose, choices)
    assert str(caught.value).startswith(message)


def test_an_unknown_role_is_refused():
    with pytest.raises(MinimisationError, match="Column 'x': unknown role 'contact'. Give it one of: id, "):
        plan_minimisation({"x": {"role": "contact"}}, "analysis")


def test_a_special_category_flag_on_a_feature_excludes_it():
    plan = plan_minimisation({"diagnose": {"role": "feature", "special_category": "health"}}, "analysis")
    assert plan.decision("diagnose").action == "excluded"
    assert plan.decision("diagnose").reason.startswith("special-category data (Health): stored but excluded")
    assert excluded_columns({"geloof": {"role": "special_category"}}, [], "export") == {
        "geloof": "special-category data is excluded from export unless an admin records an allowance with a "
                  "legal basis and a reason"}


@pytest.mark.parametrize(("column", "info", "kind"), [
    ("contact", {"tag": "email"}, "email"),
    ("E-mailadres", None, "email"),
    ("Telefoonnummer", None, "phone"),
    ("Handynummer", None, "phone"),
    ("mobile", None, "phone"),
    ("IBAN", None, "iban"),
    ("Straße", None, "address"),
    ("huisnummer", None, "address"),
    ("achternaam", None, "name"),
    ("Vorname", None, "name"),
    ("device_token", None, "push_token"),
    ("klantnummer", None, "other"),
])
def test_identifier_kind_from_tag_or_name(column, info, kind):
    assert identifier_kind(column, info) == kind


def test_apply_minimisation_stores_only_what_the_plan_allows():
    frame = pd.DataFrame({
        "klant_id": [1, 2], "email": ["Jan@x.nl", "piet@x.nl"], "telefoon": ["0612345678", None],
        "naam": ["Jan", "Piet"], "iban": ["NL91ABNA0417164300", None], "leeftijd": [34, 51],
        "religie": ["a", "b"], "opt_in_email": ["ja", "nee"], "omzet": [10.0, 20.0],
        "laatste_aankoop": ["2025-01-01", "2025-02-01"], "bedrag": [5.0, 6.0], "opmerking": ["hi", "ho"],
        "rij": [1, 2],
    })
    plan = plan_minimisation(ROLES, "campaign_sending", {"telefoon": "drop"})
    stored = apply_minimisation(frame, plan, KEY)
    assert list(stored.columns) == ["klant_id", "email", "naam", "iban", "leeftijd", "religie", "omzet",
                                    "laatste_aankoop", "bedrag"]
    assert stored["klant_id"].tolist() == pseudonymise(frame["klant_id"], KEY).tolist()
    assert stored["email"].tolist() == ["Jan@x.nl", "piet@x.nl"]  # kept for sending
    assert stored["naam"].tolist() == pseudonymise(frame["naam"], KEY).tolist()
    assert stored["iban"].isna().tolist() == [False, True]
    assert stored["religie"].tolist() == ["a", "b"]  # stored, excluded from use
    assert frame["klant_id"].tolist() == [1, 2]


@pytest.mark.parametrize(("frame_columns", "message"), [
    (["a", "b", "extra"], r"column\(s\) without a decision: 'extra'"),
    (["a"], r"planned column\(s\) missing from the data: 'b'"),
])
def test_apply_minimisation_refuses_a_frame_that_does_not_match_the_plan(frame_columns, message):
    plan = plan_minimisation({"a": {"role": "feature"}, "b": {"role": "feature"}}, "analysis")
    with pytest.raises(MinimisationError, match=message):
        apply_minimisation(pd.DataFrame({column: [1] for column in frame_columns}), plan, KEY)


def test_minimisation_report_flags_stored_columns_no_segment_uses():
    plan = plan_minimisation(ROLES, "analysis", {"opmerking": "keep"})
    report = minimisation_report(plan, {"omzet", "klant_id"})
    assert list(report.columns) == ["column", "role", "action", "reason", "used_by_segments",
                                    "candidate_to_drop"]
    flagged = report.set_index("column")
    assert flagged["used_by_segments"].to_dict() == {column: column in ("omzet", "klant_id") for column in ROLES}
    assert report.loc[report["candidate_to_drop"], "column"].tolist() == ["leeftijd", "religie", "opmerking"]


def test_plan_as_dict_and_frame_list_every_column():
    plan = plan_minimisation(ROLES, "analysis")
    assert [row["column"] for row in plan.as_dict()["decisions"]] == list(ROLES)
    assert plan.to_frame()["action"].tolist() == DEFAULT_ACTIONS["analysis"]
    assert plan.columns_with("excluded") == ["religie"]


# --- special categories -----------------------------------------------------------------------------

def test_all_article_9_categories_have_labels_in_three_languages():
    assert set(SPECIAL_CATEGORIES) == {"ethnicity", "political_opinion", "religion", "trade_union_membership",
                                       "genetic_data", "biometric_data", "health", "sexual_orientation"}
    assert all(set(labels) == {"en", "nl", "de"} and all(labels.values()) for labels in SPECIAL_CATEGORIES.values())
    assert category_label("religion", "nl") == "Religieuze of levensbeschouwelijke overtuigingen"
    assert category_label("health", "de") == "Gesundheit"


def test_legal_bases_are_article_9_2_a_to_j():
    assert list(LEGAL_BASES) == [f"art9_2_{letter}" for letter in "abcdefghij"]
    assert LEGAL_BASES["art9_2_a"] == "Art. 9(2)(a) explicit consent of the data subject"


@pytest.mark.parametrize("use", ["segmentation", "targeting", "export"])
def test_without_an_allowance_special_categories_are_excluded_from_every_use(use):
    assert "religie" not in usable_columns(ROLES, [], use)
    assert excluded_columns(ROLES, [], use)["religie"] == (
        f"special-category data (Religious or philosophical beliefs) is excluded from {use} unless an admin "
        "records an allowance with a legal basis and a reason")


def test_columns_usable_per_use_follow_their_role():
    assert usable_columns(ROLES, [], "segmentation") == ["leeftijd", "omzet", "laatste_aankoop", "bedrag"]
    assert usable_columns(ROLES, [], "targeting") == ["leeftijd", "omzet", "laatste_aankoop", "bedrag"]
    assert usable_columns(ROLES, [], "export") == ["klant_id", "email", "telefoon", "naam", "iban", "leeftijd",
                                                   "omzet", "laatste_aankoop", "bedrag"]
    reasons = excluded_columns(ROLES, [], "segmentation")
    assert set(reasons) == {"klant_id", "email", "telefoon", "naam", "iban", "religie", "opt_in_email",
                            "opmerking", "rij"}
    assert reasons["klant_id"] == "an id only links records; it says nothing about the customer"
    assert reasons["opmerking"].startswith("free text can contain anything")


def test_an_allowance_makes_the_column_usable_and_says_why():
    granted = allowance()
    for use in ("segmentation", "targeting", "export"):
        assert "religie" in usable_columns(ROLES, [granted], use)
        assert "religie" not in excluded_columns(ROLES, [granted], use)


@pytest.mark.parametrize(("granted", "use", "reason"), [
    (allowance(category="health"), "segmentation",
     "special-category data (Religious or philosophical beliefs); the recorded allowance names Health instead, "
     "so it does not apply"),
    (allowance(uses=frozenset({"segmentation"})), "export",
     "special-category data (Religious or philosophical beliefs); the allowance by ada does not cover export"),
    (allowance(column="geloof"), "targeting",
     "special-category data (Religious or philosophical beliefs) is excluded from targeting unless an admin "
     "records an allowance with a legal basis and a reason"),
])
def test_an_allowance_applies_only_to_its_column_category_and_uses(granted, use, reason):
    assert excluded_columns(ROLES, [granted], use)["religie"] == reason


def test_an_allowance_never_unlocks_free_text():
    roles = {"notitie": {"role": "free_text", "special_category": "health"}}
    granted = allowance(column="notitie", category="health")
    assert usable_columns(roles, [granted], "segmentation") == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"legal_basis": "consent"}, "legal_basis='consent': expected one of the Art. 9(2) GDPR grounds art9_2_a"),
    ({"reason": "ok"}, "Give a reason of at least 10 characters for using 'religie'"),
    ({"granted_by": " "}, "An allowance must name the admin who granted it."),
    ({"granted_at": datetime(2025, 3, 1)}, "granted_at must be a timezone-aware datetime."),
    ({"uses": frozenset({"profiling"})}, "uses=['profiling']: expected one or more of segmentation"),
])
def test_an_incomplete_allowance_is_refused(changes, message):
    with pytest.raises(SpecialCategoryError) as caught:
        allowance(**changes)
    assert str(caught.value).startswith(message)


def test_an_allowance_for_an_unknown_category_is_refused():
    with pytest.raises(SpecialCategoryError, match="category='income': expected one of ethnicity"):
        allowance(category="income")


def test_an_unknown_use_is_refused():
    with pytest.raises(SpecialCategoryError, match="use='mailing': expected one of segmentation, targeting"):
        usable_columns(ROLES, [], "mailing")

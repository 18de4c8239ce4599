"""Import service: minimisation at save, consent into the ledger, fixes as a new version, erasure."""

import pandas as pd
import pytest

from privacy.erasure import erase_subject
from privacy.ledger import consent_history_for, record_consent_change
from privacy.reachable import reachable
from segmentation.fixes import FixStep
from segmentation.intake import (
    ImportRequest,
    TransactionsPart,
    column_roles_mapping,
    inspect_upload,
    save_import,
)
from store.audit import AuditFilter, list_audit, verify_audit_chain
from store.authz import PermissionDenied
from store.datasets import get_dataset, list_datasets, load_dataset

CSV = (
    "klantnummer;naam;e-mailadres;leeftijd;woonplaats;religie;omzet;nieuwsbrief_email;sms_toestemming\n"
    "K001;Jan de Vries;jan@nl.example.com;34;Amsterdam;katholiek;1.234,50;ja;nee\n"
    "K002;Fatima El Amrani;fatima@nl.example.com;28;Rotterdam;islam;980,00;ja;ja\n"
    "K003;Piet Bakker;piet@nl.example.com;61;Utrecht;geen;120,75;nee;\n"
    "K003;Piet Bakker;piet@nl.example.com;61;Utrecht;geen;120,75;nee;\n"
)


def _inspect(text=CSV, name="klanten.csv"):
    return inspect_upload(text.encode("cp1252"), name, max_bytes=10_000_000)


def test_inspection_proposes_roles_consent_and_quality():
    inspection = _inspect()
    roles = column_roles_mapping(inspection.roles)
    assert roles["klantnummer"]["role"] == "id"
    assert roles["e-mailadres"]["role"] == "direct_identifier"
    assert roles["religie"]["role"] == "special_category"
    assert set(inspection.consent_columns) == {"nieuwsbrief_email", "sms_toestemming"}
    assert inspection.frame["omzet"].tolist()[0] == pytest.approx(1234.5)
    assert any(f.check in ("exact_duplicates", "duplicate_ids") for f in inspection.quality.findings)


def _request(inspection, purpose="analysis", **extra):
    return ImportRequest(name="Klanten", purpose=purpose, customers=inspection.frame,
                         roles=column_roles_mapping(inspection.roles), file_name=inspection.file_name,
                         file_sha256=inspection.file_sha256, consent_columns=inspection.consent_columns, **extra)


def test_save_minimises_for_analysis_and_fills_the_ledger(people, store):
    inspection = _inspect()
    outcome = save_import(store, people["mark"], _request(inspection))
    stored = load_dataset(store, people["mark"], outcome.customers_id)
    assert "nieuwsbrief_email" not in stored.columns  # consent answers live in the ledger, not the data
    assert stored["klantnummer"].str.startswith("p_").all()
    assert stored["e-mailadres"].str.startswith("p_").all()  # analysis does not need contact details
    assert stored["naam"].str.startswith("p_").all()
    assert stored["religie"].tolist()[0] == "katholiek"  # stored, but excluded from use
    info = get_dataset(store, people["mark"], outcome.customers_id)
    assert info["column_roles"]["religie"]["action"] == "excluded"
    # ja → granted, nee → withdrawn, blank → no event: 4 newsletter answers + 2 SMS answers
    assert outcome.consent_events == 6
    reachable_email = reachable(store, people["mark"], stored["klantnummer"], "email", "newsletter")
    assert len(reachable_email) == 2


def test_campaign_purpose_keeps_contact_details(people, store):
    outcome = save_import(store, people["mark"], _request(_inspect(), purpose="campaign_sending"))
    stored = load_dataset(store, people["mark"], outcome.customers_id)
    assert stored["e-mailadres"].tolist()[0] == "jan@nl.example.com"
    info = get_dataset(store, people["mark"], outcome.customers_id)
    assert info["column_roles"]["e-mailadres"]["mask_kind"] == "email"


def test_fixes_create_a_second_version_and_keep_the_import(people, store):
    inspection = _inspect()
    outcome = save_import(store, people["mark"], _request(inspection, fixes=(FixStep.of("drop_duplicates"),)))
    original = load_dataset(store, people["mark"], outcome.customers_id)
    cleaned = load_dataset(store, people["mark"], outcome.fixed_id)
    assert len(original) == 4 and len(cleaned) == 3
    assert get_dataset(store, people["mark"], outcome.fixed_id)["parent_id"] == outcome.customers_id


def test_transactions_link_through_pseudonyms(people, store):
    inspection = _inspect()
    transactions = pd.DataFrame({"klant": ["K001", "K001", "K002", "X999"], "datum": ["2026-01-02"] * 4,
                                 "bedrag": [10.0, 20.0, 5.5, 1.0]})
    tx_roles = column_roles_mapping(_inspect(transactions.to_csv(index=False), "tx.csv").roles)
    outcome = save_import(store, people["mark"], _request(
        inspection, transactions=TransactionsPart(transactions, tx_roles, "klant", "tx.csv")))
    customers = load_dataset(store, people["mark"], outcome.customers_id)
    stored_tx = load_dataset(store, people["mark"], outcome.transactions_id)
    assert stored_tx["klant"].isin(customers["klantnummer"]).sum() == 3
    assert any("match no customer" in note for note in outcome.notes)


def test_withdrawal_takes_effect_at_once(people, store):
    inspection = _inspect()
    outcome = save_import(store, people["mark"], _request(inspection))
    stored = load_dataset(store, people["mark"], outcome.customers_id)
    before = reachable(store, people["mark"], stored["klantnummer"], "sms", "marketing")
    record_consent_change(store, people["mark"], "K002", "sms", "marketing", "withdrawn", "phone call", "call 12")
    after = reachable(store, people["mark"], stored["klantnummer"], "sms", "marketing")
    assert len(before) == 1 and len(after) == 0
    history = consent_history_for(store, people["mark"], "K002")
    assert history["status"].tolist()[-1] == "withdrawn"


def test_evidence_must_not_hold_contact_details(people, store):
    with pytest.raises(ValueError, match="not contact details"):
        record_consent_change(store, people["mark"], "K1", "email", "marketing", "granted", "form",
                              "mail from jan@nl.example.com")


def test_erasure_removes_rows_everywhere_and_withdraws_consent(people, store):
    inspection = _inspect()
    outcome = save_import(store, people["mark"], _request(inspection))
    report = erase_subject(store, people["admin"], "K002")
    assert report.rows_removed == {outcome.customers_id: 1}
    assert report.withdrawals == 2
    stored = load_dataset(store, people["mark"], outcome.customers_id)
    assert len(stored) == 3
    assert consent_history_for(store, people["mark"], "K002")["status"].tolist()[-2:] == ["withdrawn"] * 2
    rows = list_audit(store, people["admin"], AuditFilter(action_prefix="dataset.rewrite"))
    assert rows and "K002" not in str(rows)
    assert verify_audit_chain(store).ok


def test_erasure_is_for_admins_only(people, store):
    with pytest.raises(PermissionDenied):
        erase_subject(store, people["mark"], "K002")


def test_a_failed_import_leaves_earlier_datasets_untouched(people, store):
    first = save_import(store, people["mark"], _request(_inspect()))
    bad = _request(_inspect(), choices={"e-mailadres": "keep"})  # analysis must not keep e-mail in clear
    with pytest.raises(ValueError, match="does not need"):
        save_import(store, people["mark"], bad)
    assert [row["id"] for row in list_datasets(store, people["mark"])] == [first.customers_id]
    assert len(load_dataset(store, people["mark"], first.customers_id)) == 4


def test_bad_file_gives_one_clear_message():
    from segmentation.ingest import IngestError

    with pytest.raises(IngestError, match="not a text table|binary"):
        inspect_upload(b"\x00\x01\x02\x03" * 100, "customers.csv", max_bytes=10_000)

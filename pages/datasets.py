"""Data: upload customer data, see roles, quality, minimisation and consent; manage stored datasets."""

import pandas as pd
import streamlit as st

from privacy.consent import CHANNELS
from privacy.ledger import SOURCES, consent_history_for, record_consent_change
from store.datasets import list_datasets
from ui.auth import require_roles
from ui.context import get_engine
from ui.data_upload import upload_wizard
from ui.dataset_view import dataset_details
from ui.display import show_pending_notice, show_table
from ui.errors import user_errors

principal = require_roles("marketer")
engine = get_engine()

st.title("Data")
show_pending_notice("data_notice")

stored, upload, consent = st.tabs(["Datasets", "Upload", "Consent"])

with stored, user_errors("loading datasets"):
    found = list_datasets(engine, principal)
    if not found:
        st.info("No datasets yet: upload one in the Upload tab.")
    else:
        table = pd.DataFrame(found)[["id", "name", "kind", "purpose", "version", "parent_id", "row_count",
                                     "column_count", "created_at"]]
        show_table(table, key="datasets_table")
        by_label = {f"#{row['id']} {row['name']} ({row['kind']})": row for row in found}
        labels = list(by_label)
        first_customers = next((i for i, row in enumerate(by_label.values()) if row["kind"] == "customers"), 0)
        label = st.selectbox("Dataset", labels, index=first_customers, key="dataset_choice")
        dataset_details(engine, principal, by_label[label])

with upload:
    upload_wizard(engine, principal)

with consent:
    st.markdown("Record a consent change that reached you outside an import (a phone call, a letter, the "
                "preference centre). It is appended to the ledger and takes effect at once everywhere.")
    with st.form("consent_change_form", clear_on_submit=True):
        c1, c2, c3, c4 = st.columns(4)
        identifier = c1.text_input("Customer id", key="consent_identifier")
        channel = c2.selectbox("Channel", CHANNELS, key="consent_channel")
        purpose = c3.text_input("Purpose", value="marketing", key="consent_purpose")
        status = c4.selectbox("Status", ["withdrawn", "granted"], key="consent_status")
        source = st.selectbox("Source", SOURCES, key="consent_source")
        evidence = st.text_input("Evidence reference (form id, date of letter) — no personal data",
                                 key="consent_evidence", max_chars=500)
        if st.form_submit_button("Record", type="primary", key="consent_record"):
            with user_errors("recording the consent change"):
                record_consent_change(engine, principal, identifier, channel, purpose, status, source, evidence)
                st.success(f"Recorded: {channel} / {purpose} {status}.")
    lookup = st.text_input("Look up the consent history of a customer id", key="consent_lookup")
    if lookup:
        with user_errors("reading the consent history"):
            history = consent_history_for(engine, principal, lookup)
            if history.empty:
                st.info("No consent events for that customer id.")
            else:
                show_table(history.drop(columns=["subject"]), key="consent_history")

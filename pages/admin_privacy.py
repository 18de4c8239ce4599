"""Admin: special-category allowances (with a legal basis) and erasure requests."""

import streamlit as st

from privacy.erasure import erase_subject
from privacy.special_categories import LEGAL_BASES
from store.consent import active_allowances, grant_special_category, revoke_special_category
from store.datasets import list_datasets
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import md
from ui.errors import user_errors

principal = require_roles("admin")
engine = get_engine()

st.title("Privacy")
st.subheader("Special-category data")
st.caption("Religion, health, ethnicity, sexual orientation, political opinion, trade-union membership, "
           "biometric and genetic data are excluded from segmentation, targeting and export unless you record "
           "a legal basis (GDPR Art. 9(2)) and a reason here. Every grant and revocation is audited.")

with user_errors("loading datasets"):
    special = []
    for info in list_datasets(engine, principal):
        for column, role in info["column_roles"].items():
            if role.get("role") == "special_category" or role.get("special_category"):
                special.append((info, column, role.get("special_category") or "other"))
    if not special:
        st.info("No stored dataset has a special-category column.")
    for info, column, category in special:
        granted = {row["column_name"]: row for row in active_allowances(engine, info["id"])}.get(column)
        with st.expander(f"#{info['id']} {md(info['name'])} — column '{md(column)}' ({category})"
                         + (" · ALLOWED" if granted else " · excluded")):
            if granted:
                st.warning(f"Allowed by {md(granted['actor'])} on {granted['created_at']:%Y-%m-%d} under "
                           f"{granted['legal_basis']}: {md(granted['reason'])}")
                if st.button("Revoke", key=f"revoke_{info['id']}_{column}"):
                    with user_errors("revoking"):
                        revoke_special_category(engine, principal, info["id"], column, "revoked by admin")
                        st.rerun()
            else:
                with st.form(f"grant_{info['id']}_{column}"):
                    basis = st.selectbox("Legal basis", list(LEGAL_BASES),
                                         format_func=lambda key: f"{key}: {LEGAL_BASES[key]}",
                                         key=f"basis_{info['id']}_{column}")
                    reason = st.text_area("Reason (why this use is necessary and proportionate)",
                                          key=f"reason_{info['id']}_{column}", max_chars=2000)
                    if st.form_submit_button("Allow this column", key=f"grant_button_{info['id']}_{column}"):
                        with user_errors("recording the allowance"):
                            grant_special_category(engine, principal, info["id"], column, category, basis, reason)
                            st.rerun()

st.subheader("Erasure request")
st.caption("Removes every stored row of the person from all datasets (every version) and records a withdrawal "
           "for every channel in the consent ledger. The ledger keeps its pseudonymous history as evidence.")
with st.form("erasure_form", clear_on_submit=True):
    identifier = st.text_input("Customer id or e-mail address, exactly as uploaded", key="erasure_identifier")
    confirm = st.checkbox("I have verified this request; erase the person's data", key="erasure_confirm")
    if st.form_submit_button("Erase", type="primary", key="erasure_submit"):
        if not confirm:
            st.error("Tick the confirmation first.")
        else:
            with user_errors("erasing"):
                st.success(erase_subject(engine, principal, identifier).summary())

"""Home: what this user can do, with a few live figures per role."""

import streamlit as st

from campaigns.service import list_messages
from store.accounts import list_users
from store.audit import audit_row_count
from store.authz import ROLE_LABELS, Role
from store.datasets import list_datasets
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import md
from ui.errors import user_errors
from ui.navigation import pages_for

principal = require_roles()
engine = get_engine()

st.title(f"Welcome, {md(principal.label)}")
st.caption("Your roles: " + ", ".join(ROLE_LABELS[Role(role)] for role in sorted(principal.roles)))

with user_errors("loading your overview"):
    columns = st.columns(3)
    if principal.has("marketer", "manager", "admin"):
        found = list_datasets(engine, principal)
        columns[0].metric("Datasets", len(found))
        customers = [row for row in found if row["kind"] == "customers"]
        if customers:
            columns[1].metric("Customers in newest dataset", f"{customers[0]['row_count']:,}")
    if principal.has("marketer"):
        sent_back = list_messages(engine, principal, state="changes_requested")
        if sent_back:
            st.warning(f"{len(sent_back)} message(s) came back from review with requested changes — open the "
                       "Message editor to see the reviewer's comments.")
    if principal.has("reviewer"):
        waiting = list_messages(engine, principal, state="submitted")
        columns[2 if not principal.has("admin") else 1].metric("Messages waiting for your review", len(waiting))
    if principal.has("admin"):
        users = list_users(engine, principal)
        columns[2].metric("Active users", sum(1 for user in users if user["active"]))
        st.caption(f"Audit log: {audit_row_count(engine):,} entries.")

st.subheader("Where to go")
for spec in pages_for(principal):
    if spec.url_path != "home":
        st.page_link(spec.path, label=spec.title, icon=spec.icon)

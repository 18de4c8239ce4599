"""Admin: browse and filter the audit log, verify its hash chain."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from store.audit import AuditFilter, audit_facets, list_audit, verify_audit_log
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import download_buttons, show_table
from ui.errors import user_errors

principal = require_roles("admin")
engine = get_engine()

st.title("Audit log")
st.caption("Every sign-in, account change and data change, append-only and hash-chained: changing or "
           "removing any entry breaks the chain from that entry on.")

with user_errors("verifying the audit log"):
    if st.button("Verify the chain", key="verify_chain", type="primary", icon=":material/verified:"):
        result = verify_audit_log(engine, principal)
        (st.success if result.ok else st.error)(result.summary())
        if result.ok:
            st.caption(f"Head hash (note it down to detect later removal of the newest entries): "
                       f"`{result.head_hash}`")

with user_errors("reading the audit log"):
    facets = audit_facets(engine, principal)
    c1, c2, c3, c4 = st.columns(4)
    actor = c1.selectbox("Who", ["(anyone)", *facets["actors"]], key="audit_actor")
    action = c2.selectbox("Action", ["(any)", *facets["actions"]], key="audit_action")
    object_type = c3.selectbox("Object", ["(any)", *facets["object_types"]], key="audit_object")
    period = c4.date_input("Period", value=(date.today() - timedelta(days=30), date.today()), key="audit_period")
    since, until = (period if isinstance(period, tuple) and len(period) == 2 else (None, None))
    rows = list_audit(engine, principal, AuditFilter(
        actor=None if actor == "(anyone)" else actor,
        action_prefix=None if action == "(any)" else action,
        object_type=None if object_type == "(any)" else object_type,
        since=since.isoformat() if since else None,
        until=(until + timedelta(days=1)).isoformat() if until else None,
        limit=2000,
    ))
    frame = pd.DataFrame(rows, columns=["id", "created_at", "actor", "action", "object_type", "object_id",
                                        "details", "row_hash"])
    st.write(f"{len(frame):,} entries (newest first, at most 2,000).")
    show_table(frame, key="audit_table")
    if len(frame):
        download_buttons(frame, "audit-log", key="audit_download")

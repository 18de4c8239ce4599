"""Admin: the settings in force, where each comes from, and the policy values an admin may change."""

import pandas as pd
import streamlit as st

from store.policy import describe_settings, set_policy_setting
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import show_table
from ui.errors import user_errors

principal = require_roles("admin")
engine = get_engine()

st.title("Settings")
st.caption("Deployment settings come from environment variables or .streamlit/secrets.toml; secrets are "
           "never shown. Policy settings can be changed here unless the environment fixes them.")

with user_errors("loading settings"):
    rows = describe_settings(engine, principal)
    frame = pd.DataFrame(rows)[["name", "value", "source", "default", "help"]]
    frame["value"] = frame["value"].astype(str)
    frame["default"] = frame["default"].astype(str)
    show_table(frame, key="settings_table")

    editable = [row for row in rows if row["editable"] and row["source"] in ("default", "admin (database)")]
    if editable:
        st.subheader("Change a policy setting")
        name = st.selectbox("Setting", [row["name"] for row in editable], key="policy_name")
        current = next(row for row in editable if row["name"] == name)
        st.caption(current["help"])
        with st.form("policy_form", clear_on_submit=True):
            value = st.text_input(f"New value (now {current['value']}; default {current['default']})",
                                  key="policy_value")
            save, reset = st.columns(2)
            saved = save.form_submit_button("Save", type="primary", key="policy_save")
            restored = reset.form_submit_button("Back to default", key="policy_reset")
        if saved:
            with user_errors("saving the setting"):
                set_policy_setting(engine, principal, name, value)
                st.success(f"{name} saved.")
                st.rerun()
        if restored:
            with user_errors("resetting the setting"):
                set_policy_setting(engine, principal, name, None)
                st.rerun()

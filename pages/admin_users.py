"""Admin: create and disable users, assign roles, reset passwords."""

import pandas as pd
import streamlit as st

from store.accounts import create_user, list_users, reset_password, set_active, set_roles
from store.authz import ROLE_LABELS, Role
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import md, show_table
from ui.errors import user_errors

principal = require_roles("admin")
engine = get_engine()
ROLE_NAMES = [role.value for role in Role]

st.title("Users and roles")

with user_errors("loading users"):
    users = list_users(engine, principal)
    table = pd.DataFrame(users)[["username", "display_name", "email", "roles", "active", "sso_only",
                                 "must_change_password", "failed_sign_ins", "locked", "last_login_at"]]
    table["roles"] = table["roles"].map(", ".join)
    show_table(table, key="users_table")

    tab_create, tab_edit = st.tabs(["Create a user", "Change a user"])
    with tab_create, st.form("create_user_form", clear_on_submit=True):
        username = st.text_input("Username", key="new_username", max_chars=80)
        display_name = st.text_input("Name", key="new_display_name", max_chars=200)
        email = st.text_input("E-mail (optional; needed for single sign-on)", key="new_email", max_chars=320)
        roles = st.multiselect("Roles", ROLE_NAMES, format_func=lambda r: ROLE_LABELS[Role(r)], key="new_roles")
        sso_only = st.checkbox("Single sign-on only (no local password)", key="new_sso_only")
        password = st.text_input("Temporary password (the user must change it at first sign-in)",
                                 type="password", key="new_password")
        if st.form_submit_button("Create user", type="primary", key="create_user"):
            with user_errors("creating the user"):
                create_user(engine, principal, username, None if sso_only else password, roles,
                            display_name, email or None)
                st.success(f"User {md(username.strip())} created.")
                st.rerun()

    with tab_edit:
        by_name = {user["username"]: user for user in users}
        chosen = st.selectbox("User", list(by_name), key="edit_user")
        if chosen:
            user = by_name[chosen]
            new_roles = st.multiselect("Roles", ROLE_NAMES, default=user["roles"],
                                       format_func=lambda r: ROLE_LABELS[Role(r)], key=f"roles_{user['id']}")
            left, right = st.columns(2)
            if left.button("Save roles", key="save_roles", type="primary"):
                with user_errors("saving roles"):
                    set_roles(engine, principal, user["id"], new_roles)
                    st.success("Roles saved.")
                    st.rerun()
            toggle = "Disable account" if user["active"] else "Enable account"
            if right.button(toggle, key="toggle_active"):
                with user_errors("changing the account"):
                    set_active(engine, principal, user["id"], not user["active"])
                    st.rerun()
            with st.form("reset_password_form", clear_on_submit=True):
                temporary = st.text_input("New temporary password", type="password", key="reset_password_value")
                if st.form_submit_button("Reset password and unlock", key="reset_password"):
                    with user_errors("resetting the password"):
                        reset_password(engine, principal, user["id"], temporary)
                        st.success(f"Password of {md(chosen)} reset; they must choose a new one at sign-in.")

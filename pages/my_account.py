"""My account: change the password (required after an admin reset)."""

import streamlit as st

from store.accounts import change_own_password
from ui.auth import NOTICE_KEY, remember_browser, require_roles
from ui.context import get_engine
from ui.display import md
from ui.errors import user_errors

principal = require_roles()
engine = get_engine()

st.title("My account")
notice = st.session_state.pop(NOTICE_KEY, None)
if principal.must_change_password:
    st.warning(notice or "Choose a new password before you continue.", icon="🔑")
st.write(f"**Username:** {md(principal.username)}")
st.write(f"**Roles:** {', '.join(sorted(principal.roles))}")

with st.form("change_password_form", clear_on_submit=True):
    current = st.text_input("Current password", type="password", key="account_current")
    new = st.text_input("New password", type="password", key="account_new")
    repeat = st.text_input("Repeat the new password", type="password", key="account_repeat")
    submitted = st.form_submit_button("Change password", type="primary", key="account_change")

if submitted:
    if new != repeat:
        st.error("The two new passwords differ.")
    else:
        with user_errors("changing your password"):
            change_own_password(engine, principal, current, new)  # signs out every other browser
            remember_browser(engine, principal)
            st.success("Your password was changed; other browsers signed in as you were signed out.")
            if principal.must_change_password:
                st.rerun()

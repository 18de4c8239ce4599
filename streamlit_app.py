"""Amanah — entry point: page config, first-run setup, sign-in, and the menu for the user's roles."""

from __future__ import annotations

import streamlit as st

from store.accounts import count_users
from ui.auth import NOTICE_KEY, current_principal, end_session
from ui.context import get_engine
from ui.navigation import PUBLIC_URL_PATH, SECTION_ORDER, pages_for
from ui.session_cookie import write_pending_cookie

st.set_page_config(page_title="Amanah", page_icon=":material/verified_user:", layout="wide")

engine = get_engine()

if count_users(engine) == 0:
    navigation = st.navigation([st.Page("pages/first_run_setup.py", title="Set up Amanah", icon=":material/key:",
                                        url_path=PUBLIC_URL_PATH, default=True)], position="hidden")
    navigation.run()
    st.stop()

principal = current_principal(engine)
write_pending_cookie()  # after sign-in, resume or sign-out: write or clear the browser's session cookie
if principal is None:
    navigation = st.navigation([st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:",
                                        url_path=PUBLIC_URL_PATH, default=True)], position="hidden")
    navigation.run()
    st.stop()

sections: dict[str, list] = {}
for index, spec in enumerate(pages_for(principal)):
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=index == 0)
    )
ordered = {section: sections[section] for section in SECTION_ORDER if section in sections}

with st.sidebar:
    st.caption(f"Signed in as **{principal.label}**")
    st.caption(" · ".join(sorted(principal.roles)) or "no roles")
    if st.button("Sign out", key="sign_out", icon=":material/logout:", width="stretch"):
        end_session(engine, principal, notice="You are signed out.")
        st.rerun()

if principal.must_change_password:
    st.session_state.setdefault(NOTICE_KEY, "Choose a new password before you continue.")

st.navigation(ordered, expanded=True).run()  # expanded: every page listed, no 'View more'

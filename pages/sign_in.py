"""Sign in with a local account (or single sign-on when configured)."""

import streamlit as st

from store.accounts import authenticate
from ui.auth import NOTICE_KEY, complete_sso_sign_in, sso_enabled, start_session
from ui.context import get_engine

engine = get_engine()
st.title("Sign in to Amanah")

notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.info(notice)

if sso_enabled():
    problem = complete_sso_sign_in(engine)
    if problem:
        st.error(problem)
    elif st.session_state.get("auth_user_id"):
        st.rerun()
    if st.button("Sign in with single sign-on", key="sso_login", icon=":material/badge:"):
        st.login()
    st.divider()

with st.form("login_form"):
    username = st.text_input("Username", key="login_username", max_chars=80)
    password = st.text_input("Password", type="password", key="login_password")
    submitted = st.form_submit_button("Sign in", type="primary", key="login")

if submitted:
    result = authenticate(engine, username, password)
    if result.ok:
        start_session(result.principal)
        st.rerun()
    st.error(result.message)

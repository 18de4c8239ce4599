"""First run: create the first admin account (open only while no account exists)."""

import streamlit as st

from data.seed import DEMO_ROWS, seed_demo
from store.accounts import AccountError, bootstrap_first_admin, count_users
from store.policy import effective_setting
from ui.auth import start_session
from ui.context import get_engine
from ui.errors import user_errors

engine = get_engine()
st.title("Welcome to Amanah")
st.write(
    "Amanah helps a marketing team segment its customers, write a message per segment, screen every "
    "message against ethical and legal rules, get it approved by a compliance reviewer, and follow the "
    "results per segment. Start by creating the first **admin** account."
)

if count_users(engine) > 0:
    st.info("Setup is already done. Reload the page to sign in.")
    st.stop()

minimum = effective_setting(engine, "AMANAH_PASSWORD_MIN_LENGTH")
with st.form("setup_form"):
    username = st.text_input("Username", key="setup_username", max_chars=80)
    display_name = st.text_input("Your name (shown to colleagues)", key="setup_display_name", max_chars=200)
    email = st.text_input("E-mail (optional, used for single sign-on)", key="setup_email", max_chars=320)
    password = st.text_input(f"Password (at least {minimum} characters)", type="password", key="setup_password")
    confirm = st.text_input("Repeat the password", type="password", key="setup_confirm")
    all_roles = st.checkbox(
        "Also give me the marketer, reviewer and manager roles (handy to try Amanah on your own)",
        value=True, key="setup_all_roles")
    demo = st.checkbox(f"Load the demo data ({DEMO_ROWS:,} generated customers with transactions and consent)",
                       value=True, key="setup_demo")
    submitted = st.form_submit_button("Create admin account", type="primary", key="setup_submit")

if submitted:
    if password != confirm:
        st.error("The two passwords differ. Type the same password twice.")
        st.stop()
    extra = ("marketer", "reviewer", "manager") if all_roles else ()
    try:
        principal = bootstrap_first_admin(engine, username, password, display_name, email or None, extra)
    except AccountError as exc:
        st.error(str(exc))
        st.stop()
    if demo:
        with st.spinner("Generating the demo data…"), user_errors("loading the demo data"):
            seed_demo(engine, principal)
    start_session(principal)
    st.rerun()

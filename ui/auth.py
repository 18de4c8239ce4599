"""Sign-in state for one browser session: who is signed in, idle expiry, the page guard.

Nothing here is kept in module globals: the user id and last activity live in this session's
``st.session_state``; the roles are read from the database on every run, so a disabled account or a
changed role takes effect at the next click.
"""

from __future__ import annotations

import time

import streamlit as st
from sqlalchemy import Engine
from streamlit.errors import StreamlitSecretNotFoundError

from store.accounts import load_principal, record_logout, sign_in_with_sso
from store.authz import ROLE_LABELS, Principal, Role
from store.policy import effective_setting
from store.settings import get_setting
from ui.context import get_engine

USER_KEY = "auth_user_id"
ACTIVITY_KEY = "auth_last_activity"
METHOD_KEY = "auth_method"
NOTICE_KEY = "auth_notice"


def start_session(principal: Principal, method: str = "password") -> None:
    st.session_state.clear()  # nothing from before the sign-in carries over
    st.session_state[USER_KEY] = principal.user_id
    st.session_state[ACTIVITY_KEY] = time.time()
    st.session_state[METHOD_KEY] = method


def end_session(engine: Engine, principal: Principal | None, reason: str = "user",
                notice: str | None = None) -> None:
    """Sign out: audit it and clear everything this session held."""
    method = st.session_state.get(METHOD_KEY)
    if principal is not None:
        record_logout(engine, principal, reason)
    st.session_state.clear()
    if notice:
        st.session_state[NOTICE_KEY] = notice
    if method == "sso" and sso_enabled():
        st.logout()


def current_principal(engine: Engine) -> Principal | None:
    """The signed-in user, or None (signing out an idle or disabled session on the way)."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    principal = load_principal(engine, user_id)
    if principal is None:
        end_session(engine, None, notice="Your account is no longer active. Contact an admin.")
        return None
    idle_limit = effective_setting(engine, "AMANAH_SESSION_IDLE_MINUTES") * 60
    last = st.session_state.get(ACTIVITY_KEY, 0)
    if time.time() - last > idle_limit:
        end_session(engine, principal, reason="idle",
                    notice="Your session expired after a period of inactivity. Please sign in again.")
        return None
    st.session_state[ACTIVITY_KEY] = time.time()
    return principal


def sso_enabled() -> bool:
    """Single sign-on is offered when switched on and Streamlit's [auth] secrets are present."""
    if not get_setting("AMANAH_ENABLE_SSO"):
        return False
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def complete_sso_sign_in(engine: Engine) -> str | None:
    """After st.login returns, map the identity to a local account; returns an error message or None."""
    user = st.user
    if not getattr(user, "is_logged_in", False):
        return None
    result = sign_in_with_sso(engine, user.get("email"), user.get("preferred_username") or user.get("name"))
    if result.principal is None:
        st.logout()
        return result.message
    start_session(result.principal, method="sso")
    return None


def require_roles(*roles: str) -> Principal:
    """Page guard: the signed-in principal when it holds one of ``roles`` (any role when none given).

    A page opened by URL without the role stops here with a clear message; the services check again.
    """
    engine = get_engine()
    principal = current_principal(engine)
    if principal is None:
        st.warning("Please sign in to open this page.", icon="🔒")
        st.stop()
    if roles and not principal.has(*roles):
        needed = " or ".join(ROLE_LABELS[Role(role)] for role in roles)
        st.error(f"Not allowed: this page needs the {needed} role. Ask an admin if you need access.",
                 icon="🔒")
        st.stop()
    return principal

"""Sign-in state for one browser session: who is signed in, idle expiry, the page guard.

Nothing here is kept in module globals: the user id and last activity live in this session's
``st.session_state``; the roles are read from the database on every run, so a disabled account or a
changed role takes effect at the next click. A reload or a new tab starts a new Streamlit session; it
resumes the sign-in from the browser's session cookie (store.browser_sessions) while that is valid.
"""

from __future__ import annotations

import time

import streamlit as st
from sqlalchemy import Engine
from streamlit.errors import StreamlitSecretNotFoundError

from store.accounts import load_principal, record_logout, sign_in_with_sso
from store.authz import ROLE_LABELS, Principal, Role
from store.browser_sessions import (
    open_browser_session,
    resume_browser_session,
    revoke_browser_session,
    touch_browser_session,
)
from store.policy import effective_setting
from store.settings import get_setting
from ui.context import get_engine
from ui.session_cookie import cookie_token, queue_cookie

USER_KEY = "auth_user_id"
ACTIVITY_KEY = "auth_last_activity"
METHOD_KEY = "auth_method"
NOTICE_KEY = "auth_notice"
BROWSER_SESSION_KEY = "auth_browser_session"
TOUCHED_KEY = "auth_browser_touched"
RESUME_CHECKED_KEY = "auth_resume_checked"
TOUCH_EVERY_SECONDS = 60


def start_session(principal: Principal, method: str = "password") -> None:
    """Sign ``principal`` in for this session and, unless switched off, remember this browser."""
    st.session_state.clear()  # nothing from before the sign-in carries over
    st.session_state[USER_KEY] = principal.user_id
    st.session_state[ACTIVITY_KEY] = time.time()
    st.session_state[METHOD_KEY] = method
    remember_browser(get_engine(), principal)


def remember_browser(engine: Engine, principal: Principal) -> None:
    """Give this browser a fresh session token (after sign-in, or after a password change revoked the old)."""
    hours = effective_setting(engine, "AMANAH_REMEMBER_SIGN_IN_HOURS")
    if hours <= 0:
        return
    token = open_browser_session(engine, principal, hours)
    st.session_state[BROWSER_SESSION_KEY] = token
    st.session_state[TOUCHED_KEY] = time.time()
    queue_cookie(token, hours * 3600)


def _resume_from_cookie(engine: Engine) -> None:
    """A new page session (reload, new tab): take over the sign-in the browser's cookie stands for."""
    if st.session_state.get(RESUME_CHECKED_KEY):
        return
    st.session_state[RESUME_CHECKED_KEY] = True
    token = cookie_token()
    if not token or effective_setting(engine, "AMANAH_REMEMBER_SIGN_IN_HOURS") <= 0:
        return
    principal = resume_browser_session(engine, token, effective_setting(engine, "AMANAH_SESSION_IDLE_MINUTES"))
    if principal is None:
        queue_cookie(None)  # revoked, expired or idle: drop the dead cookie
        return
    st.session_state[USER_KEY] = principal.user_id
    st.session_state[ACTIVITY_KEY] = time.time()
    st.session_state[METHOD_KEY] = "resumed"
    st.session_state[BROWSER_SESSION_KEY] = token
    st.session_state[TOUCHED_KEY] = time.time()


def end_session(engine: Engine, principal: Principal | None, reason: str = "user",
                notice: str | None = None) -> None:
    """Sign out: audit it and clear everything this session held."""
    method = st.session_state.get(METHOD_KEY)
    token = st.session_state.get(BROWSER_SESSION_KEY)
    if token:
        revoke_browser_session(engine, token)
    if principal is not None:
        record_logout(engine, principal, reason)
    st.session_state.clear()
    st.session_state[RESUME_CHECKED_KEY] = True  # the cookie this page started with is revoked now
    if token:
        queue_cookie(None)
    if notice:
        st.session_state[NOTICE_KEY] = notice
    if method == "sso" and sso_enabled():
        st.logout()


def current_principal(engine: Engine) -> Principal | None:
    """The signed-in user, or None (signing out an idle or disabled session on the way)."""
    if st.session_state.get(USER_KEY) is None:
        _resume_from_cookie(engine)
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
    token = st.session_state.get(BROWSER_SESSION_KEY)
    if token and time.time() - st.session_state.get(TOUCHED_KEY, 0) > TOUCH_EVERY_SECONDS:
        touch_browser_session(engine, token)  # keeps the browser session's idle clock in step
        st.session_state[TOUCHED_KEY] = time.time()
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

"""The cookie that keeps a browser signed in across reloads (see store.browser_sessions).

Streamlit cannot set cookies from Python, so a tiny components-v2 script writes or clears it in the page.
The cookie holds only the random token; it is SameSite=Strict (never sent by other sites' requests) and
Secure when the app is served over HTTPS. Python reads it back through ``st.context.cookies`` when a new
page session starts (a reload or a new tab).
"""

from __future__ import annotations

import streamlit as st

COOKIE_NAME = "amanah_session"
_PENDING_KEY = "auth_cookie_pending"

_JS = """
export default function(component) {
  const { data } = component;
  if (!data || !data.name) { return; }
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  const value = data.action === "set" ? data.value : "";
  const maxAge = data.action === "set" ? data.maxAge : 0;
  document.cookie = data.name + "=" + value + "; Path=/; Max-Age=" + maxAge + "; SameSite=Strict" + secure;
}
"""

_cookie_writer = st.components.v2.component("amanah.session_cookie", js=_JS)


def cookie_token() -> str | None:
    """The token the browser sent when this page session started, if any."""
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except (AttributeError, RuntimeError):  # no browser context (bare script runs)
        return None
    return value if isinstance(value, str) and value else None


def queue_cookie(token: str | None, max_age_seconds: int = 0) -> None:
    """Write (token) or clear (None) the cookie on the next render; survives a session_state reset after it."""
    st.session_state[_PENDING_KEY] = ({"action": "set", "value": token, "maxAge": int(max_age_seconds)}
                                      if token else {"action": "clear"})


def write_pending_cookie() -> None:
    """Render the queued cookie change, once (called by the entry script on every run)."""
    pending = st.session_state.pop(_PENDING_KEY, None)
    if pending is not None:
        _cookie_writer(key="session_cookie", data={"name": COOKIE_NAME, **pending}, height=0)

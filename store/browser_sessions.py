"""Browser sessions: staying signed in across page reloads and new tabs, revocably.

A Streamlit session ends with the page: a reload opens a new one. To spare users a sign-in on every reload,
a signed-in browser gets a random 256-bit token (kept in a cookie by the UI); only its SHA-256 is stored
here, so a database leak does not hand out sessions. A token resumes the session only while it is not revoked,
not past its absolute expiry, not idle for longer than the idle limit, and its account is still active —
the roles are read afresh, as on every click. Signing out, changing or resetting a password revokes tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Engine, insert, select, update

from store.accounts import load_principal
from store.authz import Principal
from store.db import WRITE
from store.schema import browser_sessions, utcnow

TOKEN_BYTES = 32
# Writing last_seen on every click would serialise all users on SQLite's write lock; a minute is precise
# enough for an idle limit counted in minutes.
LAST_SEEN_PRECISION = timedelta(minutes=1)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_browser_session(engine: Engine, principal: Principal, lifetime_hours: int) -> str:
    """A new token for ``principal``'s browser, valid for ``lifetime_hours`` at most (idle limit aside)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        connection.execute(insert(browser_sessions).values(
            token_hash=_token_hash(token), user_id=principal.user_id, created_at=now, last_seen_at=now,
            expires_at=now + timedelta(hours=lifetime_hours)))
    return token


def resume_browser_session(engine: Engine, token: str | None, idle_minutes: int) -> Principal | None:
    """The principal a token signs in, or None (unknown, revoked, expired, idle too long, account disabled)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    now = utcnow()
    with engine.connect() as connection:
        row = connection.execute(select(browser_sessions).where(
            browser_sessions.c.token_hash == _token_hash(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if now - row.last_seen_at > timedelta(minutes=idle_minutes):
        revoke_browser_session(engine, token)
        return None
    principal = load_principal(engine, row.user_id)
    if principal is None:
        return None
    touch_browser_session(engine, token)
    return principal


def touch_browser_session(engine: Engine, token: str) -> None:
    """Record activity (at most once per LAST_SEEN_PRECISION, see there)."""
    now = utcnow()
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        connection.execute(update(browser_sessions).where(
            browser_sessions.c.token_hash == _token_hash(token),
            browser_sessions.c.last_seen_at < now - LAST_SEEN_PRECISION).values(last_seen_at=now))


def revoke_browser_session(engine: Engine, token: str) -> None:
    """End one browser's session (sign-out); the cookie left behind is worthless."""
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        connection.execute(update(browser_sessions).where(
            browser_sessions.c.token_hash == _token_hash(token),
            browser_sessions.c.revoked_at.is_(None)).values(revoked_at=utcnow()))

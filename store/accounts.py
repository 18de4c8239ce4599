"""Local accounts: creation, roles, passwords (argon2), sign-in with slow-down and lockout.

Sign-in failures are counted per hashed username in `login_attempts`, for real and unknown names
alike, and every failure returns the same message, so neither the wording nor the delay tells an
attacker whether an account exists.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from store.audit import append_audit
from store.authz import Principal, Role, check_role, requires
from store.db import WRITE
from store.policy import effective_setting
from store.schema import browser_sessions, login_attempts, user_roles, users, utcnow

SIGN_IN_FAILED = (
    "Sign-in failed. Check your username and password; after several failed attempts, wait a few "
    "minutes before trying again."
)
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
MAX_DELAY_SECONDS = 8.0

_hasher = PasswordHasher()
# Verifying against this when the name is unknown keeps the timing of both paths alike.
_DUMMY_HASH = _hasher.hash("amanah-timing-equaliser")


class AccountError(ValueError):
    """A request about accounts cannot be carried out; the message says why and what to do."""


@dataclass(frozen=True)
class SignInResult:
    principal: Principal | None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.principal is not None


def _write(engine: Engine):
    return engine.connect().execution_options(**WRITE)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def validate_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME_PATTERN.match(username):
        raise AccountError(
            "Usernames are 2-80 characters: letters, digits and . _ @ - (starting with a letter or digit)."
        )
    return username


def validate_password(password: str, bind: Engine | Connection, username: str = "") -> None:
    minimum = effective_setting(bind, "AMANAH_PASSWORD_MIN_LENGTH")
    if len(password or "") < minimum:
        raise AccountError(f"The password must be at least {minimum} characters long.")
    if username and password.strip().casefold() == username.strip().casefold():
        raise AccountError("The password must not be the username.")
    if len(set(password)) < 4:
        raise AccountError("The password is too simple: use at least four different characters.")


def _validate_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [role for role in chosen if role not in {r.value for r in Role}]
    if unknown:
        raise AccountError(f"Unknown role(s): {', '.join(unknown)}. Choose from {', '.join(r.value for r in Role)}.")
    return chosen


def _name_hash(username: str) -> str:
    return hashlib.sha256(("amanah-login:" + username.strip().casefold()).encode("utf-8")).hexdigest()


def _roles_of(connection: Connection, user_id: int) -> frozenset[str]:
    rows = connection.execute(select(user_roles.c.role).where(user_roles.c.user_id == user_id)).scalars()
    return frozenset(rows)


def _principal_from_row(connection: Connection, row: Any) -> Principal:
    return Principal(
        user_id=row.id, username=row.username, display_name=row.display_name,
        roles=_roles_of(connection, row.id), is_active=row.is_active,
        must_change_password=row.must_change_password,
    )


def count_users(engine: Engine) -> int:
    """How many accounts exist (used only to decide whether first-run setup is open)."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(users)).scalar_one()


def _insert_user(connection: Connection, username: str, display_name: str, password: str | None,
                 roles: list[str], email: str | None, must_change_password: bool) -> int:
    exists = connection.execute(
        select(users.c.id).where(func.lower(users.c.username) == username.lower())
    ).first()
    if exists:
        raise AccountError(f"The username '{username}' is taken; choose another.")
    now = utcnow()
    user_id = connection.execute(
        insert(users).values(
            username=username, display_name=display_name.strip() or username,
            email=(email or "").strip() or None,
            password_hash=hash_password(password) if password else None,
            is_active=True, must_change_password=must_change_password,
            created_at=now, updated_at=now,
        )
    ).inserted_primary_key[0]
    for role in roles:
        connection.execute(insert(user_roles).values(user_id=user_id, role=role))
    return user_id


def bootstrap_first_admin(engine: Engine, username: str, password: str, display_name: str = "",
                          email: str | None = None, extra_roles: Iterable[str] = ()) -> Principal:
    """Create the first account, with the admin role; refused as soon as any account exists.

    ``extra_roles`` lets one person try the whole app alone (four-eyes still needs a second account).
    """
    username = validate_username(username)
    chosen = _validate_roles({Role.ADMIN.value, *extra_roles})
    with _write(engine) as connection, connection.begin():
        validate_password(password, connection, username)
        if connection.execute(select(func.count()).select_from(users)).scalar_one():
            raise AccountError("Setup is closed: an account already exists. Sign in instead.")
        user_id = _insert_user(connection, username, display_name, password, chosen, email, False)
        append_audit(connection, username, "user.bootstrap_admin", "user", user_id, {"roles": chosen})
        return _principal_from_row(connection, connection.execute(select(users).where(users.c.id == user_id)).one())


@requires("admin", action="create users")
def create_user(engine: Engine, actor: Principal, username: str, password: str | None,
                roles: Iterable[str], display_name: str = "", email: str | None = None,
                must_change_password: bool = True) -> int:
    """Create an account; ``password=None`` makes a single-sign-on-only account."""
    username = validate_username(username)
    chosen = _validate_roles(roles)
    if not chosen:
        raise AccountError("Give the new user at least one role.")
    with _write(engine) as connection, connection.begin():
        if password is not None:
            validate_password(password, connection, username)
        user_id = _insert_user(connection, username, display_name, password, chosen, email,
                               must_change_password and password is not None)
        append_audit(connection, actor.username, "user.create", "user", user_id,
                     {"username": username, "roles": chosen, "sso_only": password is None})
    return user_id


@requires("admin", action="list users")
def list_users(engine: Engine, actor: Principal) -> list[dict[str, Any]]:
    """Every account with roles and sign-in state (no password hashes)."""
    now = utcnow()
    with engine.connect() as connection:
        attempts = {row.name_hash: row for row in connection.execute(select(login_attempts))}
        result = []
        for row in connection.execute(select(users).order_by(users.c.username)):
            attempt = attempts.get(_name_hash(row.username))
            locked = bool(attempt and attempt.locked_until and attempt.locked_until > now)
            result.append({
                "id": row.id, "username": row.username, "display_name": row.display_name,
                "email": row.email, "roles": sorted(_roles_of(connection, row.id)),
                "active": row.is_active, "sso_only": row.password_hash is None,
                "must_change_password": row.must_change_password,
                "failed_sign_ins": attempt.failures if attempt else 0, "locked": locked,
                "last_login_at": row.last_login_at, "created_at": row.created_at,
            })
        return result


def _get_user(connection: Connection, user_id: int) -> Any:
    row = connection.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise AccountError(f"No user with id {user_id}.")
    return row


def _active_admin_ids(connection: Connection) -> set[int]:
    return set(connection.execute(
        select(users.c.id).join(user_roles, user_roles.c.user_id == users.c.id)
        .where(user_roles.c.role == Role.ADMIN.value, users.c.is_active.is_(True))
    ).scalars())


@requires("admin", action="change roles")
def set_roles(engine: Engine, actor: Principal, user_id: int, roles: Iterable[str]) -> None:
    chosen = _validate_roles(roles)
    with _write(engine) as connection, connection.begin():
        row = _get_user(connection, user_id)
        before = sorted(_roles_of(connection, user_id))
        if Role.ADMIN.value not in chosen and _active_admin_ids(connection) == {user_id}:
            raise AccountError("This is the last active admin; give another user the admin role first.")
        connection.execute(delete(user_roles).where(user_roles.c.user_id == user_id))
        for role in chosen:
            connection.execute(insert(user_roles).values(user_id=user_id, role=role))
        connection.execute(update(users).where(users.c.id == user_id).values(updated_at=utcnow()))
        append_audit(connection, actor.username, "user.roles", "user", user_id,
                     {"username": row.username, "before": before, "after": chosen})


def _revoke_browser_sessions(connection: Connection, user_id: int) -> None:
    """Sign the user out in every browser (their password changed or their account was disabled)."""
    connection.execute(update(browser_sessions).where(
        browser_sessions.c.user_id == user_id, browser_sessions.c.revoked_at.is_(None)).values(revoked_at=utcnow()))


@requires("admin", action="enable or disable users")
def set_active(engine: Engine, actor: Principal, user_id: int, active: bool) -> None:
    with _write(engine) as connection, connection.begin():
        row = _get_user(connection, user_id)
        if not active and user_id == actor.user_id:
            raise AccountError("You cannot disable your own account.")
        if not active and _active_admin_ids(connection) == {user_id}:
            raise AccountError("This is the last active admin; it cannot be disabled.")
        connection.execute(update(users).where(users.c.id == user_id)
                           .values(is_active=bool(active), updated_at=utcnow()))
        if not active:
            _revoke_browser_sessions(connection, user_id)
        append_audit(connection, actor.username, "user.enable" if active else "user.disable", "user",
                     user_id, {"username": row.username})


@requires("admin", action="reset passwords")
def reset_password(engine: Engine, actor: Principal, user_id: int, new_password: str) -> None:
    """Set a temporary password; the user must choose a new one at next sign-in. Clears a lockout."""
    with _write(engine) as connection, connection.begin():
        row = _get_user(connection, user_id)
        validate_password(new_password, connection, row.username)
        connection.execute(update(users).where(users.c.id == user_id).values(
            password_hash=hash_password(new_password), must_change_password=True, updated_at=utcnow()))
        connection.execute(delete(login_attempts).where(login_attempts.c.name_hash == _name_hash(row.username)))
        _revoke_browser_sessions(connection, user_id)
        append_audit(connection, actor.username, "user.reset_password", "user", user_id,
                     {"username": row.username})


def change_own_password(engine: Engine, actor: Principal, current_password: str, new_password: str) -> None:
    """Any signed-in user changes their own password (the current one is required)."""
    check_role(actor, tuple(r.value for r in Role), "change your password")
    with _write(engine) as connection, connection.begin():
        row = _get_user(connection, actor.user_id)
        if row.password_hash is None or not _verify(row.password_hash, current_password):
            raise AccountError("The current password is not correct.")
        validate_password(new_password, connection, row.username)
        if _verify(row.password_hash, new_password):
            raise AccountError("Choose a password different from the current one.")
        connection.execute(update(users).where(users.c.id == actor.user_id).values(
            password_hash=hash_password(new_password), must_change_password=False, updated_at=utcnow()))
        _revoke_browser_sessions(connection, actor.user_id)  # the UI opens a fresh one for this browser
        append_audit(connection, actor.username, "user.change_password", "user", actor.user_id, {})


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _failure_delay(bind: Engine | Connection, failures: int) -> float:
    base = effective_setting(bind, "AMANAH_LOGIN_DELAY_SECONDS")
    return min(MAX_DELAY_SECONDS, base * (2 ** max(0, failures - 1)))


def authenticate(engine: Engine, username: str, password: str,
                 sleep: Callable[[float], None] = time.sleep) -> SignInResult:
    """Check a username and password. Failures are slowed down, counted and audited."""
    name = (username or "").strip()
    name_hash = _name_hash(name)
    now = utcnow()
    with _write(engine) as connection, connection.begin():
        attempt = connection.execute(
            select(login_attempts).where(login_attempts.c.name_hash == name_hash)).first()
        locked = bool(attempt and attempt.locked_until and attempt.locked_until > now)
        row = connection.execute(select(users).where(func.lower(users.c.username) == name.lower())).first()
        stored_hash = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
        password_ok = _verify(stored_hash, password or "") and row is not None and row.password_hash is not None
        if password_ok and row.is_active and not locked:
            if _hasher.check_needs_rehash(row.password_hash):
                connection.execute(update(users).where(users.c.id == row.id)
                                   .values(password_hash=hash_password(password)))
            connection.execute(update(users).where(users.c.id == row.id).values(last_login_at=now))
            connection.execute(delete(login_attempts).where(login_attempts.c.name_hash == name_hash))
            append_audit(connection, row.username, "auth.login", "user", row.id, {"method": "password"})
            return SignInResult(_principal_from_row(connection, row))

        failures = (attempt.failures if attempt else 0) + 1
        max_failures = effective_setting(connection, "AMANAH_LOGIN_MAX_FAILURES")
        lock_until = None
        if failures >= max_failures:
            lock_until = now + timedelta(seconds=effective_setting(connection, "AMANAH_LOGIN_LOCKOUT_SECONDS"))
        values = {"failures": failures, "last_failed_at": now,
                  "locked_until": lock_until or (attempt.locked_until if attempt else None)}
        if attempt:
            connection.execute(update(login_attempts).where(login_attempts.c.name_hash == name_hash).values(**values))
        else:
            connection.execute(insert(login_attempts).values(name_hash=name_hash, **values))
        reason = ("locked" if locked else "disabled" if row is not None and password_ok
                  else "bad_credentials")
        # The typed name is not stored for unknown accounts: it may be a password typed in the wrong box.
        append_audit(connection, row.username if row is not None else "(unknown)", "auth.login_failed",
                     "user", row.id if row is not None else "-",
                     {"reason": reason, "failures": failures, "locked": lock_until is not None or locked})
    sleep(_failure_delay(engine, failures))
    return SignInResult(None, SIGN_IN_FAILED)


def record_logout(engine: Engine, principal: Principal, reason: str = "user") -> None:
    with _write(engine) as connection, connection.begin():
        append_audit(connection, principal.username, "auth.logout", "user", principal.user_id, {"reason": reason})


def load_principal(engine: Engine, user_id: int) -> Principal | None:
    """The current state of a signed-in user (None when the account was disabled or removed)."""
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.id == user_id)).first()
        if row is None or not row.is_active:
            return None
        return _principal_from_row(connection, row)


def sign_in_with_sso(engine: Engine, email: str | None, subject_name: str | None) -> SignInResult:
    """Map an identity-provider login to a local active account (by e-mail, then username)."""
    with _write(engine) as connection, connection.begin():
        row = None
        if email:
            row = connection.execute(select(users).where(func.lower(users.c.email) == email.strip().lower())).first()
        if row is None and subject_name:
            row = connection.execute(
                select(users).where(func.lower(users.c.username) == subject_name.strip().lower())).first()
        if row is None or not row.is_active:
            append_audit(connection, "(unknown)", "auth.login_failed", "user", "-",
                         {"reason": "sso_no_local_account", "method": "sso"})
            return SignInResult(None, "Your single sign-on account has no active Amanah account. Ask an "
                                      "admin to create one with your e-mail address.")
        connection.execute(update(users).where(users.c.id == row.id).values(last_login_at=utcnow()))
        append_audit(connection, row.username, "auth.login", "user", row.id, {"method": "sso"})
        return SignInResult(_principal_from_row(connection, row))

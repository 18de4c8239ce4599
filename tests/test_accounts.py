"""Accounts: argon2 hashes, setup only once, slow-down and lockout, generic sign-in errors, roles."""

import pytest
from sqlalchemy import select

from store.accounts import (
    SIGN_IN_FAILED,
    AccountError,
    authenticate,
    bootstrap_first_admin,
    change_own_password,
    count_users,
    create_user,
    list_users,
    load_principal,
    reset_password,
    set_active,
    set_roles,
)
from store.audit import AuditFilter, list_audit, verify_audit_chain
from store.policy import set_policy_setting
from store.schema import users
from tests.conftest import PASSWORD


def no_sleep(_seconds):
    return None


def test_password_is_stored_as_argon2_hash(store):
    bootstrap_first_admin(store, "admin", PASSWORD)
    with store.connect() as connection:
        stored = connection.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_setup_creates_admin_once(store):
    admin = bootstrap_first_admin(store, "admin", PASSWORD, extra_roles=["marketer"])
    assert admin.roles == {"admin", "marketer"}
    with pytest.raises(AccountError, match="Setup is closed"):
        bootstrap_first_admin(store, "second", PASSWORD)
    assert count_users(store) == 1


@pytest.mark.parametrize("password, message", [
    ("short", "at least 12 characters"),
    ("aaaaaaaaaaaaaaa", "too simple"),
    ("administrator", "must not be the username"),
])
def test_weak_passwords_are_refused(store, password, message):
    with pytest.raises(AccountError, match=message):
        bootstrap_first_admin(store, "administrator", password)


def test_admin_can_raise_the_minimum_length(people, store):
    set_policy_setting(store, people["admin"], "AMANAH_PASSWORD_MIN_LENGTH", 20)
    with pytest.raises(AccountError, match="at least 20"):
        create_user(store, people["admin"], "newbie", "only sixteen chars", ["marketer"])


def test_sign_in_failure_message_is_identical_for_unknown_and_wrong(people, store):
    unknown = authenticate(store, "nobody", PASSWORD, sleep=no_sleep)
    wrong = authenticate(store, "mark", "not the password", sleep=no_sleep)
    assert not unknown.ok and not wrong.ok
    assert unknown.message == wrong.message == SIGN_IN_FAILED


def test_successful_sign_in_is_case_insensitive_on_username_and_audited(people, store):
    result = authenticate(store, "MARK", PASSWORD, sleep=no_sleep)
    assert result.ok and result.principal.username == "mark" and result.principal.roles == {"marketer"}
    actions = [row["action"] for row in list_audit(store, people["admin"], AuditFilter(actor="mark"))]
    assert "auth.login" in actions


def test_failures_slow_down_exponentially_and_lock(people, store, monkeypatch):
    monkeypatch.setenv("AMANAH_LOGIN_DELAY_SECONDS", "0.5")
    monkeypatch.setenv("AMANAH_LOGIN_MAX_FAILURES", "3")
    delays = []
    for _ in range(4):
        assert not authenticate(store, "mark", "wrong password!", sleep=delays.append).ok
    assert delays == [0.5, 1.0, 2.0, 4.0]
    # Locked now: even the right password is refused, with the same message.
    locked = authenticate(store, "mark", PASSWORD, sleep=delays.append)
    assert not locked.ok and locked.message == SIGN_IN_FAILED
    row = next(user for user in list_users(store, people["admin"]) if user["username"] == "mark")
    assert row["locked"] and row["failed_sign_ins"] == 5


def test_unknown_names_are_slowed_down_like_real_ones(people, store, monkeypatch):
    monkeypatch.setenv("AMANAH_LOGIN_DELAY_SECONDS", "0.5")
    real, unknown = [], []
    for _ in range(3):
        authenticate(store, "mark", "wrong password!", sleep=real.append)
        authenticate(store, "ghost", "wrong password!", sleep=unknown.append)
    assert real == unknown == [0.5, 1.0, 2.0]


def test_reset_password_unlocks_and_forces_a_change(people, store, monkeypatch):
    monkeypatch.setenv("AMANAH_LOGIN_MAX_FAILURES", "1")
    authenticate(store, "mark", "wrong password!", sleep=no_sleep)
    assert not authenticate(store, "mark", PASSWORD, sleep=no_sleep).ok
    reset_password(store, people["admin"], people["mark"].user_id, "temporary password 1")
    result = authenticate(store, "mark", "temporary password 1", sleep=no_sleep)
    assert result.ok and result.principal.must_change_password
    change_own_password(store, result.principal, "temporary password 1", "my own new password")
    assert not load_principal(store, people["mark"].user_id).must_change_password


def test_change_own_password_needs_the_current_one(people, store):
    with pytest.raises(AccountError, match="current password is not correct"):
        change_own_password(store, people["mark"], "guess", "another long password")


def test_disabled_user_cannot_sign_in_and_loses_the_session(people, store):
    set_active(store, people["admin"], people["rita"].user_id, False)
    assert not authenticate(store, "rita", PASSWORD, sleep=no_sleep).ok
    assert load_principal(store, people["rita"].user_id) is None


def test_roles_can_be_combined_and_changed(people, store):
    set_roles(store, people["admin"], people["manu"].user_id, ["manager", "reviewer"])
    assert load_principal(store, people["manu"].user_id).roles == {"manager", "reviewer"}
    with pytest.raises(AccountError, match="Unknown role"):
        set_roles(store, people["admin"], people["manu"].user_id, ["wizard"])


def test_last_admin_is_protected(people, store):
    admin = people["admin"]
    with pytest.raises(AccountError, match="last active admin"):
        set_roles(store, admin, admin.user_id, ["marketer"])
    with pytest.raises(AccountError, match="your own account"):
        set_active(store, admin, admin.user_id, False)


def test_duplicate_usernames_are_refused_case_insensitively(people, store):
    with pytest.raises(AccountError, match="taken"):
        create_user(store, people["admin"], "MARK", PASSWORD, ["marketer"])


def test_account_changes_are_audited_and_chain_verifies(people, store):
    set_roles(store, people["admin"], people["mark"].user_id, ["marketer", "manager"])
    actions = {row["action"] for row in list_audit(store, people["admin"])}
    assert {"user.bootstrap_admin", "user.create", "user.roles"} <= actions
    assert verify_audit_chain(store).ok


def test_failed_sign_in_of_unknown_name_does_not_store_the_typed_name(people, store):
    authenticate(store, "my-secret-password-typed-here", "x", sleep=no_sleep)
    rows = list_audit(store, people["admin"], AuditFilter(action_prefix="auth.login_failed"))
    assert rows and all("my-secret" not in str(row) for row in rows)


def test_single_sign_on_maps_to_an_active_local_account_by_email(people, store):
    create_user(store, people["admin"], "sara", None, ["reviewer"], email="Sara@Example.org")
    result = authenticate(store, "sara", "", sleep=no_sleep)
    assert not result.ok, "an SSO-only account has no local password"
    from store.accounts import sign_in_with_sso

    signed_in = sign_in_with_sso(store, "sara@example.org", None)
    assert signed_in.ok and signed_in.principal.roles == {"reviewer"}
    stranger = sign_in_with_sso(store, "stranger@example.org", "stranger")
    assert not stranger.ok and "no active Amanah account" in stranger.message

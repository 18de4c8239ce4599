"""Staying signed in across reloads: tokens stored hashed, resumed only while valid, revoked when they must be."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from store.accounts import change_own_password, reset_password, set_active
from store.browser_sessions import open_browser_session, resume_browser_session, revoke_browser_session
from store.schema import browser_sessions, utcnow
from tests.conftest import PASSWORD

IDLE_MINUTES = 30


def test_a_token_resumes_its_user_with_fresh_roles(people, store):
    token = open_browser_session(store, people["mark"], 12)
    resumed = resume_browser_session(store, token, IDLE_MINUTES)
    assert resumed is not None and resumed.user_id == people["mark"].user_id and resumed.has("marketer")


def test_only_the_hash_of_the_token_is_stored(people, store):
    token = open_browser_session(store, people["mark"], 12)
    with store.connect() as connection:
        stored = connection.execute(select(browser_sessions.c.token_hash)).scalars().all()
    assert token not in stored and all(len(value) == 64 for value in stored)


@pytest.mark.parametrize("token", [None, "", "not-a-token", "x" * 500, 12345])
def test_unknown_or_malformed_tokens_sign_nobody_in(people, store, token):
    open_browser_session(store, people["mark"], 12)
    assert resume_browser_session(store, token, IDLE_MINUTES) is None


def test_a_revoked_token_no_longer_works(people, store):
    token = open_browser_session(store, people["mark"], 12)
    revoke_browser_session(store, token)
    assert resume_browser_session(store, token, IDLE_MINUTES) is None


def test_a_token_past_its_lifetime_no_longer_works(people, store):
    token = open_browser_session(store, people["mark"], 12)
    with store.begin() as connection:
        connection.execute(update(browser_sessions).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert resume_browser_session(store, token, IDLE_MINUTES) is None


def test_an_idle_token_is_refused_and_revoked(people, store):
    token = open_browser_session(store, people["mark"], 12)
    with store.begin() as connection:
        connection.execute(update(browser_sessions).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert resume_browser_session(store, token, IDLE_MINUTES) is None
    with store.begin() as connection:  # even if the clock were wound back, it stays revoked
        connection.execute(update(browser_sessions).values(last_seen_at=utcnow()))
    assert resume_browser_session(store, token, IDLE_MINUTES) is None


def test_disabling_the_account_signs_out_every_browser(people, store):
    token = open_browser_session(store, people["mark"], 12)
    set_active(store, people["admin"], people["mark"].user_id, False)
    assert resume_browser_session(store, token, IDLE_MINUTES) is None
    set_active(store, people["admin"], people["mark"].user_id, True)
    assert resume_browser_session(store, token, IDLE_MINUTES) is None  # revoked, not just suspended


def test_a_password_change_or_reset_signs_out_every_browser(people, store):
    first = open_browser_session(store, people["mark"], 12)
    change_own_password(store, people["mark"], PASSWORD, "a brand new passphrase 42")
    assert resume_browser_session(store, first, IDLE_MINUTES) is None
    second = open_browser_session(store, people["mark"], 12)
    other_user = open_browser_session(store, people["rita"], 12)
    reset_password(store, people["admin"], people["mark"].user_id, "temporary passphrase 77")
    assert resume_browser_session(store, second, IDLE_MINUTES) is None
    assert resume_browser_session(store, other_user, IDLE_MINUTES) is not None  # only that user's browsers

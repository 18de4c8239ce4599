"""Real browser: a reload or a fresh visit keeps the user signed in; sign-out ends it; it can be switched off."""

import pytest

from store.accounts import bootstrap_first_admin
from store.db import create_store_engine, upgrade
from tests.browser_support import assert_no_exception, browser_page, chromium_path, running_app, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "session cookie password"


def _sign_in(page, base):
    page.goto(base)
    page.get_by_label("Username", exact=True).fill("ada")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Welcome,").wait_for(timeout=60_000)
    wait_idle(page)


def _database(tmp_path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    upgrade(engine)
    bootstrap_first_admin(engine, "ada", PASSWORD, "Ada Admin")


def test_a_reload_and_a_new_visit_stay_signed_in_until_sign_out(tmp_path):
    chromium_path()
    _database(tmp_path)
    with running_app(tmp_path) as base, browser_page() as page:
        _sign_in(page, base)
        cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
        assert cookies["amanah_session"]["sameSite"] == "Strict" and len(cookies["amanah_session"]["value"]) >= 40
        page.reload()
        page.get_by_text("Welcome,").wait_for(timeout=60_000)  # no sign-in form after a reload
        page.goto(f"{base}/account")  # opening a link anew (as in a new tab) is a new session too
        page.get_by_role("heading", name="My account").wait_for(timeout=60_000)
        stolen = cookies["amanah_session"]["value"]
        page.get_by_role("button", name="Sign out").click()
        page.get_by_text("Sign in to Amanah").wait_for(timeout=30_000)
        wait_idle(page)
        page.reload()
        page.get_by_text("Sign in to Amanah").wait_for(timeout=30_000)
        assert_no_exception(page)
        # The old cookie, replayed, is worthless: the token was revoked on sign-out.
        page.context.add_cookies([{"name": "amanah_session", "value": stolen, "url": base}])
        page.goto(base)
        page.get_by_text("Sign in to Amanah").wait_for(timeout=30_000)


def test_remembering_can_be_switched_off(tmp_path):
    chromium_path()
    _database(tmp_path)
    with running_app(tmp_path, {"AMANAH_REMEMBER_SIGN_IN_HOURS": "0"}) as base, browser_page() as page:
        _sign_in(page, base)
        assert "amanah_session" not in {cookie["name"] for cookie in page.context.cookies()}
        page.reload()
        page.get_by_text("Sign in to Amanah").wait_for(timeout=30_000)

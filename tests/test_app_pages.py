"""AppTest: first-run setup, sign-in, and every page for every role (refused where the role lacks it)."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from store.accounts import load_principal
from tests.conftest import PASSWORD, ROOT, make_users, signed_in_state
from ui.navigation import PAGES

ROLES = ["marketer", "reviewer", "manager", "admin"]
USER_FOR_ROLE = {"marketer": "mark", "reviewer": "rita", "manager": "manu", "admin": "admin"}
TIMEOUT = 30




def _app(state: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    for key, value in (state or {}).items():
        app.session_state[key] = value
    return app


def _texts(app: AppTest) -> str:
    parts = [element.value for kind in ("title", "header", "subheader", "markdown", "caption", "info",
                                        "warning", "error", "success")
             for element in getattr(app, kind)]
    return "\n".join(str(part) for part in parts)


def test_empty_database_shows_setup_and_creates_the_admin(app_db):
    app = _app().run()
    assert "Welcome to Amanah" in _texts(app)
    app.text_input(key="setup_username").input("founder")
    app.text_input(key="setup_password").input(PASSWORD)
    app.text_input(key="setup_confirm").input(PASSWORD)
    app.checkbox(key="setup_demo").uncheck()
    app.button(key="setup_submit").click().run()
    assert not app.exception
    assert app.session_state["auth_user_id"] == 1
    assert load_principal(app_db, 1).roles == {"admin", "marketer", "reviewer", "manager"}
    assert "Welcome, founder" in _texts(app)


def test_setup_refuses_mismatched_passwords(app_db):
    app = _app().run()
    app.text_input(key="setup_username").input("founder")
    app.text_input(key="setup_password").input(PASSWORD)
    app.text_input(key="setup_confirm").input(PASSWORD + "x")
    app.button(key="setup_submit").click().run()
    assert "The two passwords differ" in _texts(app)
    assert "auth_user_id" not in app.session_state


def test_sign_in_page_after_setup_and_generic_error(app_db, monkeypatch):
    make_users(app_db)
    app = _app().run()
    assert "Sign in to Amanah" in _texts(app)
    app.text_input(key="login_username").input("mark")
    app.text_input(key="login_password").input("wrong password")
    app.button(key="login").click().run()
    assert "Sign-in failed" in _texts(app)
    app.text_input(key="login_password").input(PASSWORD)
    app.button(key="login").click().run()
    assert not app.exception
    assert "Welcome, Mark" in _texts(app)


def test_idle_session_expires(app_db):
    people = make_users(app_db)
    state = signed_in_state(people["mark"])
    state["auth_last_activity"] = time.time() - 31 * 60
    app = _app(state).run()
    assert "Sign in to Amanah" in _texts(app)
    assert "expired" in _texts(app)


def test_sign_out_clears_the_session(app_db):
    people = make_users(app_db)
    app = _app(signed_in_state(people["mark"])).run()
    app.button(key="sign_out").click().run()
    assert "auth_user_id" not in app.session_state
    assert "Sign in to Amanah" in _texts(app)


def _cases():
    for spec in PAGES:
        for role in ROLES:
            allowed = not spec.roles or role in spec.roles
            yield pytest.param(spec, role, allowed, id=f"{spec.url_path}-{role}")


@pytest.mark.parametrize("spec, role, allowed", list(_cases()))
def test_every_page_for_every_role(app_db, spec, role, allowed):
    people = make_users(app_db)
    app = _app(signed_in_state(people[USER_FOR_ROLE[role]])).run()
    if not allowed:
        # The page is not in this user's navigation at all, so it cannot be switched to.
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(spec.path)
        return
    app.switch_page(spec.path).run()
    assert not app.exception, app.exception
    texts = _texts(app)
    assert spec.title in texts or (spec.url_path == "home" and "Welcome" in texts)
    assert "Not allowed" not in texts


@pytest.mark.parametrize("spec", [s for s in PAGES if s.roles], ids=lambda s: s.url_path)
def test_page_opened_directly_without_the_role_is_refused(app_db, spec):
    """Even bypassing the menu (the page file run on its own), the page guard refuses."""
    people = make_users(app_db)
    outsider = next(role for role in ROLES if role not in spec.roles)
    app = AppTest.from_file(str(ROOT / spec.path), default_timeout=TIMEOUT)
    for key, value in signed_in_state(people[USER_FOR_ROLE[outsider]]).items():
        app.session_state[key] = value
    app.run()
    assert not app.exception
    assert any("Not allowed" in error.value for error in app.error)


def test_page_opened_directly_when_signed_out_asks_to_sign_in(app_db):
    make_users(app_db)
    app = AppTest.from_file(str(ROOT / "pages/admin_users.py"), default_timeout=TIMEOUT).run()
    assert any("sign in" in warning.value.lower() for warning in app.warning)


def test_must_change_password_only_shows_the_account_page(app_db):
    from store.accounts import reset_password

    people = make_users(app_db)
    reset_password(app_db, people["admin"], people["mark"].user_id, "temporary password 1")
    app = _app(signed_in_state(people["mark"])).run()
    assert "My account" in [t.value for t in app.title]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("pages/datasets.py")


def test_admin_creates_a_user_in_the_browser(app_db):
    people = make_users(app_db)
    app = _app(signed_in_state(people["admin"])).run()
    app.switch_page("pages/admin_users.py").run()
    app.text_input(key="new_username").input("newcomer")
    app.multiselect(key="new_roles").select("manager")
    app.text_input(key="new_password").input("a temporary password")
    app.button(key="create_user").click().run()
    assert not app.exception
    table = app.dataframe[0].value
    assert "newcomer" in set(table["username"])


def test_admin_verifies_the_audit_chain_in_the_browser(app_db):
    people = make_users(app_db)
    app = _app(signed_in_state(people["admin"])).run()
    app.switch_page("pages/admin_audit.py").run()
    app.button(key="verify_chain").click().run()
    assert any("Audit chain intact" in s.value for s in app.success)


def test_sso_button_appears_only_when_configured(app_db, monkeypatch):
    make_users(app_db)
    app = _app().run()
    assert not [b for b in app.button if b.key == "sso_login"]
    monkeypatch.setenv("AMANAH_ENABLE_SSO", "true")
    app = _app()
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                           "client_id": "amanah", "client_secret": "s",
                           "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration"}
    app.run()
    assert [b for b in app.button if b.key == "sso_login"]

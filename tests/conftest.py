"""Shared fixtures: an isolated data folder for every test, migrated stores, signed-in principals."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from store.accounts import bootstrap_first_admin, create_user, load_principal
from store.authz import Principal
from store.db import create_store_engine, upgrade

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
PASSWORD = "correct horse battery staple"


def skip_or_fail(reason: str) -> None:
    """Skip for a missing prerequisite on a developer's machine; fail in CI, where it must be there."""
    if os.environ.get("AMANAH_CI") == "1":
        pytest.fail(f"CI prerequisite missing: {reason}")
    pytest.skip(reason)


def shared_data_file(name: str) -> Path:
    """A file from ../shared/data, or skip the test with the reason when it is not there."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"../shared/data/{name} is absent (real-data tests need the shared data folder)")
    return path


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores datasets and keys in its own folder and never sees a developer's settings."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("AMANAH_DATA_DIR", str(data))
    monkeypatch.setenv("AMANAH_LOGIN_DELAY_SECONDS", "0")
    monkeypatch.setenv("AMANAH_PSEUDONYM_KEY", "test-pseudonym-key-0123456789abcdef0123456789")
    for name in ("DATABASE_URL", "AMANAH_ENABLE_SSO", "AMANAH_ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return data


def _reset_postgres(url: str) -> Engine:
    engine = create_store_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return engine


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated, empty store on SQLite (in memory) and, when TEST_DATABASE_URL is set, PostgreSQL."""
    if request.param == "sqlite":
        engine = create_store_engine("sqlite://")
    else:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            skip_or_fail("TEST_DATABASE_URL is not set (PostgreSQL store tests run in CI)")
        engine = _reset_postgres(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_store() -> Iterator[Engine]:
    """A migrated in-memory SQLite store (for tests that do not depend on the backend)."""
    engine = create_store_engine("sqlite://")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def file_store(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite file store (WAL), for tests with several real connections."""
    engine = create_store_engine(f"sqlite:///{tmp_path / 'app.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def make_users(engine: Engine) -> dict[str, Principal]:
    """An admin plus one user per role (and one with two roles), as principals."""
    admin = bootstrap_first_admin(engine, "admin", PASSWORD, "Ada Admin")
    people = {"admin": admin}
    for name, roles in (("mark", ["marketer"]), ("rita", ["reviewer"]), ("manu", ["manager"]),
                        ("multi", ["marketer", "reviewer"])):
        user_id = create_user(engine, admin, name, PASSWORD, roles, name.title(), must_change_password=False)
        people[name] = load_principal(engine, user_id)
    return people


@pytest.fixture
def people(store: Engine) -> dict[str, Principal]:
    return make_users(store)


def signed_in_state(principal: Principal) -> dict[str, object]:
    """Session-state entries that make an AppTest run as ``principal``."""
    return {"auth_user_id": principal.user_id, "auth_last_activity": time.time(), "auth_method": "password"}


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated SQLite file database that the app under test uses through DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = create_store_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


def open_page(principal: Principal, page: str, timeout: int = 90):
    """An AppTest of the whole app, signed in as ``principal``, switched to ``page`` (no exception allowed)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    for key, value in signed_in_state(principal).items():
        app.session_state[key] = value
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app

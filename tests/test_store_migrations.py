"""The schema comes from migrations and matches the table definitions on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from store.db import create_store_engine, current_revision, head_revision, resolve_url, upgrade
from store.schema import metadata, roles


def test_migrations_create_exactly_the_declared_schema(store):
    with store.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
    assert current_revision(store) == head_revision(store)


def test_upgrade_twice_is_harmless_and_roles_are_seeded(store):
    upgrade(store)
    with store.connect() as connection:
        names = set(connection.execute(select(roles.c.name)).scalars())
    assert names == {"marketer", "reviewer", "manager", "admin"}


def test_sqlite_file_store_uses_wal_foreign_keys_and_busy_timeout(file_store):
    with file_store.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    assert {"users", "roles", "user_roles", "app_settings", "datasets", "audit_log", "login_attempts"} <= set(
        inspect(file_store).get_table_names())


def test_relative_sqlite_path_is_anchored_at_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = resolve_url("sqlite:///data/test-anchor.db")
    assert url.endswith("/data/test-anchor.db") and str(tmp_path) not in url


def test_default_database_url_is_sqlite_in_data_folder():
    engine = create_store_engine("sqlite://")
    assert engine.dialect.name == "sqlite"
    from store.settings import SETTINGS_BY_NAME

    assert SETTINGS_BY_NAME["DATABASE_URL"].default == "sqlite:///data/app.db"

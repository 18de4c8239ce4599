"""python -m store: scripted account creation (password never an argument), demo seed, audit check."""

import os
import subprocess
import sys

from sqlalchemy import text

from store.accounts import authenticate
from store.audit import verify_audit_chain
from store.authz import system_principal
from store.datasets import list_datasets
from store.db import create_store_engine
from tests.conftest import ROOT


def _run(args, db_url, **env):
    return subprocess.run([sys.executable, "-m", "store", "--database-url", db_url, *args], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                          timeout=120)


def test_create_user_takes_the_password_from_the_environment(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = _run(["create-user", "founder", "--role", "admin", "--role", "marketer"], url,
                  AMANAH_ADMIN_PASSWORD="a long enough password")
    assert result.returncode == 0, result.stderr
    assert "setup is now closed" in result.stdout
    engine = create_store_engine(url)
    signed_in = authenticate(engine, "founder", "a long enough password", sleep=lambda s: None)
    assert signed_in.ok and signed_in.principal.roles == {"admin", "marketer"}


def test_create_user_without_password_source_fails_clearly(tmp_path):
    result = _run(["create-user", "founder", "--role", "admin"], f"sqlite:///{tmp_path / 'cli.db'}")
    assert result.returncode == 2
    assert "AMANAH_ADMIN_PASSWORD" in result.stderr and "Traceback" not in result.stderr


def test_create_user_refuses_a_weak_password(tmp_path):
    result = _run(["create-user", "founder", "--role", "admin"], f"sqlite:///{tmp_path / 'cli.db'}",
                  AMANAH_ADMIN_PASSWORD="short")
    assert result.returncode == 2 and "at least 12 characters" in result.stderr


def test_there_is_no_password_argument():
    result = subprocess.run([sys.executable, "-m", "store", "create-user", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert "--password " not in result.stdout and "--password-env" in result.stdout


def test_seed_demo_and_verify_audit(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    seeded = _run(["seed-demo", "--rows", "300"], url)
    assert seeded.returncode == 0, seeded.stderr
    engine = create_store_engine(url)
    found = list_datasets(engine, system_principal())
    assert {row["kind"] for row in found} >= {"customers", "transactions"}
    assert next(row for row in found if row["kind"] == "customers")["row_count"] == 300
    ok = _run(["verify-audit"], url)
    assert ok.returncode == 0 and "intact" in ok.stdout
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 1"))
    broken = _run(["verify-audit"], url)
    assert broken.returncode == 1 and "BROKEN at row 1" in broken.stdout
    assert not verify_audit_chain(engine).ok

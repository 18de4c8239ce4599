"""The audit log is append-only and any tampering is found by verify_audit_chain."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store.audit import AuditFilter, append_audit, list_audit, verify_audit_chain, verify_audit_log
from store.authz import PermissionDenied
from store.db import WRITE


def _append(engine, n, actor="alice"):
    for i in range(n):
        with engine.connect().execution_options(**WRITE) as connection, connection.begin():
            append_audit(connection, actor, "test.event", "thing", i, {"n": i})


def test_chain_of_fresh_rows_verifies(store):
    _append(store, 5)
    result = verify_audit_chain(store)
    assert result.ok and result.rows_checked == 5 and result.first_broken_id is None


def test_empty_log_verifies(store):
    result = verify_audit_chain(store)
    assert result.ok and result.rows_checked == 0


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'mallory' WHERE id = 2",
                                       "DELETE FROM audit_log WHERE id = 2"])
def test_database_refuses_update_and_delete(store, statement):
    _append(store, 3)
    with pytest.raises(DBAPIError, match="append-only"), store.begin() as connection:
        connection.execute(text(statement))
    assert verify_audit_chain(store).ok


def _drop_guards(connection):
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        connection.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))


def test_changed_row_is_reported_as_first_broken(store):
    _append(store, 5)
    with store.begin() as connection:  # an attacker with direct database access
        _drop_guards(connection)
        connection.execute(text("UPDATE audit_log SET details = :d WHERE id = 3"), {"d": '{"n":99}'})
    result = verify_audit_chain(store)
    assert not result.ok
    assert result.first_broken_id == 3
    assert result.rows_checked == 2
    assert "changed" in result.problem


def test_removed_row_breaks_the_chain_at_the_next_row(store):
    _append(store, 5)
    with store.begin() as connection:
        _drop_guards(connection)
        connection.execute(text("DELETE FROM audit_log WHERE id = 2"))
    result = verify_audit_chain(store)
    assert not result.ok and result.first_broken_id == 3


def test_rehashed_forgery_is_still_detected_downstream(store):
    """Recomputing a changed row's own hash does not help: the next row's link no longer matches."""
    from store.audit import row_hash

    _append(store, 4)
    with store.begin() as connection:
        _drop_guards(connection)
        row = connection.execute(text("SELECT * FROM audit_log WHERE id = 2")).one()
        forged = row_hash(row.prev_hash, row.created_at, "mallory", row.action, row.object_type,
                          row.object_id, row.details)
        connection.execute(text("UPDATE audit_log SET actor = 'mallory', row_hash = :h WHERE id = 2"),
                           {"h": forged})
    result = verify_audit_chain(store)
    assert not result.ok and result.first_broken_id == 3


def test_concurrent_appends_keep_one_valid_chain(file_store):
    errors = []

    def worker(name):
        try:
            _append(file_store, 10, actor=name)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"user{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify_audit_chain(file_store)
    assert result.ok and result.rows_checked == 40


def test_only_admins_read_and_verify_the_log(people, store):
    _append(store, 2)
    with pytest.raises(PermissionDenied, match="Admin role"):
        list_audit(store, people["mark"])
    with pytest.raises(PermissionDenied):
        verify_audit_log(store, people["rita"])
    rows = list_audit(store, people["admin"], AuditFilter(action_prefix="test."))
    assert [row["object_id"] for row in rows] == ["1", "0"]
    assert verify_audit_log(store, people["admin"]).ok


def test_filters_by_actor_and_time(people, store):
    _append(store, 3, actor="zoe")
    assert {row["actor"] for row in list_audit(store, people["admin"], AuditFilter(actor="zoe"))} == {"zoe"}
    assert list_audit(store, people["admin"], AuditFilter(since="2999-01-01")) == []

"""The append-only, hash-chained audit log.

Each row stores the SHA-256 of the previous row's hash plus its own content, so changing or removing
any row breaks the chain from that row on; `verify_audit_chain` finds the first broken row. The
database refuses UPDATE and DELETE on the table (triggers), and this module offers no such call.
Details must never hold personal data: ids, counts, hashes and names of things, not customer values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from store.authz import Principal, requires
from store.db import WRITE
from store.schema import audit_log, utcnow

GENESIS_HASH = "0" * 64
_PG_AUDIT_LOCK = 0x616D616E  # advisory-lock key that serialises appends on PostgreSQL


def canonical_json(details: Mapping[str, Any] | None) -> str:
    return json.dumps(details or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(prev_hash: str, created_at: str, actor_name: str, action: str, object_type: str,
             object_id: str, details: str) -> str:
    """Hash of one audit row: its predecessor's hash plus every stored field, unit-separated."""
    payload = "\x1f".join((prev_hash, created_at, actor_name, action, object_type, object_id, details))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_audit(connection: Connection, actor_name: str, action: str, object_type: str,
                 object_id: str | int, details: Mapping[str, Any] | None = None) -> str:
    """Append one row inside the caller's transaction and return its hash.

    On SQLite the caller's transaction must have begun with the write lock (``store.db.WRITE``)
    so that reading the last hash and inserting the new row cannot interleave with another writer.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_AUDIT_LOCK})")
    last = connection.execute(
        select(audit_log.c.row_hash).order_by(audit_log.c.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev_hash = last or GENESIS_HASH
    created_at = utcnow().isoformat(timespec="microseconds")
    details_text = canonical_json(details)
    object_id = str(object_id)
    digest = row_hash(prev_hash, created_at, actor_name, action, object_type, object_id, details_text)
    connection.execute(
        audit_log.insert().values(
            created_at=created_at, actor=actor_name, action=action, object_type=object_type,
            object_id=object_id, details=details_text, prev_hash=prev_hash, row_hash=digest,
        )
    )
    return digest


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    rows_checked: int
    first_broken_id: int | None = None
    problem: str = ""
    head_hash: str = GENESIS_HASH

    def summary(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.rows_checked:,} rows verified; head hash {self.head_hash[:16]}…"
        return f"Audit chain BROKEN at row {self.first_broken_id}: {self.problem}"


def _iter_rows(connection: Connection, batch: int = 5000) -> Iterator[Any]:
    last_id = 0
    while True:
        rows = connection.execute(
            select(audit_log).where(audit_log.c.id > last_id).order_by(audit_log.c.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def _verify(connection: Connection) -> ChainVerification:
    expected_prev = GENESIS_HASH
    checked = 0
    for row in _iter_rows(connection):
        if row.prev_hash != expected_prev:
            return ChainVerification(False, checked, row.id,
                                     "its link to the previous row does not match (a row before it was "
                                     "changed, removed or inserted)", expected_prev)
        recomputed = row_hash(row.prev_hash, row.created_at, row.actor, row.action, row.object_type,
                              row.object_id, row.details)
        if recomputed != row.row_hash:
            return ChainVerification(False, checked, row.id,
                                     "its content no longer matches its hash (the row was changed)",
                                     expected_prev)
        expected_prev = row.row_hash
        checked += 1
    return ChainVerification(True, checked, head_hash=expected_prev)


def verify_audit_chain(engine: Engine) -> ChainVerification:
    """Recompute every hash in order and report the first row that does not match."""
    with engine.connect() as connection:
        return _verify(connection)


@requires("admin", action="verify the audit log")
def verify_audit_log(engine: Engine, actor: Principal) -> ChainVerification:
    """Admin entry point to `verify_audit_chain`; the check itself is audited."""
    result = verify_audit_chain(engine)
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        append_audit(connection, actor.username, "audit.verify", "audit_log", "chain",
                     {"ok": result.ok, "rows": result.rows_checked, "first_broken_id": result.first_broken_id})
    return result


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action_prefix: str | None = None
    object_type: str | None = None
    since: str | None = None  # ISO date or datetime, inclusive
    until: str | None = None  # ISO date or datetime, exclusive
    limit: int = 500


@requires("admin", action="read the audit log")
def list_audit(engine: Engine, actor: Principal, where: AuditFilter = AuditFilter()) -> list[dict[str, Any]]:
    """Newest first, filtered; returns plain dicts for display."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(max(1, min(where.limit, 10_000)))
    if where.actor:
        query = query.where(audit_log.c.actor == where.actor)
    if where.action_prefix:
        query = query.where(audit_log.c.action.startswith(where.action_prefix, autoescape=True))
    if where.object_type:
        query = query.where(audit_log.c.object_type == where.object_type)
    if where.since:
        query = query.where(audit_log.c.created_at >= where.since)
    if where.until:
        query = query.where(audit_log.c.created_at < where.until)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


@requires("admin", action="read the audit log")
def audit_facets(engine: Engine, actor: Principal) -> dict[str, list[str]]:
    """Distinct actors, actions and object types, for the filter widgets."""
    with engine.connect() as connection:
        return {
            name: sorted(connection.execute(select(column).distinct()).scalars())
            for name, column in (("actors", audit_log.c.actor), ("actions", audit_log.c.action),
                                 ("object_types", audit_log.c.object_type))
        }


def audit_row_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(audit_log)).scalar_one()

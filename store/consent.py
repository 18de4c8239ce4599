"""Persistence of the consent ledger (append-only) and of special-category allowances.

The rules — what counts as the current status, who is reachable — live in `privacy.consent`; this
module only stores and reads events. Both tables refuse UPDATE and DELETE in the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, insert, select

from store.audit import append_audit
from store.authz import Principal, requires
from store.db import WRITE
from store.schema import consent_events, special_category_allowances, utcnow

EVENT_COLUMNS = ("subject", "channel", "purpose", "status", "timestamp", "source", "evidence")
INSERT_BATCH = 20_000


def subject_digest(subject: str) -> str:
    """A short hash of a pseudonym for audit details (the audit log names no person, not even by pseudonym)."""
    return hashlib.sha256(subject.encode("utf-8")).hexdigest()[:16]


def _rows(events: pd.DataFrame, dataset_id: int | None, recorded_by: str) -> Iterable[list[dict[str, Any]]]:
    now = utcnow()
    stamps = pd.to_datetime(events["timestamp"], utc=True)
    frame = pd.DataFrame({
        "subject": events["subject"].astype(str), "channel": events["channel"].astype(str),
        "purpose": events["purpose"].astype(str), "status": events["status"].astype(str),
        "recorded_at": stamps.dt.to_pydatetime() if len(events) else [],
        "source": events["source"].astype(str).str.slice(0, 40),
        "evidence": (events["evidence"] if "evidence" in events else pd.Series("", index=events.index))
        .fillna("").astype(str).str.slice(0, 500),
    })
    records = frame.to_dict("records")
    for start in range(0, len(records), INSERT_BATCH):
        batch = records[start:start + INSERT_BATCH]
        for record in batch:
            record.update(dataset_id=dataset_id, recorded_by=recorded_by, created_at=now)
        yield batch


@requires("marketer", "admin", action="record consent")
def record_consent_events(engine: Engine, actor: Principal, events: pd.DataFrame,
                          dataset_id: int | None = None, note: str = "import") -> int:
    """Append validated consent events (columns of `EVENT_COLUMNS`) to the ledger; returns the count."""
    missing = [column for column in EVENT_COLUMNS[:6] if column not in events.columns]
    if missing:
        raise ValueError(f"Consent events lack column(s) {', '.join(missing)}.")
    written = 0
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        for batch in _rows(events, dataset_id, actor.username):
            connection.execute(insert(consent_events), batch)
            written += len(batch)
        counts = events.groupby(["channel", "status"]).size()
        append_audit(connection, actor.username, "consent.record", "dataset", dataset_id or "-",
                     {"events": written, "note": note,
                      "by_channel_status": {f"{c}:{s}": int(n) for (c, s), n in counts.items()}})
    return written


def ledger_version(engine: Engine) -> int:
    """The id of the newest ledger row: changes whenever consent changes (a cache key)."""
    with engine.connect() as connection:
        return connection.execute(select(func.coalesce(func.max(consent_events.c.id), 0))).scalar_one()


def read_consent_events(engine: Engine, *, channel: str | None = None, purpose: str | None = None,
                        subjects: Iterable[str] | None = None) -> pd.DataFrame:
    """Ledger rows in ledger order as an event frame. Internal: callers check roles (see privacy.reachable)."""
    query = select(consent_events.c.subject, consent_events.c.channel, consent_events.c.purpose,
                   consent_events.c.status, consent_events.c.recorded_at.label("timestamp"),
                   consent_events.c.source, consent_events.c.evidence).order_by(consent_events.c.id)
    if channel:
        query = query.where(consent_events.c.channel == channel)
    if purpose:
        query = query.where(consent_events.c.purpose == purpose)
    if subjects is not None:
        query = query.where(consent_events.c.subject.in_(list(subjects)))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=list(EVENT_COLUMNS))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


@requires("marketer", "admin", action="read the consent history")
def consent_history(engine: Engine, actor: Principal, subject: str) -> pd.DataFrame:
    """Every ledger event of one subject (pseudonym), oldest first."""
    return read_consent_events(engine, subjects=[subject])


@requires("marketer", "admin", action="list consent purposes")
def consent_purposes(engine: Engine, actor: Principal) -> list[tuple[str, str]]:
    """The (channel, purpose) pairs that occur in the ledger."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(consent_events.c.channel, consent_events.c.purpose).distinct()
            .order_by(consent_events.c.channel, consent_events.c.purpose))]


# --- special-category allowances ------------------------------------------------------------------

@requires("admin", action="allow a special-category column")
def grant_special_category(engine: Engine, actor: Principal, dataset_id: int, column: str, category: str,
                           legal_basis: str, reason: str) -> None:
    """Record that one special-category column of one dataset may be used, with its legal basis."""
    if len((reason or "").strip()) < 20:
        raise ValueError("Explain the reason in at least a full sentence (20 characters or more).")
    if not (legal_basis or "").strip():
        raise ValueError("Choose the legal basis (GDPR Art. 9(2)) that allows this use.")
    _allowance(engine, actor, dataset_id, column, category, "grant", legal_basis, reason.strip())


@requires("admin", action="revoke a special-category allowance")
def revoke_special_category(engine: Engine, actor: Principal, dataset_id: int, column: str,
                            reason: str = "") -> None:
    _allowance(engine, actor, dataset_id, column, "", "revoke", "", reason.strip())


def _allowance(engine: Engine, actor: Principal, dataset_id: int, column: str, category: str, action: str,
               legal_basis: str, reason: str) -> None:
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        connection.execute(insert(special_category_allowances).values(
            dataset_id=dataset_id, column_name=column, category=category, action=action,
            legal_basis=legal_basis, reason=reason, actor=actor.username, created_at=utcnow()))
        append_audit(connection, actor.username, f"special_category.{action}", "dataset", dataset_id,
                     {"column": column, "category": category, "legal_basis": legal_basis, "reason": reason})


def active_allowances(engine: Engine, dataset_id: int) -> list[dict[str, Any]]:
    """Allowances in force for a dataset (latest grant/revoke per column wins)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(special_category_allowances).where(special_category_allowances.c.dataset_id == dataset_id)
            .order_by(special_category_allowances.c.id)).all()
    latest: dict[str, Any] = {}
    for row in rows:
        latest[row.column_name] = row
    return [dict(row._mapping) for row in latest.values() if row.action == "grant"]

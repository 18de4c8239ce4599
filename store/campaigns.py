"""Persistence of campaigns, messages, message versions and review events.

The rules (SMART goals, the state machine, four-eyes, waivers) live in `campaigns/`; this module
stores and reads, and makes every state change conditional on the message's lock_version so that
concurrent decisions cannot both land.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from store.audit import append_audit
from store.db import WRITE
from store.schema import campaign_segments, campaigns, message_versions, messages, review_events, utcnow


class StaleMessage(RuntimeError):
    """Someone else changed the message first; the message says what to do."""


def _write(engine: Engine):
    return engine.connect().execution_options(**WRITE)


def insert_campaign(engine: Engine, actor_name: str, *, name: str, dataset_id: int, core_message: str,
                    budget: float | None, start_date: date, end_date: date, goal: dict[str, Any],
                    segments: dict[int, dict[str, Any]]) -> int:
    now = utcnow()
    with _write(engine) as connection, connection.begin():
        if connection.execute(select(campaigns.c.id).where(campaigns.c.name == name)).first():
            raise ValueError(f"A campaign called '{name}' exists already; choose another name.")
        campaign_id = connection.execute(insert(campaigns).values(
            name=name, dataset_id=dataset_id, core_message=core_message, budget=budget, start_date=start_date,
            end_date=end_date, goal=goal, created_by=actor_name, created_at=now,
            updated_at=now)).inserted_primary_key[0]
        for segment_id, marketing in segments.items():
            connection.execute(insert(campaign_segments).values(campaign_id=campaign_id, segment_id=segment_id,
                                                                marketing=marketing))
        append_audit(connection, actor_name, "campaign.create", "campaign", campaign_id,
                     {"name": name, "segments": sorted(segments), "goal_kpi": goal.get("kpi")})
    return campaign_id


def update_segment_plan(engine: Engine, actor_name: str, campaign_id: int, segment_id: int,
                        plan: dict[str, Any]) -> None:
    """Replace the campaign's plan for one target segment (value proposition, 4P, channels)."""
    with _write(engine) as connection, connection.begin():
        result = connection.execute(update(campaign_segments).where(
            campaign_segments.c.campaign_id == campaign_id, campaign_segments.c.segment_id == segment_id).values(
            marketing=plan))
        if result.rowcount != 1:
            raise ValueError("That segment is not a target of this campaign.")
        connection.execute(update(campaigns).where(campaigns.c.id == campaign_id).values(updated_at=utcnow()))
        append_audit(connection, actor_name, "campaign.segment_plan", "campaign", campaign_id,
                     {"segment_id": segment_id, "fields": sorted(key for key, value in plan.items() if value)})


def read_campaigns(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(select(campaigns).order_by(campaigns.c.id.desc()))]
        for row in rows:
            row["segments"] = {r.segment_id: r.marketing for r in connection.execute(
                select(campaign_segments).where(campaign_segments.c.campaign_id == row["id"]))}
        return rows


def read_campaign(engine: Engine, campaign_id: int) -> dict[str, Any]:
    found = [row for row in read_campaigns(engine) if row["id"] == campaign_id]
    if not found:
        raise ValueError(f"No campaign with id {campaign_id}.")
    return found[0]


def insert_message(connection: Connection, actor_name: str, *, campaign_id: int, segment_id: int, channel: str,
                   variant: str, split: float, language: str, purpose: str) -> int:
    now = utcnow()
    clash = connection.execute(select(messages.c.id).where(
        messages.c.campaign_id == campaign_id, messages.c.segment_id == segment_id, messages.c.channel == channel,
        messages.c.variant == variant)).first()
    if clash:
        raise ValueError(f"This campaign already has a {channel} message '{variant}' for that segment; edit it.")
    return connection.execute(insert(messages).values(
        campaign_id=campaign_id, segment_id=segment_id, channel=channel, variant=variant, split=split,
        language=language, purpose=purpose, state="draft", current_version=0, needs_rereview=False,
        lock_version=0, created_by=actor_name, created_at=now, updated_at=now)).inserted_primary_key[0]


def variant_splits(connection: Connection, campaign_id: int, segment_id: int, channel: str) -> dict[str, float]:
    """The intended split of every variant of one segment × channel message in a campaign."""
    return {row.variant: row.split for row in connection.execute(
        select(messages.c.variant, messages.c.split).where(
            messages.c.campaign_id == campaign_id, messages.c.segment_id == segment_id,
            messages.c.channel == channel))}


def update_split(connection: Connection, actor_name: str, message: dict[str, Any], split: float) -> None:
    """Change a message's intended split (not part of its content: approvals stay valid)."""
    _guarded_update(connection, message, split=split)
    append_audit(connection, actor_name, "message.split", "message", message["id"],
                 {"before": message["split"], "after": split})


def read_message(bind: Engine | Connection, message_id: int) -> dict[str, Any]:
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return read_message(connection, message_id)
    row = bind.execute(select(messages).where(messages.c.id == message_id)).first()
    if row is None:
        raise ValueError(f"No message with id {message_id}.")
    return dict(row._mapping)


def read_messages(engine: Engine, campaign_id: int | None = None, state: str | None = None) -> list[dict[str, Any]]:
    """Messages with their current version's stored screening verdict (``verdict``, None before a first version).

    One query for the whole list: the review queue filters by verdict without reading each message's versions.
    """
    current = message_versions.alias("current_version")
    query = (select(messages, current.c.screening)
             .outerjoin(current, (current.c.message_id == messages.c.id)
                        & (current.c.version == messages.c.current_version))
             .order_by(messages.c.id))
    if campaign_id is not None:
        query = query.where(messages.c.campaign_id == campaign_id)
    if state is not None:
        query = query.where(messages.c.state == state)
    with engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(query)]
    for row in rows:
        screening = row.pop("screening")
        row["verdict"] = (screening or {}).get("verdict")
    return rows


def read_versions(bind: Engine | Connection, message_id: int) -> list[dict[str, Any]]:
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return read_versions(connection, message_id)
    return [dict(row._mapping) for row in bind.execute(
        select(message_versions).where(message_versions.c.message_id == message_id)
        .order_by(message_versions.c.version))]


def read_events(bind: Engine | Connection, message_id: int) -> list[dict[str, Any]]:
    return read_events_of(bind, [message_id]).get(message_id, [])


def read_events_of(bind: Engine | Connection, message_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The review events of several messages in one query, per message id, oldest first."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return read_events_of(connection, message_ids)
    events: dict[int, list[dict[str, Any]]] = {}
    for row in bind.execute(select(review_events).where(review_events.c.message_id.in_(message_ids))
                            .order_by(review_events.c.id)):
        events.setdefault(row.message_id, []).append(dict(row._mapping))
    return events


def insert_version(connection: Connection, actor_name: str, message: dict[str, Any], *, content: dict[str, Any],
                   content_hash: str, screening: dict[str, Any], ruleset_version: str, new_state: str) -> int:
    """Store the next version and move the message to ``new_state``, guarded by its lock_version."""
    version = message["current_version"] + 1
    connection.execute(insert(message_versions).values(
        message_id=message["id"], version=version, content=content, content_hash=content_hash, screening=screening,
        ruleset_version=ruleset_version, author=actor_name, created_at=utcnow()))
    _guarded_update(connection, message, state=new_state, current_version=version, needs_rereview=False)
    append_audit(connection, actor_name, "message.version", "message", message["id"],
                 {"version": version, "content_hash": content_hash, "ruleset_version": ruleset_version,
                  "verdict": screening.get("verdict")})
    return version


def _guarded_update(connection: Connection, message: dict[str, Any], **values: Any) -> None:
    result = connection.execute(update(messages).where(
        messages.c.id == message["id"], messages.c.lock_version == message["lock_version"]).values(
        lock_version=message["lock_version"] + 1, updated_at=utcnow(), **values))
    if result.rowcount != 1:
        raise StaleMessage("Someone else changed this message a moment ago (another decision or edit was saved "
                           "first). Reload it to see the current state; nothing of yours was stored.")


def record_transition(connection: Connection, actor_name: str, message: dict[str, Any], *, kind: str,
                      new_state: str, content_hash: str, ruleset_version: str, text: str = "",
                      details: dict[str, Any] | None = None, approved: bool = False) -> None:
    """Apply a review action: guarded state change, an append-only review event, an audit row."""
    values: dict[str, Any] = {"state": new_state}
    if approved:
        values.update(approved_version=message["current_version"], approved_hash=content_hash, needs_rereview=False)
    _guarded_update(connection, message, **values)
    connection.execute(insert(review_events).values(
        message_id=message["id"], version=message["current_version"], kind=kind, actor=actor_name,
        content_hash=content_hash, ruleset_version=ruleset_version, text=text, details=details or {},
        created_at=utcnow()))
    append_audit(connection, actor_name, f"message.{kind}", "message", message["id"],
                 {"version": message["current_version"], "content_hash": content_hash,
                  "ruleset_version": ruleset_version, "state": new_state, **(details or {})})


def record_note(connection: Connection, actor_name: str, message: dict[str, Any], *, kind: str, version: int,
                content_hash: str, ruleset_version: str, text: str, details: dict[str, Any]) -> None:
    """A comment or a waiver: an append-only review event without a state change."""
    connection.execute(insert(review_events).values(
        message_id=message["id"], version=version, kind=kind, actor=actor_name, content_hash=content_hash,
        ruleset_version=ruleset_version, text=text, details=details, created_at=utcnow()))
    append_audit(connection, actor_name, f"message.{kind}", "message", message["id"],
                 {"version": version, "content_hash": content_hash, **details})


def record_recheck(engine: Engine, actor_name: str, message: dict[str, Any], *, version: dict[str, Any],
                   ruleset_version: str, details: dict[str, Any], flag: bool, new_state: str) -> None:
    """Record that an approved version was judged again under ``ruleset_version``; ``flag`` sends it back to
    review (``new_state``, marked as needing re-review).

    The event is append-only like every review event; flagging is guarded by the message's lock_version, so a
    decision or edit saved meanwhile wins (StaleMessage) and nothing is recorded.
    """
    with _write(engine) as connection, connection.begin():
        if flag:
            _guarded_update(connection, message, state=new_state, needs_rereview=True)
        connection.execute(insert(review_events).values(
            message_id=message["id"], version=version["version"], kind="recheck", actor=actor_name,
            content_hash=version["content_hash"], ruleset_version=ruleset_version, text="", details=details,
            created_at=utcnow()))
        append_audit(connection, actor_name, "message.rereview" if flag else "message.recheck", "message",
                     message["id"], {"version": version["version"], "content_hash": version["content_hash"],
                                     "ruleset_version": ruleset_version, **details})


def write_transaction(engine: Engine):
    """A write transaction (BEGIN IMMEDIATE on SQLite) for the campaign services."""
    return _write(engine)

"""Persistence of rule-pack tuning: append-only versions per profile; the newest is in force."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, insert, select

from store.audit import append_audit
from store.authz import Principal, requires
from store.db import WRITE
from store.schema import rule_overlays, utcnow


@requires("reviewer", action="tune the compliance rules")
def save_overlay(engine: Engine, actor: Principal, profile: str, overlay: dict[str, Any],
                 custom_packs: dict[str, str], ruleset_version: str, note: str = "") -> int:
    """Store a new version of the tuning of ``profile``; returns its id (the overlay version)."""
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        overlay_id = connection.execute(insert(rule_overlays).values(
            profile=profile, overlay=overlay, custom_packs=custom_packs, ruleset_version=ruleset_version,
            note=(note or "").strip()[:2000], actor=actor.username, created_at=utcnow())).inserted_primary_key[0]
        append_audit(connection, actor.username, "rules.tune", "rule_profile", profile,
                     {"overlay_version": overlay_id, "ruleset_version": ruleset_version, "note": note[:200],
                      "disabled_rules": len(overlay.get("disabled_rules", [])),
                      "disabled_categories": overlay.get("disabled_categories", []),
                      "custom_packs": sorted(custom_packs)})
    return overlay_id


def current_overlay(engine: Engine, profile: str) -> dict[str, Any] | None:
    """The tuning in force for ``profile`` (None: the shipped packs unchanged). Read by every screening."""
    with engine.connect() as connection:
        row = connection.execute(select(rule_overlays).where(rule_overlays.c.profile == profile)
                                 .order_by(rule_overlays.c.id.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


@requires("reviewer", "admin", action="read the rule tuning history")
def overlay_history(engine: Engine, actor: Principal, profile: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            select(rule_overlays).where(rule_overlays.c.profile == profile).order_by(rule_overlays.c.id.desc()))]

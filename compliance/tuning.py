"""An organisation's rules in force: shipped profile + imported packs + overlay, stored as versions.

Reviewers tune on the Rules page; each save is a new, audited version in the database. Every
screening in the app uses `ruleset_in_force`, and records the resulting `RuleSet.version`.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from threading import Lock
from typing import Any

from sqlalchemy import Engine

from compliance.loader import load_ruleset
from compliance.overlay import Overlay, apply_overlay
from compliance.rules import Pack, RulePackError
from compliance.ruleset import RuleSet
from compliance.schema import build_pack, check_pack_data, parse_yaml
from store.authz import Principal, requires
from store.rule_overlays import current_overlay, save_overlay

DEFAULT_PROFILE = "default"
PACK_NAME = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
_cache: OrderedDict[tuple[str, str, int], RuleSet] = OrderedDict()
_cache_lock = Lock()


def pack_from_text(name: str, text: str) -> Pack:
    """Parse and validate an imported pack; the error names the pack, rule id and key."""
    if not PACK_NAME.match(name or ""):
        raise RulePackError(f"pack name {name!r}: use 2-40 lower-case letters, digits, '-' or '_'")
    shown = f"imported/{name}.yaml"
    data = parse_yaml(text, shown)
    problems = check_pack_data(data, shown)
    if problems:
        raise RulePackError("; ".join(str(problem) for problem in problems[:5])
                            + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
    return build_pack(data, shown, name)


def build_ruleset(profile: str, overlay: dict[str, Any] | None, custom_packs: dict[str, str] | None) -> RuleSet:
    """Compile the shipped profile plus imported packs, with the overlay applied last."""
    base = load_ruleset(profile)
    packs = list(base.packs) + [pack_from_text(name, text) for name, text in sorted((custom_packs or {}).items())]
    return RuleSet.from_packs(profile, apply_overlay(packs, overlay))


def ruleset_in_force(engine: Engine, profile: str = DEFAULT_PROFILE) -> RuleSet:
    """The organisation's current rules for ``profile`` (cached per stored version)."""
    stored = current_overlay(engine, profile)
    # Overlay ids restart in every database, so the database itself is part of the key.
    key = (engine.url.render_as_string(hide_password=True), profile, stored["id"] if stored else 0)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    ruleset = build_ruleset(profile, stored["overlay"], stored["custom_packs"]) if stored else load_ruleset(profile)
    with _cache_lock:
        _cache[key] = ruleset
        while len(_cache) > 8:
            _cache.popitem(last=False)
    return ruleset


def tuning_in_force(engine: Engine, profile: str = DEFAULT_PROFILE) -> tuple[dict[str, Any], dict[str, str]]:
    """The stored overlay and imported packs of ``profile`` (empty when never tuned)."""
    stored = current_overlay(engine, profile)
    return (dict(stored["overlay"]), dict(stored["custom_packs"])) if stored else ({}, {})


@requires("reviewer", action="tune the compliance rules")
def save_tuning(engine: Engine, actor: Principal, overlay: dict[str, Any], custom_packs: dict[str, str],
                note: str = "", profile: str = DEFAULT_PROFILE) -> RuleSet:
    """Validate and store a new version of the tuning; returns the rule set now in force."""
    clean = Overlay.from_mapping(overlay).to_dict()
    ruleset = build_ruleset(profile, clean, custom_packs)
    save_overlay(engine, actor, profile, clean, dict(custom_packs), ruleset.version, note)
    return ruleset

"""An organisation's tuning on top of a profile: disable rules or categories, change severities, add terms.

The app stores an overlay in its database as a plain dict; this module validates it and applies it to
packs. The rule-set version is a hash of the effective rules, so any overlay change changes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from compliance.model import LANGUAGES, SEVERITIES
from compliance.rules import Pack, RulePackError
from compliance.schema import check_term

OVERLAY_KEYS = ("disabled_rules", "disabled_categories", "severity", "extra_terms", "extra_exceptions")


@dataclass(frozen=True)
class Overlay:
    """Validated overlay; build it with `Overlay.from_mapping` (or pass the plain dict where accepted)."""

    disabled_rules: tuple[str, ...] = ()
    disabled_categories: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    extra_terms: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    extra_exceptions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | Overlay | None, where: str = "overlay") -> Overlay:
        """Validate a plain overlay dict; the error names the key and what is wrong."""
        if data is None:
            return cls()
        if isinstance(data, Overlay):
            return data
        if not isinstance(data, Mapping):
            raise RulePackError(f"{where}: expected a mapping with keys {', '.join(OVERLAY_KEYS)}, "
                                f"got {type(data).__name__}")
        for key in data:
            if key not in OVERLAY_KEYS:
                raise RulePackError(f"{where}: unknown key '{key}' (expected {', '.join(OVERLAY_KEYS)})")
        severity = _mapping(data.get("severity"), f"{where}: severity")
        for rule_id, value in severity.items():
            if value not in SEVERITIES:
                raise RulePackError(f"{where}: severity for '{rule_id}': {value!r} is not one of "
                                    f"{', '.join(SEVERITIES)}")
        return cls(
            disabled_rules=_names(data.get("disabled_rules"), f"{where}: disabled_rules"),
            disabled_categories=_names(data.get("disabled_categories"), f"{where}: disabled_categories"),
            severity=dict(severity),
            extra_terms=_phrases(data.get("extra_terms"), f"{where}: extra_terms"),
            extra_exceptions=_phrases(data.get("extra_exceptions"), f"{where}: extra_exceptions"),
        )

    def is_empty(self) -> bool:
        """True when the overlay changes nothing."""
        return not (self.disabled_rules or self.disabled_categories or self.severity or self.extra_terms
                    or self.extra_exceptions)

    def to_dict(self) -> dict[str, Any]:
        """The overlay as a plain dict (what the app stores)."""
        return {"disabled_rules": list(self.disabled_rules), "disabled_categories": list(self.disabled_categories),
                "severity": dict(self.severity),
                "extra_terms": {r: {lang: list(t) for lang, t in m.items()} for r, m in self.extra_terms.items()},
                "extra_exceptions": {r: {lang: list(t) for lang, t in m.items()}
                                     for r, m in self.extra_exceptions.items()}}


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RulePackError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _names(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise RulePackError(f"{where}: expected a list of names, got {value!r}")
    return tuple(value)


def _phrases(value: Any, where: str) -> dict[str, dict[str, tuple[str, ...]]]:
    result: dict[str, dict[str, tuple[str, ...]]] = {}
    for rule_id, by_language in _mapping(value, where).items():
        for lang, phrases in _mapping(by_language, f"{where}: '{rule_id}'").items():
            if lang not in LANGUAGES:
                raise RulePackError(f"{where}: '{rule_id}': unknown language '{lang}' "
                                    f"(expected {', '.join(LANGUAGES)})")
            listed = _names(phrases, f"{where}: '{rule_id}': {lang}")
            for phrase in listed:
                if (problem := check_term(phrase)) is not None:
                    raise RulePackError(f"{where}: '{rule_id}': {lang}: {problem}")
            result.setdefault(rule_id, {})[lang] = listed
    return result


def _merge(existing: Mapping[str, tuple[str, ...]], extra: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
    merged = {lang: list(items) for lang, items in existing.items()}
    for lang, items in extra.items():
        merged.setdefault(lang, []).extend(item for item in items if item not in merged[lang])
    return merged


def apply_overlay(packs: Sequence[Pack], overlay: Overlay | Mapping[str, Any] | None,
                  where: str = "overlay") -> tuple[Pack, ...]:
    """The packs with the overlay applied; unknown rule ids or categories are refused by name."""
    overlay = Overlay.from_mapping(overlay, where)
    if overlay.is_empty():
        return tuple(packs)
    known_rules = {rule.id for pack in packs for rule in pack.rules}
    known_categories = {pack.category for pack in packs}
    for key, ids in (("disabled_rules", overlay.disabled_rules), ("severity", overlay.severity),
                     ("extra_terms", overlay.extra_terms), ("extra_exceptions", overlay.extra_exceptions)):
        for rule_id in ids:
            if rule_id not in known_rules:
                raise RulePackError(f"{where}: {key}: unknown rule '{rule_id}' (not in the profile's packs; "
                                    "see `python -m compliance rules`)")
    for category in overlay.disabled_categories:
        if category not in known_categories:
            raise RulePackError(f"{where}: disabled_categories: unknown category '{category}' "
                                f"(the profile has {', '.join(sorted(known_categories))})")
    result = []
    for pack in packs:
        if pack.category in overlay.disabled_categories:
            result.append(Pack(pack.name, pack.category, pack.path, (), pack.description))
            continue
        rules = []
        for rule in pack.rules:
            if rule.id in overlay.disabled_rules:
                continue
            changes: dict[str, Any] = {}
            if rule.id in overlay.severity:
                changes["severity"] = overlay.severity[rule.id]
            if rule.id in overlay.extra_terms:
                changes["terms"] = _merge(rule.terms, overlay.extra_terms[rule.id])
            if rule.id in overlay.extra_exceptions:
                changes["exceptions"] = _merge(rule.exceptions, overlay.extra_exceptions[rule.id])
            rules.append(rule.with_changes(**changes) if changes else rule)
        result.append(Pack(pack.name, pack.category, pack.path, tuple(rules), pack.description))
    return tuple(result)

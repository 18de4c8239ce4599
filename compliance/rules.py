"""Rules and packs as immutable values, and the error raised when a pack is invalid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace


class RulePackError(ValueError):
    """A rule pack, profile or overlay is invalid; the message names the file, the rule and the key."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack: where (file, rule, key) and what."""

    path: str
    message: str
    rule_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}: rule '{self.rule_id}'" if self.rule_id else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RuleAudience:
    """How a rule judges the audience: the severity it rises to for minors / for age- or gender-targeting."""

    minors: str | None = None
    targeted: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("minors", self.minors), ("targeted", self.targeted)) if v is not None}


def _freeze_language_map(values: Mapping[str, object] | None) -> dict[str, tuple[str, ...]]:
    return {lang: tuple(items) for lang, items in sorted((values or {}).items()) if items}


@dataclass(frozen=True)
class Rule:
    """One screening rule: what to look for (terms, patterns) per language and how to explain a hit."""

    id: str
    category: str
    severity: str
    explanation: str
    suggestion: str
    source: str
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exceptions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fuzzy: int | None = None
    compound: bool | None = None
    negatable: bool = True
    audience: RuleAudience = field(default_factory=RuleAudience)
    replacement: dict[str, str] = field(default_factory=dict)  # language → one-click replacement text

    def __post_init__(self) -> None:
        for name in ("terms", "patterns", "exceptions"):
            object.__setattr__(self, name, _freeze_language_map(getattr(self, name)))

    def to_dict(self) -> dict[str, object]:
        """The rule in pack (YAML) form, without empty optional keys."""
        data: dict[str, object] = {"id": self.id, "category": self.category, "severity": self.severity}
        for name in ("terms", "patterns", "exceptions"):
            values = getattr(self, name)
            if values:
                data[name] = {lang: list(items) for lang, items in values.items()}
        data.update(explanation=self.explanation, suggestion=self.suggestion, source=self.source)
        data["fuzzy"] = self.fuzzy if self.fuzzy is not None else False
        if self.compound is not None:
            data["compound"] = self.compound
        if not self.negatable:
            data["negatable"] = False
        if self.audience.to_dict():
            data["audience"] = self.audience.to_dict()
        if self.replacement:
            data["replacement"] = dict(sorted(self.replacement.items()))
        return data

    def with_changes(self, **changes: object) -> Rule:
        """A copy with some fields replaced."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Pack:
    """The rules of one pack file (one category)."""

    name: str
    category: str
    path: str
    rules: tuple[Rule, ...]
    description: str = ""

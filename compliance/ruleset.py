"""A compiled, immutable rule set with a version that identifies exactly which rules it holds."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from compliance.matcher import Matcher
from compliance.rules import Pack, Rule, RulePackError

# Bump when matching semantics change, so a stored rule-set version also pins how rules were applied.
# 2: negation stops at a comma (unless it continues a list of hits) and at a spaced dash, contractions
# negate only the next word, zero rates free ("0 % Zinsen"), a question answered "No" is taken back.
ENGINE_VERSION = "2"


def ruleset_version(rules: Sequence[Rule]) -> str:
    """A stable hash of the effective rules (order-independent) and the engine version."""
    canonical = json.dumps({"engine": ENGINE_VERSION, "rules": sorted((r.to_dict() for r in rules),
                                                                      key=lambda d: str(d["id"]))},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class RuleSet:
    """The effective rules of a profile (with any overlay applied), compiled once for fast screening."""

    profile: str
    packs: tuple[Pack, ...]
    version: str
    matcher: Matcher = field(repr=False, compare=False)

    @classmethod
    def from_packs(cls, profile: str, packs: Sequence[Pack]) -> RuleSet:
        """Compile packs into a rule set; a rule id defined twice is refused naming both files."""
        defined: dict[str, str] = {}
        for pack in packs:
            for rule in pack.rules:
                if rule.id in defined:
                    raise RulePackError(f"{pack.path}: rule '{rule.id}': duplicate id, already defined in "
                                        f"{defined[rule.id]}")
                defined[rule.id] = pack.path
        rules = tuple(rule for pack in packs for rule in pack.rules)
        return cls(profile, tuple(packs), ruleset_version(rules), Matcher(rules))

    @property
    def rules(self) -> tuple[Rule, ...]:
        """All rules, in pack order."""
        return self.matcher.rules

    def terms(self) -> dict[str, tuple[str, ...]]:
        """All literal terms of the rules (not exceptions or patterns), per language, sorted and unique.

        Terms keep their pack spelling, including the ``*`` wildcards (``gambl*``, ``*zins*``).
        """
        found: dict[str, set[str]] = {}
        for rule in self.rules:
            for lang, terms in rule.terms.items():
                found.setdefault(lang, set()).update(terms)
        return {lang: tuple(sorted(found[lang])) for lang in sorted(found)}

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories that have at least one rule."""
        return tuple(sorted({rule.category for rule in self.rules}))

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError naming it when absent)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no rule '{rule_id}' in rule set {self.profile}@{self.version}")

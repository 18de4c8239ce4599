"""Rules and packs as immutable values, and the error raised when a pack is invalid."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache


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
class ReplacementOption:
    """One entry of a rule's replacement list: ``text`` for matched words that ``match`` finds (None: any).

    ``match`` is searched case-insensitively in the matched text as written in the message; ``text``
    replaces the whole matched text and may refer to the pattern's groups (``\\1``, ``\\g<name>``).
    """

    match: str | None
    text: str

    def to_data(self) -> str | dict[str, str]:
        """Pack (YAML) form: a plain text for the fallback, else ``{match, with}``."""
        return self.text if self.match is None else {"match": self.match, "with": self.text}


ReplacementInput = str | ReplacementOption | Mapping[str, str] | Sequence[str | ReplacementOption | Mapping[str, str]]


def _option(item: str | ReplacementOption | Mapping[str, str]) -> ReplacementOption:
    if isinstance(item, ReplacementOption):
        return item
    if isinstance(item, str):
        return ReplacementOption(None, item)
    return ReplacementOption(item["match"], item["with"])


def _freeze_replacement(values: Mapping[str, ReplacementInput] | None) -> dict[str, tuple[ReplacementOption, ...]]:
    """Per language, the ordered options; a plain text becomes a single fallback option."""
    frozen = {}
    for lang, value in sorted((values or {}).items()):
        items = [value] if isinstance(value, str | ReplacementOption | Mapping) else list(value)
        frozen[lang] = tuple(_option(item) for item in items)
    return frozen


@lru_cache(maxsize=1024)
def compile_replacement_match(pattern: str) -> re.Pattern[str]:
    """The compiled ``match`` of a replacement option (case-insensitive; cached, as findings repeat)."""
    return re.compile(pattern, re.IGNORECASE)


def resolve_replacement(options: Sequence[ReplacementOption], matched: str) -> str | None:
    """The replacement for ``matched``: the first option whose pattern finds it, else the fallback, else None."""
    for option in options:
        if option.match is None:
            return option.text
        found = compile_replacement_match(option.match).search(matched)
        if found is not None:
            return found.expand(option.text)
    return None


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
    # language → ordered one-click fixes; a plain text per language (the original form) is one fallback
    replacement: dict[str, tuple[ReplacementOption, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("terms", "patterns", "exceptions"):
            object.__setattr__(self, name, _freeze_language_map(getattr(self, name)))
        object.__setattr__(self, "replacement", _freeze_replacement(self.replacement))

    def replacement_for(self, lang: str, matched: str) -> str | None:
        """The one-click fix for ``matched`` in language ``lang`` (None: the rule has none for it).

        Falls back to the English options only when the rule has no entry at all for ``lang``.
        """
        options = self.replacement.get(lang, self.replacement.get("en"))
        return resolve_replacement(options, matched) if options else None

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
            # One fallback is written in the original plain form, so such packs keep their version.
            data["replacement"] = {lang: options[0].to_data() if len(options) == 1 and options[0].match is None
                                   else [option.to_data() for option in options]
                                   for lang, options in self.replacement.items()}
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

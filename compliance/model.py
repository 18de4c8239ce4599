"""Value types of a screening: severities, findings, results and the audience a message is sent to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

SEVERITIES = ("info", "review", "block")
VERDICTS = ("pass", "review", "block")
LANGUAGES = ("en", "nl", "de")
_RANK = {"info": 0, "review": 1, "block": 2}
ADULT_AGE = 18


def severity_rank(severity: str) -> int:
    """Order of a severity: info < review < block."""
    return _RANK[severity]


def stricter(first: str, second: str | None) -> str:
    """The stricter of two severities (``second`` may be None: no change)."""
    if second is None:
        return first
    return first if _RANK[first] >= _RANK[second] else second


def verdict_of(severities: Iterable[str]) -> str:
    """The verdict for a message: its worst severity, where only info (or nothing) passes."""
    worst = max((_RANK[s] for s in severities), default=0)
    return VERDICTS[worst] if worst else "pass"


@dataclass(frozen=True)
class Finding:
    """One rule that matched one span of a message, with everything a reviewer needs to judge it."""

    rule_id: str
    category: str
    severity: str
    matched_text: str
    start: int
    end: int
    explanation: str
    suggestion: str
    source: str
    language: str
    replacement: str | None = None  # a one-click fix for the matched text ("" removes it), when the rule has one

    def to_dict(self) -> dict[str, object]:
        """The finding as a plain dict (for JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """A finding stored with ``to_dict`` (keys it does not know, from other versions, are ignored)."""
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass(frozen=True)
class ScreeningResult:
    """The verdict for one message, its findings (sorted by position) and the rule-set version used."""

    verdict: str
    findings: tuple[Finding, ...]
    categories: tuple[str, ...]
    ruleset_version: str
    language: str

    @classmethod
    def from_findings(cls, findings: Iterable[Finding], ruleset_version: str, language: str) -> ScreeningResult:
        """Build a result: sort findings, derive the verdict and the categories that need attention."""
        ordered = tuple(sorted(findings, key=lambda f: (f.start, f.end, f.rule_id)))
        categories = tuple(sorted({f.category for f in ordered if f.severity != "info"}))
        return cls(verdict_of(f.severity for f in ordered), ordered, categories, ruleset_version, language)

    def to_dict(self) -> dict[str, object]:
        """The result as a plain dict (for JSON)."""
        return {"verdict": self.verdict, "categories": list(self.categories),
                "findings": [f.to_dict() for f in self.findings],
                "ruleset_version": self.ruleset_version, "language": self.language}


@dataclass(frozen=True)
class Audience:
    """Who a message goes to, as far as the segment tells.

    ``min_age``/``max_age`` are the age bounds of the segment (None: unknown or unbounded),
    ``share_minors`` the measured share of customers under 18 (None: unknown), and the two flags say
    whether the segment was selected on age or on gender.
    """

    min_age: int | None = None
    max_age: int | None = None
    share_minors: float | None = None
    selected_by_age: bool = False
    selected_by_gender: bool = False

    def __post_init__(self) -> None:
        for name in ("min_age", "max_age"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"Audience {name}={value!r}: expected a whole number of years >= 0 or None")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"Audience min_age={self.min_age} > max_age={self.max_age}: swap them")
        if self.share_minors is not None and not 0.0 <= float(self.share_minors) <= 1.0:
            raise ValueError(f"Audience share_minors={self.share_minors!r}: expected a fraction between 0 and 1")

    def can_contain_minors(self) -> bool:
        """True when the segment has minors in it or admits ages under 18.

        Unknown bounds count as "no evidence of minors": the message itself is still screened, and a
        segment that cannot state its ages is handled by the review step, not guessed here.
        """
        if self.share_minors is not None and self.share_minors > 0:
            return True
        return self.min_age is not None and self.min_age < ADULT_AGE

    def targeting(self) -> tuple[str, ...]:
        """The personal characteristics the segment was selected on ("age", "gender")."""
        return tuple(name for name, used in (("age", self.selected_by_age), ("gender", self.selected_by_gender))
                     if used)

    def describe_minors(self) -> str:
        """A short phrase saying why the audience can contain minors."""
        parts = []
        if self.min_age is not None:
            parts.append(f"minimum age {self.min_age}")
        if self.share_minors:
            parts.append(f"{self.share_minors:.0%} under 18")
        return ", ".join(parts)

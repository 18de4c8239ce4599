"""Content screening: rule packs (YAML) → normalise → match → findings → verdict.

    from compliance import screen, load_ruleset, Audience
    result = screen("Nur heute: 4,9 % effektiver Jahreszins!", lang="auto")
    result.verdict, result.categories, result.findings

See compliance/README.md for the design (normalisation, matching order, negation, audience rules).
"""

from compliance.language import detect_language
from compliance.loader import (
    clear_cache,
    default_ruleset,
    export_pack_yaml,
    load_rules_path,
    load_ruleset,
    read_pack,
    validate_pack,
)
from compliance.model import SEVERITIES, VERDICTS, Audience, Finding, ScreeningResult
from compliance.normalise import normalise
from compliance.overlay import Overlay, apply_overlay
from compliance.rules import Pack, Rule, RulePackError
from compliance.ruleset import RuleSet
from compliance.screen import screen, screen_many

CANONICAL_CATEGORIES = ("gambling", "riba", "false_scarcity", "misleading_claim", "alcohol", "adult_content",
                        "dating", "occult", "hate_violence")

__all__ = [
    "CANONICAL_CATEGORIES", "SEVERITIES", "VERDICTS", "Audience", "Finding", "Overlay", "Pack", "Rule",
    "RulePackError", "RuleSet", "ScreeningResult", "apply_overlay", "clear_cache", "default_ruleset", "detect_language",
    "export_pack_yaml", "load_rules_path", "load_ruleset", "normalise", "read_pack", "screen", "screen_many",
    "validate_pack",
]

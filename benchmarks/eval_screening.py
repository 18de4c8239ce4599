"""Evaluate the screening engine on the labelled e-commerce dark-pattern texts in ../shared/data/ec-darkpattern.tsv.

The data set (yamanalab/ec-darkpattern, texts from Mathur et al. 2019, "Dark Patterns at Scale") labels
2,356 short shop texts; half are dark patterns. Its `Pattern Category` maps onto our categories so:

| Pattern Category          | expected from the engine                                               |
|---------------------------|------------------------------------------------------------------------|
| Scarcity, Urgency         | flagged, category `false_scarcity` ("Only 2 left", "Ends in 02:06:40") |
| Social Proof              | flagged, `false_scarcity` ("39 people have this in their cart") or     |
|                           | `misleading_claim` — either counts as right                            |
| Misdirection              | flagged, category `misleading_claim` (confirmshaming, "No thanks, I    |
|                           | don't like good deals")                                                |
| Obstruction, Sneaking,    | flagged (overall detection only: no category of ours fits them)        |
| Forced Action             |                                                                        |
| Not Dark Pattern          | pass                                                                   |

Reported, with precision = share of the engine's hits that carry an allowed label and recall = share of
the labelled texts the engine catches:
- scarcity_urgency: recall over Scarcity+Urgency; precision of `false_scarcity` hits, where texts labelled
  Scarcity, Urgency or Social Proof count as correct;
- misleading: recall over Misdirection; precision of `misleading_claim` hits, Misdirection or Social Proof
  counting as correct;
- social_proof: recall only (either category);
- overall: dark pattern (label 1) versus not, where the engine "detects" a dark pattern when it finds
  `false_scarcity` or `misleading_claim` (its other categories — alcohol, tobacco, ... — are right or
  wrong independently of dark patterns, so they do not count here);
- clean_flagged_rate: share of Not Dark Pattern texts with any verdict but pass (includes true finds such
  as "Champagne Taittinger" → alcohol, which this data set does not label).

Texts are screened with lang="en" (the data set is English). No thresholds are asserted: this is an
evaluation of a keyword/pattern engine on a foreign data set.
Prints one JSON line, then a readable table and (with --examples N) some misses and false alarms.
Run from the repository root: `python benchmarks/eval_screening.py [--examples 10]`. Exits 0 with a
message when the data file is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATASET = ROOT.parent / "shared" / "data" / "ec-darkpattern.tsv"

SCARCITY_LABELS = {"Scarcity", "Urgency"}
SOCIAL_PROOF = "Social Proof"
MISDIRECTION = "Misdirection"
CLEAN_LABEL = "Not Dark Pattern"
DARK_PATTERN_CATEGORIES = frozenset({"false_scarcity", "misleading_claim"})


@dataclass(frozen=True)
class Scored:
    """One data-set text with its label and what the engine said."""

    text: str
    label: str
    dark: bool
    verdict: str
    categories: frozenset[str]


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def precision_recall(scored: list[Scored], predicted: Iterable[bool], allowed_labels: set[str],
                     recall_labels: set[str]) -> dict[str, float | int | None]:
    """Precision of the predictions against `allowed_labels`; recall over texts labelled `recall_labels`."""
    hits = [item for item, hit in zip(scored, predicted, strict=True) if hit]
    correct_hits = sum(item.label in allowed_labels for item in hits)
    relevant = [item for item in scored if item.label in recall_labels]
    hit_texts = {id(item) for item in hits}
    caught = sum(id(item) in hit_texts for item in relevant)
    return {"precision": _ratio(correct_hits, len(hits)), "recall": _ratio(caught, len(relevant)),
            "hits": len(hits), "support": len(relevant)}


def evaluate(scored: list[Scored]) -> dict[str, object]:
    """All metrics of the module docstring, as a flat JSON-ready dict."""
    scarcity = precision_recall(scored, ["false_scarcity" in item.categories for item in scored],
                                SCARCITY_LABELS | {SOCIAL_PROOF}, SCARCITY_LABELS)
    misleading = precision_recall(scored, ["misleading_claim" in item.categories for item in scored],
                                  {MISDIRECTION, SOCIAL_PROOF}, {MISDIRECTION})
    social = [item for item in scored if item.label == SOCIAL_PROOF]
    social_caught = sum(bool(item.categories & DARK_PATTERN_CATEGORIES) for item in social)
    flagged = [bool(item.categories & DARK_PATTERN_CATEGORIES) for item in scored]
    true_positives = sum(item.dark and hit for item, hit in zip(scored, flagged, strict=True))
    precision = _ratio(true_positives, sum(flagged))
    recall = _ratio(true_positives, sum(item.dark for item in scored))
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision and recall else None
    clean = [item for item in scored if item.label == CLEAN_LABEL]
    return {
        "benchmark": "screening_eval",
        "dataset": "ec-darkpattern",
        "rows": len(scored),
        "scarcity_urgency_precision": scarcity["precision"],
        "scarcity_urgency_recall": scarcity["recall"],
        "misleading_precision": misleading["precision"],
        "misleading_recall": misleading["recall"],
        "social_proof_recall": _ratio(social_caught, len(social)),
        "overall_precision": precision,
        "overall_recall": recall,
        "overall_f1": f1,
        "clean_dark_pattern_false_positive_rate": _ratio(
            sum(bool(item.categories & DARK_PATTERN_CATEGORIES) for item in clean), len(clean)),
        "clean_flagged_rate": _ratio(sum(item.verdict != "pass" for item in clean), len(clean)),
    }


def label_table(scored: list[Scored]) -> str:
    """Per data-set label: how many texts, how many flagged, and the categories the engine gave most."""
    lines = [f"{'Pattern Category':<18}{'texts':>7}{'flagged':>9}{'share':>8}  top categories found"]
    labels = sorted({item.label for item in scored}, key=lambda label: (label == CLEAN_LABEL, label))
    for label in labels:
        items = [item for item in scored if item.label == label]
        flagged = sum(item.verdict != "pass" for item in items)
        counts = pd.Series([category for item in items for category in item.categories], dtype="string")
        top = ", ".join(f"{name} {count}" for name, count in counts.value_counts().head(3).items()) or "-"
        lines.append(f"{label:<18}{len(items):>7}{flagged:>9}{flagged / len(items):>8.1%}  {top}")
    return "\n".join(lines)


def metrics_table(metrics: dict[str, object]) -> str:
    """The headline metrics as aligned rows."""
    rows = [
        ("false_scarcity vs Scarcity+Urgency", "scarcity_urgency"),
        ("misleading_claim vs Misdirection", "misleading"),
        ("dark pattern vs label 1", "overall"),
    ]
    lines = [f"{'metric':<36}{'precision':>10}{'recall':>8}"]
    for title, key in rows:
        precision, recall = metrics[f"{key}_precision"], metrics[f"{key}_recall"]
        lines.append(f"{title:<36}{_format(precision):>10}{_format(recall):>8}")
    lines.append(f"{'Social Proof caught (either category)':<36}{'':>10}{_format(metrics['social_proof_recall']):>8}")
    lines.append(f"{'Not Dark Pattern found as one':<36}{'':>10}"
                 f"{_format(metrics['clean_dark_pattern_false_positive_rate']):>8}")
    lines.append(f"{'Not Dark Pattern with any verdict':<36}{'':>10}{_format(metrics['clean_flagged_rate']):>8}")
    return "\n".join(lines)


def _format(value: object) -> str:
    return "-" if value is None else f"{value:.3f}"


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def examples(scored: list[Scored], count: int) -> str:
    """A few missed dark patterns per label and a few false alarms, for tuning the rule packs."""
    sections = []
    for label in sorted({item.label for item in scored} - {CLEAN_LABEL}):
        missed = [item.text for item in scored if item.label == label and item.verdict == "pass"][:count]
        if missed:
            sections.append(f"missed {label}:\n" + "\n".join(f"  {_short(text)!r}" for text in missed))
    alarms = [item for item in scored if item.label == CLEAN_LABEL and item.verdict != "pass"][:count]
    if alarms:
        sections.append("flagged Not Dark Pattern texts (any category):\n" + "\n".join(
            f"  {_short(item.text)!r} -> {item.verdict} {sorted(item.categories)}" for item in alarms))
    return "\n".join(sections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATASET, help="path of ec-darkpattern.tsv")
    parser.add_argument("--examples", type=int, default=0, help="print up to N misses per label and false alarms")
    arguments = parser.parse_args()
    if not arguments.data.is_file():
        print(f"skipped: {arguments.data} is absent (../shared/data holds the real data sets)", file=sys.stderr)
        return

    import compliance

    if not hasattr(compliance, "screen"):
        sys.exit("compliance.screen does not exist yet: build the screening engine first")
    frame = pd.read_csv(arguments.data, sep="\t", dtype={"text": "string", "Pattern Category": "string"})
    ruleset = compliance.load_ruleset("default")
    scored = []
    for text, dark, label in zip(frame["text"].fillna(""), frame["label"], frame["Pattern Category"], strict=True):
        result = compliance.screen(str(text), ruleset=ruleset, lang="en")  # the data set is English
        scored.append(Scored(str(text), str(label), bool(dark), result.verdict, frozenset(result.categories)))
    metrics = evaluate(scored)
    print(json.dumps(metrics))
    print(metrics_table(metrics))
    print()
    print(label_table(scored))
    if arguments.examples:
        print()
        print(examples(scored, arguments.examples))


if __name__ == "__main__":
    main()

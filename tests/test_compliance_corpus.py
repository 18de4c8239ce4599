"""The screening engine against the hand-labelled corpus in tests/compliance_corpus.tsv.

Labelling policy (how the corpus was labelled, so new rows stay consistent):

- `block` — content the profile forbids outright: promoting gambling (casino, betting, lotteries, scratch
  cards, "double your deposit"), riba (any offer that charges or pays interest: loans, credit cards,
  overdrafts, interest-bearing savings and mortgages, APR / effektiver Jahreszins / rentevast), alcohol,
  adult content, dating services, occult services (horoscopes, tarot, fortune telling, spells), hate or
  incitement to violence, and false scarcity or urgency (stock counters, live "N people are viewing"
  counters, countdown timers, "last chance" without a real end date, basket reservation timers).
- `review` — a misleading claim that needs a human to judge: guaranteed results, "risk-free", miracle
  cures, get-rich-quick promises, "free*" with the real condition hidden in small print.
- `pass` — everything else, including the tricky negatives the rules must not hit: negations and
  exceptions (alcohol-free, interest-free, zinsfrei, rentevrij, Murabaha/Ijara, "no gambling"), help-line
  messages about addiction, colour names (wine-red), real end dates and sale periods, real guarantees,
  conditions stated in plain words ("free shipping on orders over €50"), clock times, and words that merely
  contain a term (unisex, skills, serum, alphabet, betalen, Wetter, weinig, Spielwaren, Medjool dates).

A message's verdict is the worst severity of its categories; `expected_categories` lists every category
the message must at least be found in (the engine may find more). Ambiguous phrasings were left out rather
than labelled by coin toss.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS = Path(__file__).with_name("compliance_corpus.tsv")
HEADER = ["id", "lang", "text", "expected_verdict", "expected_categories", "note"]
CANONICAL_CATEGORIES = (
    "gambling", "riba", "false_scarcity", "misleading_claim", "alcohol",
    "adult_content", "dating", "occult", "hate_violence",
)
REVIEW_ONLY_CATEGORIES = {"misleading_claim"}
SEVERITY_RANK = {"info": 0, "review": 1, "block": 2}
VERDICT_OF_RANK = {0: "pass", 1: "review", 2: "block"}

MIN_RECALL = 0.95
MAX_FALSE_POSITIVE_RATE = 0.05
MIN_CATEGORY_ACCURACY = 0.95


@dataclass(frozen=True)
class CorpusRow:
    """One labelled message."""

    id: str
    lang: str
    text: str
    expected_verdict: str
    expected_categories: frozenset[str]
    note: str

    @property
    def should_flag(self) -> bool:
        return self.expected_verdict != "pass"


def load_corpus(path: Path = CORPUS) -> list[CorpusRow]:
    """Read the TSV corpus; quotes are literal text, not CSV quoting."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        assert header == HEADER, f"{path.name}: header is {header}, expected {HEADER}"
        rows = []
        for line_number, fields in enumerate(reader, start=2):
            assert len(fields) == len(HEADER), f"{path.name}:{line_number}: {len(fields)} fields, expected 6"
            row_id, lang, text, verdict, categories, note = fields
            rows.append(CorpusRow(row_id, lang, text, verdict,
                                  frozenset(filter(None, categories.split(","))), note))
    return rows


ROWS = load_corpus()


# --- the corpus itself (runs without the engine) -------------------------------------------------------

def test_corpus_is_large_balanced_and_half_clean() -> None:
    languages = Counter(row.lang for row in ROWS)
    clean = sum(not row.should_flag for row in ROWS)
    assert len(ROWS) >= 240
    assert set(languages) == {"en", "nl", "de"}
    assert all(0.28 <= count / len(ROWS) <= 0.40 for count in languages.values()), languages
    assert 0.40 <= clean / len(ROWS) <= 0.60, f"{clean} clean of {len(ROWS)}"


def test_corpus_labels_are_well_formed() -> None:
    ids = Counter(row.id for row in ROWS)
    assert [row_id for row_id, count in ids.items() if count > 1] == []
    texts = Counter(row.text for row in ROWS)
    assert [text for text, count in texts.items() if count > 1] == []
    for row in ROWS:
        assert row.expected_verdict in {"pass", "review", "block"}, row.id
        assert row.expected_categories <= set(CANONICAL_CATEGORIES), row.id
        assert bool(row.expected_categories) == row.should_flag, f"{row.id}: verdict and categories disagree"
        assert row.text.strip() == row.text and row.text, row.id


def test_corpus_verdicts_follow_the_labelling_policy() -> None:
    for row in ROWS:
        if not row.should_flag:
            continue
        expected = "review" if row.expected_categories <= REVIEW_ONLY_CATEGORIES else "block"
        assert row.expected_verdict == expected, f"{row.id}: {row.expected_verdict}, policy says {expected}"


@pytest.mark.parametrize("category", CANONICAL_CATEGORIES)
def test_every_category_has_positives_in_every_language(category: str) -> None:
    positives = [row for row in ROWS if category in row.expected_categories]
    assert len(positives) >= 5
    assert {row.lang for row in positives} == {"en", "nl", "de"}


# --- the engine against the corpus ---------------------------------------------------------------------

def _screen_function():
    """compliance.screen, or skip while the engine is not written yet (import errors still fail)."""
    if importlib.util.find_spec("compliance") is None:
        pytest.skip("the compliance package does not exist yet")
    compliance = importlib.import_module("compliance")
    screen = getattr(compliance, "screen", None)
    if screen is None:
        pytest.skip("compliance.screen does not exist yet (the screening engine is still being built)")
    return screen


@dataclass(frozen=True)
class Outcome:
    row: CorpusRow
    verdict: str
    categories: frozenset[str]
    reported_categories: tuple
    findings: tuple

    @property
    def flagged(self) -> bool:
        return self.verdict != "pass"

    def describe(self) -> str:
        expected = ",".join(sorted(self.row.expected_categories)) or "-"
        found = ",".join(sorted(self.categories)) or "-"
        return (f"{self.row.id} expected {self.row.expected_verdict}[{expected}] "
                f"got {self.verdict}[{found}]: {self.row.text}")


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    screen = _screen_function()
    results = []
    for row in ROWS:
        result = screen(row.text)
        categories = tuple(result.categories)
        results.append(Outcome(row, result.verdict, frozenset(categories), categories, tuple(result.findings)))
    return results


def test_recall_on_messages_that_must_be_flagged(outcomes: list[Outcome]) -> None:
    positives = [outcome for outcome in outcomes if outcome.row.should_flag]
    missed = [outcome for outcome in positives if not outcome.flagged]
    recall = 1 - len(missed) / len(positives)
    assert recall >= MIN_RECALL, f"recall {recall:.3f} < {MIN_RECALL}; missed:\n" + "\n".join(
        outcome.describe() for outcome in missed)


def test_false_positive_rate_on_clean_messages(outcomes: list[Outcome]) -> None:
    clean = [outcome for outcome in outcomes if not outcome.row.should_flag]
    wrongly_flagged = [outcome for outcome in clean if outcome.flagged]
    rate = len(wrongly_flagged) / len(clean)
    assert rate <= MAX_FALSE_POSITIVE_RATE, f"false-positive rate {rate:.3f} > {MAX_FALSE_POSITIVE_RATE}:\n" + (
        "\n".join(outcome.describe() for outcome in wrongly_flagged))


def test_flagged_messages_get_their_expected_categories(outcomes: list[Outcome]) -> None:
    positives = [outcome for outcome in outcomes if outcome.row.should_flag]
    wrong = [outcome for outcome in positives if not outcome.row.expected_categories <= outcome.categories]
    accuracy = 1 - len(wrong) / len(positives)
    assert accuracy >= MIN_CATEGORY_ACCURACY, f"category accuracy {accuracy:.3f} < {MIN_CATEGORY_ACCURACY}:\n" + (
        "\n".join(outcome.describe() for outcome in wrong))


def category_table(outcomes: list[Outcome]) -> list[tuple[str, int, int, int, float, float]]:
    """Per category: support, true positives, false positives, precision, recall."""
    table = []
    for category in CANONICAL_CATEGORIES:
        expected = [category in outcome.row.expected_categories for outcome in outcomes]
        found = [category in outcome.categories for outcome in outcomes]
        true_positives = sum(e and f for e, f in zip(expected, found, strict=True))
        false_positives = sum(f and not e for e, f in zip(expected, found, strict=True))
        support = sum(expected)
        precision = true_positives / (true_positives + false_positives) if true_positives + false_positives else 0.0
        table.append((category, support, true_positives, false_positives, precision, true_positives / support))
    return table


def test_per_category_precision_and_recall_table(outcomes: list[Outcome], capsys: pytest.CaptureFixture) -> None:
    table = category_table(outcomes)
    verdict_agreement = sum(o.verdict == o.row.expected_verdict for o in outcomes) / len(outcomes)
    lines = [f"{'category':<18}{'support':>8}{'tp':>5}{'fp':>5}{'precision':>11}{'recall':>8}"]
    lines += [f"{name:<18}{support:>8}{tp:>5}{fp:>5}{precision:>11.2f}{recall:>8.2f}"
              for name, support, tp, fp, precision, recall in table]
    lines.append(f"exact verdict agreement: {verdict_agreement:.3f} over {len(outcomes)} messages")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert all(support >= 5 for _, support, *_ in table)
    assert sum(tp for _, _, tp, *_ in table) > 0, "the engine found no expected category at all"


def test_every_finding_maps_back_to_its_text(outcomes: list[Outcome]) -> None:
    broken = []
    for outcome in outcomes:
        text = outcome.row.text
        for finding in outcome.findings:
            inside = 0 <= finding.start < finding.end <= len(text)
            if not inside or text[finding.start:finding.end] != finding.matched_text:
                broken.append(f"{outcome.row.id}: [{finding.start}:{finding.end}] {finding.matched_text!r} "
                              f"vs {text[finding.start:finding.end]!r}")
    assert broken == []
    assert any(outcome.findings for outcome in outcomes), "no findings at all: the offset check tested nothing"


def test_verdict_and_categories_follow_from_the_findings(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        worst = max((SEVERITY_RANK[finding.severity] for finding in outcome.findings), default=0)
        flagged_categories = {finding.category for finding in outcome.findings if finding.severity != "info"}
        assert outcome.verdict == VERDICT_OF_RANK[worst], outcome.describe()
        assert outcome.reported_categories == tuple(sorted(flagged_categories)), outcome.describe()

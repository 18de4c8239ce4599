"""Benchmark: screen 10,000 realistic marketing messages with the engine against a naive one-regex-per-term loop.

The baseline is what a first attempt looks like: one compiled `\\bterm\\b` regex (re.IGNORECASE) per term of
the default rule set (a pack's `*` wildcard becomes `\\w*`), every regex run over every message. Its terms
come from `ruleset.terms()` when the rule set exposes it, otherwise from every string under
rules[*].terms.{en,nl,de} in compliance/packs/*.yaml.
The engine runs the full default profile (normalisation, obfuscation handling, fuzzy matching as
configured by default). Both see the same messages from benchmarks/screening_messages.py; the engine's
batch API (screen_many) is timed on a second, different set so a result cache cannot flatter it.

Prints one JSON line; `ratio` is engine messages per second over baseline messages per second (higher is
better), `target_ratio` the goal. Run from the repository root: `python benchmarks/bench_screening.py`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening_messages import generate_messages  # noqa: E402

TARGET_RATIO = 50
PACK_LANGUAGES = ("en", "nl", "de")


def _strings(value: object) -> Iterable[str]:
    """Every string inside nested mappings and sequences."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, Iterable):
        for item in value:
            yield from _strings(item)


def terms_from_packs(packs_folder: Path) -> list[str]:
    """Every string under rules[*].terms.{en,nl,de} of the YAML packs in `packs_folder`."""
    terms: set[str] = set()
    for path in sorted(packs_folder.glob("*.yaml")):
        pack = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in pack.get("rules") or []:
            per_language = (rule or {}).get("terms") or {}
            for lang in PACK_LANGUAGES:
                terms.update(term for term in _strings(per_language.get(lang) or []) if term.strip())
    return sorted(terms)


def ruleset_terms(ruleset: object) -> tuple[list[str], str]:
    """The rule set's plain terms and where they came from (`ruleset.terms()` or the YAML packs)."""
    exposed = getattr(ruleset, "terms", None)
    if callable(exposed):
        terms = sorted({term for term in _strings(exposed()) if term.strip()})
        if terms:
            return terms, "ruleset.terms()"
    return terms_from_packs(ROOT / "compliance" / "packs"), "compliance/packs/*.yaml"


def term_regex(term: str) -> str:
    """A word-bounded regex for a pack term; the packs' `*` wildcard (prefix/suffix) becomes `\\w*`."""
    return r"\b" + r"\w*".join(re.escape(part) for part in term.split("*")) + r"\b"


def naive_baseline(terms: list[str]) -> Callable[[str], int]:
    """One compiled word-bounded, case-insensitive regex per term; returns the number of hits in a message."""
    patterns = [re.compile(term_regex(term), re.IGNORECASE) for term in terms]

    def count_hits(text: str) -> int:
        return sum(1 for pattern in patterns for _ in pattern.finditer(text))

    return count_hits


def messages_per_second(function: Callable[[str], object], texts: list[str]) -> tuple[float, list[object]]:
    """Throughput of calling `function` on every text in turn, with the results."""
    started = time.perf_counter()
    results = [function(text) for text in texts]
    return len(texts) / (time.perf_counter() - started), results


def p95_single_ms(function: Callable[[str], object], texts: list[str], warm_up: int) -> float:
    """95th percentile latency in milliseconds of single calls, after `warm_up` untimed calls."""
    for text in texts[:warm_up]:
        function(text)
    timings = []
    for text in texts[warm_up:]:
        started = time.perf_counter_ns()
        function(text)
        timings.append((time.perf_counter_ns() - started) / 1e6)
    return statistics.quantiles(timings, n=100)[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--latency-messages", type=int, default=1_000)
    parser.add_argument("--warm-up", type=int, default=200)
    arguments = parser.parse_args()

    import compliance

    if not hasattr(compliance, "screen"):
        sys.exit("compliance.screen does not exist yet: build the screening engine first")
    ruleset = compliance.load_ruleset("default")
    generated = generate_messages(arguments.messages, seed=1)
    texts = [message.text for message in generated]
    planted = sum(message.problem is not None for message in generated)

    def engine(text: str):
        return compliance.screen(text, ruleset=ruleset)

    engine("Warm-up: compile everything once before timing.")
    engine_rate, engine_results = messages_per_second(engine, texts)
    batch_rate = None
    screen_many = getattr(compliance, "screen_many", None)
    if callable(screen_many):
        batch_texts = [message.text for message in generate_messages(arguments.messages, seed=2)]
        started = time.perf_counter()
        batch_results = list(screen_many(batch_texts, ruleset=ruleset))
        batch_rate = len(batch_texts) / (time.perf_counter() - started)
        assert len(batch_results) == len(batch_texts)

    terms, terms_source = ruleset_terms(ruleset)
    if not terms:
        sys.exit(f"no terms found for the baseline ({terms_source}): nothing to compare against")
    baseline = naive_baseline(terms)
    baseline_rate, baseline_hits = messages_per_second(baseline, texts)

    latency_texts = [message.text for message in
                     generate_messages(arguments.latency_messages + arguments.warm_up, seed=3)]
    p95 = p95_single_ms(engine, latency_texts, arguments.warm_up)

    print(json.dumps({
        "benchmark": "screening",
        "messages": len(texts),
        "engine_msgs_per_s": round(engine_rate, 1),
        "baseline_msgs_per_s": round(baseline_rate, 1),
        "ratio": round(engine_rate / baseline_rate, 2),
        "p95_ms_single": round(p95, 3),
        "target_ratio": TARGET_RATIO,
        "engine_batch_msgs_per_s": None if batch_rate is None else round(batch_rate, 1),
        "baseline_terms": len(terms),
        "baseline_terms_source": terms_source,
        "ruleset_version": str(getattr(ruleset, "version", "")),
        "planted_problems": planted,
        "engine_flagged": sum(result.verdict != "pass" for result in engine_results),
        "baseline_flagged": sum(hits > 0 for hits in baseline_hits),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()

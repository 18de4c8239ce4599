"""One-click replacements: the finer `replacement` form, its validation, case following, and the shipped fixes.

The corpus property test clicks every offered fix the way a marketer would in the message editor (first
offered finding first, re-screening after each click) and checks that each click removes its finding,
never makes the verdict worse, adds no new rule and hides no other rule's finding outside the fixed words.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from campaigns.content import apply_replacement
from compliance import screen
from compliance.loader import export_pack_yaml, load_rules_path, read_pack, validate_pack
from compliance.model import ScreeningResult
from compliance.rules import ReplacementOption, Rule, RulePackError, resolve_replacement
from compliance.ruleset import ruleset_version
from compliance.screen import follow_case

CORPUS = Path(__file__).with_name("compliance_corpus.tsv")
PACKS = Path(__file__).resolve().parents[1] / "compliance" / "packs"
MAX_CLICKS = 10
VERDICT_RANK = {"pass": 0, "review": 1, "block": 2}

# Corpus rows each rule's fixes are at least clicked in (the test prints the measured table).
MIN_CORPUS_COVERAGE = {
    "false_scarcity.countdown": 3,
    "false_scarcity.low_stock": 8,
    "false_scarcity.social_proof": 1,
    "false_scarcity.urgency": 5,
    "misleading_claim.guarantee": 9,
    "misleading_claim.health": 5,
}
# Rules whose fix is a product change, not wording: they must never offer one.
NO_FIX_CATEGORIES = ("riba", "gambling", "alcohol", "pork", "tobacco", "adult_content", "dating", "occult",
                     "hate_violence")


@dataclass(frozen=True)
class Click:
    """One click on a fix button: the text and screening before and after."""

    text: str
    result: ScreeningResult
    rule_id: str
    matched: str
    replacement: str
    new_text: str
    new_result: ScreeningResult


def click_through(text: str) -> list[Click]:
    """Click every offered fix, first offered finding first, re-screening after each click."""
    clicks = []
    result = screen(text)
    for _ in range(MAX_CLICKS):
        offered = [f for f in result.findings if f.replacement is not None and f.matched_text in text]
        if not offered:
            return clicks
        fix = offered[0]
        new_text = apply_replacement(text, fix.matched_text, fix.replacement)
        new_result = screen(new_text)
        clicks.append(Click(text, result, fix.rule_id, fix.matched_text, fix.replacement, new_text, new_result))
        text, result = new_text, new_result
    raise AssertionError(f"fixes are still offered after {MAX_CLICKS} clicks: {text!r}")


def _rule_counts(result: ScreeningResult) -> Counter:
    return Counter(f.rule_id for f in result.findings)


def click_problems(click: Click) -> list[str]:
    """What is wrong with one click (empty: it did what a fix must do)."""
    problems = []
    before, after = _rule_counts(click.result), _rule_counts(click.new_result)
    if click.new_text == click.text:
        problems.append("the click changed nothing")
    if after[click.rule_id] >= before[click.rule_id]:
        problems.append(f"{click.rule_id} still finds as much after the fix")
    if VERDICT_RANK[click.new_result.verdict] > VERDICT_RANK[click.result.verdict]:
        problems.append(f"verdict {click.result.verdict} -> {click.new_result.verdict}")
    if new_rules := set(after) - set(before):
        problems.append(f"the fix adds findings of {sorted(new_rules)}")
    start = click.text.find(click.matched)
    end = start + len(click.matched)
    outside = Counter(f.rule_id for f in click.result.findings
                      if f.rule_id != click.rule_id and not (start <= f.start and f.end <= end))
    if hidden := sorted(rule for rule, count in outside.items() if after[rule] < count):
        problems.append(f"the fix hides findings of {hidden} outside the fixed words")
    return problems


def _corpus_texts() -> list[tuple[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["id"], row["text"]) for row in reader]


@pytest.fixture(scope="module")
def corpus_clicks() -> dict[str, list[Click]]:
    return {row_id: click_through(text) for row_id, text in _corpus_texts()}


def test_every_offered_fix_in_the_corpus_removes_its_finding_and_never_makes_things_worse(corpus_clicks):
    failures = [f"{row_id}: {click.rule_id} {click.matched!r} -> {click.replacement!r}: {problem}"
                f"\n  {click.text!r}\n  {click.new_text!r}"
                for row_id, clicks in corpus_clicks.items() for click in clicks for problem in click_problems(click)]
    assert failures == [], "\n".join(failures)


def test_corpus_coverage_per_rule(corpus_clicks, capsys):
    rows_per_rule = Counter(rule for clicks in corpus_clicks.values() for rule in {c.rule_id for c in clicks})
    with capsys.disabled():
        print("\ncorpus rows with a clicked fix, per rule: "
              + ", ".join(f"{rule} {count}" for rule, count in sorted(rows_per_rule.items())))
    short = {rule: (rows_per_rule[rule], minimum) for rule, minimum in MIN_CORPUS_COVERAGE.items()
             if rows_per_rule[rule] < minimum}
    assert short == {}, f"rules covering fewer corpus rows than before (found, expected): {short}"
    assert not {rule.split(".")[0] for rule in rows_per_rule} & set(NO_FIX_CATEGORIES)


def test_product_problems_offer_no_fix():
    ruleset = load_rules_path(PACKS)
    offenders = [rule.id for rule in ruleset.rules if rule.category in NO_FIX_CATEGORIES and rule.replacement]
    assert offenders == []


def test_every_shipped_replacement_covers_all_three_languages():
    ruleset = load_rules_path(PACKS)
    with_fixes = {rule.id: set(rule.replacement) for rule in ruleset.rules if rule.replacement}
    assert set(with_fixes) == {"false_scarcity.countdown", "false_scarcity.low_stock", "false_scarcity.social_proof",
                               "false_scarcity.urgency", "misleading_claim.guarantee", "misleading_claim.health",
                               "misleading_claim.confirmshaming", "misleading_claim.superlative"}
    assert {rule: langs for rule, langs in with_fixes.items() if langs != {"en", "nl", "de"}} == {}


# --- before -> after, per rule and language: every offered fix clicked, as in the editor ---

BEFORE_AFTER = [
    # false_scarcity.countdown: the timer becomes the real end date, a placeholder the marketer fills in.
    ("false_scarcity.countdown", "Flash sale: offer ends in 02:59:59. Grab 40% off all sneakers.",
     "Flash sale: offer ends on <end date>. Grab 40% off all sneakers."),
    ("false_scarcity.countdown", "This deal is over in 02:00:00.", "This deal is over after <end date>."),
    ("false_scarcity.countdown", "Order within 02:30 for next-day delivery.",
     "Order by <cut-off time> for next-day delivery."),
    ("false_scarcity.countdown", "OFFER ENDS IN 02:59:59!", "OFFER ENDS ON <end date>!"),
    ("false_scarcity.countdown", "Korting eindigt vandaag op alle jassen.",
     "Korting loopt tot <einddatum> op alle jassen."),
    ("false_scarcity.countdown", "De actie verloopt over 3 uur.", "De actie loopt tot <einddatum>."),
    ("false_scarcity.countdown", "Zomersale! Nog 2 dagen 5 uur.", "Zomersale! Nog tot <einddatum>."),
    ("false_scarcity.countdown", "Die Aktion endet heute um Mitternacht.",
     "Die Aktion gilt bis <Enddatum> um Mitternacht."),
    ("false_scarcity.countdown", "Noch 02:59:59 – jetzt bestellen!", "Bis <Enddatum> – jetzt bestellen!"),
    ("false_scarcity.countdown", "Das Angebot läuft ab in 02:00:00.", "Das Angebot gilt bis <Enddatum>."),
    # false_scarcity.low_stock: counters go; a claim completing a sentence says the product is available.
    ("false_scarcity.low_stock", "Only 2 left in your size! Order today.", "Order today."),
    ("false_scarcity.low_stock", "This model is in high demand.", "This model is available now."),
    ("false_scarcity.low_stock", "Our coats are selling fast.", "Our coats are available now."),
    ("false_scarcity.low_stock", "Nog maar 3 op voorraad! Bestel vandaag nog je nieuwe winterjas.",
     "Bestel vandaag nog je nieuwe winterjas."),
    ("false_scarcity.low_stock", "Deze jassen vliegen de deur uit.", "Deze jassen zijn nu verkrijgbaar."),
    ("false_scarcity.low_stock", "Deze jas is erg veel gevraagd.", "Deze jas is nu verkrijgbaar."),
    ("false_scarcity.low_stock", "Die Jacke ist fast ausverkauft.", "Die Jacke ist jetzt erhältlich."),
    ("false_scarcity.low_stock", "Diese Jacke geht weg wie warme Semmeln.", "Diese Jacke ist jetzt erhältlich."),
    ("false_scarcity.low_stock", "Nur noch 3 auf Lager! Jetzt bestellen, bevor es zu spät ist.",
     "Jetzt bestellen, bevor es zu spät ist."),
    # false_scarcity.social_proof: removed only where the counter is a whole clause.
    ("false_scarcity.social_proof", "14 added to bag today. Get yours.", "Get yours."),
    ("false_scarcity.social_proof", "In the last 24 hours 50 sold. Get yours.", "Get yours."),
    ("false_scarcity.social_proof", "In de afgelopen 24 uur 50 keer verkocht. Bestel nu.", "Bestel nu."),
    ("false_scarcity.social_proof", "Beliebt! 38 Kunden haben diesen Artikel in der letzten Stunde gekauft.",
     "Beliebt!"),
    ("false_scarcity.social_proof", "In den letzten 24 Stunden 50-mal verkauft. Jetzt bestellen.",
     "Jetzt bestellen."),
    # false_scarcity.urgency: pressure becomes the stated end date, or goes.
    ("false_scarcity.urgency", "Last chance! Prices go back up at midnight.",
     "Offer valid until <end date>! Prices go back up at midnight."),
    ("false_scarcity.urgency", "For a limited time only: 20% off.", "For a limited time (until <end date>): 20% off."),
    ("false_scarcity.urgency", "This is a limited time offer on shoes.",
     "This is a special offer (valid until <end date>) on shoes."),
    ("false_scarcity.urgency", "Order before it's too late.", "Order before <end date>."),
    ("false_scarcity.urgency", "12 people are viewing this right now — don't miss out.",
     "12 people are viewing this right now."),
    ("false_scarcity.urgency", "Laatste kans: deze prijs verdwijnt vannacht.",
     "Aanbieding geldig tot <einddatum>: deze prijs verdwijnt vannacht."),
    ("false_scarcity.urgency", "Nu voor korte tijd 20% korting.", "Nu tot <einddatum> 20% korting."),
    ("false_scarcity.urgency", "Last chance! 30% korting op jassen.",
     "Aanbieding geldig tot <einddatum>! 30% korting op jassen."),
    ("false_scarcity.urgency", "Nur heute: 20 % Rabatt auf alle Schuhe.",
     "Nur bis <Enddatum>: 20 % Rabatt auf alle Schuhe."),
    ("false_scarcity.urgency", "Das Angebot gilt nur für kurze Zeit.", "Das Angebot gilt nur bis <Enddatum>."),
    ("false_scarcity.urgency", "Fast ausverkauft! Schnell sein lohnt sich.",
     "Jetzt erhältlich! Vorbeischauen lohnt sich."),
    # misleading_claim.guarantee: a promised outcome becomes a possibility; "risk-free" goes.
    ("misleading_claim.guarantee", "Guaranteed weight loss with our tea.",
     "Designed to support weight loss with our tea."),
    ("misleading_claim.guarantee", "This cream is guaranteed to work.", "This cream is designed to work."),
    ("misleading_claim.guarantee", "Results are guaranteed.", "Results may vary."),
    ("misleading_claim.guarantee", "Invest without risk in gold.", "Invest in gold."),
    ("misleading_claim.guarantee", "Gegarandeerd resultaat met onze cursus.", "Kans op resultaat met onze cursus."),
    ("misleading_claim.guarantee", "Met onze thee is afvallen gegarandeerd.", "Met onze thee is afvallen mogelijk."),
    ("misleading_claim.guarantee", "Je valt gegarandeerd af.", "Je valt af."),
    ("misleading_claim.guarantee", "Ihr Erfolg ist garantiert.", "Ihr Erfolg ist möglich."),
    ("misleading_claim.guarantee", "Kein Risiko: jetzt testen.", "Jetzt testen."),
    ("misleading_claim.guarantee", "Garantiert 10 Kilo abnehmen in 30 Tagen mit unserem Schlankheitstee.",
     "Bis zu 10 Kilo abnehmen in 30 Tagen mit unserem Schlankheitstee."),
    # misleading_claim.health: "miracle" and unbacked proof go; wrinkles are smoothed, not erased.
    ("misleading_claim.health", "Our miracle serum erases wrinkles overnight — clinically proven.",
     "Our serum smooths the look of wrinkles overnight."),
    ("misleading_claim.health", "Try our miracle cure for back pain.", "Try our remedy for back pain."),
    ("misleading_claim.health", "Het wondermiddel tegen rimpels.", "Het middel tegen rimpels."),
    ("misleading_claim.health", "Medisch bewezen: onze crème helpt.", "Onze crème helpt."),
    ("misleading_claim.health", "Unser Wundermittel gegen Falten.", "Unser Mittel gegen Falten."),
    ("misleading_claim.health", "Wissenschaftlich belegt: unsere Creme hilft.", "Unsere Creme hilft."),
    # misleading_claim.superlative: an unprovable top claim about price or quality becomes plain praise.
    ("misleading_claim.superlative", "Unbeatable prices on every winter coat.", "Great prices on every winter coat."),
    ("misleading_claim.superlative", "Onverslaanbare prijzen deze week.", "Scherpe prijzen deze week."),
    ("misleading_claim.superlative", "Unschlagbare Preise diese Woche.", "Faire Preise diese Woche."),
    # misleading_claim.confirmshaming: the shaming decline becomes a neutral one.
    ("misleading_claim.confirmshaming", "No thanks, I'd rather pay full price", "No, thanks"),
    ("misleading_claim.confirmshaming", "Continue without discount", "No, thanks"),
    ("misleading_claim.confirmshaming", "Nee, bedankt, ik betaal liever de volle prijs", "Nee, bedankt"),
    ("misleading_claim.confirmshaming", "Ik wil geen korting", "Nee, bedankt"),
    ("misleading_claim.confirmshaming", "Nein danke, ich zahle lieber den vollen Preis", "Nein, danke"),
    ("misleading_claim.confirmshaming", "Ich möchte keinen Rabatt", "Nein, danke"),
]


@pytest.mark.parametrize(("rule_id", "before", "after"), BEFORE_AFTER)
def test_clicking_every_fix_gives_the_expected_sentence(rule_id, before, after):
    clicks = click_through(before)
    assert rule_id in {click.rule_id for click in clicks}
    assert [problem for click in clicks for problem in click_problems(click)] == []
    assert clicks[-1].new_text == after


@pytest.mark.parametrize("text", [
    "Al 38 klanten hebben besteld. Bestel ook.",  # removal would leave "Al."
    "Je winkelmandje is nog maar 10 minuten gereserveerd.",  # "is minuten gereserveerd" and a hidden timer
    "Ihr Warenkorb ist nur noch 10 Minuten reserviert.",
    "Schnell reich werden von zu Hause: garantiert 5.000 € pro Woche.",  # half a number: "bis zu 5" + ".000"
    "Doctors say this cures arthritis in 7 days.",  # a cure claim has no wording fix
    "Final hours of our summer sale!",  # no pair for it and no fallback
    "Casino night with free spins and a 100% deposit bonus.",  # the product is the problem
])
def test_no_fix_is_offered_where_a_click_would_garble_or_whitewash(text):
    assert [(f.rule_id, f.matched_text) for f in screen(text).findings if f.replacement is not None] == []


# --- resolution: pairs, groups, fallback, None ---

OPTIONS = (ReplacementOption(r"^guaranteed\s+to\s+(lose|earn)\b(.*)$", r"can help you \1\2"),
           ReplacementOption(r"^(?P<noun>results?)\s+guaranteed$", r"\g<noun> may vary"),
           ReplacementOption("risk", ""))


@pytest.mark.parametrize(("options", "matched", "expected"), [
    (OPTIONS, "guaranteed to lose 10 kg", "can help you lose 10 kg"),
    (OPTIONS, "GUARANTEED TO EARN €500", "can help you EARN €500"),  # case-insensitive; groups keep their case
    (OPTIONS, "Results guaranteed", "Results may vary"),  # named group
    (OPTIONS, "risk-free", ""),  # first pair found wins, anywhere in the match
    (OPTIONS, "guaranteed approval", None),  # nothing matches and there is no fallback
    ((*OPTIONS, ReplacementOption(None, "fallback")), "guaranteed approval", "fallback"),
    ((ReplacementOption(None, "designed to help"),), "anything at all", "designed to help"),
    ((), "anything", None),
])
def test_resolve_replacement(options, matched, expected):
    assert resolve_replacement(options, matched) == expected


def _rule(replacement) -> Rule:
    return Rule(id="misleading_claim.sample", category="misleading_claim", severity="review", explanation="e",
                suggestion="s", source="src", patterns={"en": (r"\bguaranteed\b",)}, replacement=replacement)


def test_rule_falls_back_to_english_only_when_its_language_has_no_entry():
    rule = _rule({"en": "english", "nl": [{"match": "^gegarandeerd$", "with": "mogelijk"}]})
    assert rule.replacement_for("nl", "gegarandeerd") == "mogelijk"
    assert rule.replacement_for("nl", "garantie") is None  # Dutch has an entry: no English text in Dutch copy
    assert rule.replacement_for("de", "garantiert") == "english"
    assert _rule({}).replacement_for("en", "guaranteed") is None


# --- case following ---

@pytest.mark.parametrize(("replacement", "matched", "starts_sentence", "expected"), [
    ("designed to help", "guaranteed results", False, "designed to help"),
    ("designed to help", "Guaranteed results", False, "Designed to help"),
    ("designed to help", "guaranteed results", True, "Designed to help"),
    ("designed to help", "GUARANTEED RESULTS", False, "DESIGNED TO HELP"),
    ("offer ends on <end date>", "OFFER ENDS IN 02:59:59", False, "OFFER ENDS ON <end date>"),
    ("until <end date>", "02:59:59", True, "Until <end date>"),
    ("<end date>", "Ends in 02:59", False, "<end date>"),  # a placeholder is never changed
    ("Angebot gilt bis <Enddatum>", "angebot endet in 2 Std", False, "Angebot gilt bis <Enddatum>"),  # never lowered
    ("no, thanks", "I'd rather pay full price", False, "No, thanks"),  # "I" is one capital, not ALL CAPS
    ("tot 10", "Gegarandeerd 10", False, "Tot 10"),
    ("", "Only 2 left", True, ""),
])
def test_follow_case(replacement, matched, starts_sentence, expected):
    assert follow_case(replacement, matched, starts_sentence=starts_sentence) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("GUARANTEED WEIGHT LOSS with our tea", "DESIGNED TO SUPPORT WEIGHT LOSS"),
    ("Our tea: guaranteed weight loss.", "designed to support weight loss"),
    ("100% effective against dry skin.", "Effective"),  # starts the message: a capital although "1" has no case
    ("Sale. 100% effective against dry skin.", "Effective"),
])
def test_findings_carry_the_replacement_in_the_case_of_the_match(text, expected):
    offered = [f.replacement for f in screen(text, lang="en").findings if f.replacement]
    assert offered == [expected]


# --- the message's language first, then the hit's ---

TIMER_PACK = """\
category: false_scarcity
rules:
  - id: false_scarcity.timer
    severity: block
    patterns:
      en: ['\\b\\d{1,2}:\\d{2}:\\d{2}\\b', '\\bhurry\\b']
    explanation: e
    suggestion: s
    source: src
    replacement:
      en: [{match: '^\\d', with: "until <end date>"}, {match: 'hurry', with: ""}]
      nl: [{match: '^\\d', with: "tot <einddatum>"}]
"""


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Zomersale bij ons in de winkel: nog 02:59:59 voor de korting.", "auto", "tot <einddatum>"),  # Dutch message
    ("Summer sale in our shop: only 02:59:59 for the discount.", "auto", "until <end date>"),
    ("Zomersale bij ons in de winkel, hurry voor de korting.", "auto", ""),  # Dutch list has nothing: English
    ("02:59:59", "nl", "Tot <einddatum>"),  # the language given; the message starts with it: a capital
])
def test_the_message_language_is_tried_before_the_hit_language(tmp_path, text, lang, expected):
    path = tmp_path / "timer.yaml"
    path.write_text(TIMER_PACK, encoding="utf-8")
    findings = screen(text, ruleset=load_rules_path(path), lang=lang).findings
    assert [f.replacement for f in findings] == [expected]


# --- apply_replacement: removal repairs the sentence around it ---

@pytest.mark.parametrize(("text", "matched", "expected"), [
    ("Hurry, almost sold out! Our coats", "Hurry", "Almost sold out! Our coats"),
    ("Bijna uitverkocht! Wees er snel bij, nog maar 2 stuks.", "nog maar 2 stuks",
     "Bijna uitverkocht! Wees er snel bij."),
    ("12 people are viewing this right now — don't miss out.", "don't miss out",
     "12 people are viewing this right now."),
    ("Risk-free investment with returns", "Risk-free", "Investment with returns"),
    ("Try it risk-free today", "risk-free", "Try it today"),
    ("Buy now — only 2 left — while stocks last", "only 2 left", "Buy now — while stocks last"),
    ("Hurry, only 2 left, order now", "only 2 left", "Hurry, order now"),
    ("Order now, only 2 left!", "only 2 left", "Order now!"),
    ("Warm coats. Only 2 left!", "Only 2 left", "Warm coats."),
    ("Only 2 left! iPhone cases", "Only 2 left", "iPhone cases"),
])
def test_apply_replacement_removal_tidies_the_sentence(text, matched, expected):
    assert apply_replacement(text, matched, "") == expected


def test_apply_replacement_inserts_a_non_empty_replacement_as_given():
    assert apply_replacement("Guaranteed results  here", "Guaranteed results", "Results may vary") == \
        "Results may vary  here"


# --- schema: one clear message per problem ---

PACK_TEMPLATE = """\
category: misleading_claim
rules:
  - id: misleading_claim.sample
    severity: review
    patterns: {{en: ['\\bguaranteed\\b']}}
    explanation: e
    suggestion: s
    source: src
    replacement: {replacement}
"""
WHERE = "<text>: rule 'misleading_claim.sample': replacement: "


@pytest.mark.parametrize(("replacement", "message"), [
    ("{en: [{match: '(guaranteed', with: x}]}",
     "en[0]: match: bad regex '(guaranteed': missing ), unterminated subpattern at position 0"),
    ("{nl: [{match: 'a', whit: b}]}", "nl[0]: unknown key 'whit' (did you mean 'with'?)"),
    ("{en: [{match: 'a', replace: b}]}", "en[0]: unknown key 'replace' (expected match and with)"),
    ("{de: [{match: 'a', with: 5}]}", "de[0]: with: expected a text (\"\" to remove the match; quote words YAML "
                                      "reads as true/false/numbers), got int 5"),
    ("{en: [{match: 'a', with: no}]}", "en[0]: with: expected a text (\"\" to remove the match; quote words YAML "
                                       "reads as true/false/numbers), got bool False"),
    ("{en: [{match: 'a'}]}", "en[0]: missing key 'with'"),
    ("{en: [{match: '', with: x}]}", "en[0]: match: expected a non-empty regex, got str ''"),
    ("{en: [{match: 'a', with: '\\2'}]}", "en[0]: with: '\\2' does not fit the pattern 'a': invalid group "
                                          "reference 2 at position 1"),
    ("{fr: x}", "unknown language 'fr' (expected en, nl, de)"),
    ("{nll: x}", "unknown language 'nll' (did you mean 'nl'?)"),
    ("{en: [fallback, {match: 'a', with: b}]}", "en[0]: the fallback text 'fallback' must be the last entry "
                                                "(the entries after it would never be used)"),
    ("{en: []}", "en: expected at least one {match: <regex>, with: <text>} pair or a fallback text"),
    ("{en: [[a]]}", "en[0]: expected {match: <regex>, with: <text>} or a fallback text, got list"),
    ("{en: 5}", "en: expected a text (\"\" to remove the match) or a list of {match: <regex>, with: <text>} "
                "pairs, got int 5"),
    ("designed to help", "expected a mapping of language (en, nl, de) to a text or a list of {match, with} "
                         "pairs, got str 'designed to help'"),
])
def test_schema_reports_one_clear_message_per_problem(replacement, message):
    assert validate_pack(PACK_TEMPLATE.format(replacement=replacement)) == [WHERE + message]


@pytest.mark.parametrize("replacement", [
    '{en: "designed to help", nl: "", de: "soll helfen"}',
    "{en: [{match: '^guaranteed (\\w+)$', with: 'possible \\1'}, '']}",
    "{en: [{match: '^(?P<noun>\\w+) guaranteed$', with: '\\g<noun> may vary'}]}",
])
def test_schema_accepts_both_forms(replacement):
    assert validate_pack(PACK_TEMPLATE.format(replacement=replacement)) == []


def test_reading_a_pack_with_a_bad_replacement_regex_names_file_rule_language_and_pattern(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(PACK_TEMPLATE.format(replacement="{de: [{match: 'garantiert (', with: x}]}"), encoding="utf-8")
    with pytest.raises(RulePackError) as error:
        read_pack(path)
    assert str(error.value).endswith("claims.yaml: rule 'misleading_claim.sample': replacement: de[0]: match: bad "
                                     "regex 'garantiert (': missing ), unterminated subpattern at position 11")


# --- serialisation and version ---

@pytest.mark.parametrize("pack_name", ["false_scarcity", "misleading_claim"])
def test_packs_with_replacements_round_trip_with_the_same_version(tmp_path, pack_name):
    pack = read_pack(PACKS / f"{pack_name}.yaml")
    copy = tmp_path / f"{pack_name}.yaml"
    copy.write_text(export_pack_yaml(pack), encoding="utf-8")
    back = read_pack(copy)
    assert [rule.replacement for rule in back.rules] == [rule.replacement for rule in pack.rules]
    assert ruleset_version(back.rules) == ruleset_version(pack.rules)


def test_the_plain_form_is_written_back_plain_and_replacements_change_the_version():
    plain = _rule({"en": "designed to help"})
    assert plain.to_dict()["replacement"] == {"en": "designed to help"}
    finer = _rule({"en": [{"match": "^guaranteed$", "with": "possible"}, "designed to help"]})
    assert finer.to_dict()["replacement"] == {"en": [{"match": "^guaranteed$", "with": "possible"},
                                                     "designed to help"]}
    reordered = _rule({"en": ["designed to help"]})
    versions = {ruleset_version([rule]) for rule in (plain, finer, _rule({}))}
    assert len(versions) == 3
    assert ruleset_version([reordered]) == ruleset_version([plain])  # one fallback is the plain form


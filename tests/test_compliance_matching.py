"""Matching: terms, compounds, patterns, fuzzy, exceptions, negation, warnings, audience rules, speed."""

from __future__ import annotations

import csv
import re
import statistics
import time
from pathlib import Path

import pytest

from compliance import Audience, Finding, ScreeningResult, load_ruleset, screen, screen_many
from compliance.matcher import _matches
from compliance.normalise import light_normalise
from compliance.prefilter import fold_white_space, required_literal_sets
from compliance.schema import compile_pattern

CORPUS = Path(__file__).with_name("compliance_corpus.tsv")

FLAGGED = [
    # inflections and compounds
    ("Two new casinos open in town", "gambling"),
    ("Gokkers opgelet: pokertoernooi vrijdag", "gambling"),
    ("Wetten auf alle Spiele der Bundesliga", "gambling"),
    ("Sportwettenanbieter mit Bonus", "gambling"),
    ("Nieuwe gokkastenhal geopend", "gambling"),
    ("Jetzt im Wettbüro am Bahnhof", "gambling"),
    ("Rubbellose ab 1 Euro", "gambling"),
    ("Vraag nu je kredietkaart aan", "riba"),
    ("Ratenkredit mit Sofortzusage", "riba"),
    ("Spaarrente omhoog voor alle klanten", "riba"),
    ("Zinssatz garantiert für 10 Jahre", "riba"),
    ("Hypotheekrente daalt deze maand", "riba"),
    # paraphrase patterns
    ("Personal loans from 6.4% APR representative", "riba"),
    ("Earn 4.5% interest on your savings", "riba"),
    ("3% rente per jaar op je spaargeld", "riba"),
    ("Tagesgeld mit 3,5 % Zinsen p. a.", "riba"),
    ("Welcome offer: we double your deposit up to 200", "gambling"),
    ("Only 3 left in stock, order today", "false_scarcity"),
    ("12 people are viewing this right now", "false_scarcity"),
    ("Offer ends in 02:59:59, hurry", "false_scarcity"),
    ("Last chance to get this price", "false_scarcity"),
    ("Aanbieding eindigt over 01:59:00", "false_scarcity"),
    ("Nur noch 2 Plätze frei", "false_scarcity"),
    ("Guaranteed results in one week", "misleading_claim"),
    ("100% free, just pay shipping", "misleading_claim"),
    ("Risk-free trading for everyone", "misleading_claim"),
    ("FREE* phone (*with a 24-month contract)", "misleading_claim"),
    # haram content in three languages
    ("Craft beer tasting on Friday", "alcohol"),
    ("Weinprobe am Samstag", "alcohol"),
    ("Speciaalbier van de maand", "alcohol"),
    ("Pulled pork burgers this weekend", "pork"),
    ("Schweinebraten mit Knödeln", "pork"),
    ("Discreet sex toys delivered", "adult_content"),
    ("Meet local singles tonight", "dating"),
    ("Jouw horoscoop voor 2025", "occult"),
    ("Immigrants are vermin, join us", "hate_violence"),
    ("Schlagringe jetzt günstiger", "hate_violence"),
    ("Lotterie-Los kaufen und Traumhaus gewinnen", "gambling"),  # "-Los" is a ticket here, not "-less"
    ("Sofortkredit bis 50.000 Euro, Zinsen ab 2,9 %", "riba"),
    ("Nog maar 1 kamer beschikbaar voor deze prijs!", "false_scarcity"),
    ("1,142 people have added to cart recently", "false_scarcity"),
    ("No thanks, I'll pay full price", "misleading_claim"),
    ("Your plan renews automatically every month", "misleading_claim"),
    ("Seitensprung-Portal: diskret und anonym", "dating"),
    ("Hellseherin beantwortet Ihre Fragen am Telefon", "occult"),
    ("Vluchtelingen zijn ongedierte, stem op ons", "hate_violence"),
    ("Zigarren aus Kuba, jetzt im Humidor", "tobacco"),
    # classes of wording beyond the labelled corpus (general terms and patterns, not memorised messages)
    ("Get a 100% welcome bonus on your first deposit", "gambling"),  # bonus offers
    ("Play our scratchers and win up to £500", "gambling"),
    ("Je eerste €10 gratis inzet op de Eredivisie", "gambling"),
    ("Wed vandaag live op Ajax tegen PSV", "gambling"),
    ("Sichern Sie sich Ihre Freiwette zum Pokalfinale", "gambling"),
    ("Online bingo every evening with cash prizes", "gambling"),  # bingo and lotteries
    ("Bingoavond in het buurthuis, kaarten voor €2", "gambling"),
    ("1 in stock – order soon", "false_scarcity"),  # stock scarcity
    ("This model is in demand this week", "false_scarcity"),
    ("Nog maar 2 in jouw maat", "false_scarcity"),
    ("Nur noch 3 in Ihrer Größe", "false_scarcity"),
    ("Less than 5 left in this colour", "false_scarcity"),
    ("35 mensen hebben dit in hun winkelmandje", "false_scarcity"),  # social proof
    ("In den letzten 24 Stunden 48-mal verkauft", "false_scarcity"),
    ("In the past 24 hours, 300 people bought this", "false_scarcity"),
    ("1 person is viewing this jacket", "false_scarcity"),
    ("Anna in Leeds, United Kingdom just purchased a wool scarf", "false_scarcity"),
    ("Drop two dress sizes in a month, guaranteed", "misleading_claim"),  # guarantees
    ("Sicher abnehmen – garantiert", "misleading_claim"),
    ("100% gegarandeerd succes met onze cursus", "misleading_claim"),
    ("Fat burner capsules, now half price", "misleading_claim"),
    ("No thanks, I'll keep paying too much", "misleading_claim"),  # confirmshaming
    ("A crisp Sauvignon Blanc for your barbecue", "alcohol"),  # grape varieties and beer styles
    ("Try our new Merlot, only 7.99 a bottle", "alcohol"),
    ("Chardonnay en Pinot Noir voor het kerstdiner", "alcohol"),
    ("Riesling aus der Pfalz, jetzt probieren", "alcohol"),
    ("Grab a bottle of red for the weekend", "alcohol"),
    ("Two new IPAs at our taproom", "alcohol"),
    ("Private striptease shows every Friday", "adult_content"),  # adult entertainment
    ("Live stripshow in onze club", "adult_content"),
    ("Lapdance und Stripshow im Club", "adult_content"),
    ("Nightly lingerie shows at our club, 18+ only", "adult_content"),
    ("A medium connects you with loved ones who passed", "occult"),  # mediums and fortune telling
    ("Let our psychic predict your future", "occult"),
    ("Contact met je overleden moeder via een medium", "occult"),
    ("Zukunftsdeutung am Telefon, erste Minute gratis", "occult"),
    ("Death to all refugees", "hate_violence"),  # slogans against protected groups
    ("Refugees not welcome here", "hate_violence"),
    ("No Muslims allowed in our shop", "hate_violence"),
    ("Dood aan alle joden", "hate_violence"),
    ("Vluchtelingen niet welkom", "hate_violence"),
    ("Tod allen Juden", "hate_violence"),
    ("Flüchtlinge nicht willkommen", "hate_violence"),
]


@pytest.mark.parametrize(("text", "category"), FLAGGED)
def test_problem_messages_are_flagged_in_their_category(text, category):
    result = screen(text)
    assert category in result.categories, (text, result.findings)
    assert result.verdict in {"review", "block"}


CLEAN = [
    "Refresh your summer with our new alcohol-free beer",
    "Alcoholvrij bier van de lokale brouwerij",
    "Alkoholfreies Bier aus Bayern, 0,0 %",
    "Pay in 3 interest-free instalments",
    "Rentevrij lenen via Murabaha",
    "Zinsfreie Ratenzahlung in 3 Raten",
    "Halal home financing with 0% riba",
    "Family day: no alcohol, no gambling, just fun",
    "Geen alcohol, geen gokken: familiedag in het park",
    "Kein Alkohol, kein Glücksspiel: Familienfest",
    "Betaal in termijnen zonder rente",
    "Bequem in Raten zahlen, ganz ohne Zinsen",
    "Gambling addiction? Call the helpline, free and confidential",
    "Stop met gokken? Bel de hulplijn",
    "Glücksspielsucht? Wir helfen anonym",
    "The wine-red scarf is back",
    "De wijnrode sjaal is terug",
    "Die weinrote Farbe ist zurück",
    "Wetterfeste Jacken für den Herbst",
    "Gut vorbereitet in den Ruhestand: Ratgeber zur Rente",
    "Onze concurrenten kunnen dit niet",
    "Professionele dienstverlening voor bedrijven",
    "Medjool dates for Ramadan",
    "Save the date: new store opening",
    "Unisex hoodies in eight colours",
    "Build new skills with our course",
    "Fresh ginger shots every morning",
    "Our Christmas sale ends on 31 December",
    "Open daily 09:00-17:30",
    "30-day money-back guarantee on mattresses",
    "Free shipping on orders over 50 euros",
    "Weinig tijd? Bestel online",
    "Probieren Sie unseren Kaffee",
    "Nieuwe campagne voor de lente",
    "Meerschweinchen-Zubehör jetzt im Zoofachhandel",
    "Der Benzinpreis sinkt, tanken Sie günstig",
    "Akkreditierte Weiterbildung für Pflegekräfte",
    "Die Daten Ihrer Kunden sind bei uns sicher",
    "Neues Boxspringbett 180x200 jetzt im Angebot",
    "Weinende Kinder? Unser Schnuller beruhigt sofort",
    "Wil je meer weten? Kijk op onze website",
    "Lagere prijzen op alle tuinmeubelen deze week",
    "Our interest in sustainability goes back to 1998",
    "Enjoy a free spin class this week when you bring a friend",
    "Black Cigarette Trousers in stretch cotton",
    "Gewinnen Sie mit etwas Glück einen Gutschein, kein Kauf nötig",
    # false alarms of general wording: idioms, help lines, interest-free offers, prices, sizes, colours
    "Don't gamble with your savings: open a Sharia-compliant account",
    "Never gamble with your safety: new bike helmets in store",
    "Gokverslaafd? Bel onze anonieme hulplijn",
    "Spielsüchtig? Hier gibt es Hilfe",
    "Thin and tough, protects from minor scratches",
    "Bingo! You found the perfect gift",
    "Finanzieren Sie Ihr Sofa mit 0 % Zinsen und ohne Gebühren",
    "Our wines are alcohol-free.",
    "Nu nog maar €19,99 per stuk",
    "Nur noch 19,99 € statt 29,99 €",
    "Only 2 available colours this season",
    "Your table is reserved for 19:30 on Friday",
    "Delivery guaranteed before Eid",
    "Rose gold earrings for Mother's Day",
    "A bottle of red grape juice for the kids",
    "Our lingerie show goes live on Instagram",
    "Try our medium roast coffee",
    "Plan your future with a medium-term savings plan",
    "Refugees welcome: donate a winter coat",
    "Pets not welcome in the dining room",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_messages_pass(text):
    result = screen(text)
    assert result.verdict == "pass", [(f.rule_id, f.matched_text) for f in result.findings]


@pytest.mark.parametrize(("text", "expected"), [
    ("We love gamblng nights", "gamblng"),  # a dropped letter
    ("We love gmabling nights", "gmabling"),  # swapped letters
    ("Try the new rouelette table", "rouelette"),  # an added letter
])
def test_fuzzy_matching_finds_misspellings(text, expected):
    findings = [f for f in screen(text).findings if f.category == "gambling"]
    assert [f.matched_text for f in findings] == [expected]


@pytest.mark.parametrize("text", ["Unbeatable, heart-beating prices", "Our brand new look", "Martin says hello"])
def test_fuzzy_matching_leaves_real_words_alone(text):
    assert screen(text).verdict == "pass"


def test_negation_does_not_cross_a_clause_or_a_phrase():
    assert screen("No worries. Casino night tonight!").categories == ("gambling",)
    assert screen("No worries, casino night tonight!").categories == ("gambling",)  # a comma ends "no"
    assert screen("No alcohol-free options: real beer only").verdict == "block"
    assert screen("Kein Sport nötig - Erfolg garantiert").categories == ("misleading_claim",)  # spaced dash


@pytest.mark.parametrize("text", [
    "No alcohol, gambling or pork at our family day",
    "Geen alcohol, gokken of varkensvlees op ons familiefeest",
    "Kein Alkohol, Glücksspiel oder Schweinefleisch beim Familienfest",
])
def test_a_negated_list_stays_negated_across_its_commas(text):
    assert screen(text).verdict == "pass", screen(text).findings


@pytest.mark.parametrize(("text", "verdict"), [
    ("Don't bet on the weather: book a covered terrace", "pass"),  # "don't" negates the next word
    ("Don't miss our casino night this Friday", "block"),  # ... and only that word
    ("Cocktails? No, thanks: try our mint lemonade", "pass"),  # a question answered by a lone "No"
    ("Bier? Nee hoor, wij schenken verse muntthee", "pass"),
    ("Need a loan? No problem, apply online today", "block"),  # "No problem" is no answer
])
def test_contractions_and_answered_questions(text, verdict):
    assert screen(text).verdict == verdict, screen(text).findings


@pytest.mark.parametrize(("text", "categories"), [
    ("Finanzieren Sie Ihr Sofa mit 0 % Zinsen und ohne Gebühren", ()),  # a zero rate frees like "zinsfrei"
    ("Nu lenen tegen 0% rente via onze Murabaha-partner", ()),
    ("Pay for your new kitchen over 12 months at 0% interest", ()),
    ("Our summer pilsner, brewed with 0.0% alcohol", ()),  # a freeing phrase that ends its clause
    ("0% interest for 12 months, then 24.9% APR", ("riba",)),  # a teaser rate is not a zero rate
    ("0% intro APR on all purchases", ("riba",)),
])
def test_a_zero_rate_frees_unless_it_is_a_teaser(text, categories):
    assert screen(text).categories == categories, screen(text).findings


def test_freed_words_only_free_their_own_category():
    result = screen("Alcohol-free beer and a casino night")
    assert result.categories == ("gambling",)


def test_a_promotion_next_to_a_warning_is_still_found():
    assert screen("Gambling addiction? Call 0800 1234. Casino bonus tonight!").categories == ("gambling",)


def test_false_friends_between_languages_stay_apart():
    assert screen("Ratgeber zur Rente", lang="de").verdict == "pass"
    assert screen("3% rente per jaar", lang="nl").categories == ("riba",)
    assert screen("Volgens de wetten van het land", lang="nl").verdict == "pass"
    assert screen("Wetten auf die Bundesliga", lang="de").categories == ("gambling",)
    assert screen("Neues Bett 140x200", lang="de").verdict == "pass"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang='fr': expected one of auto, en, nl, de"):
        screen("Bonjour", lang="fr")
    with pytest.raises(TypeError, match="needs the message as str"):
        screen(None)  # type: ignore[arg-type]


def test_the_result_is_a_frozen_value_with_sorted_findings():
    result = screen("Casino night with cocktails, only 3 left!")
    assert isinstance(result, ScreeningResult) and all(isinstance(f, Finding) for f in result.findings)
    assert [f.start for f in result.findings] == sorted(f.start for f in result.findings)
    assert result.categories == ("alcohol", "false_scarcity", "gambling")
    assert result.verdict == "block"
    with pytest.raises(AttributeError):
        result.findings[0].severity = "info"  # type: ignore[misc]
    finding = result.findings[0]
    assert finding.explanation and finding.suggestion and finding.source
    assert result.to_dict()["findings"][0]["rule_id"] == finding.rule_id


def test_info_findings_show_but_pass():
    result = screen("Buy now, pay later at checkout")
    assert [f.rule_id for f in result.findings] == ["riba.instalments"]
    assert result.findings[0].severity == "info"
    assert (result.verdict, result.categories) == ("pass", ())


def test_screen_many_matches_screen():
    texts = ["Casino tonight", "Fresh bread", "Nur noch 3 auf Lager"]
    assert screen_many(texts) == [screen(text) for text in texts]


# --- audience rules -----------------------------------------------------------------------------------

LENIENT = {"severity": {"gambling.casino": "review", "alcohol.drinks": "review", "riba.credit": "info"}}


@pytest.mark.parametrize(("audience", "verdict"), [
    (None, "review"),
    (Audience(), "review"),  # unknown ages are not taken as minors
    (Audience(min_age=18, share_minors=0.0), "review"),
    (Audience(min_age=16), "block"),
    (Audience(min_age=25, share_minors=0.02), "block"),
])
def test_gambling_and_alcohol_to_possible_minors_is_blocked(audience, verdict):
    ruleset = load_ruleset(overlay=LENIENT)
    for text in ("Casino night this Friday", "Cocktails at the beach bar"):
        result = screen(text, ruleset=ruleset, audience=audience)
        assert result.verdict == verdict, (text, audience)
        if verdict == "block":
            assert "can contain minors" in result.findings[0].explanation


def test_the_minors_explanation_names_the_evidence():
    finding = screen("Casino night", audience=Audience(min_age=16, share_minors=0.12)).findings[0]
    assert "minimum age 16, 12% under 18" in finding.explanation


@pytest.mark.parametrize(("audience", "verdict", "named"), [
    (Audience(), "pass", None),
    (Audience(selected_by_age=True), "review", "selected by age"),
    (Audience(selected_by_gender=True), "review", "selected by gender"),
    (Audience(selected_by_age=True, selected_by_gender=True), "review", "selected by age and gender"),
])
def test_credit_offers_targeted_by_age_or_gender_need_review(audience, verdict, named):
    ruleset = load_ruleset(overlay=LENIENT)
    for text in ("Personal loan, money tomorrow", "Buy now, pay later"):
        result = screen(text, ruleset=ruleset, audience=audience)
        assert result.verdict == verdict, text
        if named:
            assert named in result.findings[0].explanation


def test_a_targeted_riba_offer_stays_blocked_and_says_why():
    result = screen("Personal loans from 6.4% APR", audience=Audience(selected_by_gender=True))
    assert result.verdict == "block"
    assert all("selected by gender" in f.explanation for f in result.findings)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"min_age": 30, "max_age": 20}, "min_age=30 > max_age=20"),
    ({"share_minors": 1.5}, "share_minors=1.5: expected a fraction between 0 and 1"),
    ({"min_age": -1}, "min_age=-1: expected a whole number of years"),
])
def test_an_impossible_audience_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Audience(**kwargs)


# --- engine internals that must not change results ----------------------------------------------------

def _sample_texts() -> list[str]:
    texts = [text for text, _ in FLAGGED] + CLEAN
    if CORPUS.exists():
        with CORPUS.open(encoding="utf-8", newline="") as handle:
            texts += [row[2] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)][1:]
    return texts


# White space the prefilter folds to one space: a match across tabs, runs of spaces or line breaks must
# still be a candidate.
WHITE_SPACE_VARIANTS = ["Offer ends\tin 02:59:59", "Offer  ends   in 02:59:59", "Only 3\nleft in stock",
                        "12 people  are viewing this", "Ratenkredit ab 3,99 %\teffektiver Jahreszins"]


def test_the_pattern_prefilter_and_boundary_shortcut_change_no_match():
    matcher = load_ruleset().matcher
    light_texts = [light_normalise(text).text for text in _sample_texts() + WHITE_SPACE_VARIANTS]
    candidates = [set(matcher.prefilter.candidates(text)) for text in light_texts]
    checked = 0
    pattern_index = 0
    for rule_index, rule in enumerate(matcher.rules):
        fast_patterns = [(p, at_boundary) for index, _, p, at_boundary in matcher.patterns if index == rule_index]
        written = [compile_pattern(source) for sources in rule.patterns.values() for source in sources]
        assert len(fast_patterns) == len(written)
        for original, (fast, at_boundary) in zip(written, fast_patterns, strict=True):
            literal_sets = required_literal_sets(original.pattern)
            for text, candidate in zip(light_texts, candidates, strict=True):
                expected = [m.span() for m in original.finditer(text)]
                assert [m.span() for m in _matches(fast, text, at_boundary)] == expected, original.pattern
                assert not expected or pattern_index in candidate, (original.pattern, text)
                for start, end in expected:
                    checked += 1
                    folded = fold_white_space(text[start:end])
                    assert all(any(lit in folded for lit in literals) for literals in literal_sets), original.pattern
            pattern_index += 1
    assert checked > 50


@pytest.mark.parametrize(("source", "expected"), [
    (r"\b(?:ends?|over)\s+in\s+\d{1,2}:\d{2}", [{"end in ", "ends in ", "over in "}]),  # \s+ is one space
    (r"\bonly\s+\d+\s+left\b", [{"only "}, {" left"}]),  # every selective part is required
    (r"\d+\s?%", []),  # nothing selective: the pattern always runs
])
def test_the_prefilter_derives_every_required_literal_set(source, expected):
    assert [set(literals) for literals in required_literal_sets(source)] == expected


@pytest.mark.parametrize(("text", "folded"), [
    ("only 3 left", "only 3 left"),
    ("only  3\tleft\n", "only 3 left "),
    ("\u2003left", " left"),
])
def test_white_space_runs_fold_to_one_space(text, folded):
    assert fold_white_space(text) == folded


def test_one_message_screens_well_under_20_ms():
    ruleset = load_ruleset()
    texts = _sample_texts()[:300]
    screen("warm-up", ruleset=ruleset)
    timings = []
    for text in texts:
        started = time.perf_counter()
        screen(text, ruleset=ruleset)
        timings.append((time.perf_counter() - started) * 1000)
    assert statistics.quantiles(timings, n=20)[18] < 20

"""Rule packs, profiles and overlays: schema errors name file, rule and key; versions track the effective rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from compliance import (
    CANONICAL_CATEGORIES,
    Overlay,
    RulePackError,
    apply_overlay,
    export_pack_yaml,
    load_ruleset,
    read_pack,
    screen,
    validate_pack,
)
from compliance.loader import PACKS_DIR, PROFILES_DIR, load_rules_path

VALID_RULE = {"id": "riba.apr", "severity": "block", "terms": {"en": ["apr"]}, "explanation": "Interest.",
              "suggestion": "Murabaha.", "source": "Qur'an 2:275"}


def pack_text(rule_changes: dict | None = None, pack_changes: dict | None = None, drop: tuple[str, ...] = ()) -> str:
    rule = {**VALID_RULE, **(rule_changes or {})}
    for key in drop:
        rule.pop(key)
    return yaml.safe_dump({"category": "riba", "rules": [rule], **(pack_changes or {})}, sort_keys=False)


def test_a_valid_pack_has_no_problems():
    assert validate_pack(pack_text()) == []


@pytest.mark.parametrize(("rule_changes", "expected"), [
    ({"severty": "block"}, "<text>: rule 'riba.apr': unknown key 'severty' (did you mean 'severity'?)"),
    ({"severity": "severe"}, "rule 'riba.apr': severity: 'severe' is not one of info, review, block"),
    ({"terms": ["apr"]}, "rule 'riba.apr': terms: expected a mapping of language (en, nl, de) to a list, got list"),
    ({"terms": {"fr": ["taux"]}}, "rule 'riba.apr': terms: unknown language 'fr' (expected en, nl, de)"),
    ({"terms": {"en": "apr"}}, "rule 'riba.apr': terms: en: expected a list of strings, got str 'apr'"),
    ({"terms": {"en": ["ca*sino"]}}, "terms: en[0]: term 'ca*sino': '*' is only allowed at the start or end"),
    ({"terms": {"en": ["!!!"]}}, "terms: en[0]: term '!!!' has no letters or digits"),
    ({"patterns": {"en": ["(apr"]}}, "rule 'riba.apr': patterns: en[0]: bad regex '(apr': missing ), unterminated"),
    ({"patterns": {"nl": [r"\d*"]}}, "patterns: nl[0]: regex '\\\\d*' matches empty text"),
    ({"fuzzy": 150}, "rule 'riba.apr': fuzzy: expected a similarity threshold 0-100 or false, got int 150"),
    ({"fuzzy": True}, "fuzzy: expected a similarity threshold 0-100 or false, got bool True"),
    ({"negatable": "yes"}, "rule 'riba.apr': negatable: expected true or false, got str 'yes'"),
    ({"audience": {"minor": "block"}}, "audience: unknown key 'minor' (did you mean 'minors'?)"),
    ({"audience": {"targeted": "high"}}, "audience: targeted: 'high' is not one of info, review, block"),
    ({"id": "apr"}, "rule 'apr': id: expected '<category>.<name>' in lower case, e.g. 'riba.apr'"),
    ({"id": "gambling.apr"}, "rule 'gambling.apr': id: must start with the pack's category: 'riba.'"),
    ({"category": "gambling"}, "category: 'gambling' differs from the pack's category 'riba' (one category per file)"),
    ({"explanation": ""}, "rule 'riba.apr': explanation: expected a non-empty string, got str ''"),
    ({"terms": {}}, "rule 'riba.apr': no terms and no patterns: add at least one"),
])
def test_each_kind_of_rule_problem_is_named(rule_changes, expected):
    problems = validate_pack(pack_text(rule_changes))
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize("missing", ["id", "severity", "explanation", "suggestion", "source"])
def test_missing_required_keys_are_named(missing):
    problems = validate_pack(pack_text(drop=(missing,)))
    assert any(f"missing key '{missing}'" in problem for problem in problems), problems


def test_pack_defaults_supply_severity_and_source():
    text = pack_text(drop=("severity", "source"), pack_changes={"defaults": {"severity": "review", "source": "x"}})
    assert validate_pack(text) == []


@pytest.mark.parametrize(("pack_changes", "expected"), [
    ({"rulez": []}, "<text>: unknown key 'rulez' (did you mean 'rules'?)"),
    ({"category": "Riba!"}, "<text>: category: expected a lower-case name like 'riba', got str 'Riba!'"),
    ({"rules": []}, "<text>: rules: expected a non-empty list of rules"),
    ({"defaults": {"severity": "nope"}}, "<text>: defaults: severity: 'nope' is not one of info, review, block"),
    ({"defaults": {"terms": {}}}, "<text>: defaults: unknown key 'terms'"),
    ({"exceptions": {"xx": ["a"]}}, "<text>: exceptions: unknown language 'xx'"),
])
def test_pack_level_problems_are_named(pack_changes, expected):
    problems = validate_pack(pack_text(pack_changes=pack_changes))
    assert any(expected in problem for problem in problems), problems


def test_duplicate_rule_ids_in_a_pack_are_refused():
    text = yaml.safe_dump({"category": "riba", "rules": [VALID_RULE, VALID_RULE]})
    assert "<text>: rule 'riba.apr': duplicate id (rule #1 has it too)" in validate_pack(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("category: riba\nrules: [\n", "<text>: line 3: invalid YAML"),
    ("category: riba\ncategory: gambling\nrules: []\n", "duplicate key 'category'"),
    ("- just\n- a list\n", "expected a mapping with category, description, defaults, exceptions, rules"),
])
def test_broken_yaml_is_reported_with_its_line(text, expected):
    problems = validate_pack(text)
    assert len(problems) == 1 and expected in problems[0], problems


def test_read_pack_raises_with_file_rule_and_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "riba.yaml").write_text(pack_text({"severty": "block"}, drop=("severity",)),
                                                 encoding="utf-8")
    with pytest.raises(RulePackError) as raised:
        read_pack(Path("packs/riba.yaml"))
    assert str(raised.value).startswith("packs/riba.yaml: rule 'riba.apr': unknown key 'severty'")
    assert "and 1 more problem" in str(raised.value)  # the missing severity is the second


def test_a_missing_pack_file_is_named(tmp_path):
    with pytest.raises(RulePackError, match="nope.yaml: file not found"):
        read_pack(tmp_path / "nope.yaml")


# --- shipped packs and profiles ------------------------------------------------------------------------

def test_every_shipped_pack_is_valid():
    for path in sorted(PACKS_DIR.glob("*.yaml")):
        assert validate_pack(path) == [], path.name


def test_default_profile_covers_every_canonical_category_in_three_languages():
    ruleset = load_ruleset()
    assert set(CANONICAL_CATEGORIES) <= set(ruleset.categories)
    for category in CANONICAL_CATEGORIES:
        rules = [rule for rule in ruleset.rules if rule.category == category]
        languages = {lang for rule in rules for lang in (*rule.terms, *rule.patterns)}
        assert languages == {"en", "nl", "de"}, category
    for rule in ruleset.rules:
        assert rule.explanation and rule.suggestion and rule.source, rule.id


def test_profiles_compose_by_extends():
    islamic, eu, default = (load_ruleset(name) for name in ("islamic-ethics", "eu-consumer-law", "default"))
    assert set(eu.categories) == {"false_scarcity", "misleading_claim"}
    assert {"riba", "gambling", "alcohol", "pork"} <= set(islamic.categories)
    assert set(default.categories) == set(islamic.categories) | set(eu.categories)
    assert default.profile == "default"
    assert screen("Only 3 left!", ruleset=eu).verdict == "block"
    assert screen("Play casino tonight", ruleset=eu).verdict == "pass"


def _write_profile(folder: Path, name: str, body: dict) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return path


def test_extends_cycles_are_refused_naming_the_chain(tmp_path):
    first = _write_profile(tmp_path, "first", {"extends": "second", "packs": ["riba"]})
    _write_profile(tmp_path, "second", {"extends": ["first"]})
    with pytest.raises(RulePackError, match="extends cycle: first -> second -> first"):
        load_ruleset(str(first))
    alone = _write_profile(tmp_path, "alone", {"extends": "alone"})
    with pytest.raises(RulePackError, match="extends cycle: alone -> alone"):
        load_ruleset(str(alone))


def test_a_custom_profile_extends_a_shipped_one_and_adds_a_pack(tmp_path):
    path = _write_profile(tmp_path, "shop", {"extends": "eu-consumer-law", "packs": ["alcohol"]})
    ruleset = load_ruleset(str(path))
    assert set(ruleset.categories) == {"alcohol", "false_scarcity", "misleading_claim"}
    assert ruleset.profile == "shop"


@pytest.mark.parametrize(("body", "expected"), [
    ({"packs": ["rba"]}, "pack 'rba' not found in packs (available: adult_content, alcohol"),
    ({"pack": ["riba"]}, "unknown key 'pack' (expected description, extends, packs, overlay)"),
    ({"extends": "nowhere"}, "unknown profile 'nowhere' (available: default, eu-consumer-law, islamic-ethics"),
    ({"packs": "riba", "overlay": {"disabled_rules": ["riba.nope"]}},
     "overlay: disabled_rules: unknown rule 'riba.nope'"),
])
def test_profile_problems_are_named(tmp_path, body, expected):
    path = _write_profile(tmp_path, "broken", body)
    with pytest.raises(RulePackError) as raised:
        load_ruleset(str(path))
    assert expected in str(raised.value)


def test_unknown_profile_names_the_available_ones():
    with pytest.raises(RulePackError, match=r"unknown profile 'halal' \(available: default, eu-consumer-law"):
        load_ruleset("halal")


def test_the_same_rule_id_in_two_packs_is_refused(tmp_path):
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text(pack_text(), encoding="utf-8")
    with pytest.raises(RulePackError, match="rule 'riba.apr': duplicate id, already defined in"):
        load_ruleset("all", packs_dir=tmp_path)


def test_a_folder_of_packs_loads_as_the_all_profile(tmp_path):
    (tmp_path / "riba.yaml").write_text(pack_text(), encoding="utf-8")
    ruleset = load_rules_path(tmp_path)
    assert [rule.id for rule in ruleset.rules] == ["riba.apr"]
    assert screen("Best APR in town", ruleset=ruleset).categories == ("riba",)


# --- versions, overlays, export ------------------------------------------------------------------------

def test_the_version_is_stable_and_tracks_the_rules(tmp_path):
    assert load_ruleset().version == load_ruleset("default").version
    assert len(load_ruleset().version) == 16
    (tmp_path / "riba.yaml").write_text(pack_text(), encoding="utf-8")
    first = load_ruleset("all", packs_dir=tmp_path).version
    (tmp_path / "riba.yaml").write_text(pack_text({"severity": "review"}), encoding="utf-8")
    other = tmp_path / "copy"
    other.mkdir()
    (other / "riba.yaml").write_text(pack_text({"severity": "review"}), encoding="utf-8")
    assert load_ruleset("all", packs_dir=other).version != first
    assert screen("apr", ruleset=load_ruleset("all", packs_dir=other)).ruleset_version == \
        load_ruleset("all", packs_dir=other).version


OVERLAY_CASES = [
    ({"disabled_rules": ["gambling.casino"]}, "Big casino night tonight", "block", "pass", ()),
    ({"disabled_categories": ["gambling"]}, "Big casino night, place your bets", "block", "pass", ()),
    ({"severity": {"gambling.casino": "review"}}, "Big casino night tonight", "block", "review", ("gambling",)),
    ({"extra_terms": {"gambling.casino": {"en": ["lucky wheel"]}}}, "Spin the lucky wheel tonight", "pass", "block",
     ("gambling",)),
    ({"extra_exceptions": {"occult.divination": {"en": ["star sign cookies"]}}}, "Star sign cookies for the kids",
     "block", "pass", ()),
]


@pytest.mark.parametrize(("overlay", "text", "before", "after", "categories"), OVERLAY_CASES)
def test_overlays_change_screening_and_the_version(overlay, text, before, after, categories):
    plain, tuned = load_ruleset(), load_ruleset(overlay=overlay)
    assert tuned.version != plain.version
    assert screen(text, ruleset=plain).verdict == before
    result = screen(text, ruleset=tuned)
    assert (result.verdict, result.categories) == (after, categories)
    assert result.ruleset_version == tuned.version


def test_overlay_key_order_does_not_change_the_version():
    first = load_ruleset(overlay={"severity": {"riba.credit": "review", "gambling.casino": "review"}})
    second = load_ruleset(overlay=Overlay(severity={"gambling.casino": "review", "riba.credit": "review"}))
    assert first.version == second.version
    assert load_ruleset(overlay={}).version == load_ruleset().version


@pytest.mark.parametrize(("overlay", "expected"), [
    ({"disable": ["x"]}, "overlay: unknown key 'disable' (expected disabled_rules, disabled_categories"),
    ({"disabled_rules": "gambling.casino"}, "overlay: disabled_rules: expected a list of names"),
    ({"disabled_rules": ["gambling.kasino"]}, "overlay: disabled_rules: unknown rule 'gambling.kasino'"),
    ({"disabled_categories": ["astrology"]}, "overlay: disabled_categories: unknown category 'astrology'"),
    ({"severity": {"gambling.casino": "high"}}, "severity for 'gambling.casino': 'high' is not one of info"),
    ({"severity": {"gambling.nope": "info"}}, "overlay: severity: unknown rule 'gambling.nope'"),
    ({"extra_terms": {"gambling.casino": {"fr": ["jeu"]}}}, "'gambling.casino': unknown language 'fr'"),
    ({"extra_terms": {"gambling.casino": {"en": ["a*b"]}}}, "term 'a*b': '*' is only allowed at the start or end"),
    ({"extra_exceptions": {"gambling.casino": ["x"]}}, "extra_exceptions: 'gambling.casino': expected a mapping"),
    (["gambling.casino"], "overlay: expected a mapping with keys disabled_rules"),
])
def test_invalid_overlays_are_refused_by_name(overlay, expected):
    with pytest.raises(RulePackError) as raised:
        load_ruleset(overlay=overlay)
    assert expected in str(raised.value)


def test_apply_overlay_works_on_packs_directly():
    packs = load_ruleset().packs
    tuned = apply_overlay(packs, {"severity": {"riba.credit": "info"}, "disabled_rules": ["riba.interest"]})
    rules = {rule.id: rule for pack in tuned for rule in pack.rules}
    assert rules["riba.credit"].severity == "info"
    assert "riba.interest" not in rules
    assert apply_overlay(packs, None) == packs
    overlay = Overlay.from_mapping({"extra_terms": {"riba.credit": {"nl": ["voorschot"]}}})
    assert Overlay.from_mapping(overlay.to_dict()) == overlay


def test_a_pack_exports_and_reads_back_to_the_same_rules(tmp_path):
    original = read_pack(PACKS_DIR / "gambling.yaml")
    text = export_pack_yaml(original)
    assert validate_pack(text) == []
    (tmp_path / "gambling.yaml").write_text(text, encoding="utf-8")
    again = read_pack(tmp_path / "gambling.yaml")
    assert [rule.to_dict() for rule in again.rules] == [rule.to_dict() for rule in original.rules]
    assert load_ruleset("all", packs_dir=tmp_path).version == load_rules_path(PACKS_DIR / "gambling.yaml").version


def test_export_of_mixed_categories_is_refused():
    rules = load_ruleset().rules
    with pytest.raises(RulePackError, match="a pack holds exactly one"):
        export_pack_yaml(rules)


def test_shipped_profiles_are_plain_yaml_with_known_keys():
    for path in PROFILES_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data) <= {"description", "extends", "packs", "overlay"}, path.name


def test_terms_lists_every_literal_term_per_language():
    terms = load_ruleset().terms()
    assert set(terms) == {"en", "nl", "de"}
    assert {"casino", "gambl*", "merlot"} <= set(terms["en"])
    assert {"*zins*", "freiwette*"} <= set(terms["de"])
    assert "gambling addiction" not in terms["en"]  # an exception, not a term
    assert all(list(values) == sorted(set(values)) for values in terms.values())
    tuned = load_ruleset(overlay={"extra_terms": {"gambling.casino": {"nl": ["geluksrad"]}}}).terms()
    assert "geluksrad" in tuned["nl"] and "geluksrad" not in terms["nl"]
    only_riba = load_ruleset(overlay={"disabled_categories": [c for c in CANONICAL_CATEGORIES if c != "riba"]
                                      + ["pork", "tobacco"]}).terms()
    assert "casino" not in only_riba["en"] and "mortgage" in only_riba["en"]

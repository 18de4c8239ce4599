"""The rule-pack schema: which keys a pack and a rule accept, with their types, checked key by key.

Like yamllint's rule configuration, every key is declared once with a checker; unknown keys, wrong
types, bad regular expressions and duplicate ids become `Problem`s that name the file, rule and key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from compliance.model import LANGUAGES, SEVERITIES
from compliance.normalise import light_normalise_string, normalise_phrase
from compliance.rules import Pack, Problem, Rule, RuleAudience, RulePackError

Check = Callable[[Any], list[str]]
_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.-]+$")
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")
_ESCAPE = re.compile(r"\\.")


def _string(value: Any) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return [f"expected a non-empty string, got {_describe(value)}"]
    return []


def _replacement(value: Any) -> list[str]:
    """{en|nl|de: text or list}: the one-click fix per language (see `_replacement_options` for lists)."""
    if not isinstance(value, dict):
        return [f"expected a mapping of language (en, nl, de) to a text or a list of {{match, with}} pairs, "
                f"got {_describe(value)}"]
    problems = []
    for lang, entry in value.items():
        if lang not in LANGUAGES:
            problems.append(f"unknown language '{lang}'"
                            f"{_did_you_mean(lang, LANGUAGES) or ' (expected ' + ', '.join(LANGUAGES) + ')'}")
        elif isinstance(entry, list):
            problems += [f"{lang}{problem}" for problem in _replacement_options(entry)]
        elif not isinstance(entry, str):
            problems.append(f"{lang}: expected a text (\"\" to remove the match) or a list of "
                            f"{{match: <regex>, with: <text>}} pairs, got {_describe(entry)}")
    return problems


REPLACEMENT_OPTION_KEYS = ("match", "with")


def _replacement_options(entries: list) -> list[str]:
    """Problems of an ordered replacement list: {match, with} pairs, optionally ending with a fallback text."""
    if not entries:
        return [": expected at least one {match: <regex>, with: <text>} pair or a fallback text"]
    problems = []
    for position, entry in enumerate(entries):
        where = f"[{position}]"
        if isinstance(entry, str):
            if position != len(entries) - 1:
                problems.append(f"{where}: the fallback text '{entry}' must be the last entry "
                                "(the entries after it would never be used)")
        elif isinstance(entry, dict):
            problems += [f"{where}: {problem}" for problem in _replacement_pair(entry)]
        else:
            problems.append(f"{where}: expected {{match: <regex>, with: <text>}} or a fallback text, "
                            f"got {_describe(entry)}")
    return problems


def _replacement_pair(pair: dict) -> list[str]:
    """Problems of one {match, with} pair: keys, types, the regex and the group references of ``with``."""
    unknown = [key for key in pair if key not in REPLACEMENT_OPTION_KEYS]
    problems = [f"unknown key '{key}'"
                f"{_did_you_mean(key, REPLACEMENT_OPTION_KEYS) or ' (expected match and with)'}" for key in unknown]
    if not unknown:  # an unknown key is the missing one misspelt or misnamed: one problem, not two
        problems += [f"missing key '{key}'" for key in REPLACEMENT_OPTION_KEYS if key not in pair]
    pattern, text = pair.get("match"), pair.get("with")
    if "match" in pair and (not isinstance(pattern, str) or not pattern.strip()):
        problems.append(f"match: expected a non-empty regex, got {_describe(pattern)}")
        pattern = None
    if "with" in pair and not isinstance(text, str):
        problems.append(f"with: expected a text (\"\" to remove the match; quote words YAML reads as "
                        f"true/false/numbers), got {_describe(text)}")
        text = None
    if isinstance(pattern, str) and pattern.strip():
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            return [*problems, f"match: bad regex '{pattern}': {exc}"]
        if isinstance(text, str):
            try:
                compiled.sub(text, "")  # parses the template: bad escapes and unknown groups fail here
            except (re.error, IndexError) as exc:
                problems.append(f"with: '{text}' does not fit the pattern '{pattern}': {exc}")
    return problems


def _severity(value: Any) -> list[str]:
    if value not in SEVERITIES:
        return [f"{value!r} is not one of {', '.join(SEVERITIES)}"]
    return []


def _boolean(value: Any) -> list[str]:
    return [] if isinstance(value, bool) else [f"expected true or false, got {_describe(value)}"]


def _fuzzy(value: Any) -> list[str]:
    if value is False or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100):
        return []
    return [f"expected a similarity threshold 0-100 or false, got {_describe(value)}"]


def _audience(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [f"expected a mapping with 'minors' and/or 'targeted', got {_describe(value)}"]
    problems = [f"unknown key '{key}'{_did_you_mean(key, ('minors', 'targeted'))}"
                for key in value if key not in ("minors", "targeted")]
    problems += [f"{key}: {p}" for key in ("minors", "targeted") if key in value for p in _severity(value[key])]
    return problems


def _language_map(check_item: Callable[[str], str | None]) -> Check:
    """A checker for {en|nl|de: [strings]} whose items pass ``check_item`` (None: fine)."""

    def check(value: Any) -> list[str]:
        if not isinstance(value, dict):
            return [f"expected a mapping of language (en, nl, de) to a list, got {_describe(value)}"]
        problems = []
        for lang, items in value.items():
            if lang not in LANGUAGES:
                problems.append(f"unknown language '{lang}' (expected {', '.join(LANGUAGES)})")
                continue
            if not isinstance(items, list):
                problems.append(f"{lang}: expected a list of strings, got {_describe(items)}")
                continue
            for position, item in enumerate(items):
                if not isinstance(item, str) or not item.strip():
                    problems.append(f"{lang}[{position}]: expected a non-empty string, got {_describe(item)}")
                elif (problem := check_item(item)) is not None:
                    problems.append(f"{lang}[{position}]: {problem}")
        return problems

    return check


def check_term(term: str) -> str | None:
    """Why ``term`` cannot be used as a term or exception (None when it can)."""
    core = term.strip()
    if "*" in core.strip("*"):
        return f"term '{term}': '*' is only allowed at the start or end"
    if not normalise_phrase(core.strip("*")):
        return f"term '{term}' has no letters or digits"
    return None


def pattern_source(pattern: str) -> str:
    """A pack pattern with its non-ASCII letters written as in light text ("glück" → "gluck")."""
    return "".join(c if c.isascii() else light_normalise_string(c) for c in pattern)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a pack pattern the way the matcher runs it (on light-normalised, case-folded text).

    Light text is lower case, so a pattern written in lower case needs no IGNORECASE (which would
    switch off the regex engine's fast literal search); one with upper-case letters gets it.
    """
    source = pattern_source(pattern)
    unescaped = _ESCAPE.sub("", source)
    flags = re.IGNORECASE if unescaped != unescaped.lower() else 0
    return re.compile(source, flags)


def check_pattern(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used (None when it can)."""
    try:
        compiled = compile_pattern(pattern)
    except re.error as exc:
        return f"bad regex {pattern!r}: {exc}"
    if compiled.search("") is not None:
        return f"regex {pattern!r} matches empty text; make it require at least one character"
    return None


RULE_KEYS: dict[str, Check] = {
    "id": _string,
    "category": _string,
    "severity": _severity,
    "terms": _language_map(check_term),
    "patterns": _language_map(check_pattern),
    "exceptions": _language_map(check_term),
    "explanation": _string,
    "suggestion": _string,
    "replacement": _replacement,
    "source": _string,
    "fuzzy": _fuzzy,
    "compound": _boolean,
    "negatable": _boolean,
    "audience": _audience,
}
REQUIRED_RULE_KEYS = ("id", "severity", "explanation", "suggestion", "source")
DEFAULT_KEYS = ("severity", "source", "fuzzy", "compound", "negatable", "audience")
PACK_KEYS = ("category", "description", "defaults", "exceptions", "rules")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}" if not isinstance(value, dict | list) else type(value).__name__


def _did_you_mean(key: object, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(str(key), list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_keys(data: dict, allowed: Mapping[str, Check] | tuple[str, ...]) -> list[tuple[str | None, str]]:
    """(key, problem) for unknown keys and, when ``allowed`` has checkers, for bad values."""
    problems: list[tuple[str | None, str]] = []
    names = list(allowed)
    for key, value in data.items():
        if key not in allowed:
            problems.append((None, f"unknown key '{key}'{_did_you_mean(key, names)}"))
        elif isinstance(allowed, Mapping):
            problems += [(key, f"{key}: {p}") for p in allowed[key](value)]
    return problems


def check_pack_data(data: Any, path: str) -> list[Problem]:
    """All problems of a parsed pack (empty when it is valid)."""
    if not isinstance(data, dict):
        return [Problem(path, f"expected a mapping with {', '.join(PACK_KEYS)} at the top, got {_describe(data)}")]
    problems = [Problem(path, message) for _, message in _check_keys(data, PACK_KEYS)]
    category = data.get("category")
    if category is None:
        problems.append(Problem(path, "missing key 'category'"))
    elif not isinstance(category, str) or not _CATEGORY.match(category):
        problems.append(Problem(path, f"category: expected a lower-case name like 'riba', got {_describe(category)}"))
        category = None
    if "description" in data:
        problems += [Problem(path, f"description: {p}") for p in _string(data["description"])]
    if "exceptions" in data:
        problems += [Problem(path, f"exceptions: {p}") for p in RULE_KEYS["exceptions"](data["exceptions"])]
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        problems.append(Problem(path, f"defaults: expected a mapping, got {_describe(defaults)}"))
        defaults = {}
    default_checks = {key: RULE_KEYS[key] for key in DEFAULT_KEYS}
    problems += [Problem(path, f"defaults: {message}") for _, message in _check_keys(defaults, default_checks)]
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        problems.append(Problem(path, "rules: expected a non-empty list of rules"))
        return problems
    seen: dict[str, int] = {}
    for position, rule in enumerate(rules, start=1):
        problems += _check_rule(rule, position, category, defaults, seen, path)
    return problems


def _check_rule(rule: Any, position: int, category: str | None, defaults: dict, seen: dict[str, int],
                path: str) -> list[Problem]:
    label = f"#{position}"
    if not isinstance(rule, dict):
        return [Problem(path, f"rule #{position}: expected a mapping, got {_describe(rule)}")]
    rule_id = rule.get("id")
    if isinstance(rule_id, str) and rule_id.strip():
        label = rule_id
    problems = [Problem(path, message, label) for _, message in _check_keys(rule, RULE_KEYS)]
    problems += [Problem(path, f"missing key '{key}'", label) for key in REQUIRED_RULE_KEYS
                 if key not in rule and key not in defaults]
    if isinstance(rule_id, str) and rule_id.strip():
        if not _ID.match(rule_id):
            problems.append(Problem(path, "id: expected '<category>.<name>' in lower case, e.g. 'riba.apr'", label))
        elif category and not rule_id.startswith(category + "."):
            problems.append(Problem(path, f"id: must start with the pack's category: '{category}.'", label))
        if rule_id in seen:
            problems.append(Problem(path, f"duplicate id (rule #{seen[rule_id]} has it too)", label))
        seen.setdefault(rule_id, position)
    if category and isinstance(rule.get("category"), str) and rule["category"] != category:
        problems.append(Problem(path, f"category: '{rule['category']}' differs from the pack's category "
                                      f"'{category}' (one category per file)", label))
    if not rule.get("terms") and not rule.get("patterns"):
        problems.append(Problem(path, "no terms and no patterns: add at least one", label))
    return problems


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate keys (YAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        keys = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in keys:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _StrictLoader.construct_mapping)


def parse_yaml(text: str, path: str) -> Any:
    """Parse YAML text, turning syntax errors into a RulePackError naming the file and line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulePackError(f"{path}: {line}invalid YAML: {problem}") from None


def build_pack(data: dict, path: str, name: str) -> Pack:
    """Turn validated pack data into a `Pack` (pack-level defaults and exceptions merged into each rule)."""
    category = data["category"]
    defaults = data.get("defaults", {})
    shared_exceptions = data.get("exceptions", {})
    rules = []
    for raw in data["rules"]:
        merged = {**defaults, **raw}
        exceptions = {lang: list(shared_exceptions.get(lang, [])) + list(raw.get("exceptions", {}).get(lang, []))
                      for lang in LANGUAGES}
        fuzzy = merged.get("fuzzy", False)
        rules.append(Rule(
            id=raw["id"], category=category, severity=merged["severity"], explanation=merged["explanation"].strip(),
            suggestion=merged["suggestion"].strip(), source=merged["source"].strip(),
            replacement=raw.get("replacement", {}),
            terms=raw.get("terms", {}), patterns=raw.get("patterns", {}), exceptions=exceptions,
            fuzzy=None if fuzzy is False else fuzzy, compound=merged.get("compound"),
            negatable=merged.get("negatable", True), audience=RuleAudience(**merged.get("audience", {}))))
    return Pack(name=name, category=category, path=path, rules=tuple(rules), description=data.get("description", ""))

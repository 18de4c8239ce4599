"""Command line: python -m compliance {check,rules,validate}. Parses arguments and prints; nothing else.

Exit codes: 0 — nothing reached --fail-on (or the pack is valid); 1 — a message reached --fail-on;
2 — bad input, bad rules or bad arguments, with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from compliance.batch import FAIL_ON, FORMATS, InputError, ResultWriter, fails, open_input, read_csv, read_text_lines
from compliance.loader import load_rules_path, load_ruleset, validate_pack
from compliance.rules import RulePackError
from compliance.ruleset import RuleSet
from compliance.screen import LANGUAGE_CHOICES, screen

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_TEXT_COLUMN, DEFAULT_ID_COLUMN = "text", "id"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m compliance",
                                     description="Screen marketing messages against ethical and legal rule packs.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="screen messages from a CSV (or .txt, one message per line)")
    check.add_argument("file", help="CSV with a header row, a .txt file, or - for a CSV on standard input")
    check.add_argument("--text-column", default=DEFAULT_TEXT_COLUMN, help="column with the message (default: text)")
    check.add_argument("--id-column", default=None, help="column with the message id (default: id, else row number)")
    check.add_argument("--lang", default="auto", choices=LANGUAGE_CHOICES, help="message language (default: auto)")
    _add_rule_options(check)
    check.add_argument("--format", default="jsonl", choices=FORMATS, help="output format (default: jsonl)")
    check.add_argument("--fail-on", default="block", choices=FAIL_ON,
                       help="exit 1 when a message reaches this verdict (default: block)")
    rules = commands.add_parser("rules", help="list the rules of a profile")
    _add_rule_options(rules)
    rules.add_argument("--format", default="table", choices=("table", "json"), help="output format (default: table)")
    validate = commands.add_parser("validate", help="validate a rule pack file (or every pack in a folder)")
    validate.add_argument("path")
    return parser


def _add_rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", default=None, help="a pack .yaml, a profile .yaml or a folder of packs")
    parser.add_argument("--profile", default=None, help="profile name (default: default)")


def _ruleset(args: argparse.Namespace) -> RuleSet:
    if args.rules:
        return load_rules_path(args.rules, args.profile)
    return load_ruleset(args.profile or "default")


def _check(args: argparse.Namespace) -> int:
    ruleset = _ruleset(args)
    stream, name = open_input(args.file)
    with stream:
        if name.lower().endswith(".txt"):
            messages = read_text_lines(stream, name)
        else:
            messages = read_csv(stream, name, args.text_column, args.id_column or DEFAULT_ID_COLUMN,
                                id_column_required=args.id_column is not None)
        writer = ResultWriter(sys.stdout, args.format)
        failed = False
        for message in messages:
            result = screen(message.text, ruleset=ruleset, lang=args.lang)
            writer.write(message, result)
            failed = failed or fails(result, args.fail_on)
        writer.finish()
    return EXIT_FAILED if failed else EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    ruleset = _ruleset(args)
    if args.format == "json":
        print(json.dumps({"profile": ruleset.profile, "version": ruleset.version,
                          "rules": [rule.to_dict() for rule in ruleset.rules]}, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{'id':<36} {'category':<17} {'severity':<8} {'terms':>5} {'patterns':>8}  source")
    for rule in ruleset.rules:
        terms = sum(len(items) for items in rule.terms.values())
        patterns = sum(len(items) for items in rule.patterns.values())
        source = rule.source if len(rule.source) <= 60 else rule.source[:59] + "…"
        print(f"{rule.id:<36} {rule.category:<17} {rule.severity:<8} {terms:>5} {patterns:>8}  {source}")
    print(f"{len(ruleset.rules)} rules, profile {ruleset.profile}, version {ruleset.version}")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise InputError(f"{path}: no .yaml files in this folder")
    problems = [problem for file in files for problem in validate_pack(file)]
    for problem in problems:
        print(problem)
    if problems:
        return EXIT_BAD_INPUT
    print(f"ok: {len(files)} pack{'s' if len(files) > 1 else ''} valid")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    handlers = {"check": _check, "rules": _rules, "validate": _validate}
    try:
        return handlers[args.command](args)
    except (InputError, RulePackError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `... | head`: the reader is gone, nothing left to report
        return EXIT_OK

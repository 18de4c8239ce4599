"""python -m compliance as a user runs it: outputs, exit codes 0/1/2, stdin, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = [
    ("m1", "Play at our c4sino tonight"),
    ("m2", "Fresh sourdough, baked every morning"),
    ("m3", "Guaranteed results in one week"),
    ("m4", "Nur noch 3 auf Lager! Sportwetten mit Bonus"),
]


def run(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "compliance", *args], cwd=ROOT, input=data,
                          capture_output=True, timeout=60, check=False)


def write_csv(path: Path, rows: list[tuple[str, str]], header: tuple[str, str] = ("id", "text"),
              delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def messages_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "messages.csv", MESSAGES)


def test_jsonl_has_one_object_per_row_and_exit_1_on_block(messages_csv):
    completed = run("check", str(messages_csv))
    assert completed.returncode == 1, completed.stderr
    records = [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]
    assert [(r["id"], r["verdict"], r["categories"]) for r in records] == [
        ("m1", "block", ["gambling"]), ("m2", "pass", []), ("m3", "review", ["misleading_claim"]),
        ("m4", "block", ["false_scarcity", "gambling"])]
    finding = records[0]["findings"][0]
    assert set(finding) == {"rule_id", "category", "severity", "matched_text", "start", "end", "explanation",
                            "suggestion", "source", "language", "replacement"}
    assert MESSAGES[0][1][finding["start"]:finding["end"]] == finding["matched_text"] == "c4sino"
    assert len({r["ruleset_version"] for r in records}) == 1


@pytest.mark.parametrize(("rows", "fail_on", "code"), [
    (MESSAGES[1:3], "block", 0),  # a review is below the default --fail-on block
    (MESSAGES[1:3], "review", 1),
    (MESSAGES[1:2], "review", 0),
])
def test_exit_code_follows_fail_on(tmp_path, rows, fail_on, code):
    path = write_csv(tmp_path / "in.csv", rows)
    assert run("check", str(path), "--fail-on", fail_on).returncode == code


def test_csv_output(messages_csv):
    completed = run("check", str(messages_csv), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(completed.stdout.decode("utf-8"))))
    assert [(r["id"], r["verdict"], r["categories"]) for r in rows] == [
        ("m1", "block", "gambling"), ("m2", "pass", ""), ("m3", "review", "misleading_claim"),
        ("m4", "block", "false_scarcity;gambling")]
    assert rows[0]["rules"] == "gambling.casino" and rows[0]["matched"] == "c4sino"


def test_table_output_ends_with_a_summary(messages_csv):
    completed = run("check", str(messages_csv), "--format", "table")
    lines = completed.stdout.decode("utf-8").splitlines()
    assert lines[0].split() == ["id", "verdict", "categories", "findings"]
    assert lines[1].split()[:3] == ["m1", "block", "gambling"]
    assert lines[-1].startswith("4 messages: 2 block, 1 review, 1 pass (rule set ")


def test_stdin_with_custom_columns_and_semicolons():
    data = "nr;bericht\n7;Vraag nu je kredietkaart aan\n8;Verse dadels voor de ramadan\n"
    completed = run("check", "-", "--text-column", "bericht", "--id-column", "nr", "--lang", "nl", stdin=data)
    records = [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]
    assert [(r["id"], r["verdict"], r["language"]) for r in records] == [("7", "block", "nl"), ("8", "pass", "nl")]
    assert completed.returncode == 1


def test_rows_are_numbered_when_there_is_no_id_column():
    completed = run("check", "-", stdin='text\n"Casino, tonight"\nBread\n')
    assert [json.loads(line)["id"] for line in completed.stdout.decode("utf-8").splitlines()] == ["1", "2"]


def test_a_txt_file_is_one_message_per_line(tmp_path):
    path = tmp_path / "copy.txt"
    path.write_text("Fresh bread\n\nCasino tonight\n", encoding="utf-8")
    completed = run("check", str(path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(completed.stdout.decode("utf-8"))))
    assert [(r["id"], r["verdict"]) for r in rows] == [("1", "pass"), ("3", "block")]


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("check", "missing.csv"), None, "error: missing.csv: file not found"),
    (("check", "-"), "id,body\n1,Casino\n", "error: <stdin>: no column 'text' (columns: id, body); name the message "
                                           "column with --text-column"),
    (("check", "-", "--id-column", "key"), "text\nCasino\n", "error: <stdin>: no column 'key' (columns: text)"),
    (("check", "-"), "", "error: <stdin>: empty input; expected a CSV header with a 'text' column"),
    (("check", "-"), b"text\n\xff\xfe Casino\n", "error: <stdin>: line 2: not UTF-8 text (byte 0xff)"),
    (("check", "-", "--profile", "halal"), "text\nx\n", "error: unknown profile 'halal' (available: default"),
])
def test_bad_input_exits_2_with_one_line_naming_the_problem(args, stdin, message):
    completed = run(*args, stdin=stdin)
    assert completed.returncode == 2
    error = completed.stderr.decode("utf-8")
    assert error.startswith(message), error
    assert error.count("\n") == 1 and "Traceback" not in error


def test_bad_rules_name_the_file_rule_and_key(tmp_path):
    pack = {"category": "riba", "rules": [{"id": "riba.apr", "severty": "block", "terms": {"en": ["apr"]},
                                           "explanation": "x", "suggestion": "y", "source": "z"}]}
    path = tmp_path / "riba.yaml"
    path.write_text(yaml.safe_dump(pack), encoding="utf-8")
    completed = run("check", "-", "--rules", str(path), stdin="text\nBest APR\n")
    assert completed.returncode == 2
    assert "riba.yaml: rule 'riba.apr': unknown key 'severty'" in completed.stderr.decode("utf-8")
    assert run("validate", str(path)).returncode == 2
    problems = run("validate", str(path)).stdout.decode("utf-8").splitlines()
    assert any("unknown key 'severty'" in line for line in problems)
    assert any("missing key 'severity'" in line for line in problems)


def test_custom_rules_from_a_pack_file(tmp_path):
    pack = {"category": "riba", "rules": [{"id": "riba.apr", "severity": "review", "terms": {"en": ["apr"]},
                                           "explanation": "x", "suggestion": "y", "source": "z"}]}
    path = tmp_path / "riba.yaml"
    path.write_text(yaml.safe_dump(pack), encoding="utf-8")
    completed = run("check", "-", "--rules", str(path), stdin="text\nBest APR\nCasino\n")
    assert [json.loads(line)["verdict"] for line in completed.stdout.decode("utf-8").splitlines()] == \
        ["review", "pass"]
    assert completed.returncode == 0


def test_rules_lists_the_profile():
    table = run("rules", "--profile", "eu-consumer-law").stdout.decode("utf-8").splitlines()
    assert table[0].split()[:3] == ["id", "category", "severity"]
    assert any(line.startswith("false_scarcity.countdown ") for line in table)
    assert table[-1].startswith(f"{len(table) - 2} rules, profile eu-consumer-law, version ")
    listed = json.loads(run("rules", "--format", "json").stdout)
    assert listed["profile"] == "default" and len(listed["version"]) == 16
    assert {"riba.credit", "gambling.casino"} <= {rule["id"] for rule in listed["rules"]}


def test_validate_accepts_the_shipped_packs():
    completed = run("validate", "compliance/packs")
    assert completed.returncode == 0
    assert completed.stdout.decode("utf-8").startswith("ok: ")
    assert run("validate", "nowhere.yaml").returncode == 2

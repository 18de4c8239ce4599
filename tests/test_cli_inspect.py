"""python -m segmentation inspect: roles, quality and minimisation advice; exit 2 with one line on bad input."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, shared_data_file
from tests.test_intake import CSV


def _inspect(*args):
    return subprocess.run([sys.executable, "-m", "segmentation", "inspect", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_json_report_names_roles_quality_and_advice(tmp_path):
    path = tmp_path / "klanten.csv"
    path.write_bytes(CSV.encode("cp1252"))
    result = _inspect(path, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    columns = {column["column"]: column for column in report["columns"]}
    assert report["rows"] == 4 and report["delimiter"] == ";"
    assert columns["religie"]["role"] == "special_category"
    assert columns["religie"]["minimisation"] == "excluded"
    assert columns["e-mailadres"]["minimisation"] == "pseudonymised"
    assert report["consent_columns"]["nieuwsbrief_email"] == ["email", "newsletter"]
    assert any(finding["check"] in ("exact_duplicates", "duplicate_ids") for finding in report["quality"])


def test_table_output_is_readable(tmp_path):
    path = tmp_path / "klanten.csv"
    path.write_bytes(CSV.encode("utf-8"))
    result = _inspect(path, "--purpose", "campaign_sending")
    assert result.returncode == 0
    assert "4 rows × 9 columns" in result.stdout
    assert "stored (campaign_sending)" in result.stdout


@pytest.mark.parametrize("content, fragment", [
    (b"", "empty"),
    (b"\x00\xff\x00\xfe" * 64, "not a text table"),
    (b"a;b\n1;2\n3;4\n5;6;7;8\n9;10\n", "line 4"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = _inspect(path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and fragment in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2():
    result = _inspect("/nonexistent/customers.csv")
    assert result.returncode == 2 and "cannot read" in result.stderr


@pytest.mark.shared_data
def test_bank_marketing_file_imports_with_sensible_roles():
    result = _inspect(shared_data_file("bank-full.csv"), "--format", "json")
    report = json.loads(result.stdout)
    roles = {column["column"]: column for column in report["columns"]}
    assert report["rows"] == 45211
    assert roles["job"]["tag"] == "demographic" and roles["balance"]["tag"] == "behavioural"
    assert not any(column["role"] in ("direct_identifier", "special_category") for column in report["columns"])


@pytest.mark.shared_data
def test_online_retail_file_imports_with_sensible_roles():
    result = _inspect(shared_data_file("online_retail.csv.gz"), "--format", "json")
    report = json.loads(result.stdout)
    roles = {column["column"]: column for column in report["columns"]}
    assert report["rows"] == 541909
    assert roles["CustomerID"]["role"] == "id"
    assert roles["InvoiceDate"]["role"] == "transaction_date"
    assert roles["Country"]["tag"] == "geographic"

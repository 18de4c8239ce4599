"""python -m kpis abtest as a user runs it: table and JSON output, exit code 2 with one line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kpis.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def experiment_csv(tmp_path: Path) -> Path:
    """Two regions; in each, variant B converts better than control A and C about the same."""
    rows = []
    for region, (a, b, c) in {"north": (40, 70, 42), "south": (30, 55, 29)}.items():
        for variant, converted in (("A", a), ("B", b), ("C", c)):
            rows += [(region, variant, 1, 12.5)] * converted + [(region, variant, 0, 0.0)] * (500 - converted)
    path = tmp_path / "experiment.csv"
    pd.DataFrame(rows, columns=["region", "arm", "converted", "revenue"]).to_csv(path, index=False)
    return path


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_table_lists_each_group_and_variant(experiment_csv, capsys):
    code, out, err = run_main(capsys, "abtest", str(experiment_csv), "--variant-column", "arm", "--control", "A",
                              "--metric", "converted", "--by", "region")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == ("converted (binary) by arm, control 'A', alpha 0.05, p-values Holm-adjusted over "
                        "4 comparisons")
    for heading in ("n control", "rate control", "absolute lift [95% CI]", "relative lift [95% CI]", "p (Holm)",
                    "SRM p"):
        assert heading in lines[1]
    north_b = next(line for line in lines if line.split()[:2] == ["north", "B"])
    assert "500" in north_b and "8.00%" in north_b and "14.00%" in north_b and "+6.00 pp" in north_b
    assert "+75.0%" in north_b and north_b.split()[-1] == "1.000"  # equal arms: SRM p = 1
    assert lines[-1].startswith("warning: Decide on the sample size in advance")


def test_json_is_one_object_with_rows(experiment_csv, capsys):
    code, out, _ = run_main(capsys, "abtest", str(experiment_csv), "--variant-column", "arm", "--control", "A",
                            "--metric", "revenue", "--format", "json", "--alpha", "0.1")
    assert code == 0
    body = json.loads(out)
    assert (body["metric_kind"], body["alpha"], body["by"]) == ("continuous", 0.1, None)
    assert [(row["group"], row["variant"]) for row in body["rows"]] == [(None, "B"), (None, "C")]
    b_row = body["rows"][0]
    assert b_row["control_value"] == pytest.approx(70 * 12.5 / 1000)
    assert b_row["variant_value"] == pytest.approx(125 * 12.5 / 1000)
    assert {"absolute_ci_low", "relative_ci_high", "adjusted_p_value", "srm_p_value", "summary"} <= set(b_row)
    assert "90% CI" in b_row["summary"]
    assert body["sample_ratio_checks"][0]["counts"] == {"A": 1000, "B": 1000, "C": 1000}


def test_split_option_flags_a_mismatch(experiment_csv, capsys):
    code, out, _ = run_main(capsys, "abtest", str(experiment_csv), "--variant-column", "arm", "--control", "A",
                            "--metric", "converted", "--split", "A=2,B=1,C=1")
    assert code == 0
    assert "Sample ratio mismatch in the experiment" in out


@pytest.mark.parametrize(("arguments", "message"), [
    (["--variant-column", "variant", "--control", "A", "--metric", "converted"],
     "error: {file}: column 'variant' is not in the data; columns are: region, arm, converted, revenue"),
    (["--variant-column", "arm", "--control", "control", "--metric", "converted"],
     "error: {file}: control 'control' is not a value of column 'arm'; values are: A, B, C"),
    (["--variant-column", "arm", "--control", "A", "--metric", "region"],
     "error: {file}: metric column 'region' must hold numbers (0/1 for a conversion, an amount for revenue), "
     "but has 'north' in 3,000 rows"),
    (["--variant-column", "arm", "--control", "A", "--metric", "converted", "--by", "country"],
     "error: {file}: column 'country' is not in the data; columns are: region, arm, converted, revenue"),
    (["--variant-column", "arm", "--control", "A", "--metric", "converted", "--split", "A:1"],
     "error: --split: 'A:1' is not VARIANT=SHARE (e.g. 'A=1,B=1')"),
    (["--variant-column", "arm", "--control", "A", "--metric", "converted", "--alpha", "5"],
     "error: {file}: alpha must be between 0 and 1 (got 5.0); 0.05 is usual"),
])
def test_bad_input_exits_2_with_one_line(experiment_csv, capsys, arguments, message):
    code, out, err = run_main(capsys, "abtest", str(experiment_csv), *arguments)
    assert (code, out) == (2, "")
    assert err == message.format(file=experiment_csv) + "\n"


def test_missing_and_unreadable_files(tmp_path, capsys):
    code, _, err = run_main(capsys, "abtest", str(tmp_path / "nope.csv"), "--variant-column", "a", "--control", "x",
                            "--metric", "m")
    assert (code, err) == (2, f"error: {tmp_path / 'nope.csv'}: no such file\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _, err = run_main(capsys, "abtest", str(empty), "--variant-column", "a", "--control", "x", "--metric", "m")
    assert code == 2 and err.count("\n") == 1 and "empty.csv" in err and "Traceback" not in err


def test_python_dash_m_kpis_runs(experiment_csv):
    completed = subprocess.run([sys.executable, "-m", "kpis", "abtest", str(experiment_csv), "--variant-column",
                                "arm", "--control", "B", "--metric", "converted", "--format", "json"],
                               cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    assert [row["variant"] for row in json.loads(completed.stdout)["rows"]] == ["A", "C"]
    missing = subprocess.run([sys.executable, "-m", "kpis", "abtest", str(experiment_csv), "--variant-column", "arm",
                              "--control", "Z", "--metric", "converted"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "'Z'" in missing.stderr

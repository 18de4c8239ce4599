"""python -m segmentation cluster FILE: segments, profiles and excluded columns; exit 2 with one line on bad input."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import pytest

from data.demo import generate_demo
from segmentation.cli_cluster import add_cluster_parser, run_cluster


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m segmentation")
    add_cluster_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def _run(*argv: str) -> int:
    return run_cluster(_parser().parse_args(["cluster", *argv]))


@pytest.fixture(scope="module")
def customers_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cluster") / "klanten.csv"
    generate_demo(rows=800, seed=3, as_of=date(2026, 6, 30)).customers.to_csv(path, index=False)
    return path


def test_json_report_names_segments_profiles_and_excluded_columns(customers_csv, capsys):
    assert _run(str(customers_csv), "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["file"] == "klanten.csv" and report["rows"] == 800
    assert 2 <= report["k"] <= 10 and report["k_requested"] == "auto"
    assert len(report["segments"]) == report["k"]
    assert sum(segment["size"] for segment in report["segments"]) == 800
    assert all(segment["name"] and segment["traits"] for segment in report["segments"])
    assert set(report["silhouette"]) == {str(k) for k in range(2, 11)}
    excluded = report["excluded_columns"]
    assert excluded["customer_id"] == "identifier"
    assert excluded["religion"] == "special category (religion) — excluded by default"
    assert "religion" not in report["features_used"] and "email" not in report["features_used"]


def test_chosen_k_and_features_are_honoured(customers_csv, capsys):
    assert _run(str(customers_csv), "--k", "3", "--features", "age, revenue,lifestyle", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["k"] == 3 and report["features_used"] == ["age", "revenue", "lifestyle"]
    assert report["excluded_columns"]["city"] == "not in the chosen features"


def test_table_output_is_readable(customers_csv, capsys):
    assert _run(str(customers_csv), "--k", "4", "--random-state", "5") == 0
    out = capsys.readouterr().out
    assert out.startswith("klanten.csv: 800 rows → 4 segments (as asked; silhouette ")
    assert "customers  share" in out and "\nnot used:\n" in out
    assert "  email: direct identifier (contact details are never used for segmenting)" in out


@pytest.mark.parametrize("arguments, fragment", [
    (["--k", "1"], "error: --k 1: need at least 2 segments"),
    (["--k", "lots"], "error: --k 'lots': need 'auto' or a whole number of at least 2"),
    (["--random-state", "-3"], "error: --random-state -3: need 0 or more"),
    (["--features", "age,,revenue"], "error: --features 'age,,revenue': need column names separated by commas"),
    (["--features", "age,shoe_size"], "error: features: 'shoe_size' not in the table"),
    (["--features", "age,religion"], "error: features: 'religion' cannot be used for segmenting: special category"),
])
def test_bad_options_exit_2_with_one_line(customers_csv, capsys, arguments, fragment):
    assert _run(str(customers_csv), *arguments) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(fragment) and captured.err.count("\n") == 1


@pytest.mark.parametrize("content, fragment", [
    (None, "cannot read the file"),
    (b"", "empty"),
    (b"customer_id,email\nC1,a@example.com\nC2,b@example.com\n", "no usable features: every column was excluded"),
])
def test_bad_files_exit_2_with_one_line(tmp_path, capsys, content, fragment):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    assert _run(str(path)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and fragment in err and err.count("\n") == 1

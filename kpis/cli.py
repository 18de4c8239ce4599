"""Command line: python -m kpis abtest FILE … — reads the file, runs the A/B analysis, prints it.

Exit codes: 0 — analysed; 2 — bad input or bad arguments, with one line on stderr naming the problem.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd

from kpis.experiments import METRIC_KINDS, ExperimentInputError, ExperimentReport, VariantResult, analyse_experiment
from segmentation.ingest import IngestError, read_upload

EXIT_OK, EXIT_BAD_INPUT = 0, 2
MAX_UPLOAD_BYTES = 2**31


class CommandLineInputError(ValueError):
    """An argument the analysis cannot use (e.g. a malformed --split)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpis", description="Marketing KPI statistics.")
    commands = parser.add_subparsers(dest="command", required=True)
    abtest = commands.add_parser("abtest", help="compare A/B/n variants from one row per recipient")
    abtest.add_argument("file", help="CSV, XLSX or Parquet with one row per recipient")
    abtest.add_argument("--variant-column", required=True, help="column with the assigned variant")
    abtest.add_argument("--control", required=True, help="the control variant's value in that column")
    abtest.add_argument("--metric", required=True, help="outcome column: 0/1 (conversion) or a number (revenue)")
    abtest.add_argument("--by", default=None, help="group column: analyse each segment separately")
    abtest.add_argument("--metric-kind", default="auto", choices=METRIC_KINDS,
                        help="binary (0/1), continuous, or auto (default: binary when the values are all 0/1)")
    abtest.add_argument("--alpha", type=float, default=0.05, help="significance level (default: 0.05)")
    abtest.add_argument("--split", default=None,
                        help="intended split as VARIANT=SHARE pairs, e.g. 'A=1,B=1,C=2' (default: equal)")
    abtest.add_argument("--format", default="table", choices=("table", "json"), help="output format (default: table)")
    return parser


def _intended_split(text: str | None) -> dict[str, float] | None:
    if text is None:
        return None
    split = {}
    for part in text.split(","):
        name, separator, share = part.rpartition("=")
        try:
            split[name.strip()] = float(share)
        except ValueError:
            separator = ""
        if not separator or not name.strip():
            raise CommandLineInputError(f"--split: {part.strip()!r} is not VARIANT=SHARE (e.g. 'A=1,B=1')")
    return split


def _value(result: VariantResult, value: float) -> str:
    if not math.isfinite(value):
        return "–"
    return f"{value:.2%}" if result.metric_kind == "binary" else f"{value:,.4g}"


def _lift(value: float, low: float, high: float, *, percent: bool, points: bool = False) -> str:
    if not math.isfinite(value):
        return "–"
    if percent:
        scale, unit, digits = 100, (" pp" if points else "%"), 2 if points else 1
    else:
        scale, unit, digits = 1, "", 3
    shown = [f"{number * scale:+,.{digits}f}{unit}" if math.isfinite(number) else "?" for number in (value, low, high)]
    return f"{shown[0]} [{shown[1]}, {shown[2]}]"


def _p(value: float) -> str:
    return "–" if not math.isfinite(value) else ("<0.001" if value < 0.001 else f"{value:.3f}")


def _table(report: ExperimentReport) -> str:
    binary = report.metric_kind == "binary"
    level = f"{(1 - report.alpha) * 100:g}% CI"
    rows = [{
        "group": result.group if result.group is not None else "all",
        "variant": result.variant,
        "n control": f"{result.n_control:,}",
        "n variant": f"{result.n_variant:,}",
        ("rate" if binary else "mean") + " control": _value(result, result.control_value),
        ("rate" if binary else "mean") + " variant": _value(result, result.variant_value),
        f"absolute lift [{level}]": _lift(result.absolute_lift, result.absolute_ci_low, result.absolute_ci_high,
                                          percent=binary, points=True),
        f"relative lift [{level}]": _lift(result.relative_lift, result.relative_ci_low, result.relative_ci_high,
                                          percent=True),
        "p (Holm)": _p(result.adjusted_p_value),
        "significant": "yes" if result.significant else "no",
        "SRM p": _p(result.srm_p_value),
    } for result in report.results]
    lines = [f"{report.metric} ({report.metric_kind}) by {report.variant_column}, control {report.control!r}, "
             f"alpha {report.alpha:g}, p-values Holm-adjusted over {len(report.results)} comparisons",
             pd.DataFrame(rows).to_string(index=False)]
    lines += [check.message for check in report.sample_ratio_checks if check.mismatch]
    lines += [f"note: {note}" for note in report.notes]
    lines.append(f"warning: {report.warning_early_stopping}")
    return "\n".join(lines)


def _abtest(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandLineInputError(f"{path}: no such file")
    frame = read_upload(path.read_bytes(), path.name, max_bytes=MAX_UPLOAD_BYTES).frame
    report = analyse_experiment(frame, args.variant_column, args.control, args.metric, by=args.by, alpha=args.alpha,
                                metric_kind=args.metric_kind, intended_split=_intended_split(args.split))
    if args.format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(_table(report))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return _abtest(args)
    except IngestError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
    except ExperimentInputError as exc:
        print(f"error: {args.file}: {exc.message}", file=sys.stderr)
    except CommandLineInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except BrokenPipeError:  # e.g. `... | head`: the reader is gone, nothing left to report
        return EXIT_OK
    return EXIT_BAD_INPUT

"""`python -m segmentation inspect FILE`: roles, quality and minimisation advice for a file, no app needed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from privacy.minimisation import PURPOSES, plan_minimisation
from segmentation.ingest import IngestError
from segmentation.intake import column_roles_mapping, inspect_upload
from store.settings import get_setting


def add_inspect_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("inspect", help="show inferred column roles, data quality and minimisation advice")
    parser.add_argument("file", help="CSV, XLSX, Parquet or gzip-compressed CSV")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--sheet", help="worksheet to read from an XLSX file (default: the first)")
    parser.add_argument("--purpose", choices=list(PURPOSES), default="analysis",
                        help="declared purpose for the minimisation advice (default: %(default)s)")


def inspection_report(path: Path, sheet: str | None, purpose: str) -> dict[str, Any]:
    """Everything `inspect` prints, as plain data."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None
    limit = int(get_setting("AMANAH_UPLOAD_MAX_MB")) * 1024 * 1024
    inspection = inspect_upload(data, path.name, max_bytes=limit, sheet=sheet)
    frame = inspection.frame
    roles = column_roles_mapping(inspection.roles)
    plan = plan_minimisation(roles, purpose)
    missing = frame.isna().mean()
    columns = []
    for role in inspection.roles:
        decision = plan.decision(role.column)
        columns.append({"column": role.column, "role": role.role, "tag": role.tag,
                        "special_category": role.special_category, "dtype": str(frame[role.column].dtype),
                        "missing_pct": round(float(missing[role.column]) * 100, 1), "reason": role.reason,
                        "minimisation": decision.action, "minimisation_reason": decision.reason})
    return {"file": path.name, "format": inspection.ingest.file_format, "encoding": inspection.ingest.encoding,
            "delimiter": inspection.ingest.delimiter, "rows": inspection.ingest.rows,
            "columns": columns, "consent_columns": {c: list(p) for c, p in inspection.consent_columns.items()},
            "warnings": list(inspection.ingest.warnings), "purpose": purpose,
            "quality": [{"severity": f.severity, "check": f.check, "column": f.column, "count": f.count,
                         "message": f.message} for f in inspection.quality.findings],
            "quality_notes": list(inspection.quality.notes)}


def _print_table(report: dict[str, Any]) -> None:
    print(f"{report['file']}: {report['rows']:,} rows × {len(report['columns'])} columns "
          f"({report['format']}, {report['encoding'] or '-'}, delimiter {report['delimiter']!r})")
    for warning in report["warnings"]:
        print(f"warning: {warning}")
    width = max(len(str(c["column"])) for c in report["columns"])
    print(f"\n{'column':<{width}}  {'role':<18} {'tag':<13} {'dtype':<10} {'missing':>7}  stored ({report['purpose']})")
    for column in report["columns"]:
        role = column["role"] + (f":{column['special_category']}" if column["special_category"] else "")
        print(f"{column['column']:<{width}}  {role:<18} {column['tag'] or '':<13} {column['dtype']:<10} "
              f"{column['missing_pct']:>6.1f}%  {column['minimisation']}")
    print("\nquality:" if report["quality"] else "\nquality: no problems found")
    for finding in report["quality"]:
        print(f"  [{finding['severity']}] {finding['message']}")
    for note in report["quality_notes"]:
        print(f"  note: {note}")


def run_inspect(args: argparse.Namespace) -> int:
    try:
        report = inspection_report(Path(args.file), args.sheet, args.purpose)
    except ValueError as exc:  # IngestError and every other user-facing error
        print(f"error: {getattr(exc, 'message', None) or exc}".splitlines()[0], file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        _print_table(report)
    return 0

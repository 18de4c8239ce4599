"""`python -m segmentation cluster FILE`: find customer segments in a file and describe them, no app needed.

Reads the file as the app does (`ingest.read_upload`, same size limit), infers the column roles,
fits `clustering.Segmenter` and prints the number of segments, their sizes and profiles and the
columns left out (with the reason). Bad input exits 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path
from typing import Any

from segmentation.clustering import Segmenter
from segmentation.ingest import IngestError, read_upload
from segmentation.schema import infer_column_roles
from store.settings import get_setting

__all__ = ["add_cluster_parser", "cluster_report", "run_cluster"]


def add_cluster_parser(subparsers: Any) -> None:
    """Register the `cluster` sub-command on an argparse subparsers object."""
    parser = subparsers.add_parser("cluster", help="find customer segments (k-means) and describe them")
    parser.add_argument("file", help="CSV, XLSX, Parquet or gzip-compressed CSV with one row per customer")
    parser.add_argument("--k", default="auto", metavar="auto|N",
                        help="number of segments, or 'auto' to choose between 2 and 10 (default: auto)")
    parser.add_argument("--features", metavar="a,b,c", help="columns to segment on (default: every usable column)")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--random-state", default="0", metavar="N", help="seed for repeatable results (default: 0)")
    parser.add_argument("--sheet", help="worksheet to read from an XLSX file (default: the first)")


def _k(text: str) -> int | str:
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"--k {text!r}: need 'auto' or a whole number of at least 2") from None
    if value < 2:
        raise ValueError(f"--k {value}: need at least 2 segments")
    return value


def _random_state(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"--random-state {text!r}: need a whole number, e.g. 0") from None
    if value < 0:
        raise ValueError(f"--random-state {value}: need 0 or more")
    return value


def _features(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise ValueError(f"--features {text!r}: need column names separated by commas, e.g. age,revenue,city")
    return names


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def cluster_report(
    path: Path, *, k: int | str = "auto", features: list[str] | None = None, random_state: int = 0,
    sheet: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Everything `cluster` prints, as plain data, and the warnings the fit raised (one line each)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: cannot read the file ({error.strerror or error})") from None
    limit = int(get_setting("AMANAH_UPLOAD_MAX_MB")) * 1024 * 1024
    frame = read_upload(data, path.name, max_bytes=limit, sheet=sheet).frame
    roles = infer_column_roles(frame)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        model = Segmenter(features=features, k=k, column_roles=roles, random_state=random_state).fit(frame)
    notes = [str(warning.message).splitlines()[0] for warning in caught if issubclass(warning.category, UserWarning)]
    report = {
        "file": path.name,
        "rows": len(frame),
        "k": int(model.k_),
        "k_requested": k,
        "features_used": [str(column) for column in model.used_columns_],
        "silhouette": {str(key): _number(value) for key, value in model.silhouette_.items()},
        "stability": {str(key): _number(value) for key, value in model.stability_.items()},
        "segments": [
            {
                "label": int(profile.label),
                "name": profile.proposed_name,
                "size": profile.size,
                "share": round(profile.share, 4),
                "summary": profile.summary,
                "traits": [{"feature": str(trait.feature), "text": trait.text,
                            "difference": round(trait.difference, 3)} for trait in profile.top_traits],
            }
            for profile in model.profiles_
        ],
        "excluded_columns": {str(column): reason for column, reason in model.excluded_columns_.items()},
    }
    return report, notes


def _print_table(report: dict[str, Any]) -> None:
    how = "chosen automatically" if report["k_requested"] == "auto" else "as asked"
    chosen = str(report["k"])
    quality = ""
    if report["silhouette"].get(chosen) is not None:
        quality = f"; silhouette {report['silhouette'][chosen]:.2f}, stability {report['stability'][chosen]:.2f}"
    print(f"{report['file']}: {report['rows']:,} rows → {report['k']} segments ({how}{quality})")
    print(f"features: {', '.join(report['features_used'])}")
    width = max(len(segment["name"]) for segment in report["segments"])
    print(f"\n{'#':>2}  {'segment':<{width}}  {'customers':>9}  share")
    for segment in report["segments"]:
        print(f"{segment['label']:>2}  {segment['name']:<{width}}  {segment['size']:>9,}  {segment['share']:>5.0%}")
        for trait in segment["traits"][:3]:
            print(f"{'':>4}- {trait['text']}")
    if report["excluded_columns"]:
        print("\nnot used:")
        for column, reason in report["excluded_columns"].items():
            print(f"  {column}: {reason}")


def run_cluster(args: argparse.Namespace) -> int:
    """Run the `cluster` sub-command; 0 on success, 2 (one line on stderr) on bad input."""
    try:
        report, notes = cluster_report(
            Path(args.file), k=_k(args.k), features=_features(args.features),
            random_state=_random_state(args.random_state), sheet=args.sheet,
        )
    except ValueError as error:  # IngestError, SchemaError and the Segmenter's messages are all ValueErrors
        print(f"error: {getattr(error, 'message', None) or error}".splitlines()[0], file=sys.stderr)
        return 2
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_table(report)
    return 0

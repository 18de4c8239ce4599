"""Data-quality report: per-column statistics plus findings, each with a suggested recorded fix.

Findings never quote values (reports may be logged or exported): they give counts, shares and at
most three example row positions (0-based). Every column is scanned once
(:mod:`segmentation.column_scan`): text is dictionary-encoded, and the text checks then run on the
distinct values and count rows by weight. The checks live in :mod:`segmentation.quality_columns`
(one column at a time) and :mod:`segmentation.quality_rows` (duplicates, validity, outliers); this
module runs them on a few threads and sorts the findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from functools import partial
from typing import Any

import pandas as pd

from segmentation import value_shapes as shapes
from segmentation.column_scan import scan_column
from segmentation.fixes import FixStep
from segmentation.quality_columns import column_checks, parse_text_dates
from segmentation.quality_findings import (
    CHECK_ORDER,
    SEVERITY_ORDER,
    CheckContext,
    ColumnStats,
    QualityFinding,
    Severity,
)
from segmentation.quality_rows import duplicate_checks, near_duplicate_check, outlier_checks, value_check_tasks
from segmentation.schema import ColumnRole, ColumnRoleName, DtypeHint

__all__ = ["ColumnStats", "QualityFinding", "QualityReport", "Severity", "quality_report"]

# At least two threads: the duplicate search may wait for a scan queued after it, which another thread runs.
_WORKERS = max(2, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class QualityReport:
    """Statistics per column and the findings, worst first."""

    rows: int
    columns: tuple[ColumnStats, ...]
    findings: tuple[QualityFinding, ...]
    today: date
    notes: tuple[str, ...] = ()

    def findings_for(self, check: str | None = None, column: str | None = None) -> list[QualityFinding]:
        """Findings of one check and/or one column."""
        return [
            finding
            for finding in self.findings
            if (check is None or finding.check == check) and (column is None or finding.column == column)
        ]

    @property
    def suggested_fixes(self) -> tuple[FixStep, ...]:
        """Every distinct suggested fix, in the order of the findings."""
        return tuple(dict.fromkeys(finding.suggested_fix for finding in self.findings if finding.suggested_fix))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form of the report."""
        return {
            "rows": self.rows,
            "today": self.today.isoformat(),
            "notes": list(self.notes),
            "columns": [asdict(stats) for stats in self.columns],
            "findings": [finding.to_dict() for finding in self.findings],
        }


def quality_report(
    frame: pd.DataFrame, roles: list[ColumnRole], *, today: date | None = None, fuzzy_sample: int = 20_000
) -> QualityReport:
    """Check ``frame`` (with its column ``roles``) and return statistics plus findings, worst first.

    ``today`` decides what counts as a future date; ``fuzzy_sample`` caps how many rows the
    near-duplicate search compares (whole blocks of similar names are sampled, the count is scaled
    up to an estimate for the whole table, and the message says so).
    """
    today = today or date.today()
    context = CheckContext(frame, {role.column: role for role in roles}, today)
    # The checks read the frame only; pyarrow and pandas release the GIL while hashing and matching,
    # so a few threads overlap the work (findings are sorted afterwards, the result is deterministic).
    first, rest = _scan_order(context)
    # Every shared result exists as a future before any task runs, so tasks never see a half-built dict.
    context.scans = {column: Future() for column in (*first, *rest)}
    context.parsed_dates = {column: Future() for column in frame.columns if _is_text_date(context, column)}
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        for column in first:
            pool.submit(_fill, context.scans[column], partial(scan_column, frame[column]))
        # the longest chain: ids settle exact duplicates, names pick the near-duplicate sample
        across_rows = pool.submit(lambda: near_duplicate_check(context, duplicate_checks(context), fuzzy_sample))
        # needs no scan: queued early, so the last tasks are short ones and no thread idles at the end
        checks = [pool.submit(outlier_checks, context)]
        for column in rest:
            pool.submit(_fill, context.scans[column], partial(scan_column, frame[column]))
        for column, future in context.parsed_dates.items():
            pool.submit(_fill, future, lambda column=column: parse_text_dates(frame[column], context.scan(column)))
        checks += [pool.submit(task) for task in value_check_tasks(context)]
        per_column = [pool.submit(column_checks, context, column) for column in frame.columns]
        stats = [task.result() for task in per_column]
        notes = across_rows.result()
        for task in checks:
            task.result()
    position = {column: index for index, column in enumerate(frame.columns)}
    findings = sorted(
        context.findings,
        key=lambda finding: (
            SEVERITY_ORDER[Severity(finding.severity)],
            CHECK_ORDER.index(finding.check),
            -1 if finding.column is None else position[finding.column],
        ),
    )
    return QualityReport(len(frame), tuple(stats), tuple(findings), today, tuple(notes))


def _fill(future: Future, work: Callable[[], Any]) -> None:
    """Run ``work`` and hand its result (or its error) to the tasks waiting on ``future``."""
    try:
        future.set_result(work())
    except Exception as error:  # the waiting check re-raises it
        future.set_exception(error)


def _scan_order(context: CheckContext) -> tuple[list[str], list[str]]:
    """Columns to scan before the duplicate search (ids, names) and after it (longest scans first)."""
    frame, roles = context.frame, context.roles
    first = [
        column
        for column in frame.columns
        if (role := roles.get(column)) is not None and (role.role == ColumnRoleName.ID or role.kind == "person_name")
    ]

    def expected_cost(column: str) -> int:  # identifiers hold the most distinct values, numbers hash fastest
        role = roles.get(column)
        return (0 if role is not None and role.role == ColumnRoleName.DIRECT_IDENTIFIER else 1) + (
            0 if shapes.is_text(frame[column]) else 2
        )

    rest = sorted((column for column in frame.columns if column not in first), key=expected_cost)
    return first, rest


def _is_text_date(context: CheckContext, column: str) -> bool:
    """A text column the roles call a date: parsed once, then shared by every date check."""
    role, series = context.roles.get(column), context.frame[column]
    return role is not None and role.dtype_hint == DtypeHint.DATE and shapes.is_text(series) and series.notna().any()

"""What the quality checks produce and share: findings, column statistics, the check context, wording.

Findings never quote values (reports may be logged or exported): they give counts, shares and at
most three example row positions (0-based).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from segmentation.column_scan import ColumnScan
from segmentation.fixes import FixStep
from segmentation.schema import ColumnRole, ColumnRoleName


class Severity(StrEnum):
    """How much a finding matters: error = wrong data, warning = likely problem, info = worth a look."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# Within one severity, findings are listed in this order of checks, then in column order.
CHECK_ORDER = (
    "duplicate_ids",
    "exact_duplicates",
    "near_duplicates",
    "impossible_age",
    "future_date",
    "invalid_email",
    "invalid_phone",
    "invalid_postcode",
    "mostly_empty",
    "missing_values",
    "mixed_types",
    "constant_column",
    "untrimmed_text",
    "inconsistent_case",
    "outliers",
)
# Roles whose values are codes (ids, addresses, consent flags): letter case and number/text mixes are by design.
CODE_ROLES = (ColumnRoleName.ID, ColumnRoleName.DIRECT_IDENTIFIER, ColumnRoleName.CONSENT, ColumnRoleName.IGNORE)
NOT_VALIDATED_ROLES = (*CODE_ROLES, ColumnRoleName.QUASI_IDENTIFIER)


@dataclass(frozen=True)
class QualityFinding:
    """One problem: which check, where, how many rows, and the fix we suggest (if any)."""

    check: str
    column: str | None
    count: int
    share: float
    severity: str
    message: str
    examples: tuple[int, ...] = ()
    suggested_fix: FixStep | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "examples": list(self.examples),
            "suggested_fix": self.suggested_fix.to_dict() if self.suggested_fix else None,
        }


@dataclass(frozen=True)
class ColumnStats:
    """Missing values, distinct values and type of one column."""

    column: str
    dtype: str
    pandas_dtype: str
    missing_count: int
    missing_share: float
    distinct_count: int
    mixed_types: bool = False


class CheckContext:
    """The frame, its roles, the shared column scans and parsed dates, and the findings collected so far.

    Scans and parsed dates are futures filled by the report's thread pool; a check asks for them
    with :meth:`scan` and :meth:`dates` and waits only for what it needs.
    """

    def __init__(self, frame: pd.DataFrame, roles: dict[str, ColumnRole], today: date) -> None:
        self.frame, self.roles, self.today, self.rows = frame, roles, today, len(frame)
        self.findings: list[QualityFinding] = []
        self.scans: dict[str, Future[ColumnScan]] = {}
        self.parsed_dates: dict[str, Future[pd.Series]] = {}  # text date columns, parsed once for every check

    def scan(self, column: str) -> ColumnScan:
        return self.scans[column].result()

    def all_scans(self) -> dict[str, ColumnScan]:
        return {column: future.result() for column, future in self.scans.items()}

    def dates(self, column: str) -> pd.Series | None:
        future = self.parsed_dates.get(column)
        return future.result() if future is not None else None

    def role_of(self, column: str) -> str | None:
        role = self.roles.get(column)
        return role.role if role else None

    def columns_of_kind(self, *kinds: str) -> list[str]:
        return [
            column
            for column in self.frame.columns
            if (role := self.roles.get(column)) is not None and role.kind in kinds
        ]

    def add(
        self,
        check: str,
        column: str | None,
        count: int,
        severity: Severity,
        message: str,
        examples: np.ndarray | tuple = (),
        fix: FixStep | None = None,
        share_of: int | None = None,
    ) -> None:
        if count <= 0:
            return
        share = count / (share_of or self.rows) if (share_of or self.rows) else 0.0
        self.findings.append(  # list.append is atomic, so checks running in threads may add findings
            QualityFinding(
                check,
                column,
                int(count),
                round(float(share), 4),
                str(severity),
                message,
                tuple(int(position) for position in examples[:3]),
                fix,
            )
        )


def first_positions(series: pd.Series, is_problem: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
    """Up to three row positions where ``is_problem`` holds, scanning a growing prefix (cheap)."""
    for stop in (10_000, 200_000, len(series)):
        found = np.flatnonzero(is_problem(series.iloc[:stop]))
        if len(found) >= 3 or stop >= len(series):
            return found[:3]
    return found[:3]


def percent(count: int, total: int) -> str:
    """A share for a message: "12.5%", "<0.1%" for tiny shares, "0%" for none."""
    if not total or not count:
        return "0%"
    return "<0.1%" if count / total < 0.001 else f"{count / total:.1%}"


def rows_phrase(count: int, noun: str = "row") -> str:
    """ "1 row", "2,345 rows": a count with its noun in the right number."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def verb(count: int, singular: str, plural: str) -> str:
    """The verb form that agrees with ``count``."""
    return singular if count == 1 else plural

"""From an uploaded file to a stored, minimised dataset with its consent in the ledger.

`inspect_upload` parses a file and proposes column roles, consent columns and a quality report;
nothing is stored. `save_import` takes the (possibly edited) roles and the user's choices and
stores what the declared purpose allows: identifiers pseudonymised or dropped, contact details only
when the purpose sends messages, consent answers moved into the append-only ledger, special
categories kept but excluded from use. Quality fixes chosen at import become a second version whose
parent is the untouched import.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from privacy.consent import consent_events_from_columns, consent_events_from_file, infer_consent_columns
from privacy.keys import key_fingerprint, load_pseudonym_key
from privacy.minimisation import MinimisationPlan, apply_minimisation, plan_minimisation
from privacy.pseudonymise import pseudonymise
from segmentation.fixes import FixStep, apply_fixes, steps_to_dicts
from segmentation.ingest import IngestResult, check_join, read_upload
from segmentation.quality import QualityReport, quality_report
from segmentation.schema import ColumnRole, infer_column_roles
from store.authz import Principal, requires
from store.consent import record_consent_events
from store.datasets import delete_dataset, get_dataset, load_dataset, save_dataset
from store.policy import effective_setting
from store.schema import utcnow

GENERATED_ID = "subject_id"


class IntakeError(ValueError):
    """The import cannot be saved as asked; the message says what to change."""


def upload_limit_bytes(engine: Engine) -> int:
    return int(effective_setting(engine, "AMANAH_UPLOAD_MAX_MB")) * 1024 * 1024


def column_roles_mapping(roles: list[ColumnRole]) -> dict[str, dict[str, Any]]:
    """Roles in the stored form: ``{column: {"role", "tag", "special_category", "reason", ...}}``."""
    stored = {}
    for role in roles:
        entry = asdict(role)
        entry.pop("column")
        stored[role.column] = entry
    return stored


def subject_column(roles: dict[str, dict[str, Any]]) -> str | None:
    """The column holding the customer id (the first column with role ``id``)."""
    return next((column for column, info in roles.items() if info.get("role") == "id"), None)


@dataclass(frozen=True)
class UploadInspection:
    """A parsed upload with proposed roles, consent columns and quality findings (nothing stored)."""

    file_name: str
    file_sha256: str
    size_bytes: int
    ingest: IngestResult
    roles: list[ColumnRole]
    consent_columns: dict[str, tuple[str, str]]
    quality: QualityReport

    @property
    def frame(self) -> pd.DataFrame:
        return self.ingest.frame


def inspect_upload(data: bytes, file_name: str, *, max_bytes: int, sheet: str | None = None,
                   today: date | None = None) -> UploadInspection:
    """Parse ``data`` and propose roles, consent columns and a quality report. Raises IngestError."""
    result = read_upload(data, file_name, max_bytes=max_bytes, sheet=sheet)
    roles = infer_column_roles(result.frame)
    consent = infer_consent_columns(list(result.frame.columns))
    roles = [_as_consent(role) if role.column in consent else role for role in roles]
    report = quality_report(result.frame, roles, today=today)
    return UploadInspection(file_name=file_name, file_sha256=hashlib.sha256(data).hexdigest(),
                            size_bytes=len(data), ingest=result, roles=roles, consent_columns=consent,
                            quality=report)


def _as_consent(role: ColumnRole) -> ColumnRole:
    if role.role == "consent":
        return role
    return ColumnRole(column=role.column, role="consent", reason="opt-in answers per channel (name "
                      "and values)", confidence=max(role.confidence, 0.8), dtype_hint=role.dtype_hint)


@dataclass(frozen=True)
class TransactionsPart:
    frame: pd.DataFrame
    roles: dict[str, dict[str, Any]]
    customer_key: str  # column in the transactions that holds the customer id
    file_name: str = "transactions"
    file_sha256: str = ""


@dataclass(frozen=True)
class ConsentFilePart:
    frame: pd.DataFrame
    mapping: dict[str, str]  # subject, channel, status, timestamp[, purpose, source, evidence] → column
    default_purpose: str | None = "marketing"
    file_name: str = "consent file"
    file_sha256: str = ""


@dataclass(frozen=True)
class ImportRequest:
    name: str
    purpose: str
    customers: pd.DataFrame
    roles: dict[str, dict[str, Any]]
    file_name: str = "upload"
    file_sha256: str = ""
    purpose_note: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    consent_columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    fixes: tuple[FixStep, ...] = ()
    transactions: TransactionsPart | None = None
    consent_file: ConsentFilePart | None = None
    ingest_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportOutcome:
    customers_id: int
    fixed_id: int | None
    transactions_id: int | None
    consent_events: int
    plan: MinimisationPlan
    notes: tuple[str, ...]


def _with_subject_id(frame: pd.DataFrame, roles: dict[str, dict[str, Any]]) -> tuple[pd.DataFrame, dict, str]:
    """Make sure there is a customer id column: files without one get a generated row id."""
    column = subject_column(roles)
    if column is not None:
        if frame[column].isna().any():
            raise IntakeError(f"The customer id column '{column}' is empty in {int(frame[column].isna().sum()):,} "
                              "row(s); fill it in or mark another column as the id.")
        return frame, roles, column
    frame = frame.copy()
    frame.insert(0, GENERATED_ID, [f"row-{n}" for n in range(1, len(frame) + 1)])
    roles = {GENERATED_ID: {"role": "id", "tag": None, "special_category": None,
                            "reason": "generated: the file has no customer id"}, **roles}
    return frame, roles, GENERATED_ID


def _consent_events(request: ImportRequest, frame: pd.DataFrame, id_column: str, key: bytes) -> pd.DataFrame:
    parts = []
    if request.consent_columns:
        subjects = pd.DataFrame({"subject": pseudonymise(frame[id_column], key)})
        for column in request.consent_columns:
            subjects[column] = frame[column].to_numpy()
        parts.append(consent_events_from_columns(
            subjects, "subject", request.consent_columns, recorded_at=utcnow(),
            source=f"import: {request.file_name}"[:40], evidence=f"{request.file_name} sha256:{request.file_sha256}"))
    if request.consent_file is not None:
        part = request.consent_file
        events = consent_events_from_file(part.frame, part.mapping, default_purpose=part.default_purpose,
                                          default_source=f"import: {part.file_name}"[:40], file_name=part.file_name)
        events["subject"] = pseudonymise(events["subject"], key)
        if "evidence" not in part.mapping:
            events["evidence"] = f"{part.file_name} sha256:{part.file_sha256}"
        parts.append(events)
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)


@requires("marketer", action="import customer data")
def save_import(engine: Engine, actor: Principal, request: ImportRequest) -> ImportOutcome:
    """Minimise and store an inspected upload (plus optional transactions and consent file)."""
    if request.customers.empty:
        raise IntakeError("The customer table has no rows; upload a file with data.")
    frame, roles, id_column = _with_subject_id(request.customers, dict(request.roles))
    roles = {**roles, **{column: {"role": "consent", "tag": None, "special_category": None,
                                  "reason": "opt-in answers, moved to the consent ledger"}
                         for column in request.consent_columns}}
    plan = plan_minimisation(roles, request.purpose, request.choices)
    if plan.decision(id_column).action != "pseudonymised":
        raise IntakeError(f"The customer id '{id_column}' must be pseudonymised so consent and transactions "
                          "can be linked without storing the real id.")
    key = load_pseudonym_key()
    notes = list(request.ingest_notes)
    transactions = None
    if request.transactions is not None:
        part = request.transactions
        report = check_join(frame, part.frame, id_column, part.customer_key, right_label=part.file_name)
        if report.unmatched_right_rows:
            notes.append(f"{report.unmatched_right_rows:,} transaction row(s) ({report.unmatched_share:.1%}) "
                         "match no customer; they are stored but will not count for any segment.")
        tx_roles = {**part.roles, part.customer_key: {**part.roles.get(part.customer_key, {}), "role": "id"}}
        tx_plan = plan_minimisation(tx_roles, request.purpose)
        transactions = (apply_minimisation(part.frame, tx_plan, key), tx_roles, tx_plan)
    events = _consent_events(request, frame, id_column, key)

    details = {
        "source": {"file": request.file_name, "sha256": request.file_sha256, "rows": len(request.customers)},
        "subject_column": id_column, "minimisation": plan.as_dict(), "key_fingerprint": key_fingerprint(key),
        "consent_columns": {column: list(pair) for column, pair in request.consent_columns.items()},
        "notes": notes,
    }
    saved: list[int] = []
    try:
        customers_id = save_dataset(engine, actor, request.name, apply_minimisation(frame, plan, key),
                                    purpose=request.purpose, purpose_note=request.purpose_note,
                                    column_roles=_kept_roles(roles, plan), details=details)
        saved.append(customers_id)
        fixed_id = None
        if request.fixes:
            fixed = apply_fixes(frame, request.fixes)
            fixed_plan = plan_minimisation({c: roles[c] for c in fixed.frame.columns}, request.purpose,
                                           {c: v for c, v in request.choices.items() if c in fixed.frame.columns})
            fixed_id = save_dataset(
                engine, actor, f"{request.name} (cleaned)", apply_minimisation(fixed.frame, fixed_plan, key),
                purpose=request.purpose, purpose_note=request.purpose_note,
                column_roles=_kept_roles(roles, fixed_plan), parent_id=customers_id,
                details={**details, "minimisation": fixed_plan.as_dict(), "fixes": steps_to_dicts(request.fixes),
                         "fix_log": [applied.to_dict() for applied in fixed.log]})
            saved.append(fixed_id)
        transactions_id = None
        if transactions is not None:
            tx_frame, tx_roles, tx_plan = transactions
            transactions_id = save_dataset(
                engine, actor, f"{request.name} — transactions", tx_frame, purpose=request.purpose, kind="transactions",
                column_roles=_kept_roles(tx_roles, tx_plan),
                details={"source": {"file": request.transactions.file_name,
                                    "sha256": request.transactions.file_sha256},
                         "customers_dataset": customers_id, "subject_column": request.transactions.customer_key,
                         "minimisation": tx_plan.as_dict(), "key_fingerprint": key_fingerprint(key)})
            saved.append(transactions_id)
        recorded = record_consent_events(engine, actor, events, dataset_id=customers_id) if len(events) else 0
    except Exception:
        for dataset_id in reversed(saved):  # leave nothing half-imported behind
            delete_dataset(engine, actor, dataset_id)
        raise
    return ImportOutcome(customers_id, fixed_id, transactions_id, recorded, plan, tuple(notes))


def _kept_roles(roles: dict[str, dict[str, Any]], plan: MinimisationPlan) -> dict[str, dict[str, Any]]:
    """Roles of the stored columns, each with what minimisation did to it and why."""
    kept = {}
    for decision in plan.decisions:
        if decision.action == "dropped":
            continue
        kept[decision.column] = {**roles[decision.column], "action": decision.action,
                                 "action_reason": decision.reason, "mask_kind": decision.mask_kind}
    return kept


@requires("marketer", action="clean a dataset")
def apply_quality_fixes(engine: Engine, actor: Principal, dataset_id: int, steps: list[FixStep]) -> int:
    """Apply named fix steps to a stored dataset and save the result as its next version."""
    if not steps:
        raise IntakeError("Choose at least one fix to apply.")
    info = get_dataset(engine, actor, dataset_id)
    fixed = apply_fixes(load_dataset(engine, actor, dataset_id), steps)
    roles = {column: role for column, role in info["column_roles"].items() if column in fixed.frame.columns}
    details = {**info["details"], "fixes": steps_to_dicts(steps),
               "fix_log": [applied.to_dict() for applied in fixed.log]}
    return save_dataset(engine, actor, f"{info['name']} (cleaned)", fixed.frame, purpose=info["purpose"],
                        purpose_note=info["purpose_note"], kind=info["kind"], column_roles=roles,
                        details=details, parent_id=dataset_id)

"""The upload wizard of the Data page: files → roles → quality → purpose and minimisation → save."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from privacy.consent import CHANNELS
from privacy.masking import mask_series
from privacy.minimisation import PURPOSES, identifier_kind, plan_minimisation
from segmentation.fixes import FixStep
from segmentation.ingest import IngestError, check_join, suggest_join_key
from segmentation.intake import (
    ConsentFilePart,
    ImportRequest,
    TransactionsPart,
    UploadInspection,
    column_roles_mapping,
    inspect_upload,
    save_import,
    upload_limit_bytes,
)
from segmentation.schema import ColumnRoleName, FeatureTag, apply_role_overrides
from store.authz import Principal
from ui.display import md, show_table
from ui.errors import user_errors

FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "parquet", "gz"]
SPECIAL_CATEGORY_NAMES = ["religion", "health", "ethnicity", "sexual_orientation", "political_opinion",
                          "trade_union", "biometric", "genetic", "other"]
CHOICE_DEFAULT = "(default)"
MASKABLE = {"email", "phone", "name", "iban"}


def _inspect(uploaded, engine: Engine, slot: str, sheet: str | None = None) -> UploadInspection | None:
    """Parse an uploaded file once per (file, sheet) and keep the result in this session."""
    if uploaded is None:
        st.session_state.pop(f"{slot}_inspection", None)
        return None
    cache_key = (uploaded.file_id, sheet)
    cached = st.session_state.get(f"{slot}_inspection")
    if cached and cached[0] == cache_key:
        return cached[1]
    try:
        with st.spinner(f"Reading {uploaded.name}…"):
            inspection = inspect_upload(uploaded.getvalue(), uploaded.name, max_bytes=upload_limit_bytes(engine),
                                        sheet=sheet)
    except IngestError as exc:
        st.error(md(exc.message))
        if exc.sheet_names and len(exc.sheet_names) > 1:
            st.info("This workbook has the sheets: " + md(", ".join(exc.sheet_names)) + ". Choose one below.")
        st.session_state.pop(f"{slot}_inspection", None)
        return None
    st.session_state[f"{slot}_inspection"] = (cache_key, inspection)
    return inspection


def masked_preview(frame: pd.DataFrame, roles: dict[str, dict], rows: int = 20) -> pd.DataFrame:
    """The first rows with identifiers masked and special-category values hidden."""
    preview = frame.head(rows).copy()
    for column, info in roles.items():
        if column not in preview:
            continue
        if info.get("role") == "special_category" or info.get("special_category"):
            preview[column] = "(special category — hidden)"
        elif info.get("role") in ("direct_identifier", "id") and info.get("action") != "pseudonymised":
            kind = info.get("mask_kind") or identifier_kind(column, info)
            preview[column] = mask_series(preview[column], kind if kind in MASKABLE else "text")
    return preview


def _sheet_choice(uploaded, slot: str) -> str | None:
    cached = st.session_state.get(f"{slot}_inspection")
    names = cached[1].ingest.sheet_names if cached else ()
    if len(names) > 1:
        return st.selectbox("Sheet", names, key=f"{slot}_sheet")
    return None


def _roles_editor(inspection: UploadInspection) -> dict[str, dict] | None:
    st.markdown("**Column roles** — inferred from names and values; correct them before saving.")
    table = pd.DataFrame([{"column": r.column, "role": r.role, "tag": r.tag, "special_category": r.special_category,
                           "reason": r.reason, "confidence": round(r.confidence, 2)} for r in inspection.roles])
    edited = st.data_editor(
        table, hide_index=True, width="stretch", key="upload_roles_editor", disabled=["column", "reason", "confidence"],
        column_config={
            "role": st.column_config.SelectboxColumn("role", options=[r.value for r in ColumnRoleName], required=True),
            "tag": st.column_config.SelectboxColumn("tag", options=[t.value for t in FeatureTag]),
            "special_category": st.column_config.SelectboxColumn("special category", options=SPECIAL_CATEGORY_NAMES),
        })
    overrides = {}
    for before, after in zip(table.itertuples(), edited.itertuples(), strict=True):
        if (before.role, before.tag, before.special_category) != (after.role, after.tag, after.special_category):
            detail = after.special_category if after.role == "special_category" else after.tag
            overrides[after.column] = (after.role, detail) if detail else after.role
    with user_errors("applying your role changes"):
        return column_roles_mapping(apply_role_overrides(inspection.roles, overrides))
    return None


def _consent_editor(inspection: UploadInspection, roles: dict[str, dict]) -> dict[str, tuple[str, str]]:
    columns = [column for column, info in roles.items() if info["role"] == "consent"]
    if not columns:
        st.caption("No consent columns: nobody in this file becomes reachable unless the consent ledger "
                   "already has their consent or you add a consent file.")
        return {}
    st.markdown("**Consent columns** — each answer becomes an event in the consent ledger.")
    proposed = inspection.consent_columns
    table = pd.DataFrame([{"column": c, "channel": proposed.get(c, ("email", "marketing"))[0],
                           "purpose": proposed.get(c, ("email", "marketing"))[1]} for c in columns])
    edited = st.data_editor(table, hide_index=True, key="upload_consent_editor", disabled=["column"],
                            column_config={"channel": st.column_config.SelectboxColumn(options=list(CHANNELS),
                                                                                        required=True)})
    return {row.column: (row.channel, str(row.purpose or "marketing")) for row in edited.itertuples()}


def _purpose_and_plan(roles: dict[str, dict]) -> tuple[str, str, dict[str, str]] | None:
    keys = list(PURPOSES)
    purpose = st.selectbox("Declared purpose", keys, format_func=lambda k: PURPOSES[k].label, key="upload_purpose",
                           help="What the data is for decides what may be stored: contact details only when "
                                "the purpose sends messages.")
    st.caption(PURPOSES[purpose].description)
    note = st.text_input("Purpose note (optional)", key="upload_purpose_note", max_chars=500)
    choices_table = pd.DataFrame([{"column": c, "role": info["role"], "choice": CHOICE_DEFAULT}
                                  for c, info in roles.items() if info["role"] not in ("feature",)])
    st.markdown("**Data minimisation** — what is stored, and why. Change a choice where you need to.")
    edited = st.data_editor(choices_table, hide_index=True, key="upload_choices", disabled=["column", "role"],
                            column_config={"choice": st.column_config.SelectboxColumn(
                                options=[CHOICE_DEFAULT, "keep", "pseudonymise", "drop"], required=True)})
    choices = {row.column: row.choice for row in edited.itertuples() if row.choice != CHOICE_DEFAULT}
    with user_errors("planning data minimisation"):
        plan = plan_minimisation(roles, purpose, choices)
        show_table(plan.to_frame()[["column", "role", "action", "reason"]], key="upload_plan")
        return purpose, note, choices
    return None


def _quality(inspection: UploadInspection) -> tuple[FixStep, ...]:
    report = inspection.quality
    if not report.findings:
        st.success(f"No quality problems found in {report.rows:,} rows.")
        return ()
    findings = pd.DataFrame([{"severity": f.severity, "check": f.check, "column": f.column, "rows": f.count,
                              "share": f"{f.share:.1%}", "message": f.message} for f in report.findings])
    show_table(findings, key="upload_quality")
    for note in report.notes:
        st.caption(md(note))
    offered = list(report.suggested_fixes)
    chosen = st.multiselect("Fixes to apply (saved as a cleaned second version; the import itself is kept)",
                            offered, format_func=lambda step: step.describe(), key="upload_fixes")
    return tuple(chosen)


def _transactions_part(customers: pd.DataFrame, id_column: str | None, engine: Engine) -> TransactionsPart | None:
    uploaded = st.file_uploader("Transactions (optional): one row per order", type=FILE_TYPES,
                                key=f"tx_file_{st.session_state.get('upload_nonce', 0)}")
    inspection = _inspect(uploaded, engine, "tx", _sheet_choice(uploaded, "tx"))
    if inspection is None:
        return None
    frame = inspection.frame
    suggestion = suggest_join_key(customers, frame) if id_column else None
    options = list(frame.columns)
    default = options.index(suggestion[1]) if suggestion and suggestion[1] in options else 0
    key = st.selectbox("Customer id column in the transactions", options, index=default, key="tx_key")
    if id_column:
        with user_errors("matching transactions to customers"):
            report = check_join(customers, frame, id_column, key, right_label=inspection.file_name)
            st.caption(f"{report.matched_keys:,} customers have transactions; "
                       f"{report.unmatched_right_rows:,} transaction rows ({report.unmatched_share:.1%}) match no "
                       "customer.")
    return TransactionsPart(frame, column_roles_mapping(inspection.roles), key, inspection.file_name,
                            inspection.file_sha256)


def _consent_file_part(engine: Engine) -> ConsentFilePart | None:
    uploaded = st.file_uploader("Consent file (optional): one consent event per row", type=FILE_TYPES,
                                key=f"consent_file_{st.session_state.get('upload_nonce', 0)}")
    inspection = _inspect(uploaded, engine, "consentfile", _sheet_choice(uploaded, "consentfile"))
    if inspection is None:
        return None
    columns = ["(none)", *inspection.frame.columns]
    mapping = {}
    cols = st.columns(4)
    for position, field in enumerate(("subject", "channel", "status", "timestamp", "purpose", "source",
                                      "evidence")):
        guess = next((c for c in inspection.frame.columns if field in str(c).lower()), "(none)")
        chosen = cols[position % 4].selectbox(field, columns, index=columns.index(guess), key=f"consent_map_{field}")
        if chosen != "(none)":
            mapping[field] = chosen
    return ConsentFilePart(inspection.frame, mapping, "marketing", inspection.file_name, inspection.file_sha256)


def upload_wizard(engine: Engine, principal: Principal) -> None:
    """Render the whole upload flow."""
    st.caption(f"CSV (any of , ; tab |, UTF-8 or Windows-1252, decimal comma), Excel .xlsx or Parquet, up to "
               f"{upload_limit_bytes(engine) // (1024 * 1024)} MB. Nothing is stored until you press Save.")
    nonce = st.session_state.setdefault("upload_nonce", 0)  # a new nonce empties the file boxes after saving
    uploaded = st.file_uploader("Customer table", type=FILE_TYPES, key=f"customer_file_{nonce}")
    inspection = _inspect(uploaded, engine, "customers", _sheet_choice(uploaded, "customers"))
    if inspection is None:
        return
    result = inspection.ingest
    st.success(f"{md(inspection.file_name)}: {result.rows:,} rows × {result.columns} columns "
               f"({result.file_format}{', ' + result.encoding if result.encoding else ''}"
               f"{', delimiter ' + repr(result.delimiter) if result.delimiter else ''}).")
    for warning in result.warnings:
        st.warning(md(warning))

    roles = _roles_editor(inspection)
    if roles is None:
        return
    st.markdown("**Preview** (identifiers masked, special categories hidden)")
    show_table(masked_preview(inspection.frame, roles), key="upload_preview")
    consent_columns = _consent_editor(inspection, roles)
    st.markdown("**Quality**")
    fixes = _quality(inspection)
    planned = _purpose_and_plan(roles)
    id_column = next((c for c, info in roles.items() if info["role"] == "id"), None)
    if id_column is None:
        st.info("No customer id column: a row id is generated, so consent and transactions cannot be linked.")
    with st.expander("Add transactions or a consent file"):
        transactions = _transactions_part(inspection.frame, id_column, engine)
        consent_file = _consent_file_part(engine)

    name = st.text_input("Dataset name", value=inspection.file_name.rsplit(".", 1)[0], key="upload_name",
                         max_chars=200)
    if planned is None or not st.button("Save dataset", type="primary", key="upload_save"):
        return
    purpose, note, choices = planned
    with user_errors("saving the dataset"), st.spinner("Minimising and saving…"):
        outcome = save_import(engine, principal, ImportRequest(
            name=name, purpose=purpose, purpose_note=note, customers=inspection.frame, roles=roles,
            file_name=inspection.file_name, file_sha256=inspection.file_sha256, choices=choices,
            consent_columns=consent_columns, fixes=fixes, transactions=transactions, consent_file=consent_file,
            ingest_notes=result.warnings))
        for slot in ("customers", "tx", "consentfile"):
            st.session_state.pop(f"{slot}_inspection", None)
        st.session_state["upload_nonce"] = nonce + 1
        st.session_state["data_notice"] = (
            f"Saved '{name}' (dataset #{outcome.customers_id}"
            + (f", cleaned version #{outcome.fixed_id}" if outcome.fixed_id else "")
            + (f", transactions #{outcome.transactions_id}" if outcome.transactions_id else "")
            + f"); {outcome.consent_events:,} consent events recorded.")
        st.rerun()

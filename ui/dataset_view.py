"""The details of one stored dataset: columns and what minimisation did, preview, quality, consent."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from privacy.keys import key_fingerprint, load_pseudonym_key
from privacy.minimisation import PURPOSES, MinimisationPlan, minimisation_report
from privacy.reachable import consent_coverage
from segmentation.intake import apply_quality_fixes
from store.authz import Principal
from store.consent import active_allowances
from store.datasets import delete_dataset, rename_dataset
from store.segments import columns_used_by_segments
from ui.data_cache import dataset_frame, dataset_quality
from ui.data_upload import masked_preview
from ui.display import md, show_table
from ui.errors import user_errors

CHANNEL_PAIRS = [("email", "marketing"), ("sms", "marketing"), ("push", "marketing"), ("phone", "marketing"),
                 ("post", "marketing")]


def columns_table(info: dict, allowances: list[dict]) -> pd.DataFrame:
    allowed = {row["column_name"]: row for row in allowances}
    rows = []
    for column, role in info["column_roles"].items():
        badge = ""
        if role.get("role") == "special_category" or role.get("special_category"):
            grant = allowed.get(column)
            badge = (f"⚠ special category ({role.get('special_category') or 'unknown'}): "
                     + (f"allowed by {grant['actor']} ({grant['legal_basis']})" if grant
                        else "excluded from segmentation, targeting and export"))
        rows.append({"column": column, "role": role.get("role"), "tag": role.get("tag"),
                     "stored as": role.get("action", "kept"), "why": role.get("action_reason") or role.get("reason"),
                     "warning": badge})
    return pd.DataFrame(rows)


def dataset_details(engine: Engine, principal: Principal, info: dict) -> None:
    purpose = PURPOSES.get(info["purpose"])
    st.markdown(f"**{md(info['name'])}** · {info['kind']} · version {info['version']}"
                + (f" (based on #{info['parent_id']})" if info["parent_id"] else "")
                + f" · {info['row_count']:,} rows × {info['column_count']} columns")
    st.caption(f"Purpose: {purpose.label if purpose else info['purpose']}"
               + (f" — {md(info['purpose_note'])}" if info["purpose_note"] else "")
               + f" · content hash {info['content_hash'][:16]}…")
    fingerprint = info["details"].get("key_fingerprint")
    if fingerprint and fingerprint != key_fingerprint(load_pseudonym_key()):
        st.warning("The pseudonymisation key changed since this dataset was saved: its pseudonyms no longer "
                   "match new imports or the consent ledger. Restore the old key (AMANAH_PSEUDONYM_KEY).")
    allowances = active_allowances(engine, info["id"])
    columns = columns_table(info, allowances)
    if (columns["warning"] != "").any():
        st.warning("This dataset holds special-category data; see the warning column below.", icon="⚠️")
    show_table(columns, key=f"columns_{info['id']}")
    for note in info["details"].get("notes", []):
        st.caption(md(note))

    frame = dataset_frame(engine, info)
    tabs = st.tabs(["Preview", "Quality", "Minimisation", "Consent coverage", "Manage"])
    with tabs[0]:
        show_table(masked_preview(frame, info["column_roles"], rows=50), key=f"preview_{info['id']}")
    with tabs[1], user_errors("checking quality"):
        report = dataset_quality(engine, info)
        if not report.findings:
            st.success("No quality problems found.")
        else:
            show_table(pd.DataFrame([{"severity": f.severity, "check": f.check, "column": f.column, "rows": f.count,
                                      "message": f.message} for f in report.findings]), key=f"quality_{info['id']}")
            chosen = st.multiselect("Fixes", list(report.suggested_fixes), format_func=lambda s: s.describe(),
                                    key=f"fixes_{info['id']}")
            if st.button("Apply as a new version", key=f"apply_fixes_{info['id']}", disabled=not chosen):
                new_id = apply_quality_fixes(engine, principal, info["id"], chosen)
                st.session_state["data_notice"] = f"Saved the cleaned data as dataset #{new_id}."
                st.rerun()
    with tabs[2], user_errors("reading the minimisation report"):
        stored_plan = info["details"].get("minimisation")
        if not stored_plan:
            st.info("This dataset was stored without a minimisation plan.")
        else:
            report = minimisation_report(MinimisationPlan.from_dict(stored_plan),
                                         columns_used_by_segments(engine, info["id"]))
            show_table(report, key=f"minimisation_{info['id']}")
            candidates = report.loc[report["candidate_to_drop"], "column"].tolist()
            if candidates:
                st.caption("No saved segment uses " + ", ".join(candidates) + ": consider dropping them "
                           "(Quality tab → fix 'drop column') so you keep only what you need.")
    with tabs[3], user_errors("computing consent coverage"):
        subject = info["details"].get("subject_column")
        if info["kind"] != "customers" or subject not in frame:
            st.info("Consent coverage is shown for customer tables.")
        else:
            coverage = consent_coverage(engine, principal, frame[subject], CHANNEL_PAIRS)
            coverage["share"] = coverage["share"].map("{:.1%}".format)
            show_table(coverage, key=f"coverage_{info['id']}")
            st.caption("Reachable = a current 'granted' in the consent ledger for that channel and purpose.")
    with tabs[4]:
        new_name = st.text_input("New name", value=info["name"], key=f"rename_{info['id']}", max_chars=200)
        if st.button("Rename", key=f"rename_button_{info['id']}"):
            with user_errors("renaming the dataset"):
                rename_dataset(engine, principal, info["id"], new_name)
                st.rerun()
        confirm = st.checkbox(f"Yes, delete '{info['name']}' and its file", key=f"delete_confirm_{info['id']}")
        if st.button("Delete dataset", key=f"delete_{info['id']}", disabled=not confirm, type="primary"):
            with user_errors("deleting the dataset"):
                delete_dataset(engine, principal, info["id"])
                st.session_state["data_notice"] = f"Deleted '{info['name']}'."
                st.rerun()

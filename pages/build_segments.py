"""Segments: build rule segments (with templates), find clustered segments, compare saved segments."""

import json
import time
from datetime import date

import pandas as pd
import streamlit as st

from segmentation.rules import RuleError, RuleSegment
from segmentation.service import resolver, save_rule_segment
from segmentation.templates import available_templates, instantiate
from store.datasets import list_datasets
from store.segments import delete_segment, list_segments
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import md, show_pending_notice, show_table
from ui.errors import user_errors
from ui.segment_builder import BuilderError, build_definition, conditions_editor, rule_from_json
from ui.segment_cache import prepared, reach_for, reach_summary
from ui.segment_panels import cluster_panel, fairness_notes, overlap_panel, rfm_panel

principal = require_roles("marketer")
engine = get_engine()
SEGMENTATION_TYPES = ["demographic", "geographic", "psychographic", "behavioural", "combined"]

st.title("Segments")
show_pending_notice("segments_notice")

with user_errors("loading datasets"):
    customers = list_datasets(engine, principal, kind="customers")
if not customers:
    st.info("No customer dataset yet: upload one on the Data page first.")
    st.stop()
by_label = {f"#{row['id']} {row['name']} ({row['row_count']:,} customers)": row["id"] for row in customers}
dataset_id = by_label[st.selectbox("Dataset", list(by_label), key="segments_dataset")]

with user_errors("preparing the dataset"):
    data = prepared(engine, principal, dataset_id)
    reach = reach_for(engine, data)
    saved = list_segments(engine, principal, dataset_id)
if data.excluded:
    with st.expander(f"{len(data.excluded)} column(s) cannot define segments — why"):
        show_table(pd.DataFrame({"column": list(data.excluded), "reason": list(data.excluded.values())}),
                   key="segments_excluded")
for column in data.allowed_special:
    st.warning(f"⚠ '{md(column)}' is special-category data, usable here only under an admin's allowance. Every "
               "segment that uses it is marked.", icon="⚠️")

build, templates, clusters, compare, rfm = st.tabs(["Build a rule segment", "Templates", "Clusters",
                                                   "Saved segments and overlap", "RFM"])

with build:
    usable = list(data.usable)
    conditions = conditions_editor(usable, key=f"conditions_{dataset_id}")
    c1, c2 = st.columns(2)
    within = c1.radio("Within a group", ["all", "any"], horizontal=True, key="within_mode",
                      format_func=lambda m: "all conditions (AND)" if m == "all" else "any condition (OR)")
    between = c2.radio("Between groups", ["all", "any"], index=1, horizontal=True, key="between_mode",
                       format_func=lambda m: "all groups (AND)" if m == "all" else "any group (OR)")
    rule_segments = {row["id"]: row["name"] for row in saved if row["kind"] == "rule"}
    c3, c4 = st.columns(2)
    include = c3.multiselect("Only members of", list(rule_segments), format_func=rule_segments.get, key="include")
    exclude = c4.multiselect("Leave out members of", list(rule_segments), format_func=rule_segments.get,
                             key="exclude")
    definition = None
    try:
        definition = build_definition(conditions, data.frame, within, between, include, exclude)
    except BuilderError as exc:
        st.info(str(exc))
    with st.expander("Advanced: the rule as JSON (any nesting of all / any / not)"):
        text = st.text_area("Definition", value=json.dumps(definition, ensure_ascii=False, indent=1)
                            if definition else "", height=180, key=f"rule_json_{hash(json.dumps(definition))}")
        use_json = st.checkbox("Use this JSON instead of the table", key="use_json")
    rule = None
    with user_errors("checking the rule"):
        try:
            if use_json and text.strip():
                rule = rule_from_json(text)
            elif definition:
                rule = RuleSegment(definition)
        except RuleError as exc:
            st.error(str(exc))
    if rule is not None:
        with user_errors("previewing the segment"):
            started = time.perf_counter()
            mask = rule.mask(data.frame, as_of=date.today(), resolve_segment=resolver(engine, dataset_id))
            reached = reach_summary(mask, reach)
            elapsed = (time.perf_counter() - started) * 1000
            st.markdown(f"**{md(rule.describe())}**")
            m1, m2, *channels = st.columns(2 + len(reached))
            m1.metric("Members", f"{int(mask.sum()):,}")
            m2.metric("Share of dataset", f"{mask.mean():.1%}")
            for column, (channel, count) in zip(channels, reached.items(), strict=True):
                column.metric(f"Reachable by {channel}", f"{count:,}")
            st.caption(f"Preview computed in {elapsed:.0f} ms · reach = members with a current consent")
            used = rule.columns_used(resolver(engine, dataset_id))
            for column in sorted(used & set(data.allowed_special)):
                st.warning(f"⚠ Uses special-category column '{md(column)}' (allowed by an admin).")
            fairness_notes(data, mask, used)
            name = st.text_input("Segment name", key="rule_name", max_chars=200)
            kind = st.selectbox("Segmentation type", SEGMENTATION_TYPES, key="rule_type")
            if st.button("Save segment", type="primary", key="save_rule", disabled=not name.strip()):
                save_rule_segment(engine, principal, data, name, rule.to_dict(), kind)
                st.session_state["segments_notice"] = f"Saved segment '{name.strip()}' ({int(mask.sum()):,} members)."
                st.rerun()

with templates, user_errors("loading templates"):
    offered = available_templates(data.info["column_roles"], data.frame)
    if not offered:
        st.info("None of the templates fits this dataset's columns.")
    for template in offered:
        with st.expander(f"{template.name} · {template.segmentation_type}"):
            st.caption(template.description)
            proposals = instantiate(template.id, data.info["column_roles"], data.frame, as_of=date.today())
            rows = []
            for proposal_name, proposal in proposals:
                proposal_mask = RuleSegment(proposal).mask(data.frame, as_of=date.today())
                rows.append({"segment": proposal_name, "rule": RuleSegment(proposal).describe(),
                             "members": int(proposal_mask.sum()), **reach_summary(proposal_mask, reach)})
            show_table(pd.DataFrame(rows), key=f"template_{template.id}")
            if st.button(f"Save these {len(proposals)} segments", key=f"save_template_{template.id}"):
                taken = {row["name"].lower() for row in saved}
                for proposal_name, proposal in proposals:
                    if proposal_name.lower() not in taken:
                        save_rule_segment(engine, principal, data, proposal_name, proposal, template.segmentation_type)
                st.session_state["segments_notice"] = f"Saved the '{template.name}' segments."
                st.rerun()

with clusters:
    cluster_panel(engine, principal, data, reach)

with compare:
    overlap_panel(engine, principal, data, saved, reach)
    if saved:
        doomed = st.selectbox("Delete a segment", ["(none)", *[row["name"] for row in saved]], key="delete_choice")
        if doomed != "(none)" and st.button(f"Delete '{doomed}'", key="delete_segment"):
            with user_errors("deleting the segment"):
                delete_segment(engine, principal, next(row["id"] for row in saved if row["name"] == doomed))
                st.rerun()

with rfm:
    rfm_panel(engine, principal, data)

"""Campaigns: plan a campaign for several segments with a SMART goal, the 4P per segment and channel advice."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from campaigns.channels import CHANNELS, suggest_channels
from campaigns.export import export_campaign
from campaigns.plan_draft import draft_segment_plan
from campaigns.service import create_campaign, list_campaigns, list_messages, update_segment_plan
from campaigns.smart import SmartGoal, validate_goal
from kpis.registry import KPI_BY_KEY
from segmentation.service import segment_mask
from store.datasets import list_datasets
from store.segments import list_segments
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import md, show_pending_notice, show_table
from ui.errors import user_errors
from ui.segment_cache import prepared, reach_for, reach_summary, segment_profile


def channel_advice(data, segment_id: int) -> tuple[pd.Series, list]:
    """A segment's membership and the channels suggested for it (traits and consent), best first."""
    mask = segment_mask(engine, principal, data, segment_id)
    reached = reach_summary(mask, reach_for(engine, data))
    ages = data.frame.loc[mask.to_numpy(), "age"] if "age" in data.frame else pd.Series(dtype=float)
    business = data.frame.loc[mask.to_numpy(), "customer_type"].eq("business").mean() \
        if "customer_type" in data.frame else 0.0
    size = max(int(mask.sum()), 1)
    advice = suggest_channels({"median_age": float(ages.median()) if len(ages) else None,
                               "business_share": float(business)},
                              {channel: count / size for channel, count in reached.items()})
    return mask, advice


principal = require_roles("marketer", "manager")
engine = get_engine()
st.title("Campaigns")
show_pending_notice("campaign_notice")

with user_errors("loading campaigns"):
    existing = list_campaigns(engine, principal)
    if existing:
        rows = []
        for campaign in existing:
            states = pd.Series([m["state"] for m in list_messages(engine, principal, campaign["id"])], dtype="string")
            goal = campaign["goal"]
            rows.append({"campaign": campaign["name"], "period": f"{campaign['start_date']} – {campaign['end_date']}",
                         "goal": f"{goal.get('kpi')} → {goal.get('relative_change') or goal.get('target')}",
                         "segments": len(campaign["segments"]), "messages": len(states),
                         "approved": int((states == "approved").sum()), "waiting": int((states == "submitted").sum())})
        show_table(pd.DataFrame(rows), key="campaigns_table")
    else:
        st.info("No campaigns yet.")

if not principal.has("marketer"):
    st.stop()

if existing:
    with st.expander("Plan per target segment: value proposition, 4P and channels"):
        by_id = {campaign["id"]: campaign for campaign in existing}
        plan_campaign = by_id[st.selectbox("Campaign", list(by_id), format_func=lambda c: by_id[c]["name"],
                                           key="plan_campaign")]
        with user_errors("loading the segment plan"):
            targets = {row["id"]: row for row in list_segments(engine, principal, plan_campaign["dataset_id"])
                       if row["id"] in plan_campaign["segments"]}
            target_names = {segment_id: row["name"] for segment_id, row in targets.items()}
            plan_segment = st.selectbox("Target segment", list(target_names), format_func=target_names.get,
                                        key="plan_segment")
            plan_data = prepared(engine, principal, plan_campaign["dataset_id"])
            plan_mask, advice = channel_advice(plan_data, plan_segment)
            plan = plan_campaign["segments"].get(plan_segment) or {}
            draft = draft_segment_plan(segment_profile(plan_data, targets[plan_segment], plan_mask), advice,
                                       filled=plan)
            st.caption(f"{int(plan_mask.sum()):,} members. Suggested channels: "
                       + "; ".join(f"**{s.channel}** ({', '.join(s.reasons[:2])})" for s in advice[:4])
                       + ". Empty fields are drafted from what sets the segment apart — edit them.")
            form_key = f"plan_{plan_campaign['id']}_{plan_segment}"
            with st.form(form_key):
                value_proposition = st.text_area("Value proposition", value=draft["value_proposition"],
                                                 max_chars=2000, key=f"{form_key}_vp")
                p1, p2 = st.columns(2)
                product = p1.text_area("Product", value=draft["product"], max_chars=2000,
                                       key=f"{form_key}_product")
                price = p2.text_area("Price", value=draft["price"], max_chars=2000, key=f"{form_key}_price")
                place = p1.text_area("Place", value=draft["place"], max_chars=2000, key=f"{form_key}_place")
                promotion = p2.text_area("Promotion", value=draft["promotion"], max_chars=2000,
                                         key=f"{form_key}_promotion")
                planned = [c for c in plan.get("channels") or [s.channel for s in advice[:2]] if c in CHANNELS]
                channels = st.multiselect("Channels (the suggestion is preselected; your choice counts)", CHANNELS,
                                          default=planned, key=f"{form_key}_channels")
                if st.form_submit_button("Save the segment plan"):
                    update_segment_plan(engine, principal, plan_campaign["id"], plan_segment,
                                        value_proposition=value_proposition, product=product, price=price,
                                        place=place, promotion=promotion, channels=channels)
                    st.session_state["campaign_notice"] = (f"Plan for {target_names[plan_segment]} in "
                                                           f"{plan_campaign['name']} saved.")
                    st.rerun()

if existing:
    with st.expander("Export approved messages for sending"):
        st.caption("Only messages approved in their current form; the audience is the segment's members with a "
                   "current consent for the channel. Contact details only when the dataset's purpose is sending. "
                   "A manifest records content hashes, approvals and the rule-set version. Every export is audited.")
        names = {row["id"]: row["name"] for row in existing}
        export_id = st.selectbox("Campaign", list(names), format_func=names.get, key="export_campaign")
        export_format = st.radio("Format", ["csv", "xlsx"], horizontal=True, key="export_format")
        if st.button("Prepare export", key="export_campaign_prepare"):
            with user_errors("preparing the export"):
                payload, manifest = export_campaign(engine, principal, export_id, export_format)
                st.session_state["campaign_export"] = (export_id, payload, manifest)
        ready = st.session_state.get("campaign_export")
        if ready and ready[0] == export_id:
            recipients = sum(entry["recipients"] for entry in ready[2]["messages"])
            if ready[2].get("sent_back_for_review"):
                st.warning(f"{len(ready[2]['sent_back_for_review'])} approved message(s) no longer pass the rules in "
                           "force (a rule changed or a waiver expired): they went back to the review queue and are "
                           "not in this export.")
            st.download_button(f"Download ({len(ready[2]['messages'])} messages, {recipients:,} recipients)",
                               ready[1], file_name=f"campaign-{export_id}-export.zip", mime="application/zip",
                               key="export_campaign_download")

st.subheader("Plan a campaign")
with user_errors("loading segments"):
    datasets = {f"#{row['id']} {row['name']}": row["id"] for row in list_datasets(engine, principal, kind="customers")}
if not datasets:
    st.info("Upload customer data and save segments first.")
    st.stop()
dataset_id = datasets[st.selectbox("Dataset", list(datasets), key="campaign_dataset")]
segments = {row["id"]: row for row in list_segments(engine, principal, dataset_id)}
if not segments:
    st.info("Save segments for this dataset on the Segments page first.")
    st.stop()

name = st.text_input("Campaign name", key="campaign_name", max_chars=200)
core = st.text_area("Core brand message (one message, carried by every segment's text)", key="campaign_core",
                    max_chars=1000)
chosen = st.multiselect("Target segments", list(segments), format_func=lambda s: segments[s]["name"],
                        key="campaign_segments")
c1, c2, c3 = st.columns(3)
start = c1.date_input("Start", value=date.today(), key="campaign_start")
end = c2.date_input("End", value=date.today() + timedelta(days=90), key="campaign_end")
budget = c3.number_input("Budget (€)", min_value=0.0, value=0.0, step=500.0, key="campaign_budget")
st.markdown("**SMART goal**")
g1, g2, g3, g4 = st.columns(4)
kpi = g1.selectbox("KPI", list(KPI_BY_KEY), format_func=lambda k: KPI_BY_KEY[k].label, key="goal_kpi")
baseline = g2.number_input("Baseline (now)", value=None, key="goal_baseline", format="%.4f")
change = g3.number_input("Change (e.g. 0.15 for +15%)", value=None, key="goal_change", format="%.3f")
deadline = g4.date_input("Deadline", value=date.today() + timedelta(days=180), key="goal_deadline")
goal = SmartGoal(kpi=kpi, segment=segments[chosen[0]]["name"] if chosen else None, start=start, deadline=deadline,
                 baseline=baseline, relative_change=change)
for problem in validate_goal(goal, today=date.today()):
    (st.error if problem.severity == "error" else st.warning)(str(problem))

if chosen:
    with user_errors("preparing channel advice"):
        data = prepared(engine, principal, dataset_id)
        for segment_id in chosen:
            membership, advice = channel_advice(data, segment_id)
            marketing = segments[segment_id]["marketing"] or {}
            st.markdown(f"**{md(segments[segment_id]['name'])}** · {int(membership.sum()):,} members · suggested "
                        "channels: "
                        + ", ".join(f"{s.channel} ({'; '.join(s.reasons[:1])})" for s in advice[:3]))
            if marketing:
                st.caption(" · ".join(f"{k}: {md(v)}" for k, v in marketing.items() if v))

if st.button("Create campaign", type="primary", key="campaign_create", disabled=not (name and chosen)):
    with user_errors("creating the campaign"):
        create_campaign(engine, principal, name=name, dataset_id=dataset_id, core_message=core,
                        budget=budget or None, start=start, end=end, goal=goal, segment_ids=chosen)
        st.session_state["campaign_notice"] = f"Campaign '{name}' created. Write its messages in the Message editor."
        st.rerun()

"""Overview (managers): KPI tiles per segment with the change since the previous period, trends, goals."""

from dataclasses import fields
from datetime import date

import streamlit as st

from campaigns.service import list_campaigns
from campaigns.smart import SmartGoal, goal_progress
from kpis.charts import funnel_chart, kpi_tiles_data, kpi_trend_chart
from kpis.ranking import rate_interval
from kpis.registry import KPI_BY_KEY, compute_kpis
from kpis.service import import_results
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import download_buttons, md
from ui.errors import user_errors
from ui.results_cache import choose_results

principal = require_roles("manager", "marketer")
engine = get_engine()
st.title("Overview")
TILE_KPIS = ["conversion_rate", "open_rate", "ctr", "revenue", "cpa", "roi"]

if principal.has("marketer"):
    with st.expander("Import campaign results"):
        st.caption("Aggregated results (per campaign, message, variant, segment and optionally date: sent, delivered, "
                   "opens, clicks, conversions, revenue, cost, unsubscribes, complaints) or one row per customer "
                   "(customer id, variant, outcome columns). Names in English, Dutch or German are recognised.")
        uploaded = st.file_uploader("Results file", type=["csv", "xlsx", "parquet", "txt", "gz"], key="results_file")
        if uploaded is not None and st.button("Import", key="results_import"):
            with user_errors("importing results"):
                dataset_id, warnings = import_results(engine, principal, uploaded.getvalue(), uploaded.name,
                                                      uploaded.name.rsplit(".", 1)[0])
                st.success(f"Imported as results dataset #{dataset_id}.")
                for warning in warnings:
                    st.warning(md(warning))

with user_errors("loading results"):
    chosen = choose_results(engine, principal, key="overview_results")
if chosen is None:
    st.stop()
info, _, aggregated = chosen
kpi = st.selectbox("KPI", [k for k in KPI_BY_KEY if k != "cltv"], format_func=lambda k: KPI_BY_KEY[k].label,
                   index=0, key="overview_kpi")

with user_errors("computing KPIs"):
    tiles = kpi_tiles_data(aggregated, kpi, by="segment")
    columns = st.columns(min(4, len(tiles)))
    for position, row in enumerate(tiles.itertuples()):
        columns[position % len(columns)].metric(
            str(row.segment), row.value_text, row.delta_text if row.delta_text else None,
            delta_color="normal" if KPI_BY_KEY[kpi].higher_is_better else "inverse")
    st.altair_chart(kpi_trend_chart(aggregated, kpi, by="segment"), width="stretch")
    totals = compute_kpis(aggregated, by=[], keys=TILE_KPIS)
    left, right = st.columns(2)
    left.altair_chart(funnel_chart(aggregated[["sent", "delivered", "opens", "clicks", "conversions"]].sum()),
                      width="stretch")
    right.dataframe(totals.T.rename(columns={0: "all results"}), width="stretch")
    download_buttons(tiles, f"kpi-{kpi}-by-segment", key="overview_tiles_download")

st.subheader("SMART goals")
with user_errors("checking goals"):
    shown = 0
    names = set(aggregated["campaign"]) if "campaign" in aggregated else set()
    for campaign in list_campaigns(engine, principal):
        goal_data = {f.name: campaign["goal"].get(f.name) for f in fields(SmartGoal)}
        for key in ("start", "deadline"):
            if goal_data[key]:
                goal_data[key] = date.fromisoformat(goal_data[key])
        goal = SmartGoal(**goal_data)
        rows = aggregated[aggregated["campaign"] == campaign["name"]] if campaign["name"] in names else None
        if rows is not None and "segment" in rows and goal.segment in set(rows["segment"]):
            rows = rows[rows["segment"] == goal.segment]
        current, interval = None, None
        if rows is not None and not rows.empty:
            current = float(compute_kpis(rows, by=[], keys=[goal.kpi])[goal.kpi].iloc[0])
            interval = rate_interval(rows, goal.kpi)
        progress = goal_progress(goal, current, today=date.today(), ci=interval)
        show = {"on_track": st.success, "at_risk": st.warning, "off_track": st.error}.get(progress.status, st.info)
        shown_interval = (f" (95% CI {interval[0]:.2%} to {interval[1]:.2%})" if interval else "")
        show(f"**{md(campaign['name'])}** — {KPI_BY_KEY[goal.kpi].label} for {md(goal.segment)}: "
             f"{md(progress.message)}{md(shown_interval)}")
        shown += 1
    if not shown:
        st.caption("No campaign goals yet: set them on the Campaigns page.")

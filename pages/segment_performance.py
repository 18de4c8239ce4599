"""Segment performance (managers): segments ranked with intervals, a recommendation each, and drill-down."""

import streamlit as st

from kpis.charts import kpi_trend_chart, segment_comparison_chart
from kpis.ranking import rank_segments
from kpis.registry import KPI_BY_KEY, compute_kpis
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import download_buttons, show_table
from ui.errors import user_errors
from ui.results_cache import choose_results

principal = require_roles("manager", "marketer")
engine = get_engine()
st.title("Segment performance")

with user_errors("loading results"):
    chosen = choose_results(engine, principal, key="performance_results")
if chosen is None:
    st.stop()
info, _, aggregated = chosen
kpi = st.selectbox("Rank by", ["conversion_rate", "revenue_per_recipient", "roi", "ctr", "open_rate", "cpa"],
                   format_func=lambda k: KPI_BY_KEY[k].label, key="performance_kpi")

dimensions = [c for c in ("segment", "campaign", "channel", "message", "variant") if c in aggregated.columns]
by = st.selectbox("Compare by", dimensions, key="performance_by")

with user_errors("ranking segments"):
    ranked = rank_segments(aggregated, kpi, by=by)
    st.altair_chart(segment_comparison_chart(ranked, kpi), width="stretch")
    show_table(ranked, key="performance_ranking")
    if by != "segment":
        st.caption(f"Ranked by {by}; the drill-down below is per segment.")
    download_buttons(ranked, f"segment-ranking-{kpi}", key="performance_download")

    st.subheader("Drill down")
    segment = st.selectbox("Segment", sorted(aggregated["segment"].dropna().unique()), key="performance_segment")
    rows = aggregated[aggregated["segment"] == segment]
    by_variant = compute_kpis(rows, by=["variant"] if "variant" in rows else [],
                              keys=["sent", "open_rate", "ctr", "conversion_rate", "revenue", "cost", "roi", "cpa"])
    show_table(by_variant, key="performance_variants")
    download_buttons(by_variant, f"segment-{segment}-variants", key="performance_variants_download")
    if "date" in rows:
        st.altair_chart(kpi_trend_chart(rows, kpi, by="variant" if "variant" in rows else None), width="stretch")

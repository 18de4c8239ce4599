"""Experiments (managers): A/B/n results per segment in plain words, with honest statistics, and a power calculator."""

import streamlit as st

from kpis.charts import experiment_lift_chart
from kpis.experiments import analyse_experiment
from kpis.power import sample_size_per_variant
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import download_buttons, show_table
from ui.errors import user_errors
from ui.results_cache import choose_results

principal = require_roles("manager", "marketer")
engine = get_engine()
st.title("Experiments")

with st.expander("Plan a test: how many recipients per variant?"):
    c1, c2, c3, c4 = st.columns(4)
    baseline = c1.number_input("Current conversion rate", 0.001, 0.99, 0.02, 0.005, format="%.3f", key="power_base")
    effect = c2.number_input("Smallest lift worth finding (relative)", 0.01, 5.0, 0.10, 0.01, key="power_mde")
    variants = c3.number_input("Variants incl. control", 2, 10, 2, key="power_variants")
    power = c4.number_input("Power", 0.5, 0.99, 0.8, 0.05, key="power_power")
    with user_errors("computing the sample size"):
        needed = sample_size_per_variant(baseline, effect, variants=int(variants), power=power)
        st.info(f"About **{needed:,}** recipients per variant. Decide this before you start and do not stop "
                "early at the first significant result: peeking inflates false positives.")

with user_errors("loading results"):
    chosen = choose_results(engine, principal, key="experiment_results", shape="per_customer")
if chosen is None:
    st.stop()
info, frame, _ = chosen
outcomes = [c for c in ("converted", "revenue", "clicked", "opened") if c in frame.columns]
c1, c2, c3, c4 = st.columns(4)
candidates = [c for c in frame.columns if 2 <= frame[c].nunique() <= 10]
variant_column = c1.selectbox("Variant column", candidates,
                              index=candidates.index("variant") if "variant" in candidates else 0,
                              key="experiment_variant")
levels = sorted(frame[variant_column].dropna().astype(str).unique())
control = c2.selectbox("Control", levels, key="experiment_control")
metric = c3.selectbox("Outcome", outcomes, key="experiment_metric")
group = c4.selectbox("Per", ["(overall)", *[c for c in ("segment", "campaign", "message") if c in frame.columns]],
                     key="experiment_by")

with user_errors("analysing the experiment"):
    report = analyse_experiment(frame.astype({variant_column: "string"}), variant_column, control, metric,
                                by=None if group == "(overall)" else group)
    for result in report.results:
        (st.success if result.significant and result.trustworthy else st.info)(result.summary)
    for check in report.sample_ratio_checks:
        if check.mismatch:
            st.error(check.message)
    st.caption(report.warning_early_stopping)
    table = report.to_frame()
    st.altair_chart(experiment_lift_chart(table), width="stretch")
    show_table(table, key="experiment_table")
    download_buttons(table, f"experiment-{metric}", key="experiment_download")

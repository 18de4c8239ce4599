"""Panels of the Segments page: clustering, overlap of saved segments, proxy-fairness notes and RFM."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from segmentation.charts import overlap_heatmap
from segmentation.clustering import Segmenter
from segmentation.criteria import segment_criteria
from segmentation.fairness import proxy_check
from segmentation.overlap import cannibalisation_warnings, overlap_matrix
from segmentation.rfm import rfm_from_summary, rfm_scores, rfm_segment, rfm_summary, rfm_table
from segmentation.service import SegmentableData, save_cluster_segment, segment_mask
from store.authz import Principal
from store.datasets import get_dataset, linked_transactions
from store.policy import effective_setting
from ui.data_cache import dataset_frame
from ui.display import md, show_table
from ui.errors import user_errors
from ui.segment_cache import reach_summary


def special_columns(data: SegmentableData) -> list[str]:
    return [column for column, role in data.info["column_roles"].items()
            if column in data.frame and (role.get("role") == "special_category" or role.get("special_category"))]


def fairness_notes(data: SegmentableData, mask: pd.Series, used: set[str]) -> None:
    """Warn when membership is strongly associated with a special category the segment does not use."""
    unused = [column for column in special_columns(data) if column not in used]
    if not unused or not mask.any() or mask.all():
        return
    for warning in proxy_check(mask, data.frame[unused]):
        st.warning(md(warning.message), icon="⚖️")


@st.cache_resource(max_entries=4, show_spinner="Finding segments…")
def _fitted(_frame: pd.DataFrame, content_hash: str, features: tuple[str, ...], k: str | int,
            roles_key: str, _roles: dict, allowed_special: tuple[str, ...]) -> Segmenter:
    return Segmenter(features=list(features), k=k, column_roles=_roles, allowed_special=allowed_special,
                     random_state=0).fit(_frame)


def cluster_panel(engine: Engine, principal: Principal, data: SegmentableData, reach: pd.DataFrame) -> None:
    st.caption("k-means on the usable columns (scaled numbers, grouped categories); k = auto tries 2–10 and "
               "keeps the number of segments that is both well separated and stable across runs.")
    defaults = [c for c in data.usable if not pd.api.types.is_datetime64_any_dtype(data.frame[c])
                and c not in ("postcode", "birth_date")]
    features = st.multiselect("Features", list(data.usable), default=defaults, key="cluster_features")
    k = st.selectbox("Number of segments", ["auto", *range(2, 11)], key="cluster_k")
    if not st.toggle("Find segments", key="cluster_run") or not features:
        return
    with user_errors("clustering"):
        roles = {c: r for c, r in data.info["column_roles"].items() if c in data.frame}
        allowed = tuple(data.info["column_roles"][c].get("special_category") or c
                        for c in features if c in data.allowed_special)
        model = _fitted(data.frame, data.info["content_hash"], tuple(features), k, str(sorted(roles)), roles,
                        allowed)
        labels = pd.Series(model.labels_, index=data.frame.index)
        st.markdown(f"**{model.k_} segments** · score per k tried (silhouette − 0.15 × Davies–Bouldin − "
                    "instability): " + ", ".join(f"k={key}: {value:.2f}"
                                                 for key, value in sorted(model.selection_score_.items())))
        if model.excluded_columns_:
            st.caption("Not used: " + md("; ".join(f"{c} ({reason})" for c, reason in model.excluded_columns_.items())))
        reach_counts = {label: reach_summary(labels == label, reach) for label in range(model.k_)}
        criteria = segment_criteria(data.frame, labels.to_numpy(), list(model.used_columns_),
                                    min_size=int(effective_setting(engine, "AMANAH_MIN_SEGMENT_SIZE")),
                                    reachable_counts=reach_counts)
        names = pd.DataFrame({"segment": [p.label for p in model.profiles_],
                              "name": [p.proposed_name for p in model.profiles_],
                              "members": [p.size for p in model.profiles_],
                              "traits": ["; ".join(t.text for t in p.top_traits[:3]) for p in model.profiles_],
                              "save": [False] * len(model.profiles_)})
        edited = st.data_editor(names, hide_index=True, width="stretch", key="cluster_names",
                                disabled=["segment", "members", "traits"])
        show_table(criteria, key="cluster_criteria")
        if st.button("Save the ticked segments", key="save_clusters", disabled=not edited["save"].any()):
            for row in edited[edited["save"]].itertuples():
                save_cluster_segment(engine, principal, data, row.name, labels == row.segment, list(features),
                                     {"k": int(model.k_), "label": int(row.segment), "features": list(features),
                                      "random_state": 0})
            st.session_state["segments_notice"] = f"Saved {int(edited['save'].sum())} clustered segment(s)."
            st.rerun()


def overlap_panel(engine: Engine, principal: Principal, data: SegmentableData, saved: list[dict],
                  reach: pd.DataFrame) -> None:
    if not saved:
        st.info("No saved segments for this dataset yet.")
        return
    with user_errors("comparing segments"):
        masks = {row["name"]: segment_mask(engine, principal, data, row["id"], as_of=date.today()) for row in saved}
        minimum = int(effective_setting(engine, "AMANAH_MIN_SEGMENT_SIZE"))
        table = pd.DataFrame([{"segment": row["name"], "kind": row["kind"], "type": row["segmentation_type"],
                               "version": row["version"], "members": int(masks[row["name"]].sum()),
                               **reach_summary(masks[row["name"]], reach),
                               "size check": "ok" if masks[row["name"]].sum() >= minimum
                               else f"below {minimum}: too small to target safely",
                               "uses special category": ", ".join(sorted(set(row["columns_used"])
                                                                         & set(special_columns(data)))) or ""}
                              for row in saved])
        show_table(table, key="saved_segments")
        if len(masks) > 1:
            matrix = overlap_matrix(masks)
            st.altair_chart(overlap_heatmap(matrix), width="stretch")
            for warning in cannibalisation_warnings(matrix, threshold=0.3):
                st.warning(warning)


def rfm_panel(engine: Engine, principal: Principal, data: SegmentableData) -> None:
    st.caption("Recency, frequency and monetary value in quintiles (5 = best), grouped into the usual named "
               "segments.")
    reference = st.date_input("Reference date", value=date.today(), key="rfm_reference")
    with user_errors("computing RFM"):
        linked = linked_transactions(engine, principal, data.info["id"])
        if linked is not None:
            transactions = dataset_frame(engine, get_dataset(engine, principal, linked["info"]["id"]))
            table = rfm_table(transactions, customer=linked["customer"], date=linked["date"], amount=linked["amount"],
                              reference_date=reference)
            st.caption(f"From the linked transactions '{md(linked['info']['name'])}'.")
        else:
            names = {c.lower(): c for c in data.frame.columns}
            needed = [names.get(n) for n in ("last_purchase", "order_count", "revenue")]
            if None in needed:
                st.info("RFM needs linked transactions or last-purchase, order-count and revenue columns.")
                return
            table = rfm_from_summary(data.frame, last_purchase=needed[0], order_count=needed[1], revenue=needed[2],
                                     reference_date=reference, customer=data.subject_column)
        scored = rfm_scores(table)
        scored["segment"] = rfm_segment(scored)
        show_table(rfm_summary(scored), key="rfm_summary")

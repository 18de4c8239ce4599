"""Segment profile: who is in a segment, how they differ, reach per channel, the 4P, consented export."""

from datetime import date

import pandas as pd
import streamlit as st

from kpis.service import customer_value
from privacy.consent import CHANNELS
from segmentation.charts import distribution_chart
from segmentation.service import export_reachable_members, segment_mask
from store.datasets import list_datasets
from store.policy import effective_setting
from store.segments import get_segment, list_segments, update_marketing
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import md
from ui.errors import user_errors
from ui.segment_cache import prepared, reach_for, reach_summary, segment_profile
from ui.segment_panels import fairness_notes, special_columns


@st.cache_data(max_entries=4, ttl=3600, show_spinner="Estimating customer value…")
def cached_customer_value(_engine, _principal, dataset_id: int, content_hash: str):
    return customer_value(_engine, _principal, dataset_id)


principal = require_roles("marketer", "manager")
engine = get_engine()
st.title("Segment profile")

with user_errors("loading segments"):
    customers = {row["id"]: row for row in list_datasets(engine, principal, kind="customers")}
    segments = [row for row in list_segments(engine, principal) if row["dataset_id"] in customers]
if not segments:
    st.info("No saved segments yet: build one on the Segments page.")
    st.stop()
labels = {f"{row['name']} — {customers[row['dataset_id']]['name']}": row["id"] for row in segments}
segment_id = labels[st.selectbox("Segment", list(labels), key="profile_segment")]

with user_errors("profiling the segment"):
    segment = get_segment(engine, principal, segment_id)
    data = prepared(engine, principal, segment["dataset_id"])
    mask = segment_mask(engine, principal, data, segment_id, as_of=date.today())
    reach = reach_summary(mask, reach_for(engine, data))
    minimum = int(effective_setting(engine, "AMANAH_MIN_SEGMENT_SIZE"))

    st.caption(f"{segment['kind']} segment · version {segment['version']} · "
               + (segment["segmentation_type"] or "") + f" · saved by {segment['created_by']}")
    columns = st.columns(2 + len(reach))
    columns[0].metric("Members", f"{int(mask.sum()):,}")
    columns[1].metric("Share of customers", f"{mask.mean():.1%}")
    for column, (channel, count) in zip(columns[2:], reach.items(), strict=True):
        column.metric(f"Reachable by {channel}", f"{count:,}")
    if mask.sum() < minimum:
        st.warning(f"Fewer than {minimum:,} members: too small to target or export safely.")
    used_special = sorted(set(segment["columns_used"]) & set(special_columns(data)))
    if used_special:
        st.warning(f"⚠ Uses special-category data ({md(', '.join(used_special))}) under an admin's allowance.")
    fairness_notes(data, mask, set(segment["columns_used"]))

    profile = segment_profile(data, segment, mask)
    st.subheader("What sets this segment apart")
    st.write(md(profile.summary))
    for trait in profile.top_traits[:6]:
        st.markdown(f"- {md(trait.text)}")
    chart_columns = st.columns(2)
    for position, trait in enumerate(profile.top_traits[:4]):
        chart_columns[position % 2].altair_chart(distribution_chart(data.frame, trait.feature, mask),
                                                 width="stretch")

st.subheader("Customer value")
with user_errors("estimating customer value"):
    value = cached_customer_value(engine, principal, segment["dataset_id"], data.info["content_hash"])
    if value is None:
        st.caption("Customer lifetime value needs the transactions imported with this customer table.")
    else:
        members = value.reindex(data.frame.loc[mask.to_numpy(), data.subject_column])
        everyone = value
        table = pd.DataFrame({
            "measure": ["Revenue so far (mean)", "Predicted 52-week CLTV (mean)", "Churn risk (mean)",
                        "Purchase propensity, next 12 weeks (mean)"],
            "segment": [members["revenue"].mean(), members["predicted_cltv"].mean(), members["churn_risk"].mean(),
                        members["purchase_propensity_12w"].mean()],
            "all customers": [everyone["revenue"].mean(), everyone["predicted_cltv"].mean(),
                              everyone["churn_risk"].mean(), everyone["purchase_propensity_12w"].mean()]})
        st.dataframe(table.round(3), hide_index=True, width="stretch", key="profile_value")
        st.caption("Predicted with BG/NBD + Gamma-Gamma fitted on this dataset's transactions (kpis/cltv.py); "
                   "churn risk = 1 − P(alive).")

st.subheader("Value proposition and marketing mix (4P)")
marketing = segment["marketing"] or {}
editable = principal.has("marketer")
with st.form("marketing_form"):
    value_proposition = st.text_area("Value proposition", value=marketing.get("value_proposition", ""),
                                     key="mm_value", max_chars=2000, disabled=not editable,
                                     placeholder=f"What does '{segment['name']}' gain from us, in their words?")
    c1, c2 = st.columns(2)
    product = c1.text_area("Product", value=marketing.get("product", ""), key="mm_product", max_chars=2000,
                           disabled=not editable)
    price = c2.text_area("Price", value=marketing.get("price", ""), key="mm_price", max_chars=2000,
                         disabled=not editable)
    place = c1.text_area("Place / channel", value=marketing.get("place", ""), key="mm_place", max_chars=2000,
                         disabled=not editable)
    promotion = c2.text_area("Promotion", value=marketing.get("promotion", ""), key="mm_promotion",
                             max_chars=2000, disabled=not editable)
    channels = st.multiselect("Channels", CHANNELS, default=marketing.get("channels", []), key="mm_channels",
                              disabled=not editable)
    if st.form_submit_button("Save", key="mm_save", disabled=not editable):
        with user_errors("saving the marketing mix"):
            update_marketing(engine, principal, segment_id, {
                "value_proposition": value_proposition, "product": product, "price": price, "place": place,
                "promotion": promotion, "channels": channels})
            st.success("Saved.")

if principal.has("marketer"):
    st.subheader("Export members")
    st.caption("Pseudonymous ids of the members who may be contacted on the chosen channel for the chosen purpose "
               "(consent checked now). Every export is audited.")
    c1, c2 = st.columns(2)
    channel = c1.selectbox("Channel", CHANNELS, key="export_channel")
    purpose = c2.text_input("Purpose", value="marketing", key="export_purpose")
    if st.button("Prepare export", key="export_prepare"):
        with user_errors("preparing the export"):
            payload, count = export_reachable_members(engine, principal, data, segment_id, channel, purpose)
            st.session_state["export_payload"] = (segment_id, channel, payload, count)
    prepared_export = st.session_state.get("export_payload")
    if prepared_export and prepared_export[0] == segment_id:
        _, export_channel, payload, count = prepared_export
        st.download_button(f"Download {count:,} ids (CSV)", payload, mime="text/csv", key="export_download",
                           file_name=f"segment-{segment_id}-{export_channel}.csv")

"""Message editor: one message per segment × channel (with A/B variants), screened while you write."""

import streamlit as st

from campaigns.brand import brand_check
from campaigns.channels import CHANNELS, check_message
from campaigns.content import apply_replacement
from campaigns.service import (
    add_comment,
    audience_for_segment,
    create_message,
    list_campaigns,
    list_messages,
    message_detail,
    save_version,
    set_split,
    submit,
    withdraw,
)
from campaigns.variants import remaining_share
from compliance.tuning import ruleset_in_force
from segmentation.service import segment_mask
from store.segments import get_segment
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import md, show_pending_notice
from ui.errors import user_errors
from ui.live_text import live_text_area, set_live_text
from ui.screening_panel import screening_panel
from ui.segment_cache import prepared, reach_for, reach_summary
from ui.version_compare import compare_versions

principal = require_roles("marketer")
engine = get_engine()
st.title("Message editor")
show_pending_notice("editor_notice")

with user_errors("loading campaigns"):
    campaigns = {row["id"]: row for row in list_campaigns(engine, principal)}
if not campaigns:
    st.info("Plan a campaign on the Campaigns page first.")
    st.stop()
campaign_id = st.selectbox("Campaign", list(campaigns), format_func=lambda c: campaigns[c]["name"], key="ed_campaign")
campaign = campaigns[campaign_id]
segment_names = {sid: get_segment(engine, principal, sid)["name"] for sid in campaign["segments"]}
messages = {row["id"]: row for row in list_messages(engine, principal, campaign_id)}

with st.expander("Add a message (segment × channel, optionally an A/B variant)"):
    c1, c2, c3, c4, c5 = st.columns(5)
    new_segment = c1.selectbox("Segment", list(segment_names), format_func=segment_names.get, key="ed_new_segment")
    planned = [c for c in (campaign["segments"].get(new_segment) or {}).get("channels") or [] if c in CHANNELS]
    new_channel = c2.selectbox("Channel", planned + [c for c in CHANNELS if c not in planned], key="ed_new_channel",
                               format_func=lambda c: f"{c} (planned)" if c in planned else c)
    new_variant = c3.text_input("Variant", value="A", key="ed_new_variant", max_chars=40)
    taken = {m["variant"]: m["split"] for m in messages.values()
             if (m["segment_id"], m["channel"]) == (new_segment, new_channel)}
    free = remaining_share(taken)
    new_split = c4.number_input("Intended split", min_value=0.01, max_value=1.0, value=max(free, 0.01), step=0.05,
                                key=f"ed_split_{new_segment}_{new_channel}_{free}",  # a new free share resets it
                                help="Share of the segment's reachable audience on this channel that gets this "
                                     "variant. Variants never overlap; what they leave over is the hold-out "
                                     f"(no message). Free now: {free:.0%}.")
    new_language = c5.selectbox("Language", ["en", "nl", "de"], key="ed_new_language")
    if st.button("Add message", key="ed_add"):
        with user_errors("adding the message"):
            message_id = create_message(engine, principal, campaign_id, new_segment, new_channel,
                                        variant=new_variant, split=new_split, language=new_language)
            st.session_state["ed_message"] = message_id
            st.rerun()
if not messages:
    st.stop()

labels = {mid: f"{segment_names.get(m['segment_id'], m['segment_id'])} · {m['channel']} · {m['variant']} · {m['state']}"
          for mid, m in messages.items()}
default = list(messages).index(st.session_state["ed_message"]) if st.session_state.get("ed_message") in messages else 0
message_id = st.selectbox("Which message", list(messages), index=default, format_func=labels.get,
                          key="ed_message_choice")

loaded = False
with user_errors("loading the message"):
    detail = message_detail(engine, principal, message_id)
    current = detail["versions"][-1]["content"] if detail["versions"] else {}
    editable = detail["state"] in ("draft", "changes_requested", "approved")
    st.caption(f"State: **{detail['state']}** · version {detail['current_version']}"
               + (" · ⚠ needs re-review after a rule change" if detail["needs_rereview"] else ""))
    for event in detail["events"]:
        if event["kind"] in ("request_changes", "reject", "comment"):
            st.info(f"{md(event['actor'])} ({event['kind']}, v{event['version']}): {md(event['text'])}")

    subject = title = None
    if detail["channel"] == "email":
        subject = st.text_input("Subject", value=current.get("subject") or "", key=f"ed_subject_{message_id}",
                                disabled=not editable, max_chars=300)
    if detail["channel"] == "push":
        title = st.text_input("Title", value=current.get("title") or "", key=f"ed_title_{message_id}",
                              disabled=not editable, max_chars=200)
    data = prepared(engine, principal, campaign["dataset_id"])
    mask = segment_mask(engine, principal, data, detail["segment_id"])
    reached = reach_summary(mask, reach_for(engine, data))
    st.caption(f"Segment members: {int(mask.sum()):,}; reachable by {detail['channel']} for "
               f"{detail['purpose']}: {reached.get(detail['channel'], 'n/a')}; this variant goes to "
               f"{detail['split']:.0%} of them")
    with st.popover("Change the split"):
        changed_split = st.number_input("Intended split", min_value=0.01, max_value=1.0, value=float(detail["split"]),
                                        step=0.05, key=f"ed_change_split_{message_id}")
        if st.button("Save the split", key="ed_save_split"):
            with user_errors("changing the split"):
                set_split(engine, principal, message_id, changed_split)
                st.session_state["editor_notice"] = f"This variant now goes to {changed_split:.0%} of the audience."
                st.rerun()
    audience = audience_for_segment(engine, principal, detail["segment_id"], data=data, mask=mask)
    loaded = True
if not loaded:
    st.stop()


@st.fragment
def write_and_screen() -> None:
    """The text, its screening, fixes and checks; reruns alone while the marketer types (debounced)."""
    body_key = f"ed_body_{message_id}"
    body = live_text_area("Message text", key=body_key, value=current.get("body") or "", height=200,
                          max_chars=10_000, disabled=not editable,
                          placeholder="Write the message; it is screened as you type.")
    if body.strip():
        screening_panel("\n".join(p for p in (subject, title, body) if p), ruleset_in_force(engine),
                        lang=detail["language"], audience=audience, key=f"ed_screen_{message_id}",
                        on_fix=lambda f: set_live_text(body_key, apply_replacement(st.session_state[body_key],
                                                                                   f.matched_text, f.replacement)),
                        can_fix=lambda f: f.matched_text in body, fixes_enabled=editable)
        for problem in check_message(detail["channel"], body=body, subject=subject, title=title):
            (st.error if problem.severity == "error" else st.warning)(md(problem))
        brand = brand_check(campaign["core_message"], body)
        (st.warning if brand.drifted else st.caption)(
            f"Brand consistency with the core message: {brand.similarity:.0%}. {brand.advice}")

    left, right = st.columns(2)
    if left.button("Save as new version", key="ed_save", disabled=not editable or not body.strip(), type="primary"):
        with user_errors("saving the message"):
            save_version(engine, principal, message_id, body=body, subject=subject, title=title,
                         expected_lock=detail["lock_version"])
            st.session_state["editor_notice"] = "Saved a new version."
            st.rerun()
    if detail["state"] == "submitted":
        if right.button("Withdraw to edit", key="ed_withdraw",
                        help="Takes the message back from the review queue so you can change it."):
            with user_errors("withdrawing the message"):
                withdraw(engine, principal, message_id, detail["lock_version"])
                st.session_state["editor_notice"] = "Withdrawn: the message is a draft again."
                st.rerun()
    else:
        can_submit = detail["state"] == "draft" and bool(detail["versions"])
        if right.button("Submit for review", key="ed_submit", disabled=not can_submit):
            with user_errors("submitting the message"):
                submit(engine, principal, message_id, detail["lock_version"])
                st.session_state["editor_notice"] = "Submitted: a compliance reviewer will look at it."
                st.rerun()


write_and_screen()
with user_errors("saving the comment"):
    comment = st.text_input("Comment for the reviewer", key=f"ed_comment_{message_id}", max_chars=2000)
    if st.button("Add comment", key="ed_add_comment", disabled=not comment.strip() or not detail["versions"]):
        add_comment(engine, principal, message_id, comment)
        st.rerun()
    if len(detail["versions"]) > 1:
        with st.expander("Compare versions"):
            compare_versions(detail["versions"], key="ed_compare")

"""Review queue (compliance reviewers): approve, send back or reject submitted messages; waivers; re-screening."""

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import streamlit as st

from campaigns.review import decide, grant_waiver, recheck_approved, rescreen_approved, review_findings
from campaigns.service import list_campaigns, list_messages, message_detail
from compliance import Finding
from store.segments import list_segments
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import md, show_pending_notice, show_table
from ui.errors import user_errors
from ui.screening_panel import escape_markdown, finding_cards, highlighted_spans
from ui.version_compare import compare_versions

WAITING_FILTERS = {"(any time)": timedelta(0), "1 hour": timedelta(hours=1), "1 day": timedelta(days=1),
                   "3 days": timedelta(days=3), "1 week": timedelta(weeks=1)}

principal = require_roles("reviewer")
engine = get_engine()
st.title("Review queue")
show_pending_notice("review_notice")

with user_errors("re-checking approved messages"):
    # Approvals judged under an older rule set are judged again (rules change with tuning and with upgrades).
    newly_flagged = recheck_approved(engine, principal)
    if newly_flagged:
        st.warning(f"{len(newly_flagged)} approved message(s) no longer pass the rules in force and are back in "
                   "the queue below.")

with user_errors("loading the queue"):
    campaigns = {row["id"]: row["name"] for row in list_campaigns(engine, principal)}
    every = list_messages(engine, principal)
    waiting = [m for m in every if m["state"] == "submitted"]
    c1, c2, c3 = st.columns(3)
    c1.metric("Waiting for review", len(waiting))
    c2.metric("Of these, sent back by a re-check", sum(1 for m in waiting if m["needs_rereview"]))
    c3.metric("Approved", sum(1 for m in every if m["state"] == "approved"))
    if st.button("Re-screen approved messages with the rules in force", key="rq_rescreen"):
        found = rescreen_approved(engine, principal)
        st.session_state["review_notice"] = f"{len(found)} approved message(s) flagged for re-review."
        st.rerun()

    f1, f2, f3, f4, f5 = st.columns(5)
    filter_campaign = f1.selectbox("Campaign", ["(all)", *campaigns.values()], key="rq_campaign")
    all_segment_names = {row["id"]: row["name"] for row in list_segments(engine, principal)}
    segment_names = {m["segment_id"]: all_segment_names.get(m["segment_id"], f"segment {m['segment_id']}")
                     for m in waiting}
    filter_segment = f2.selectbox("Segment", ["(all)", *sorted(set(segment_names.values()))], key="rq_segment")
    filter_verdict = f3.selectbox("Verdict", ["(any)", "pass", "review", "block"], key="rq_verdict")
    waited_at_least = f4.selectbox("Waiting at least", list(WAITING_FILTERS), key="rq_waiting")
    oldest_first = f5.checkbox("Longest waiting first", value=True, key="rq_oldest")
    verdicts = {m["id"]: m["verdict"] for m in waiting}
    now = datetime.now(UTC)
    queue = [m for m in waiting
             if (filter_campaign == "(all)" or campaigns.get(m["campaign_id"]) == filter_campaign)
             and (filter_segment == "(all)" or segment_names[m["segment_id"]] == filter_segment)
             and (filter_verdict == "(any)" or verdicts[m["id"]] == filter_verdict)
             and now - m["updated_at"] >= WAITING_FILTERS[waited_at_least]]
    queue.sort(key=lambda m: m["updated_at"], reverse=not oldest_first)
    if not queue:
        st.info("Nothing to review." if len(waiting) == 0 else "Nothing matches these filters.")
        st.stop()
    table = pd.DataFrame([{"id": m["id"], "campaign": campaigns.get(m["campaign_id"]),
                           "segment": segment_names[m["segment_id"]], "channel": m["channel"],
                           "verdict": verdicts[m["id"]],
                           "variant": m["variant"], "state": m["state"],
                           "waiting": str(timedelta(seconds=int((now - m["updated_at"]).total_seconds())))}
                          for m in queue])
    show_table(table, key="rq_table")
    described = table.set_index("id")
    message_id = st.selectbox("Message", [m["id"] for m in queue], key="rq_message",
                              format_func=lambda i: " · ".join(
                                  str(v) for v in [f"#{i}", *described.loc[i, ["campaign", "segment", "channel",
                                                                              "variant", "verdict"]]]))
    detail = message_detail(engine, principal, message_id)
    version = detail["versions"][-1]
    screening = version["screening"]
    st.markdown(f"**Version {version['version']}** by {md(version['author'])} · verdict **{screening['verdict']}** · "
                f"rule set {version['ruleset_version']} · content hash `{version['content_hash'][:16]}`")
    stored_text = screening.get("text") or ""
    if stored_text:  # the screened text (subject, title, body) with the findings of that screening marked
        with st.container(border=True):
            st.markdown(highlighted_spans(stored_text, ((f["start"], f["end"], f["severity"])
                                                        for f in screening["findings"])))
    else:
        for key in ("subject", "title", "body"):
            if version["content"].get(key):
                st.markdown(f"*{key}:* " + escape_markdown(version["content"][key]))
    if screening["findings"]:
        finding_cards([Finding.from_dict(stored) for stored in screening["findings"]], key="rq_findings")
    if len(detail["versions"]) > 1:
        with st.expander("Compare versions (default: changes since the previous version)"):
            compare_versions(detail["versions"], key="rq_compare")
    for event in detail["events"]:
        if event["kind"] in ("comment", "waiver", "request_changes"):
            st.caption(f"{md(event['actor'])} · {event['kind']} · v{event['version']}: {md(event['text'])}")

    blocks = review_findings(engine, principal, message_id)
    open_blocks = [f for f in blocks if f["waiver"] is None]
    if blocks:
        st.markdown("**Blocking findings under the rules in force**")
        for finding in blocks:
            waiver = finding["waiver"]
            status = (f"✅ waived by {md(waiver['granted_by'])} until {waiver['expires']:%d %b %Y}: "
                      f"{md(waiver['reason'])}" if waiver else "⛔ needs a waiver before this version can be approved")
            st.caption(f"`{finding['rule_id']}` · “{md(finding['matched_text'])}” · {status}")
    if open_blocks:
        with st.expander(f"Grant a waiver ({len(open_blocks)} blocking finding(s) not waived)"):
            problem = open_blocks[0]["waiver_problem"]
            if problem:
                st.warning(problem)
            finding = st.selectbox(
                "Finding", range(len(open_blocks)), key="rq_waiver_finding",
                format_func=lambda i: f"{open_blocks[i]['rule_id']}: {open_blocks[i]['matched_text']}")
            reason = st.text_area("Reason (why it is acceptable here)", key="rq_waiver_reason", max_chars=2000)
            expires = st.date_input("Expires", value=date.today() + timedelta(days=30), key="rq_waiver_expires",
                                    min_value=date.today() + timedelta(days=1))
            if st.button("Grant waiver", key="rq_waiver", disabled=bool(problem)):
                with user_errors("recording the waiver"):
                    grant_waiver(engine, principal, message_id, open_blocks[finding]["rule_id"],
                                 open_blocks[finding]["matched_text"], reason, expires)
                    st.session_state["review_notice"] = "Waiver recorded."
                    st.rerun()

    comment = st.text_area("Comment (required when sending back or rejecting)", key="rq_comment", max_chars=2000)
    a, b, c = st.columns(3)
    if open_blocks:
        st.caption("Approve is available once every blocking finding is fixed by the author or waived.")
    for column, action, label in ((a, "approve", "Approve"), (b, "request_changes", "Request changes"),
                                  (c, "reject", "Reject")):
        if column.button(label, key=f"rq_{action}", type="primary" if action == "approve" else "secondary",
                         disabled=action == "approve" and bool(open_blocks)):
            with user_errors("recording the decision"):
                state = decide(engine, principal, message_id, action, detail["lock_version"], comment)
                st.session_state["review_notice"] = f"Message #{message_id} is now {state.replace('_', ' ')}."
                st.rerun()

"""Campaign review workflow on the store: versions, four-eyes, waivers, optimistic concurrency, re-screening."""

import threading
from datetime import date, timedelta

import pytest

from campaigns.review import decide, grant_waiver, recheck_approved, rescreen_approved, review_findings
from campaigns.service import (
    CampaignError,
    create_campaign,
    create_message,
    exportable,
    list_messages,
    message_detail,
    save_version,
    submit,
)
from campaigns.smart import SmartGoal
from campaigns.workflow import FourEyesViolation, IllegalTransition, UnwaivedBlockFinding
from compliance.tuning import save_tuning
from data.seed import seed_demo
from segmentation.service import save_rule_segment, segmentable_data
from store.audit import verify_audit_chain
from store.campaigns import StaleMessage, read_message
from store.db import create_store_engine, upgrade

TODAY = date.today()
CLEAN = "Discover our new autumn collection, made to last. Shop now in our stores."
GAMBLING = "Win big tonight at our casino partner!"


def _goal():
    return SmartGoal(kpi="conversion_rate", segment="Adults", start=TODAY, deadline=TODAY + timedelta(days=180),
                     baseline=0.02, relative_change=0.15)


def _setup(store, people):
    ids = seed_demo(store, people["mark"], rows=400, campaign=False)
    data = segmentable_data(store, people["mark"], ids["customers"])
    segment = save_rule_segment(store, people["mark"], data, "Adults",
                                {"all": [{"column": "age", "op": ">=", "value": 18}]}, "demographic")
    campaign = create_campaign(store, people["mark"], name="Autumn", dataset_id=ids["customers"],
                               core_message="Quality that lasts", budget=5000.0, start=TODAY,
                               end=TODAY + timedelta(days=60), goal=_goal(), segment_ids=[segment])
    message = create_message(store, people["mark"], campaign, segment, "email")
    return campaign, segment, message


def test_vague_goal_is_refused_with_the_missing_letters(people, store):
    ids = seed_demo(store, people["mark"], rows=200, campaign=False)
    vague = SmartGoal(kpi="conversion_rate", segment=None, start=TODAY, deadline=None)
    with pytest.raises(CampaignError, match="not SMART"):
        create_campaign(store, people["mark"], name="Vague", dataset_id=ids["customers"], core_message="x",
                        budget=None, start=TODAY, end=TODAY, goal=vague, segment_ids=[])


def test_full_journey_with_four_eyes(people, store):
    _, _, message_id = _setup(store, people)
    save_version(store, people["mark"], message_id, body=CLEAN, subject="Autumn collection")
    submit(store, people["mark"], message_id, read_message(store, message_id)["lock_version"])
    lock = read_message(store, message_id)["lock_version"]
    assert decide(store, people["rita"], message_id, "approve", lock) == "approved"
    detail = message_detail(store, people["manu"], message_id)
    assert exportable(detail, detail["versions"])
    assert verify_audit_chain(store).ok


def test_author_cannot_approve_own_version(people, store):
    _, _, message_id = _setup(store, people)
    save_version(store, people["multi"], message_id, body=CLEAN)
    submit(store, people["multi"], message_id, read_message(store, message_id)["lock_version"])
    with pytest.raises(FourEyesViolation):
        decide(store, people["multi"], message_id, "approve", read_message(store, message_id)["lock_version"])


def test_block_finding_needs_a_valid_waiver(people, store):
    _, _, message_id = _setup(store, people)
    save_version(store, people["mark"], message_id, body=GAMBLING)
    detail = message_detail(store, people["mark"], message_id)
    assert detail["versions"][-1]["screening"]["verdict"] == "block"
    submit(store, people["mark"], message_id, read_message(store, message_id)["lock_version"])
    with pytest.raises(UnwaivedBlockFinding):
        decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"])
    for finding in detail["versions"][-1]["screening"]["findings"]:
        if finding["severity"] == "block":
            grant_waiver(store, people["rita"], message_id, finding["rule_id"], finding["matched_text"],
                         "Licensed partner event for adults only, legal sign-off 2026-11.", TODAY + timedelta(days=30))
    assert decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"]) == \
        "approved"


def test_review_findings_show_which_blocks_still_need_a_waiver(people, store):
    _, _, message_id = _setup(store, people)
    save_version(store, people["mark"], message_id, body=GAMBLING)
    submit(store, people["mark"], message_id, read_message(store, message_id)["lock_version"])
    blocks = review_findings(store, people["rita"], message_id)
    assert blocks and all(f["waiver"] is None and f["waiver_problem"] is None for f in blocks)
    first = blocks[0]
    grant_waiver(store, people["rita"], message_id, first["rule_id"], first["matched_text"],
                 "Licensed partner event for adults only, legal sign-off 2026-11.", TODAY + timedelta(days=30))
    after = review_findings(store, people["rita"], message_id)
    waived = [f for f in after if f["waiver"] is not None]
    assert [f["matched_text"] for f in waived] == [first["matched_text"]]
    assert waived[0]["waiver"]["granted_by"] == "rita" and waived[0]["waiver"]["expires"] == TODAY + timedelta(days=30)
    # the waiver lapses: the same finding needs a waiver again
    lapsed = review_findings(store, people["rita"], message_id, today=TODAY + timedelta(days=31))
    assert all(f["waiver"] is None for f in lapsed)


def test_the_author_is_told_someone_else_must_waive(people, store):
    _, _, message_id = _setup(store, people)
    save_version(store, people["multi"], message_id, body=GAMBLING)
    submit(store, people["multi"], message_id, read_message(store, message_id)["lock_version"])
    blocks = review_findings(store, people["multi"], message_id)
    assert blocks and all("another reviewer" in f["waiver_problem"] for f in blocks)


def test_message_list_carries_the_current_verdict(people, store):
    campaign, _, message_id = _setup(store, people)
    assert [m["verdict"] for m in list_messages(store, people["rita"], campaign)] == [None]
    save_version(store, people["mark"], message_id, body=GAMBLING)
    assert [m["verdict"] for m in list_messages(store, people["rita"], campaign)] == ["block"]
    save_version(store, people["mark"], message_id, body=CLEAN)
    assert [m["verdict"] for m in list_messages(store, people["rita"], state="draft")] == ["pass"]


def test_an_edit_after_approval_needs_a_new_approval(people, store):
    _, _, message_id = _setup(store, people)
    save_version(store, people["mark"], message_id, body=CLEAN)
    submit(store, people["mark"], message_id, read_message(store, message_id)["lock_version"])
    decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"])
    save_version(store, people["mark"], message_id, body=CLEAN + " Free delivery.")
    detail = message_detail(store, people["mark"], message_id)
    assert detail["state"] == "draft" and not exportable(detail, detail["versions"])
    with pytest.raises(IllegalTransition):
        decide(store, people["rita"], message_id, "approve", detail["lock_version"])


def test_rule_change_flags_approved_messages_whose_verdict_got_worse(people, store):
    _, _, message_id = _setup(store, people)
    save_version(store, people["mark"], message_id, body="Our autumn collection is built to last for years.")
    submit(store, people["mark"], message_id, read_message(store, message_id)["lock_version"])
    decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"])
    ruleset = save_tuning(store, people["rita"], {"extra_terms": {"gambling.casino": {"en": ["autumn"]}}}, {},
                          "test rule change")
    assert ruleset.version
    assert rescreen_approved(store, people["rita"]) == [message_id]
    detail = message_detail(store, people["mark"], message_id)
    assert detail["needs_rereview"] and not exportable(detail, detail["versions"])
    assert detail["state"] == "submitted"  # back in the review queue
    assert detail["events"][-1]["kind"] == "recheck" and detail["events"][-1]["details"]["verdict"] == "block"
    assert verify_audit_chain(store).ok


def _approved(store, people, body=CLEAN, author="mark"):
    campaign, _, message_id = _setup(store, people)
    save_version(store, people[author], message_id, body=body)
    submit(store, people[author], message_id, read_message(store, message_id)["lock_version"])
    return campaign, message_id


def test_a_recheck_under_the_same_rules_is_recorded_once_and_changes_nothing(people, store):
    _, message_id = _approved(store, people)
    decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"])
    assert recheck_approved(store, people["mark"]) == []  # judged at approval under the rules in force: skipped
    assert [e["kind"] for e in message_detail(store, people["mark"], message_id)["events"]] == ["submit", "approve"]
    assert recheck_approved(store, people["mark"], force=True) == []
    detail = message_detail(store, people["mark"], message_id)
    assert [e["kind"] for e in detail["events"]] == ["submit", "approve", "recheck"]
    assert detail["state"] == "approved" and exportable(detail, detail["versions"])


def test_an_expired_waiver_sends_the_approval_back_to_review(people, store):
    _, message_id = _approved(store, people, body=GAMBLING)
    for finding in review_findings(store, people["rita"], message_id):
        grant_waiver(store, people["rita"], message_id, finding["rule_id"], finding["matched_text"],
                     "Licensed partner event for adults only, legal sign-off 2026-11.", TODAY + timedelta(days=3))
    decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"])
    assert recheck_approved(store, people["mark"], force=True, today=TODAY + timedelta(days=1)) == []
    assert recheck_approved(store, people["mark"], force=True, today=TODAY + timedelta(days=4)) == [message_id]
    assert read_message(store, message_id)["state"] == "submitted"


def test_the_author_cannot_re_approve_a_message_sent_back_by_a_rule_change(people, store):
    _, message_id = _approved(store, people, body="Our autumn collection is built to last for years.", author="multi")
    decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"])
    save_tuning(store, people["rita"], {"extra_terms": {"gambling.casino": {"en": ["autumn"]}}}, {}, "rule change")
    assert recheck_approved(store, people["rita"]) == [message_id]
    blocks = review_findings(store, people["multi"], message_id)
    assert blocks and all("another reviewer" in f["waiver_problem"] for f in blocks)
    with pytest.raises(FourEyesViolation):
        decide(store, people["multi"], message_id, "approve", read_message(store, message_id)["lock_version"])
    assert decide(store, people["rita"], message_id, "request_changes", read_message(store, message_id)["lock_version"],
                  "Avoid the word autumn: it is on our gambling list now.") == "changes_requested"


def test_export_after_a_rule_change_refuses_and_says_why(people, store):
    from campaigns.export import ExportError, export_campaign

    campaign, message_id = _approved(store, people, body="Our autumn collection is built to last for years.")
    decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"])
    save_tuning(store, people["rita"], {"extra_terms": {"gambling.casino": {"en": ["autumn"]}}}, {}, "rule change")
    with pytest.raises(ExportError, match="went back to the review queue"):
        export_campaign(store, people["mark"], campaign)
    assert read_message(store, message_id)["state"] == "submitted"


@pytest.mark.parametrize("backend", ["sqlite-file", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_reviewers_at_once_store_exactly_one_decision(people, store, tmp_path, backend):
    if (backend == "postgresql") != (store.dialect.name == "postgresql"):
        pytest.skip("runs on the matching store backend")
    engine = store
    if backend == "sqlite-file":  # real parallel connections need a file database
        engine = create_store_engine(f"sqlite:///{tmp_path / 'parallel.db'}")
        upgrade(engine)
        from tests.conftest import make_users

        people = make_users(engine)
    _, _, message_id = _setup(engine, people)
    save_version(engine, people["mark"], message_id, body=CLEAN)
    submit(engine, people["mark"], message_id, read_message(engine, message_id)["lock_version"])
    lock = read_message(engine, message_id)["lock_version"]
    outcomes, barrier = [], threading.Barrier(2)

    def act(who, action):
        barrier.wait()
        try:
            outcomes.append(decide(engine, people[who], message_id, action, lock,
                                   comment="please rephrase the opening"))
        except StaleMessage as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=act, args=("rita", "approve")),
               threading.Thread(target=act, args=("multi", "reject"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    decisions = [o for o in outcomes if o in ("approved", "rejected")]
    assert len(decisions) == 1, outcomes
    assert any("Someone else changed this message" in o for o in outcomes)
    events = [e for e in message_detail(engine, people["mark"], message_id)["events"]
              if e["kind"] in ("approve", "reject")]
    assert len(events) == 1
    assert verify_audit_chain(engine).ok


def test_export_only_approved_unchanged_messages_with_consented_audience(people, store):
    import io
    import json
    import zipfile

    from campaigns.export import ExportError, export_campaign

    campaign, segment, message_id = _setup(store, people)
    save_version(store, people["mark"], message_id, body="=HYPERLINK(\"http://x\") " + CLEAN)
    with pytest.raises(ExportError, match="No message"):
        export_campaign(store, people["mark"], campaign)
    submit(store, people["mark"], message_id, read_message(store, message_id)["lock_version"])
    decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"])
    payload, manifest = export_campaign(store, people["mark"], campaign, "csv")
    archive = zipfile.ZipFile(io.BytesIO(payload))
    names = set(archive.namelist())
    assert "manifest.json" in names
    entry = manifest["messages"][0]
    assert entry["content_hash"] == read_message(store, message_id)["approved_hash"]
    assert entry["approvals"][0]["by"] == "rita" and entry["contact_details"]
    audience = archive.read(f"message-{message_id}-email-A.csv").decode("utf-8-sig").splitlines()
    assert audience[0] == "subject_id,message_id,variant,contact"
    assert len(audience) - 1 == entry["recipients"] > 0
    assert json.loads(archive.read(f"message-{message_id}-email-A-copy.json"))["body"].startswith("=HYPERLINK")
    save_version(store, people["mark"], message_id, body=CLEAN + " Changed.")  # changed after approval
    with pytest.raises(ExportError):
        export_campaign(store, people["mark"], campaign)


def test_the_audience_is_the_segment_members_not_the_whole_table(people, store):
    from campaigns.service import audience_for_segment

    ids = seed_demo(store, people["mark"], rows=600, campaign=False)
    data = segmentable_data(store, people["mark"], ids["customers"])
    ages = data.frame["age"]
    assert (ages < 18).any(), "the demo data should contain minors for this test"
    adults = save_rule_segment(store, people["mark"], data, "Adults only",
                               {"all": [{"column": "age", "op": ">=", "value": 18}]}, "demographic")
    teens = save_rule_segment(store, people["mark"], data, "Teens",
                              {"all": [{"column": "age", "op": "<", "value": 18}]}, "demographic")
    for_adults = audience_for_segment(store, people["rita"], adults)  # a reviewer may ask, too
    assert for_adults.min_age >= 18 and for_adults.share_minors == 0.0 and for_adults.selected_by_age
    for_teens = audience_for_segment(store, people["mark"], teens, data=data)
    assert for_teens.max_age < 18 and for_teens.share_minors == 1.0
    teen_mask = data.frame["age"] < 18  # a membership the caller already evaluated is used as given
    assert audience_for_segment(store, people["mark"], teens, data=data, mask=teen_mask) == for_teens


def test_the_segment_plan_keeps_known_channels_and_trims_text(people, store):
    from campaigns.service import update_segment_plan
    from store.campaigns import read_campaign

    campaign, segment, _ = _setup(store, people)
    with pytest.raises(CampaignError, match="Unknown channel"):
        update_segment_plan(store, people["mark"], campaign, segment, channels=["carrier pigeon"])
    update_segment_plan(store, people["mark"], campaign, segment, value_proposition="  Lasting quality  ",
                        channels=["email", "email", "linkedin"])
    plan = read_campaign(store, campaign)["segments"][segment]
    assert plan["value_proposition"] == "Lasting quality" and plan["channels"] == ["email", "linkedin"]
    assert verify_audit_chain(store).ok

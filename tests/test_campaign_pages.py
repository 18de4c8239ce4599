"""AppTest journey: plan a campaign, write a message with a prohibited claim, fix it, submit; another user approves."""

from datetime import date, timedelta

from campaigns.review import decide
from campaigns.service import create_campaign, create_message, save_version, submit
from campaigns.smart import SmartGoal
from data.seed import seed_demo
from segmentation.service import save_rule_segment, segmentable_data
from store.campaigns import read_campaigns, read_message
from tests.conftest import make_users, open_page

TIMEOUT = 90


def _type(app, message_id, text):
    """What the live text area does after a pause in typing: the text lands under its key, the page reruns."""
    app.session_state[f"ed_body_{message_id}"] = text
    return app.run()


def _world(engine):
    people = make_users(engine)
    ids = seed_demo(engine, people["mark"], rows=500, campaign=False)
    data = segmentable_data(engine, people["mark"], ids["customers"])
    segment = save_rule_segment(engine, people["mark"], data, "Adults",
                                {"all": [{"column": "age", "op": ">=", "value": 18}]})
    return people, ids, segment


def _campaign(engine, people, ids, segment, name, core_message):
    goal = SmartGoal(kpi="conversion_rate", segment="Adults", start=date.today(),
                     deadline=date.today() + timedelta(days=90), baseline=0.02, relative_change=0.1)
    return create_campaign(engine, people["mark"], name=name, dataset_id=ids["customers"], core_message=core_message,
                           budget=None, start=date.today(), end=date.today() + timedelta(days=30), goal=goal,
                           segment_ids=[segment])


def _submitted(app_db, body, subject=None):
    """A world with one e-mail message written by mark and submitted: (people, message id)."""
    people, ids, segment = _world(app_db)
    campaign = _campaign(app_db, people, ids, segment, "Winter", "Warm quality that lasts")
    message_id = create_message(app_db, people["mark"], campaign, segment, "email")
    _resubmit(app_db, people, message_id, body, subject)
    return people, message_id


def _resubmit(app_db, people, message_id, body, subject=None):
    save_version(app_db, people["mark"], message_id, body=body, subject=subject)
    submit(app_db, people["mark"], message_id, read_message(app_db, message_id)["lock_version"])


def test_plan_a_campaign_in_the_browser(app_db):
    people, ids, segment = _world(app_db)
    app = open_page(people["mark"], "pages/campaign_planner.py")
    app.text_input(key="campaign_name").input("Winter")
    app.text_area(key="campaign_core").input("Warm quality that lasts")
    app.multiselect(key="campaign_segments").select(segment).run()
    app.number_input(key="goal_baseline").set_value(0.02)
    app.number_input(key="goal_change").set_value(0.15).run()
    assert not app.exception, app.exception
    app.button(key="campaign_create").click().run()
    assert not app.exception, app.exception
    assert [c["name"] for c in read_campaigns(app_db)] == ["Winter"]


def test_write_fix_submit_and_approve(app_db):
    people, ids, segment = _world(app_db)
    campaign = _campaign(app_db, people, ids, segment, "Winter", "Warm quality that lasts")
    message_id = create_message(app_db, people["mark"], campaign, segment, "email")
    app = open_page(people["mark"], "pages/message_editor.py")
    app.text_input(key=f"ed_subject_{message_id}").input("Winter deals")
    _type(app, message_id, "Only 2 left! Guaranteed warm quality that lasts.")
    assert any("Blocked" in e.value or "review" in e.value.lower() for e in [*app.error, *app.warning])
    _type(app, message_id, "Warm quality that lasts, for the whole winter.")
    assert any("Pass" in s.value for s in app.success)
    app.button(key="ed_save").click().run()
    app.button(key="ed_submit").click().run()
    assert not app.exception, app.exception
    assert read_message(app_db, message_id)["state"] == "submitted"
    reviewer = open_page(people["rita"], "pages/review_queue.py")
    reviewer.button(key="rq_approve").click().run()
    assert not reviewer.exception, reviewer.exception
    assert read_message(app_db, message_id)["state"] == "approved"


def test_one_click_fix_removes_a_false_scarcity_claim(app_db):
    people, ids, segment = _world(app_db)
    campaign = _campaign(app_db, people, ids, segment, "Spring", "Fresh quality")
    message_id = create_message(app_db, people["mark"], campaign, segment, "sms")
    app = open_page(people["mark"], "pages/message_editor.py")
    _type(app, message_id, "Only 2 left! Fresh quality for spring.")
    fix = next(button for button in app.button if button.key and button.key.startswith(f"ed_screen_{message_id}_fix_"))
    assert fix.label.startswith("Remove “Only 2 left")
    fix.click().run()
    assert not app.exception, app.exception
    assert app.session_state[f"ed_body_{message_id}"] == "Fresh quality for spring."
    assert app.session_state[f"ed_body_{message_id}-revision"] == 1  # the browser is told to take the new text
    assert any("Pass" in s.value for s in app.success)


def test_comments_with_markdown_or_html_are_shown_literally(app_db):
    from campaigns.service import add_comment
    from store.campaigns import read_message

    people, ids, segment = _world(app_db)
    campaign = _campaign(app_db, people, ids, segment, "Autumn", "Quality")
    message_id = create_message(app_db, people["mark"], campaign, segment, "email")
    save_version(app_db, people["mark"], message_id, body="Quality that lasts.")
    add_comment(app_db, people["mark"], message_id, "![beacon](http://evil.example/t.png) <script>x()</script>")
    submit(app_db, people["mark"], message_id, read_message(app_db, message_id)["lock_version"])
    app = open_page(people["rita"], "pages/review_queue.py")
    shown = [caption.value for caption in app.caption if "beacon" in caption.value]
    assert shown and all("\\!\\[beacon\\]" in value and "\\<script\\>" in value for value in shown)


def test_reviewer_waives_a_blocking_finding_then_approves(app_db):
    people, message_id = _submitted(app_db, "Casino Royale on the big screen this Friday.")
    reviewer = open_page(people["rita"], "pages/review_queue.py")
    assert reviewer.button(key="rq_approve").disabled
    assert any("needs a waiver" in caption.value for caption in reviewer.caption)
    reviewer.text_area(key="rq_waiver_reason").input("A film title, not gambling: the 2006 James Bond film.")
    reviewer.button(key="rq_waiver").click().run()
    assert not reviewer.exception, reviewer.exception
    assert any("waived by rita" in caption.value for caption in reviewer.caption)
    assert not reviewer.button(key="rq_approve").disabled
    reviewer.button(key="rq_approve").click().run()
    assert read_message(app_db, message_id)["state"] == "approved"


def test_a_waiver_without_a_real_reason_is_refused_on_the_page(app_db):
    people, message_id = _submitted(app_db, "Casino Royale on the big screen this Friday.")
    reviewer = open_page(people["rita"], "pages/review_queue.py")
    reviewer.text_area(key="rq_waiver_reason").input("ok")
    reviewer.button(key="rq_waiver").click().run()
    assert not reviewer.exception, reviewer.exception
    assert reviewer.error and "reason" in reviewer.error[0].value.lower()
    assert reviewer.button(key="rq_approve").disabled


def test_the_review_queue_rechecks_approvals_after_a_rule_change(app_db):
    from compliance.tuning import save_tuning

    people, message_id = _submitted(app_db, "Our autumn collection is built to last for years.")
    decide(app_db, people["rita"], message_id, "approve", read_message(app_db, message_id)["lock_version"])
    save_tuning(app_db, people["rita"], {"extra_terms": {"gambling.casino": {"en": ["autumn"]}}}, {}, "rule change")
    reviewer = open_page(people["rita"], "pages/review_queue.py")
    assert not reviewer.exception, reviewer.exception
    assert any("no longer pass the rules in force" in warning.value for warning in reviewer.warning)
    assert read_message(app_db, message_id)["state"] == "submitted"
    assert reviewer.button(key="rq_approve").disabled  # the new block finding needs a waiver or a fix


def test_the_reviewer_compares_the_resubmitted_version_with_the_one_sent_back(app_db):
    people, message_id = _submitted(app_db, "Only 2 left!\nWarm quality that lasts.", subject="Hurry")
    decide(app_db, people["rita"], message_id, "request_changes", read_message(app_db, message_id)["lock_version"],
           "Drop the false scarcity and the pushy subject.")
    _resubmit(app_db, people, message_id, "Warm quality that lasts.", subject="Winter")
    reviewer = open_page(people["rita"], "pages/review_queue.py")
    assert not reviewer.exception, reviewer.exception
    compared = next(frame.value for frame in reviewer.dataframe if "field" in frame.value.columns)
    assert set(compared["field"]) == {"subject", "body"}
    assert ("delete", "Only 2 left!") in set(zip(compared["change"], compared["before"], strict=True))


def test_the_marketer_withdraws_a_submitted_message_to_edit_it(app_db):
    people, message_id = _submitted(app_db, "Warm quality that lasts.")
    app = open_page(people["mark"], "pages/message_editor.py")
    app.button(key="ed_withdraw").click().run()
    assert not app.exception, app.exception
    assert read_message(app_db, message_id)["state"] == "draft"
    assert any("Withdrawn" in s.value for s in app.success)


def test_the_waiting_time_filter_hides_messages_that_just_arrived(app_db):
    people, message_id = _submitted(app_db, "Warm quality that lasts.")
    reviewer = open_page(people["rita"], "pages/review_queue.py")
    assert reviewer.button(key="rq_approve")  # listed
    reviewer.selectbox(key="rq_waiting").select("1 day").run()
    assert not reviewer.exception, reviewer.exception
    assert any("Nothing matches these filters" in info.value for info in reviewer.info)


def test_the_marketer_halves_variant_a_and_adds_variant_b_in_the_editor(app_db):
    from store.campaigns import read_messages

    people, ids, segment = _world(app_db)
    campaign = _campaign(app_db, people, ids, segment, "Winter", "Warm quality that lasts")
    first = create_message(app_db, people["mark"], campaign, segment, "email")
    app = open_page(people["mark"], "pages/message_editor.py")
    app.number_input(key=f"ed_change_split_{first}").set_value(0.5)
    app.button(key="ed_save_split").click().run()
    assert not app.exception, app.exception
    assert read_message(app_db, first)["split"] == 0.5
    app.text_input(key="ed_new_variant").input("B")
    assert app.number_input(key=f"ed_split_{segment}_email_0.5").value == 0.5  # the free share is offered
    app.button(key="ed_add").click().run()
    assert not app.exception, app.exception
    assert sorted((m["variant"], m["split"]) for m in read_messages(app_db, campaign)) == [("A", 0.5), ("B", 0.5)]


def test_the_marketer_home_page_points_at_messages_sent_back(app_db):
    people, message_id = _submitted(app_db, "Warm quality that lasts.")
    home = open_page(people["mark"], "pages/overview.py")
    assert not any("came back from review" in warning.value for warning in home.warning)
    decide(app_db, people["rita"], message_id, "request_changes", read_message(app_db, message_id)["lock_version"],
           "Name the winter dates, please.")
    home = open_page(people["mark"], "pages/overview.py")
    assert any("1 message(s) came back from review" in warning.value for warning in home.warning)


def test_the_segment_plan_is_prefilled_editable_and_drives_the_channel_list(app_db):
    people, ids, segment = _world(app_db)
    campaign = _campaign(app_db, people, ids, segment, "Winter", "Warm quality that lasts")
    app = open_page(people["mark"], "pages/campaign_planner.py")
    form_key = f"plan_{campaign}_{segment}"
    assert app.multiselect(key=f"{form_key}_channels").value  # a suggestion is preselected
    app.text_area(key=f"{form_key}_vp").input("Warm, durable basics for every winter")
    app.text_area(key=f"{form_key}_price").input("Fair prices, no credit or interest offers")
    app.multiselect(key=f"{form_key}_channels").set_value(["sms", "email"])
    next(button for button in app.button if button.label == "Save the segment plan").click().run()
    assert not app.exception, app.exception
    saved = read_campaigns(app_db)[0]["segments"][segment]
    assert saved["value_proposition"] == "Warm, durable basics for every winter"
    assert saved["channels"] == ["sms", "email"]
    editor = open_page(people["mark"], "pages/message_editor.py")
    assert editor.selectbox(key="ed_new_channel").options[:2] == ["sms (planned)", "email (planned)"]

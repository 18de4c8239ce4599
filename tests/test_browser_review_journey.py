"""Real browser, two users: the marketer fixes a flagged message and submits it, a reviewer approves it, the
marketer exports it. An XSS payload in the message is shown as text and never runs."""

import re
from datetime import date, timedelta

import pytest

from campaigns.service import create_campaign, create_message, save_version, submit
from campaigns.smart import SmartGoal
from data.seed import seed_demo
from segmentation.service import save_rule_segment, segmentable_data
from store.accounts import bootstrap_first_admin, create_user
from store.audit import AuditFilter, list_audit, verify_audit_chain
from store.campaigns import read_message
from store.db import create_store_engine, upgrade
from tests.browser_support import assert_no_exception, browser_page, chromium_path, running_app, screenshot, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "journey password 123"
XSS = "<img src=x onerror=alert('xss')><script>alert('xss')</script>"


def _prepare(tmp_path, monkeypatch):
    monkeypatch.setenv("AMANAH_DATA_DIR", str(tmp_path / "data"))
    engine = create_store_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    upgrade(engine)
    mark = bootstrap_first_admin(engine, "mark", PASSWORD, "Mark Marketer", extra_roles=["marketer"])
    create_user(engine, mark, "rita", PASSWORD, ["reviewer"], "Rita Reviewer", must_change_password=False)
    ids = seed_demo(engine, mark, rows=400, campaign=False)
    data = segmentable_data(engine, mark, ids["customers"])
    adults = {"all": [{"column": "age", "op": ">=", "value": 18}]}
    segment = save_rule_segment(engine, mark, data, f"Adults {XSS}", adults)
    goal = SmartGoal(kpi="conversion_rate", segment="Adults", start=date.today(),
                     deadline=date.today() + timedelta(days=90), baseline=0.02, relative_change=0.1)
    campaign = create_campaign(engine, mark, name="Winter", dataset_id=ids["customers"],
                               core_message="Warm quality that lasts", budget=None, start=date.today(),
                               end=date.today() + timedelta(days=30), goal=goal, segment_ids=[segment])
    return engine, create_message(engine, mark, campaign, segment, "email"), mark


def _sign_in(page, base, username):
    page.goto(base)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Welcome,").wait_for(timeout=60_000)
    wait_idle(page)


def _sign_out(page):
    # Wait until the server has ended the session: navigating away earlier would let the next page load
    # resume it from the browser's session cookie, as a reload should.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("Sign in to Amanah").wait_for(timeout=30_000)


def _open(page, title):
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title, exact=True).click()
    wait_idle(page)


def test_marketer_fixes_and_submits_reviewer_approves_marketer_exports(tmp_path, monkeypatch):
    chromium_path()
    engine, message_id, author = _prepare(tmp_path, monkeypatch)
    dialogs = []
    with running_app(tmp_path) as base, browser_page() as page:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        _sign_in(page, base, "mark")
        _open(page, "Message editor")
        page.get_by_label("Subject").fill("Winter")
        body = page.get_by_role("textbox", name="Message text")
        body.fill(f"{XSS} Only 2 left! Guaranteed warm quality that lasts.")  # screened after a pause: no Enter
        page.get_by_text("Blocked").first.wait_for(timeout=30_000)
        assert page.get_by_text("<script>alert('xss')</script>", exact=False).count() >= 1  # shown as text
        screenshot(page, "30-editor-flagged")
        page.get_by_role("button", name="Remove “Only 2 left”").click()  # the one-click fix reaches the text area
        for _ in range(120):
            if "Only 2 left" not in body.input_value():
                break
            page.wait_for_timeout(250)
        assert "Only 2 left" not in body.input_value()
        assert body.input_value().startswith(XSS) and body.input_value().endswith("Guaranteed warm quality that lasts.")
        body.fill("")
        body.press_sequentially("Warm quality that lasts, all winter long.", delay=25)  # typed, reruns between
        page.get_by_text("Pass").first.wait_for(timeout=30_000)
        assert body.input_value() == "Warm quality that lasts, all winter long."  # no keystroke lost to a rerun
        page.get_by_role("button", name="Save as new version").click()
        page.get_by_text("Saved a new version").wait_for(timeout=30_000)
        page.get_by_role("button", name="Submit for review").click()
        page.get_by_text("Submitted").first.wait_for(timeout=30_000)
        assert_no_exception(page)
        _sign_out(page)

        _sign_in(page, base, "rita")
        _open(page, "Review queue")
        page.get_by_role("button", name="Approve", exact=True).click()
        page.get_by_text("is now approved").wait_for(timeout=30_000)
        screenshot(page, "31-review-approved")
        _sign_out(page)

        _sign_in(page, base, "mark")
        _open(page, "Campaigns")
        page.get_by_text("Export approved messages for sending").click()
        page.get_by_role("button", name="Prepare export").click()
        page.get_by_role("button", name=re.compile(r"^Download \(1 messages, [\d,]+ recipients\)")).wait_for(
            timeout=30_000)
        screenshot(page, "32-export-ready")
        assert_no_exception(page)
    assert dialogs == [], "a script from user content ran in the browser"
    assert read_message(engine, message_id)["state"] == "approved"
    assert verify_audit_chain(engine).ok
    trail = [(row["actor"], row["action"]) for row in reversed(list_audit(engine, author, AuditFilter(limit=10_000)))]
    journey = [("mark", "message.version"), ("mark", "message.submit"), ("rita", "message.approve"),
               ("mark", "message.recheck"), ("mark", "campaign.export")]
    steps = iter(trail)
    assert all(step in steps for step in journey), f"audit trail out of order or incomplete: {trail}"


def test_reviewer_waives_a_false_positive_in_the_browser_then_approves(tmp_path, monkeypatch):
    chromium_path()
    engine, message_id, author = _prepare(tmp_path, monkeypatch)
    save_version(engine, author, message_id, body="Casino Royale on the big screen this Friday.", subject="Film")
    submit(engine, author, message_id, read_message(engine, message_id)["lock_version"])
    dialogs = []
    with running_app(tmp_path) as base, browser_page() as page:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        _sign_in(page, base, "rita")
        _open(page, "Review queue")
        page.get_by_text("needs a waiver").first.wait_for(timeout=30_000)
        assert page.get_by_role("button", name="Approve", exact=True).is_disabled()
        page.get_by_text("Grant a waiver").click()
        page.get_by_label("Reason (why it is acceptable here)").fill(f"A film title, not gambling. {XSS}")
        page.get_by_role("button", name="Grant waiver").click()
        page.get_by_text("Waiver recorded").wait_for(timeout=30_000)
        page.get_by_text("waived by rita").first.wait_for(timeout=30_000)
        assert page.get_by_text("<script>alert('xss')</script>", exact=False).count() >= 1  # the reason, as text
        screenshot(page, "33-review-waived")
        page.get_by_role("button", name="Approve", exact=True).click()
        page.get_by_text("is now approved").wait_for(timeout=30_000)
        assert_no_exception(page)
    assert dialogs == [], "a script from user content ran in the browser"
    assert read_message(engine, message_id)["state"] == "approved"

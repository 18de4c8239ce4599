"""AppTest: a reviewer tunes rules, sees the effect at once in 'try a message', saves a new version."""

import pytest
from streamlit.testing.v1 import AppTest

from compliance.tuning import ruleset_in_force, save_tuning
from store.authz import PermissionDenied
from store.rule_overlays import overlay_history
from tests.conftest import ROOT, make_users, signed_in_state

TIMEOUT = 60




def _rules_page(engine):
    people = make_users(engine)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    for key, value in signed_in_state(people["rita"]).items():
        app.session_state[key] = value
    app.run()
    app.switch_page("pages/compliance_rules.py").run()
    return app, people


def test_try_a_message_reflects_unsaved_tuning_and_save_versions_it(app_db):
    app, people = _rules_page(app_db)
    app.session_state["rules_try_text"] = "Win big tonight at our casino!"  # what the live text area reports
    app.run()
    assert any("Blocked" in error.value for error in app.error)
    before = ruleset_in_force(app_db).version
    app.multiselect(key="rules_disabled_categories").select("gambling").run()
    assert any("Pass" in success.value for success in app.success)
    app.text_input(key="rules_note").input("Casino partner campaign is out of scope")
    app.button(key="rules_save").click().run()
    assert not app.exception
    after = ruleset_in_force(app_db)
    assert after.version != before
    from compliance import screen

    assert screen("Win big tonight at our casino!", ruleset=after).verdict == "pass"
    history = overlay_history(app_db, people["rita"], "default")
    assert history[0]["overlay"]["disabled_categories"] == ["gambling"]
    assert history[0]["ruleset_version"] == after.version


def test_user_text_is_shown_as_text_never_as_html(app_db):
    app, _ = _rules_page(app_db)
    payload = "<script>alert('x')</script> <img src=x onerror=alert(1)> Bet now!"
    app.session_state["rules_try_text"] = payload
    app.run()
    assert not app.exception
    rendered = [element.value for element in app.markdown if "script" in element.value]
    assert rendered and all("\\<script\\>" in value for value in rendered)
    assert all(not getattr(element.proto, "allow_html", False) for element in app.markdown)


def test_only_reviewers_may_tune(app_db):
    people = make_users(app_db)
    with pytest.raises(PermissionDenied):
        save_tuning(app_db, people["mark"], {"disabled_categories": ["gambling"]}, {})

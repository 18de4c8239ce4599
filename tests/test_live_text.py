"""The live text area: text kept under its key, server-side changes reach the browser, limits hold on the server."""

from streamlit.testing.v1 import AppTest


def _app():
    import streamlit as st

    from ui.live_text import live_text_area, set_live_text

    text = live_text_area("Message text", key="body", value="Only 2 left!", max_chars=20,
                          disabled=st.session_state.get("locked", False))
    st.text(f"TEXT=[{text}]")
    st.button("Fix", key="fix", on_click=lambda: set_live_text("body", st.session_state["body"].replace("2", "3")))


def _shown(app):
    return next(element.value for element in app.text if element.value.startswith("TEXT="))


def test_starts_with_the_given_value_and_keeps_what_was_typed():
    app = AppTest.from_function(_app).run()
    assert not app.exception, app.exception
    assert _shown(app) == "TEXT=[Only 2 left!]"
    app.session_state["body"] = "Warm quality"  # what the browser's report leaves under the key
    app.run()
    assert _shown(app) == "TEXT=[Warm quality]"
    app.run()  # a later rerun does not reset the text to the initial value
    assert _shown(app) == "TEXT=[Warm quality]"


def test_a_change_from_python_bumps_the_revision_the_browser_follows():
    app = AppTest.from_function(_app).run()
    assert app.session_state["body-revision"] == 0
    app.button(key="fix").click().run()
    assert _shown(app) == "TEXT=[Only 3 left!]"
    assert app.session_state["body-revision"] == 1
    app.button(key="fix").click().run()
    assert app.session_state["body-revision"] == 2


def test_the_length_limit_holds_on_the_server():
    app = AppTest.from_function(_app).run()
    app.session_state["body"] = "x" * 50
    app.run()
    assert _shown(app) == f"TEXT=[{'x' * 20}]"

"""AppTest: the Data page — upload, roles, quality, minimisation, save; bad files; consent tools."""

import pytest
from streamlit.testing.v1 import AppTest

from store.datasets import list_datasets, load_dataset
from tests.conftest import ROOT, make_users, signed_in_state
from tests.test_intake import CSV

TIMEOUT = 60




def _data_page(engine, who="mark"):
    people = make_users(engine)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    for key, value in signed_in_state(people[who]).items():
        app.session_state[key] = value
    app.run()
    app.switch_page("pages/datasets.py").run()
    return app, people


def _messages(app, kind):
    return [element.value for element in getattr(app, kind)]


def test_upload_and_save_a_dutch_semicolon_file(app_db):
    app, people = _data_page(app_db)
    app.file_uploader(key="customer_file_0").upload("klanten.csv", CSV.encode("cp1252"), "text/csv").run()
    assert not app.exception, app.exception
    assert any("4 rows × 9 columns" in message for message in _messages(app, "success"))
    app.button(key="upload_save").click().run()
    assert not app.exception, app.exception
    assert any("consent events recorded" in message for message in _messages(app, "success"))
    saved = list_datasets(app_db, people["mark"])
    assert [row["name"] for row in saved] == ["klanten"]
    stored = load_dataset(app_db, people["mark"], saved[0]["id"])
    assert stored["klantnummer"].str.startswith("p_").all()


@pytest.mark.parametrize("name, content, fragment", [
    ("customers.csv", b"", "empty"),
    ("customers.csv", b"\x00\x01\x02PK\x00" * 50, "not a text table"),
    ("customers.csv", b"id;name\n", "no data rows"),
])
def test_bad_files_show_one_message_and_keep_saved_data(app_db, name, content, fragment):
    app, people = _data_page(app_db)
    app.file_uploader(key="customer_file_0").upload("good.csv", CSV.encode(), "text/csv").run()
    app.button(key="upload_save").click().run()
    before = list_datasets(app_db, people["mark"])
    app.file_uploader(key="customer_file_1").upload(name, content, "text/csv").run()
    assert not app.exception
    errors = " ".join(_messages(app, "error")).lower()
    assert fragment in errors
    assert list_datasets(app_db, people["mark"]) == before


def test_consent_withdrawal_form_records_an_event(app_db):
    app, people = _data_page(app_db)
    app.text_input(key="consent_identifier").input("K001")
    app.selectbox(key="consent_channel").select("email")
    app.button(key="consent_record").click().run()
    assert not app.exception
    assert any("Recorded: email / marketing withdrawn" in message for message in _messages(app, "success"))


def test_admin_privacy_page_grants_a_special_category_allowance(app_db):
    from data.seed import seed_demo
    from store.consent import active_allowances

    people = make_users(app_db)
    ids = seed_demo(app_db, people["mark"], rows=200, campaign=False)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    for key, value in signed_in_state(people["admin"]).items():
        app.session_state[key] = value
    app.run()
    app.switch_page("pages/admin_privacy.py").run()
    assert not app.exception
    prefix = f"{ids['customers']}_religion"
    app.text_area(key=f"reason_{prefix}").input("Halal product line for customers who asked for it explicitly.")
    app.button(key=f"grant_button_{prefix}").click().run()
    assert not app.exception
    assert active_allowances(app_db, ids["customers"])[0]["column_name"] == "religion"


def test_stored_dataset_details_render_with_masked_preview(app_db):
    from data.seed import seed_demo

    people = make_users(app_db)
    seed_demo(app_db, people["mark"], rows=300, campaign=False)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    for key, value in signed_in_state(people["mark"]).items():
        app.session_state[key] = value
    app.run()
    app.switch_page("pages/datasets.py").run()
    assert not app.exception, app.exception
    assert any("special-category data" in warning.value for warning in app.warning)
    frames = [element.value for element in app.dataframe]

    def frame_with(*columns):
        return next(frame for frame in frames if set(columns) <= set(frame.columns))

    preview = frame_with("email", "religion", "age")
    assert preview["email"].str.contains("•").all()  # contact details shown masked
    assert (preview["religion"] == "(special category — hidden)").all()
    coverage = frame_with("channel", "reachable", "share")
    assert set(coverage["channel"]) >= {"email", "sms", "push"}
    minimisation = frame_with("candidate_to_drop")
    assert minimisation.set_index("column").loc["religion", "action"] == "excluded"

"""AppTest: build a rule segment with live preview, save it, see overlap; profile page with 4P and export."""


from data.seed import seed_demo
from store.segments import get_segment, list_segments
from tests.conftest import make_users, open_page

TIMEOUT = 90




def _open(engine, page, who="mark", rows=800):
    people = make_users(engine)
    ids = seed_demo(engine, people["mark"], rows=rows, campaign=False)
    return open_page(people[who], page), people, ids


def test_template_segments_can_be_saved_and_compared(app_db):
    app, people, ids = _open(app_db, "pages/build_segments.py")
    saving = [button for button in app.button if button.key and button.key.startswith("save_template_")]
    assert saving, "templates fit the demo data"
    saving[0].click().run()
    assert not app.exception, app.exception
    saved = list_segments(app_db, people["mark"], ids["customers"])
    assert saved and all(row["kind"] == "rule" for row in saved)
    assert any("Saved the" in success.value for success in app.success)


def test_rule_json_with_a_special_category_is_refused_on_save(app_db):
    app, people, ids = _open(app_db, "pages/build_segments.py")
    app.checkbox(key="use_json").check().run()
    area = next(text for text in app.text_area if text.key and text.key.startswith("rule_json_"))
    area.input('{"all": [{"column": "age", "op": "between", "value": [20, 40]}]}').run()
    assert any(metric.label == "Members" for metric in app.metric)
    app.text_input(key="rule_name").input("Twenties and thirties").run()
    app.button(key="save_rule").click().run()
    assert not app.exception, app.exception
    assert [row["name"] for row in list_segments(app_db, people["mark"])] == ["Twenties and thirties"]


def test_profile_page_shows_traits_reach_and_saves_4p(app_db):
    from segmentation.service import save_rule_segment, segmentable_data

    people = make_users(app_db)
    ids = seed_demo(app_db, people["mark"], rows=800, campaign=False)
    data = segmentable_data(app_db, people["mark"], ids["customers"])
    segment_id = save_rule_segment(app_db, people["mark"], data, "Heavy buyers",
                                   {"all": [{"column": "order_count", "op": ">=", "value": 5}]}, "behavioural")
    app = open_page(people["mark"], "pages/segment_profile.py")
    assert any(metric.label == "Reachable by email" for metric in app.metric)
    value = next(frame.value for frame in app.dataframe if "measure" in frame.value.columns)
    assert value.set_index("measure").loc["Predicted 52-week CLTV (mean)", "segment"] > 0
    assert 0 <= value.set_index("measure").loc["Churn risk (mean)", "segment"] <= 1
    app.text_area(key="mm_value").input("Fast reordering of the things they buy most")
    app.button(key="mm_save").click().run()
    assert get_segment(app_db, people["mark"], segment_id)["marketing"]["value_proposition"].startswith("Fast")
    app.button(key="export_prepare").click().run()
    assert not app.exception, app.exception
    assert any(button.key == "export_download" for button in app.get("download_button"))


def test_clusters_are_found_named_and_saved(app_db):
    app, people, ids = _open(app_db, "pages/build_segments.py", rows=1500)
    app.toggle(key="cluster_run").set_value(True).run()
    assert not app.exception, app.exception
    editor = app.get("arrow_data_editor")
    assert any("k=" in markdown.value for markdown in app.markdown)
    names = next(element for element in app.dataframe if "verdict" in element.value.columns).value
    assert len(names) >= 2 and names["size"].sum() == 1500
    assert editor is not None


def test_overlap_of_saved_segments_and_proxy_warning(app_db):
    from segmentation.service import save_rule_segment, segmentable_data

    people = make_users(app_db)
    ids = seed_demo(app_db, people["mark"], rows=1500, campaign=False)
    data = segmentable_data(app_db, people["mark"], ids["customers"])
    save_rule_segment(app_db, people["mark"], data, "Adults 30-50",
                      {"all": [{"column": "age", "op": "between", "value": [30, 50]}]})
    save_rule_segment(app_db, people["mark"], data, "Adults 35-55",
                      {"all": [{"column": "age", "op": "between", "value": [35, 55]}]})
    app = open_page(people["mark"], "pages/build_segments.py")
    assert any("compete for the same people" in warning.value for warning in app.warning)

"""Comparing two message versions: every changed field, line by line, side by side."""

from ui.version_compare import version_diff_frame


def test_only_changed_fields_are_listed_line_by_line():
    before = {"subject": "Winter deals", "body": "Only 2 left!\nWarm quality that lasts."}
    after = {"subject": "Winter deals", "body": "Warm quality that lasts.\nAll winter long."}
    frame = version_diff_frame(before, after)
    assert frame.to_dict("records") == [
        {"field": "body", "change": "delete", "before": "Only 2 left!", "after": ""},
        {"field": "body", "change": "equal", "before": "Warm quality that lasts.", "after": "Warm quality that lasts."},
        {"field": "body", "change": "insert", "before": "", "after": "All winter long."},
    ]


def test_a_new_subject_shows_as_an_insert_and_identical_versions_give_nothing():
    frame = version_diff_frame({"body": "Hello"}, {"body": "Hello", "subject": "New"})
    assert frame[["field", "change", "after"]].to_dict("records") == [
        {"field": "subject", "change": "insert", "after": "New"}]
    assert version_diff_frame({"body": "Same"}, {"body": "Same"}).empty


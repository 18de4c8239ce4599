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


def test_stored_findings_are_marked_in_the_text_and_the_text_stays_literal():
    from ui.screening_panel import highlighted_spans

    text = "Only 2 left! <b>Casino</b> night"
    marked = highlighted_spans(text, [(0, 11, "block"), (16, 22, "block"), (5, 9, "review"), (40, 50, "info")])
    assert marked.startswith(":red-background[Only 2 left]")
    assert ":red-background[Casino]" in marked and "\\<b\\>" in marked  # the tag is shown, not rendered
    assert "orange" not in marked and "blue" not in marked  # overlapping and out-of-range spans are skipped

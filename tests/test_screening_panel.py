"""The screening panel's text marking: findings highlighted, user text always literal."""


def test_stored_findings_are_marked_in_the_text_and_the_text_stays_literal():
    from ui.screening_panel import highlighted_spans

    text = "Only 2 left! <b>Casino</b> night"
    marked = highlighted_spans(text, [(0, 11, "block"), (16, 22, "block"), (5, 9, "review"), (40, 50, "info")])
    assert marked.startswith(":red-background[Only 2 left]")
    assert ":red-background[Casino]" in marked and "\\<b\\>" in marked  # the tag is shown, not rendered
    assert "orange" not in marked and "blue" not in marked  # overlapping and out-of-range spans are skipped

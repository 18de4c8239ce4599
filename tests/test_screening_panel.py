"""The screening panel's text marking: findings highlighted, user text always literal."""


def test_stored_findings_are_marked_in_the_text_and_the_text_stays_literal():
    from ui.screening_panel import highlighted_spans

    text = "Only 2 left! <b>Casino</b> night"
    marked = highlighted_spans(text, [(0, 11, "block"), (16, 22, "block"), (5, 9, "review"), (40, 50, "info")])
    assert marked.startswith(":red-background[Only 2 left]")
    assert ":red-background[Casino]" in marked and "\\<b\\>" in marked  # the tag is shown, not rendered
    assert "orange" not in marked and "blue" not in marked  # overlapping and out-of-range spans are skipped


def test_a_stored_finding_comes_back_whole_and_ignores_keys_it_does_not_know():
    from compliance import Finding, screen

    finding = screen("Only 2 left! Order now.").findings[0]
    stored = {**finding.to_dict(), "added_in_a_later_version": 1}
    assert Finding.from_dict(stored) == finding
    older = {key: value for key, value in finding.to_dict().items() if key != "replacement"}
    assert Finding.from_dict(older).replacement is None  # stored before fixes existed

"""Channel constraints (SMS encoding and segments, subject/post lengths) and channel suggestions."""

from __future__ import annotations

import pytest

from campaigns.channels import (
    CHANNELS,
    EMAIL_SUBJECT_MAX,
    EMAIL_SUBJECT_WARNING,
    PUSH_BODY_MAX,
    PUSH_TITLE_MAX,
    SOCIAL_LIMITS,
    UnknownChannelError,
    check_message,
    sms_info,
    suggest_channels,
    x_weighted_length,
)


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", "GSM-7", 0, 0),
    ("Salaam, your offer is ready!", "GSM-7", 28, 1),
    ("Prijs: €5", "GSM-7", 10, 1),  # € is in the extension table: ESC + char = 2 septets
    ("[{}]^~|\\", "GSM-7", 16, 1),
    ("Ünïcode", "UCS-2", 7, 1),  # ï is not in the GSM-7 tables
    ("Hi 😀", "UCS-2", 5, 1),  # emoji: a surrogate pair, 2 UTF-16 units
    ("It’s here", "UCS-2", 9, 1),  # curly apostrophe forces UCS-2
    ("äöüÄÖÜß éèà ñÑ £¥§¿¡", "GSM-7", 20, 1),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("€" * 80, "GSM-7", 160, 1),
    ("€" * 81, "GSM-7", 162, 2),
    ("ж" * 70, "UCS-2", 70, 1),
    ("ж" * 71, "UCS-2", 71, 2),
    ("ж" * 134, "UCS-2", 134, 2),
    ("ж" * 135, "UCS-2", 135, 3),
    ("😀" * 35, "UCS-2", 70, 1),
    ("😀" * 36, "UCS-2", 72, 2),
])
def test_sms_encoding_units_and_segments(text, encoding, units, segments):
    info = sms_info(text)
    assert (info.encoding, info.units, info.segments) == (encoding, units, segments)


def test_an_extension_character_is_not_split_across_segments():
    # 152 + 2 + 152 = 306 septets would fit 2 × 153, but "€" cannot straddle the boundary.
    assert sms_info("a" * 152 + "€" + "a" * 152).segments == 3
    assert sms_info("a" * 151 + "€" + "a" * 153).segments == 2


def test_an_emoji_is_not_split_across_segments():
    assert sms_info("a" * 66 + "😀" + "a" * 66).segments == 3  # 66 + 2 + 66 = 134 units, yet 3 segments
    assert sms_info("a" * 65 + "😀" + "a" * 67).segments == 2


def test_sms_info_names_the_characters_that_force_ucs2():
    assert sms_info("It’s 😀 time 😀").non_gsm_characters == ("’", "😀")


def test_sms_ucs2_warning_names_the_characters():
    problems = check_message("sms", body="It’s ready")
    assert [(p.field, p.severity) for p in problems] == [("body", "warning")]
    assert "UCS-2" in problems[0].message and "'’'" in problems[0].message


@pytest.mark.parametrize(("body", "warned"), [("a" * 459, False), ("a" * 460, True)])
def test_sms_more_than_three_segments_is_warned(body, warned):
    problems = check_message("sms", body=body)
    assert any("4 segments" in p.message for p in problems) is warned


def test_a_plain_short_sms_has_no_problems():
    assert check_message("sms", body="Your halal savings account is ready. Reply STOP to opt out.") == []


@pytest.mark.parametrize(("length", "severities"), [
    (EMAIL_SUBJECT_WARNING, []),
    (EMAIL_SUBJECT_WARNING + 1, ["warning"]),
    (EMAIL_SUBJECT_MAX, ["warning"]),
    (EMAIL_SUBJECT_MAX + 1, ["error"]),
])
def test_email_subject_length(length, severities):
    problems = check_message("email", body="Body", subject="s" * length)
    assert [p.severity for p in problems if p.field == "subject"] == severities
    if severities:
        assert f"is {length} characters" in problems[0].message


def test_email_needs_a_subject_and_a_body():
    problems = check_message("email", body="  ", subject=None)
    assert {(p.field, p.severity) for p in problems} == {("body", "error"), ("subject", "error")}


def test_email_preheader_is_optional_but_checked_when_long():
    assert check_message("email", body="b", subject="s", preheader="A short preview") == []
    problems = check_message("email", body="b", subject="s", preheader="p" * 131)
    assert [(p.field, p.severity, p.length) for p in problems] == [("preheader", "warning", 131)]


@pytest.mark.parametrize(("title", "body", "fields"), [
    ("t" * PUSH_TITLE_MAX, "b" * PUSH_BODY_MAX, []),
    ("t" * (PUSH_TITLE_MAX + 1), "b", ["title"]),
    ("t", "b" * (PUSH_BODY_MAX + 1), ["body"]),
    (None, "b", []),
])
def test_push_title_and_body_limits(title, body, fields):
    assert [p.field for p in check_message("push", body=body, title=title)] == fields


@pytest.mark.parametrize(("channel", "limit"), sorted(SOCIAL_LIMITS.items()))
def test_social_post_limits(channel, limit):
    assert check_message(channel, body="a" * limit) == []
    problems = check_message(channel, body="a" * (limit + 1))
    assert [(p.severity, p.length, p.limit) for p in problems] == [("error", limit + 1, limit)]


def test_the_documented_social_limits():
    assert {key: SOCIAL_LIMITS[key] for key in ("linkedin", "instagram", "tiktok", "x")} == {
        "linkedin": 3000, "instagram": 2200, "tiktok": 2200, "x": 280}


@pytest.mark.parametrize(("text", "length"), [
    ("hello", 5),
    ("😀", 2),
    ("日本", 4),
    ("see https://example.com/a/very/long/path/that/is/long", 4 + 23),
    ("café – ok", 9),
])
def test_x_weighted_length(text, length):
    assert x_weighted_length(text) == length


def test_fields_a_channel_does_not_have_are_warned():
    problems = check_message("sms", body="Hi", subject="Subject", title="Title")
    assert {(p.field, p.severity) for p in problems} == {("subject", "warning"), ("title", "warning")}


def test_unknown_channel_lists_the_channels():
    with pytest.raises(UnknownChannelError, match="use one of: email, sms"):
        check_message("fax", body="Hi")


def test_post_has_no_length_limit():
    assert check_message("post", body="x" * 10_000) == []


def _channels(suggestions):
    return [s.channel for s in suggestions]


def test_young_audiences_get_tiktok_and_instagram():
    suggestions = suggest_channels({"median_age": 22}, {})
    assert _channels(suggestions) == ["tiktok", "instagram"]
    assert "young audience" in suggestions[0].reasons[0]


def test_business_customers_get_linkedin_first():
    for profile in ({"customer_type": "B2B"}, {"customer_type": "Zakelijk"}, {"business_share": 0.8}):
        suggestions = suggest_channels(profile, {"email": 0.3})
        assert suggestions[0].channel == "linkedin", profile
        assert "B2B" in suggestions[0].reasons[0]


def test_consumers_do_not_get_linkedin():
    assert "linkedin" not in _channels(suggest_channels({"customer_type": "consumer"}, {"email": 0.5}))


def test_seniors_get_post_and_email_when_consented():
    suggestions = suggest_channels({"mean_age": 68}, {"email": 0.7})
    assert _channels(suggestions) == ["email", "post", "facebook"]  # the senior trait and consent add up
    email = next(s for s in suggestions if s.channel == "email")
    assert any("highest consented share: 70%" in reason for reason in email.reasons)


def test_a_direct_channel_without_consent_is_not_suggested():
    suggestions = suggest_channels({"mean_age": 68}, {"email": 0.0, "sms": 0.4})
    assert "email" not in _channels(suggestions)
    assert "sms" in _channels(suggestions)


def test_the_highest_consented_direct_channel_ranks_first_among_direct_channels():
    suggestions = suggest_channels({}, {"email": 0.3, "sms": 0.1, "push": 0.6})
    assert _channels(suggestions) == ["push", "email", "sms"]
    assert suggestions[0].reasons == ("highest consented share: 60% of the segment may get push",)


def test_there_is_always_a_suggestion():
    suggestions = suggest_channels({}, {})
    assert len(suggestions) == 1 and suggestions[0].channel in CHANNELS and suggestions[0].reasons


def test_missing_or_unusable_traits_are_ignored():
    suggestions = suggest_channels({"median_age": None, "age": float("nan"), "customer_type": ""}, {"email": 0.5})
    assert _channels(suggestions) == ["email"]


def test_a_channel_problem_reads_as_its_message():
    from campaigns.channels import check_message

    problems = check_message("sms", body="Warm quality — all winter long.")
    assert problems and all(str(problem) == problem.message for problem in problems)
    assert "UCS-2" in str(problems[0]) and "ChannelProblem(" not in str(problems[0])

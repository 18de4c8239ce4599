"""SMART goals: validation per letter, parsing plain goals in en / nl / de, and progress."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from campaigns.smart import (
    GoalError,
    SmartGoal,
    SmartProblem,
    goal_progress,
    has_errors,
    parse_goal,
    validate_goal,
)

TODAY = date(2026, 1, 15)
GOOD = SmartGoal(kpi="conversion_rate", segment="A", start=TODAY, deadline=date(2026, 7, 15), baseline=0.04,
                 target=0.05, description="conversion from 4% to 5%")


def _letters(problems, severity=None):
    return sorted({p.letter for p in problems if severity is None or p.severity == severity})


def test_a_good_goal_has_no_problems():
    assert validate_goal(GOOD, today=TODAY, channels={"email"}) == []


@pytest.mark.parametrize(("changes", "letter", "severity", "fragment"), [
    ({"segment": None}, "S", "error", "no segment"),
    ({"segment": "  "}, "S", "error", "no segment"),
    ({"kpi": ""}, "S", "error", "no KPI"),
    ({"kpi": "happiness"}, "M", "error", "not in the KPI registry; choose one of: sent"),
    ({"target": None}, "M", "error", "no target"),
    ({"target": float("nan")}, "M", "error", "target nan is not a number"),
    ({"baseline": "4%"}, "M", "error", "baseline '4%' is not a number"),
    ({"target": 0.04}, "M", "error", "equals the baseline"),
    ({"target": None, "relative_change": 0.0}, "M", "error", "equals the baseline"),
    ({"relative_change": 0.1}, "M", "error", "both a target and a relative change"),
    ({"target": None, "relative_change": 0.15, "baseline": None}, "M", "error", "needs a baseline"),
    ({"baseline": None}, "M", "warning", "no baseline"),
    ({"kpi": "revenue", "baseline": 1000.0, "target": -5.0}, "M", "error", "negative"),
    ({"direction": "decrease"}, "M", "error", "says decrease but the target 0.05 is above the baseline 0.04"),
    ({"target": 1.2}, "A", "error", "120% is impossible"),
    ({"kpi": "nps", "baseline": 20.0, "target": 120.0}, "A", "error", "runs from -100 to 100"),
    ({"target": 0.2}, "A", "warning", "+400% is extreme"),
    ({"kpi": "revenue", "baseline": 1000.0, "target": 50.0}, "A", "warning", "-95% is extreme"),
    ({"target": 0.03}, "A", "warning", "would decrease conversion rate, but higher is better"),
    ({"kpi": "cpa", "baseline": 20.0, "target": 25.0}, "A", "warning", "would increase cost per acquisition"),
    ({"deadline": None}, "T", "error", "no deadline"),
    ({"deadline": TODAY}, "T", "error", "not after the start"),
    ({"deadline": date(2025, 12, 31), "start": date(2025, 6, 1)}, "T", "error", "has passed"),
    ({"deadline": date(2029, 6, 1)}, "T", "warning", "more than 3 years away"),
])
def test_each_smart_letter(changes, letter, severity, fragment):
    problems = validate_goal(replace(GOOD, **changes), today=TODAY)
    matching = [p for p in problems if p.letter == letter and p.severity == severity]
    assert matching, problems
    assert any(fragment in p.message for p in matching), matching


def test_a_rate_above_100_percent_is_fine_for_roi():
    goal = replace(GOOD, kpi="roi", baseline=1.5, target=2.0)
    assert validate_goal(goal, today=TODAY) == []


@pytest.mark.parametrize(("kpi", "channels", "warned"), [
    ("open_rate", {"email"}, False),
    ("open_rate", {"sms"}, True),
    ("open_rate", {"sms", "push"}, False),
    ("click_to_open", {"instagram"}, True),
    ("conversion_rate", {"instagram"}, False),
    ("open_rate", set(), False),  # channels unknown: no relevance judgement
])
def test_relevance_of_the_kpi_to_the_campaign_channels(kpi, channels, warned):
    goal = replace(GOOD, kpi=kpi, baseline=0.2, target=0.25)
    problems = validate_goal(goal, today=TODAY, channels=channels)
    assert _letters(problems) == (["R"] if warned else [])
    assert all(p.severity == "warning" for p in problems)


def test_problems_read_with_their_letter_name():
    problem = SmartProblem("T", "error", "no deadline")
    assert str(problem) == "T (Time-bound): no deadline"
    assert has_errors([problem]) and not has_errors([SmartProblem("R", "warning", "x")])


@pytest.mark.parametrize(("text", "expected"), [
    ("+15% conversion in segment A within 6 months",
     {"kpi": "conversion_rate", "segment": "A", "relative_change": 0.15, "deadline": date(2026, 7, 15)}),
    ("Verhoog de conversieratio van segment A met 15% binnen zes maanden",
     {"kpi": "conversion_rate", "segment": "A", "relative_change": 0.15, "deadline": date(2026, 7, 15)}),
    ("Erhöhe die Öffnungsrate im Segment B von 18 % auf 25 % innerhalb von drei Monaten",
     {"kpi": "open_rate", "segment": "B", "baseline": 0.18, "target": 0.25, "deadline": date(2026, 4, 15)}),
    ("open rate from 18% to 25% in segment Students by 2027-06-30",
     {"kpi": "open_rate", "segment": "Students", "baseline": 0.18, "target": 0.25, "deadline": date(2027, 6, 30)}),
    ("Verlaag de CPA van segment 'Jonge gezinnen' naar 15 euro vóór 30 juni 2027",
     {"kpi": "cpa", "segment": "Jonge gezinnen", "target": 15.0, "direction": "decrease",
      "deadline": date(2027, 6, 30)}),
    ("Senke die CPA im Segment A um zehn Prozent in 90 Tagen",
     {"kpi": "cpa", "relative_change": -0.10, "deadline": date(2026, 4, 15)}),
    ("Steigere den Umsatz im Segment „Stammkunden“ um 15 % in einem halben Jahr",
     {"kpi": "revenue", "segment": "Stammkunden", "relative_change": 0.15, "deadline": date(2026, 7, 15)}),
    ("Double revenue in segment C by end of 2026", {"kpi": "revenue", "relative_change": 1.0,
                                                    "deadline": date(2026, 12, 31)}),
    ("NPS to 40 in segment X within a year", {"kpi": "nps", "target": 40.0, "deadline": date(2027, 1, 15)}),
    ("reduce the unsubscribe rate by 20% in segment A within two weeks",
     {"kpi": "unsubscribe_rate", "relative_change": -0.2, "deadline": date(2026, 1, 29)}),
    ("conversion rate 5% in segment A by June 2026", {"target": 0.05, "deadline": date(2026, 6, 30)}),
    ("revenue to €1.000.000 in segment A within 2 quarters", {"target": 1_000_000.0,
                                                               "deadline": date(2026, 7, 15)}),
    ("ten minste 30% openingspercentage voor segment A binnen twee weken",
     {"kpi": "open_rate", "target": 0.3, "direction": "increase"}),
    ("CTR 2,5% in segment A bis 30. Juni 2026", {"kpi": "ctr", "target": 0.025, "deadline": date(2026, 6, 30)}),
    ("AOV above 45.50 € in segment A by 06/30/2026", {"kpi": "aov", "target": 45.5, "direction": "increase",
                                                        "deadline": date(2026, 6, 30)}),
])
def test_parse_goals_in_three_languages(text, expected):
    goal = parse_goal(text, today=TODAY)
    assert isinstance(goal, SmartGoal), goal
    for name, value in expected.items():
        actual = getattr(goal, name)
        assert actual == (pytest.approx(value) if isinstance(value, float) else value), name
    assert goal.start == TODAY and goal.description == text


def test_a_goal_without_a_segment_in_the_text_uses_the_segment_it_is_typed_for():
    text = "CPA unter 20 € bis 31.12.2027"
    refused = parse_goal(text, today=TODAY)
    assert [(p.letter, p.severity) for p in refused] == [("S", "error")]
    goal = parse_goal(text, today=TODAY, segment="Stammkunden")
    assert (goal.kpi, goal.segment, goal.target, goal.direction, goal.deadline) == (
        "cpa", "Stammkunden", 20.0, "decrease", date(2027, 12, 31))
    problems = validate_goal(goal, today=TODAY)
    assert [(p.letter, p.severity) for p in problems] == [("M", "warning")]
    assert "no baseline" in problems[0].message


def test_the_seed_example_parses_and_then_asks_for_a_baseline():
    goal = parse_goal("Verhoog de conversieratio van segment A met 15% binnen zes maanden", today=TODAY)
    assert _letters(validate_goal(goal, today=TODAY), "error") == ["M"]
    measured = replace(goal, baseline=0.04)
    assert validate_goal(measured, today=TODAY) == []
    assert measured.target_value == pytest.approx(0.046)


@pytest.mark.parametrize(("text", "letters"), [
    ("more sales", ["M", "S", "T"]),
    ("meer klanten", ["M", "S", "T"]),
    ("mehr Umsatz", ["M", "S", "T"]),
    ("more conversions in segment A", ["M", "T"]),
    ("+10% revenue within 3 months", ["S"]),
    ("Conversie omhoog in segment B binnen een maand", ["M"]),
    ("Umsatz im Segment A um 10 % steigern", ["T"]),
    ("conversion +5 percentage points in segment A within 3 months", ["M"]),
    ("CPA below 15% in segment A by 2026-12-31", ["M"]),  # a euro KPI with a percentage target
    ("Senke die CPA im Segment A um 10 Prozent bis 31.02.2027", ["T"]),
])
def test_vague_goals_are_refused_with_the_missing_letters(text, letters):
    problems = parse_goal(text, today=TODAY)
    assert isinstance(problems, list), problems
    assert _letters(problems) == letters
    assert all(p.severity == "error" and p.message for p in problems)


def test_a_bare_percentage_is_a_target_for_a_rate_and_a_change_for_money():
    rate = parse_goal("conversion rate 5% in segment A by 2026-12-31", today=TODAY)
    money = parse_goal("CPA 15% in segment A by 2026-12-31", today=TODAY)
    assert (rate.target, rate.relative_change) == (pytest.approx(0.05), None)
    assert (money.target, money.relative_change) == (None, pytest.approx(-0.15))  # lower is better for CPA
    refused = parse_goal("CPA below 15% in segment A by 2026-12-31", today=TODAY)
    assert "measured in €, not in percent" in refused[0].message


def test_refusals_say_how_to_fix():
    messages = {p.letter: p.message for p in parse_goal("meer klanten", today=TODAY)}
    assert "e.g. 'within 6 months'" in messages["T"]
    assert "'+15%'" in messages["M"]
    assert "31.02.2027" in str(parse_goal("CPA im Segment A unter 20 € bis 31.02.2027", today=TODAY)[0])


GOAL = SmartGoal(kpi="conversion_rate", segment="A", start=date(2026, 1, 1), deadline=date(2026, 11, 28),
                 baseline=0.04, target=0.05)  # 331 days


@pytest.mark.parametrize(("current", "today", "status", "percent"), [
    (0.045, date(2026, 6, 15), "on_track", 50.0),  # half the way after ~50 % of the time
    (0.044, date(2026, 6, 15), "at_risk", 40.0),  # pace 0.4 / 0.5 = 0.8
    (0.042, date(2026, 6, 15), "off_track", 20.0),
    (0.051, date(2026, 3, 1), "on_track", 110.0),  # already reached
    (0.049, date(2026, 12, 1), "off_track", 90.0),  # deadline passed short of the target
    (0.039, date(2026, 1, 1), "at_risk", -10.0),  # day one, already moving the wrong way
])
def test_goal_progress_by_linear_projection(current, today, status, percent):
    progress = goal_progress(GOAL, current, today=today)
    assert progress.status == status
    assert progress.percent_of_way == pytest.approx(percent)
    assert progress.achieved is (percent >= 100)


def test_progress_projects_the_value_at_the_deadline():
    progress = goal_progress(GOAL, 0.042, today=date(2026, 6, 15))
    elapsed = (date(2026, 6, 15) - GOAL.start).days / 331
    assert progress.expected_percent == pytest.approx(100 * elapsed)
    assert progress.projected_value == pytest.approx(0.04 + 0.002 / elapsed)
    assert "20% of the way" in progress.message


def test_lower_is_better_goals_progress_downwards():
    goal = SmartGoal(kpi="cpa", segment="A", start=date(2026, 1, 1), deadline=date(2026, 12, 31), baseline=30.0,
                     target=20.0)
    assert goal_progress(goal, 24.0, today=date(2026, 7, 2)).status == "on_track"
    assert goal_progress(goal, 29.0, today=date(2026, 7, 2)).status == "off_track"


@pytest.mark.parametrize(("ci", "status"), [
    ((0.0452, 0.0456), "on_track"),  # narrow: even the pessimistic end is on pace
    ((0.040, 0.050), "at_risk"),  # wide: could be either
    ((0.0405, 0.0415), "off_track"),  # even the optimistic end is behind
])
def test_a_confidence_interval_makes_the_status_cautious(ci, status):
    current = sum(ci) / 2
    assert goal_progress(GOAL, current, today=date(2026, 6, 15), ci=ci).status == status


def test_relative_goals_progress_from_their_baseline():
    goal = SmartGoal(kpi="revenue", segment="A", start=date(2026, 1, 1), deadline=date(2026, 12, 31),
                     baseline=1000.0, relative_change=0.5)
    assert goal_progress(goal, 1500.0, today=date(2026, 6, 1)).achieved


def test_no_current_value_means_no_data():
    progress = goal_progress(GOAL, float("nan"), today=date(2026, 6, 15))
    assert (progress.status, progress.percent_of_way) == ("no_data", None)


def test_progress_needs_a_baseline():
    with pytest.raises(GoalError, match="needs a baseline"):
        goal_progress(replace(GOAL, baseline=None), 0.05, today=date(2026, 6, 15))

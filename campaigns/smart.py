"""SMART goals per segment: the value type, the SMART check, and progress towards the goal.

SMART is read as Specific, Measurable, Achievable, Relevant, Time-bound. The seed article spells it
"Specifiek, Meetbaar, Acceptabel, Realistisch, Tijdgebonden"; its A and R (acceptable, realistic)
are both covered here by the achievability checks, and R checks that the KPI fits the channel.

Values follow the KPI registry: rates are fractions (an open rate of 25 % is 0.25), money in euro,
NPS on −100…100. A goal has an absolute `target`, or a `relative_change` (+0.15 for "+15 %")
applied to the `baseline`. `parse_goal` reads a plain goal in English, Dutch or German.

Progress (`goal_progress`) is judged against a straight line from the baseline at `start` to the
target at `deadline`: the share of the way already covered, divided by the share of the time
already spent, is the pace. Pace ≥ 1 is on track, pace ≥ 0.8 at risk, below that off track; after
the deadline a goal not reached is off track. With a confidence interval for the current value the
pessimistic end must be on pace to be "on track", and the optimistic end must be off pace to be
"off track" — in between the goal is at risk.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from kpis.registry import KPI, KPI_BY_KEY

__all__ = [
    "AT_RISK_PACE", "EXTREME_DECREASE", "EXTREME_INCREASE", "KPI_CHANNELS", "LETTERS", "MAX_HORIZON_DAYS",
    "GoalError", "GoalProgress", "SmartGoal", "SmartProblem", "goal_progress", "has_errors", "parse_goal",
    "validate_goal",
]

LETTERS = {"S": "Specific", "M": "Measurable", "A": "Achievable", "R": "Relevant", "T": "Time-bound"}
EXTREME_INCREASE = 3.0  # more than +300 % is rarely achievable in one campaign
EXTREME_DECREASE = -0.9  # more than −90 % likewise
MAX_HORIZON_DAYS = 3 * 365  # a deadline further than ~3 years away is not a campaign goal any more
AT_RISK_PACE = 0.8
# KPIs that only mean something on some channels (an open rate needs a message that can be opened).
KPI_CHANNELS: dict[str, frozenset[str]] = {
    "open_rate": frozenset({"email", "push"}),
    "click_to_open": frozenset({"email"}),
    "delivery_rate": frozenset({"email", "sms", "push", "post"}),
    "unsubscribe_rate": frozenset({"email", "sms", "push"}),
    "complaint_rate": frozenset({"email", "sms"}),
}
_SCORE_RANGES = {"nps": (-100.0, 100.0)}


class GoalError(ValueError):
    """A goal whose progress cannot be computed (no baseline or target); the message says what to add."""


@dataclass(frozen=True)
class SmartGoal:
    """One goal for one segment: which KPI, from where to where (or by how much), between which dates.

    `direction` ("increase" | "decrease") records an explicit wording such as "below 20 €"; when it
    is None the direction follows from baseline → target or the sign of the relative change.
    """

    kpi: str
    segment: str | int | None
    start: date
    deadline: date | None
    baseline: float | None = None
    target: float | None = None
    relative_change: float | None = None
    direction: str | None = None
    description: str = ""

    @property
    def target_value(self) -> float | None:
        """The absolute value to reach: the target, or the baseline moved by the relative change."""
        if _is_number(self.target):
            return float(self.target)
        if _is_number(self.baseline) and _is_number(self.relative_change):
            return float(self.baseline) * (1.0 + float(self.relative_change))
        return None

    @property
    def intended_direction(self) -> str | None:
        """'increase' or 'decrease' as the goal states it (explicitly, by its numbers, or by the KPI)."""
        if self.direction in ("increase", "decrease"):
            return self.direction
        target = self.target_value
        if _is_number(self.baseline) and target is not None and target != self.baseline:
            return "increase" if target > self.baseline else "decrease"
        if _is_number(self.relative_change) and self.relative_change != 0:
            return "increase" if self.relative_change > 0 else "decrease"
        definition = KPI_BY_KEY.get(self.kpi)
        if definition is None:
            return None
        return "increase" if definition.higher_is_better else "decrease"


@dataclass(frozen=True)
class SmartProblem:
    """One SMART letter the goal does not meet: the letter, error or warning, and how to fix it."""

    letter: str
    severity: str  # "error" blocks saving the goal; "warning" is advice
    message: str

    def __str__(self) -> str:
        return f"{self.letter} ({LETTERS[self.letter]}): {self.message}"


@dataclass(frozen=True)
class GoalProgress:
    """Where a goal stands today: status, share of the way covered, where a straight path would be."""

    status: str  # "on_track" | "at_risk" | "off_track" | "no_data"
    achieved: bool
    percent_of_way: float | None  # 0 at the baseline, 100 at the target
    expected_percent: float  # share of the time between start and deadline already spent
    projected_value: float | None  # value at the deadline if the pace so far continues
    message: str


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def has_errors(problems: Collection[SmartProblem]) -> bool:
    """True when at least one problem is an error (the goal cannot be saved as it is)."""
    return any(problem.severity == "error" for problem in problems)


def _bounded_rate(definition: KPI) -> bool:
    # A ratio of two counts (conversions / delivered) lies in 0…1; ROI is a "%" but unbounded.
    return definition.unit == "%" and definition.denominator is not None


def _specific(goal: SmartGoal) -> list[SmartProblem]:
    problems = []
    if goal.segment is None or (isinstance(goal.segment, str) and not goal.segment.strip()):
        problems.append(SmartProblem("S", "error", "no segment — say which segment the goal is for "
                                                   "(e.g. 'in segment A')."))
    if not (goal.kpi or "").strip():
        problems.append(SmartProblem("S", "error", "no KPI — say what to improve (e.g. conversion rate, CPA)."))
    return problems


def _measurable(goal: SmartGoal, definition: KPI | None) -> list[SmartProblem]:
    if goal.kpi and definition is None:
        return [SmartProblem("M", "error", f"KPI {goal.kpi!r} is not in the KPI registry; choose one of: "
                                           f"{', '.join(KPI_BY_KEY)}.")]
    problems = []
    for name in ("baseline", "target", "relative_change"):
        value = getattr(goal, name)
        if value is not None and not _is_number(value):
            problems.append(SmartProblem("M", "error", f"the {name.replace('_', ' ')} {value!r} is not a number; "
                                                       "enter a number."))
    if problems:
        return problems
    if goal.target is None and goal.relative_change is None:
        problems.append(SmartProblem("M", "error", "no target — give a target value (e.g. 'to 25%') or a change "
                                                   "(e.g. '+15%')."))
    elif goal.target is not None and goal.relative_change is not None:
        problems.append(SmartProblem("M", "error", "both a target and a relative change — keep one of them."))
    elif goal.relative_change is not None and goal.baseline is None:
        problems.append(SmartProblem("M", "error", "a relative change needs a baseline — enter the segment's "
                                                   "current value so the change can be measured."))
    elif goal.relative_change == 0 or (goal.baseline is not None and goal.target == goal.baseline):
        problems.append(SmartProblem("M", "error", "the target equals the baseline — set a value that differs "
                                                   "from today's."))
    elif goal.baseline is None:
        problems.append(SmartProblem("M", "warning", "no baseline — progress can only be followed once the "
                                                     "segment's current value is entered."))
    if definition is not None and definition.unit in ("€", "count"):
        for name in ("baseline", "target"):
            value = getattr(goal, name)
            if value is not None and value < 0:
                problems.append(SmartProblem("M", "error", f"the {name} {value:g} is negative, but "
                                                           f"{definition.label} cannot be; enter a value ≥ 0."))
    if goal.direction not in (None, "increase", "decrease"):
        problems.append(SmartProblem("M", "error", f"direction {goal.direction!r} must be 'increase' or 'decrease'."))
    elif goal.direction and goal.baseline is not None and goal.target_value is not None \
            and goal.target_value != goal.baseline:
        moves = "increase" if goal.target_value > goal.baseline else "decrease"
        if moves != goal.direction:
            side = "above" if moves == "increase" else "below"
            problems.append(SmartProblem("M", "error", f"the goal says {goal.direction} but the target "
                                                       f"{goal.target_value:g} is {side} the baseline "
                                                       f"{goal.baseline:g}; fix the numbers or the wording."))
    return problems


def _achievable(goal: SmartGoal, definition: KPI) -> list[SmartProblem]:
    problems = []
    target = goal.target_value
    if target is not None and _bounded_rate(definition) and not 0.0 <= target <= 1.0:
        problems.append(SmartProblem("A", "error", f"a {definition.label.lower()} of {target:.0%} is impossible "
                                                   "(rates lie between 0% and 100%; 25% is stored as 0.25)."))
    low, high = _SCORE_RANGES.get(definition.key, (-math.inf, math.inf))
    if target is not None and not low <= target <= high:
        problems.append(SmartProblem("A", "error", f"{definition.label} runs from {low:g} to {high:g}; "
                                                   f"{target:g} cannot be reached."))
    change = goal.relative_change
    if change is None and _is_number(goal.baseline) and goal.baseline != 0 and target is not None:
        change = (target - goal.baseline) / abs(goal.baseline)
    if change is not None and change > EXTREME_INCREASE:
        problems.append(SmartProblem("A", "warning", f"a change of {change:+.0%} is extreme (more than "
                                                     f"{EXTREME_INCREASE:+.0%}); set a nearer target or a later "
                                                     "deadline."))
    elif change is not None and change < EXTREME_DECREASE:
        problems.append(SmartProblem("A", "warning", f"a change of {change:+.0%} is extreme (more than "
                                                     f"{EXTREME_DECREASE:.0%}); set a nearer target."))
    direction = goal.intended_direction
    wanted = "increase" if definition.higher_is_better else "decrease"
    if direction is not None and direction != wanted:
        problems.append(SmartProblem("A", "warning", f"the goal would {direction} {definition.label.lower()}, but "
                                                     f"{'higher' if definition.higher_is_better else 'lower'} is "
                                                     "better for it; check the direction."))
    return problems


def _relevant(goal: SmartGoal, channels: Collection[str]) -> list[SmartProblem]:
    needed = KPI_CHANNELS.get(goal.kpi)
    if not needed or not channels or needed & set(channels):
        return []
    return [SmartProblem("R", "warning", f"{KPI_BY_KEY[goal.kpi].label} is measured on "
                                         f"{' / '.join(sorted(needed))}, but the campaign uses "
                                         f"{', '.join(sorted(channels))}; pick a KPI those channels report "
                                         "(e.g. conversion rate).")]


def _time_bound(goal: SmartGoal, today: date) -> list[SmartProblem]:
    if goal.deadline is None:
        return [SmartProblem("T", "error", "no deadline — add one (e.g. 'within 6 months' or 'by 2027-06-30').")]
    problems = []
    if goal.deadline <= goal.start:
        problems.append(SmartProblem("T", "error", f"the deadline {goal.deadline.isoformat()} is not after the "
                                                   f"start {goal.start.isoformat()}; move it later."))
    if goal.deadline <= today:
        problems.append(SmartProblem("T", "error", f"the deadline {goal.deadline.isoformat()} has passed "
                                                   "(or is today); choose a future date."))
    elif (goal.deadline - today).days > MAX_HORIZON_DAYS:
        problems.append(SmartProblem("T", "warning", f"the deadline {goal.deadline.isoformat()} is more than "
                                                     "3 years away; set a nearer milestone."))
    return problems


def validate_goal(goal: SmartGoal, *, today: date, channels: Collection[str] = ()) -> list[SmartProblem]:
    """Every SMART letter the goal misses, in S-M-A-R-T order; errors block saving, warnings advise.

    `channels` are the campaign's channels (see campaigns.channels.CHANNELS), for the relevance
    check; leave empty when unknown. A deadline must lie in the future, so validate when a goal is
    set or changed, not afterwards.
    """
    definition = KPI_BY_KEY.get(goal.kpi) if isinstance(goal.kpi, str) else None
    problems = _specific(goal) + _measurable(goal, definition)
    if definition is not None and not has_errors([p for p in problems if p.letter == "M"]):
        problems += _achievable(goal, definition)
    if definition is not None:
        problems += _relevant(goal, channels)
    return problems + _time_bound(goal, today)


def _pace_status(progress: float, elapsed: float, passed: bool) -> tuple[bool, bool]:
    """(on pace, clearly behind) for one progress value."""
    if progress >= 1.0:
        return True, False
    if passed:
        return False, True
    if elapsed <= 0:
        return progress >= 0, False
    pace = progress / elapsed
    return pace >= 1.0, pace < AT_RISK_PACE


def goal_progress(goal: SmartGoal, current_value: float | None, *, today: date,
                  ci: tuple[float, float] | None = None) -> GoalProgress:
    """Progress of `goal` at `today` given the KPI's current value (and optionally its confidence interval).

    See the module docstring for the straight-line rule. Raises GoalError when the goal has no
    baseline or target to measure against; a missing current value gives status "no_data".
    """
    target = goal.target_value
    if not _is_number(goal.baseline) or target is None or goal.deadline is None:
        raise GoalError(f"the goal for {goal.kpi!r} needs a baseline, a target and a deadline before progress can "
                        "be measured; measure the segment's current value and set it as the baseline.")
    baseline, span = float(goal.baseline), target - float(goal.baseline)
    if span == 0:
        raise GoalError(f"the goal for {goal.kpi!r} has its target equal to its baseline; set a different target.")
    total_days = (goal.deadline - goal.start).days
    elapsed = min(max((today - goal.start).days / total_days, 0.0), 1.0) if total_days > 0 else 1.0
    passed = today >= goal.deadline
    if not _is_number(current_value):
        return GoalProgress("no_data", False, None, 100 * elapsed, None,
                            "No current value for this KPI yet; import campaign results to follow the goal.")
    progress = (float(current_value) - baseline) / span
    usable_ci = ci is not None and all(_is_number(bound) for bound in ci)
    bounds = sorted(((ci[0] - baseline) / span, (ci[1] - baseline) / span)) if usable_ci else [progress] * 2
    pessimistic, optimistic = bounds[0], bounds[1]
    on_pace, _ = _pace_status(pessimistic, elapsed, passed)
    _, behind = _pace_status(optimistic, elapsed, passed)
    status = "on_track" if on_pace else "off_track" if behind else "at_risk"
    projected = baseline + span * progress / elapsed if elapsed > 0 else None
    achieved = progress >= 1.0
    if achieved:
        message = f"Target reached: {100 * progress:.0f}% of the way."
    elif passed:
        message = f"Deadline passed at {100 * progress:.0f}% of the way."
    else:
        message = (f"{100 * progress:.0f}% of the way after {100 * elapsed:.0f}% of the time "
                   f"({status.replace('_', ' ')}).")
    return GoalProgress(status, achieved, 100 * progress, 100 * elapsed, projected, message)


def parse_goal(text: str, *, today: date, segment: str | None = None) -> SmartGoal | list[SmartProblem]:
    """Read a goal written in plain English, Dutch or German (see `campaigns.goal_text`)."""
    from campaigns.goal_text import parse_goal as read_goal  # imported here: the reader uses this module's types

    return read_goal(text, today=today, segment=segment)

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

import calendar
import math
import re
import unicodedata
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


# ---------------------------------------------------------------- reading a goal written in en / nl / de
# All vocabulary is written in folded form (lower case, accents removed) because the text is folded first.
_MONTHS = {name: number for number, names in enumerate((
    "january januari januar jan", "february februari februar feb", "march maart marz mar", "april apr",
    "may mei mai", "june juni jun", "july juli jul", "august augustus aug", "september sept sep",
    "october oktober oct okt", "november nov", "december dezember dec dez"), start=1) for name in names.split()}
_NUMBER_WORDS = {word: value for value, words in {
    2: "two twee zwei", 3: "three drie drei", 4: "four vier", 5: "five vijf funf", 6: "six zes sechs",
    7: "seven zeven sieben", 8: "eight acht", 9: "nine negen neun", 10: "ten tien zehn", 11: "eleven elf",
    12: "twelve twaalf zwolf", 15: "fifteen vijftien funfzehn", 18: "eighteen achttien achtzehn",
    20: "twenty twintig zwanzig", 25: "twenty-five vijfentwintig funfundzwanzig", 30: "thirty dertig dreissig dreißig",
    50: "fifty vijftig funfzig", 100: "hundred honderd hundert"}.items() for word in words.split()}
_ONE = r"a|an|one|een|ein|eine|einem|einen|einer|1"
_UNITS = {"month": r"months?|maand(?:en)?|monat(?:e|en|s)?", "week": r"weeks?|weken|wochen?",
          "day": r"days?|dag(?:en)?|tag(?:e|en)?", "year": r"years?|jaar|jaren|jahr(?:e|en|es)?",
          "quarter": r"quarters?|kwarta(?:al|len)|quartal(?:e|en|s)?"}
_KPI_WORDS = {
    "conversion_rate": "conversion rate|conversion-rate|conversionrate|conversions|conversion|conversieratio|"
                       "conversiepercentage|conversies|conversie|konversionsrate|konversionsquote|konversion",
    "open_rate": "open rate|open-rate|opening rate|openingspercentage|openingsratio|offnungsrate|offnungsquote",
    "ctr": "click-through rate|click through rate|clickthrough rate|ctr|doorklikratio|klikratio|klickrate",
    "click_to_open": "click-to-open rate|click to open rate|click-to-open|ctor",
    "cpa": "cost per acquisition|cpa|kosten per acquisitie|kosten pro akquisition|akquisitionskosten",
    "revenue_per_recipient": "revenue per recipient|omzet per ontvanger|umsatz pro empfanger",
    "revenue": "revenue|sales|turnover|omzet|verkopen|verkoop|umsatz|umsatze|erlos",
    "cltv": "customer lifetime value|lifetime value|cltv|clv|klantwaarde|kundenwert",
    "nps": "net promoter score|nps", "roi": "return on investment|roi|rendement",
    "csat": "customer satisfaction|csat|klanttevredenheid|kundenzufriedenheit",
    "aov": "average order value|aov|gemiddelde orderwaarde|durchschnittlicher bestellwert|warenkorbwert",
    "unsubscribe_rate": "unsubscribe rate|unsubscribes|afmeldingen|uitschrijvingen|abmelderate|abmeldungen",
    "complaint_rate": "complaint rate|spam complaints|klachten|beschwerden",
    "delivery_rate": "delivery rate|bezorgratio|zustellrate",
}
_KPI_PATTERN = re.compile(r"\b(" + "|".join(sorted(
    (word for words in _KPI_WORDS.values() for word in words.split("|")), key=len, reverse=True)) + r")\b")
_KPI_OF_WORD = {word: key for key, words in _KPI_WORDS.items() for word in words.split("|")}
_NUM = r"[+-]?\d+(?:[.,]\d+)*"
_PCT = r"(?:%|percent|per cent|procent|prozent)"
_VALUE = rf"(?:€\s*)?({_NUM})\s*(%|percent|procent|prozent|€|euro|eur)?"
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_BY = r"(?:\b(?:by|before|until|till|on|deadline|tot|voor|uiterlijk|op|bis|vor|zum|am|spatestens)\s+(?:the\s+)?)?"
_DATES = (  # (pattern, reader of the match groups) — day first, as written in nl/de
    (rf"{_BY}\b(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})\b", lambda g: (int(g[0]), int(g[1]), int(g[2]))),
    (rf"{_BY}\b(\d{{1,2}})[./-](\d{{1,2}})[./-](\d{{4}})\b", lambda g: _day_first(int(g[0]), int(g[1]), int(g[2]))),
    (rf"{_BY}\b(\d{{1,2}})\.?\s+({_MONTH})\.?\s+(\d{{4}})\b", lambda g: (int(g[2]), _MONTHS[g[1]], int(g[0]))),
    (rf"{_BY}\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b",
     lambda g: (int(g[2]), _MONTHS[g[0]], int(g[1]))),
    (rf"{_BY}\b(?:(?:the\s+)?end\s+of|eind|einde|ende)\s+(?:({_MONTH})\s+)?(\d{{4}})\b",
     lambda g: (int(g[1]), _MONTHS[g[0]] if g[0] else 12, 0)),
    (rf"{_BY}\b({_MONTH})\s+(\d{{4}})\b", lambda g: (int(g[1]), _MONTHS[g[0]], 0)),  # 0: the month's last day
)
_DURATION = re.compile(rf"(?:\b(?:within|in|binnen|innerhalb(?:\s+von)?|over|during|the\s+next|de\s+komende|"
                       rf"den\s+nachsten|den\s+kommenden)\s+)*\b(\d+|{_ONE})\s+("
                       + "|".join(f"(?P<{unit}>{pattern})" for unit, pattern in _UNITS.items()) + r")\b")
_HALF_YEAR = re.compile(r"\b(?:(?:within|in|binnen|innerhalb)\s+)?(?:half\s+a\s+year|een\s+half\s+jaar|"
                        r"(?:einem|ein)\s+halbe[ns]?\s+jahr)\b")
_SEGMENT = re.compile(r"\bsegment\s+(?:\"([^\"]+)\"|'([^']+)'|[“„]([^”“\"]+)[”“\"]|([0-9a-z][\w-]*))")
_UP = r"\b(?:increas|rais|grow|boost|improv|lift|more|verhoog|stijg|groei|verbeter|meer|erhoh|steiger|" \
      r"verbesser|wachs|mehr)\w*"
_DOWN = r"\b(?:decreas|reduc|lower|cut|drop|shrink|less|fewer|verlaag|verlag|verminder|reduceer|daal|minder|" \
        r"senk|reduzier|verringer|weniger|minimi)\w*"
_DOWN_LIMIT = r"below|under|less than|lower than|at most|no more than|maximum|max|onder|beneden|lager dan|" \
              r"minder dan|hoogstens|maximaal|unterhalb|unter|weniger als|niedriger als|hochstens|maximal"
_UP_LIMIT = r"above|over|more than|higher than|at least|minimum|boven|hoger dan|meer dan|minstens|minimaal|" \
            r"ten minste|oberhalb|uber|mehr als|hoher als|mindestens"
_MULTIPLIERS = ((r"\b(?:doubl|verdubbel|verdoppel)\w*", 1.0), (r"\b(?:tripl|verdrievoudig|verdreifach)\w*", 2.0),
                (r"\b(?:halv|halveer|halbier)\w*", -0.5))


def _fold(text: str) -> str:
    """Lower case without accents, one character for one character (so spans map back to the text)."""
    folded = []
    for char in text:
        base = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
        lower = base.lower()
        folded.append(lower if len(lower) == 1 else char)
    return "".join(folded)


def _day_first(day: int, month: int, year: int) -> tuple[int, int, int]:
    # 06/30/2027 cannot be day-first, so read it the American way.
    return (year, day, month) if month > 12 >= day else (year, month, day)


def _add_months(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _number(token: str) -> float:
    """A number as written: 15 / 15,5 / 2.5 / 1.000 / 20,000 / 1.234,5 (a 3-digit group is a thousands group)."""
    sign, digits = (-1.0 if token.startswith("-") else 1.0), token.lstrip("+-")
    if re.fullmatch(r"[1-9]\d{0,2}([.,])\d{3}(?:\1\d{3})*", digits):
        return sign * float(re.sub(r"[.,]", "", digits))
    last = max(digits.rfind("."), digits.rfind(","))
    if last < 0:
        return sign * float(digits)
    return sign * float(re.sub(r"[.,]", "", digits[:last]) + "." + digits[last + 1:])


def _take(pattern: str | re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    """The first match of `pattern` and the text with that match blanked out (same length)."""
    match = re.search(pattern, text)
    if match is None:
        return None, text
    return match, text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def _digits(text: str) -> str:
    """Number words as digits ("zes maanden" → "6 maanden"); "ten minste" is a phrase, not ten."""
    text = re.sub(r"\bten\s+minste\b", "minstens", text)
    return re.sub(r"\b[^\W\d_]+(?:-[^\W\d_]+)?\b",
                  lambda word: str(_NUMBER_WORDS.get(word.group(0), word.group(0))), text)


def _deadline(text: str, today: date) -> tuple[date | None, str | None, str]:
    """(deadline, problem, text without the deadline) from a date or a duration in the text."""
    for pattern, read in _DATES:
        match, rest = _take(pattern, text)
        if match:
            year, month, day = read(match.groups())
            try:
                return date(year, month, day or calendar.monthrange(year, month)[1]), None, _digits(rest)
            except ValueError:
                return None, f"{match.group(0).strip()!r} is not a real date; write it as 2027-06-30.", _digits(rest)
    match, rest = _take(_HALF_YEAR, text)
    if match:
        return _add_months(today, 6), None, _digits(rest)
    match, rest = _take(_DURATION, _digits(text))
    if match is None:
        return None, None, rest
    count = int(match.group(1)) if match.group(1).isdigit() else 1
    unit = next(name for name in _UNITS if match.group(name))
    if unit in ("day", "week"):
        return date.fromordinal(today.toordinal() + count * (7 if unit == "week" else 1)), None, rest
    return _add_months(today, count * {"month": 1, "quarter": 3, "year": 12}[unit]), None, rest


def _values(text: str, definition: KPI | None) -> tuple[dict[str, object], str | None]:
    """Baseline / target / relative change / direction written in the text, or a Measurable problem."""
    up, down = re.search(_UP, text), re.search(_DOWN, text)
    verb = None if not (up or down) else "increase" if up and (not down or up.start() < down.start()) else "decrease"
    natural = None if definition is None else "increase" if definition.higher_is_better else "decrease"
    is_rate = definition is not None and definition.unit == "%"

    def absolute(number: str, unit: str | None) -> float:
        value = _number(number)
        if definition is not None and unit and unit.startswith(("%", "p")) and not is_rate:
            raise ValueError(f"{definition.label} is measured in {definition.unit}, not in percent; give the target "
                             f"in {definition.unit} or as a change (e.g. '-15%').")
        return value / 100 if is_rate else value

    try:
        if re.search(rf"{_NUM}\s*{_PCT}?\s*(?:percentage\s+points?|pp|procentpunt(?:en)?|prozentpunkte?)\b", text):
            raise ValueError("percentage points are ambiguous here; write the goal as 'from 18% to 25%'.")
        if match := re.search(rf"\b(?:from|van|von)\s+{_VALUE}\s+(?:to|naar|tot|auf|bis|zu|into)\s+{_VALUE}", text):
            return {"baseline": absolute(*match.group(1, 2)), "target": absolute(*match.group(3, 4))}, None
        if match := re.search(rf"\b({_DOWN_LIMIT}|{_UP_LIMIT})\s+{_VALUE}", text):
            direction = "decrease" if re.fullmatch(_DOWN_LIMIT, match.group(1)) else "increase"
            return {"target": absolute(*match.group(2, 3)), "direction": direction}, None
        for pattern, change in _MULTIPLIERS:
            if re.search(pattern, text):
                return {"relative_change": change}, None
        if match := re.search(rf"(?<![\w.,])([+-])\s*(\d+(?:[.,]\d+)?)\s*{_PCT}", text):
            return {"relative_change": (1 if match.group(1) == "+" else -1) * _number(match.group(2)) / 100}, None
        if match := re.search(rf"\b(?:by|met|um)\s+({_NUM})\s*{_PCT}", text):
            sign = -1 if (verb or natural) == "decrease" else 1
            return {"relative_change": sign * abs(_number(match.group(1))) / 100}, None
        if match := re.search(rf"({_NUM})\s*{_PCT}\s+(\w+)", text):
            more, less = re.fullmatch(_UP, match.group(2)), re.fullmatch(_DOWN, match.group(2))
            if more or less:
                return {"relative_change": (1 if more else -1) * abs(_number(match.group(1))) / 100}, None
        if match := re.search(rf"\b(?:to|naar|tot|auf|op|reach|bereiken|erreichen)\s+{_VALUE}", text):
            return {"target": absolute(*match.group(1, 2)), **({"direction": verb} if verb else {})}, None
        if match := re.search(rf"({_NUM})\s*{_PCT}", text):
            if is_rate and not verb:
                return {"target": absolute(match.group(1), "%")}, None
            sign = -1 if (verb or natural) == "decrease" else 1
            return {"relative_change": sign * abs(_number(match.group(1))) / 100}, None
        if match := re.search(rf"€\s*({_NUM})|({_NUM})\s*(?:€|euro|eur)\b", text):
            return {"target": absolute(match.group(1) or match.group(2), "€"),
                    **({"direction": verb} if verb else {})}, None
    except ValueError as error:
        return {}, str(error)
    return {}, "no target — give a number: a target ('to 25%', 'below 20 €') or a change ('+15%')."


def parse_goal(text: str, *, today: date, segment: str | None = None) -> SmartGoal | list[SmartProblem]:
    """Read a plain goal in English, Dutch or German; returns the goal, or the SMART problems that refuse it.

    Understands e.g. "+15% conversion in segment A within 6 months", "Verhoog de conversieratio van
    segment A met 15% binnen zes maanden", "CPA unter 20 € bis 31.12.2027" and "open rate from 18% to
    25% by 2027-06-30": numbers as digits or small number words, durations in days/weeks/months/
    quarters/years from `today`, dates as 2027-06-30, 30.06.2027, 30 juni 2027 or "end of 2027".
    `segment` is the segment the goal is typed for (a segment named in the text wins). "x%" of a rate
    without a verb is a target; with "+", "by/met/um" or a verb it is a relative change. Only what
    the text lacks is reported here; run `validate_goal` on the result for the full SMART check.
    For a rate KPI every absolute number is a percentage ("open rate to 25" is 0.25).
    """
    folded = _fold(text)
    problems: list[SmartProblem] = []
    match, work = _take(_SEGMENT, folded)
    if match:
        group = next(index for index in range(1, 5) if match.group(index) is not None)
        segment = text[match.start(group):match.end(group)].strip()
    kpi_match, work = _take(_KPI_PATTERN, work)
    kpi_key = _KPI_OF_WORD[kpi_match.group(1)] if kpi_match else ""
    deadline, date_problem, work = _deadline(work, today)
    values, value_problem = _values(work, KPI_BY_KEY.get(kpi_key))
    if not kpi_key:
        problems.append(SmartProblem("S", "error", "no KPI — name what to improve (e.g. conversion rate, open "
                                                   "rate, CPA, revenue, NPS)."))
    if not segment:
        problems.append(SmartProblem("S", "error", "no segment — say which segment (e.g. 'in segment A')."))
    if value_problem:
        problems.append(SmartProblem("M", "error", value_problem))
    if deadline is None:
        problems.append(SmartProblem("T", "error", date_problem or "no deadline — add one (e.g. 'within 6 months' "
                                                                   "or 'by 2027-06-30')."))
    if problems:
        return problems
    return SmartGoal(kpi=kpi_key, segment=segment, start=today, deadline=deadline, description=text.strip(),
                     **values)

"""Reading a SMART goal written in plain English, Dutch or German ("+15% conversion in segment A within
6 months", "Verhoog de conversieratio van segment A met 15% binnen zes maanden", "CPA unter 20 € bis 31.12.2027").

`parse_goal` only reports what the text lacks; run `campaigns.smart.validate_goal` on the result.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

from campaigns.smart import SmartGoal, SmartProblem
from kpis.registry import KPI, KPI_BY_KEY

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

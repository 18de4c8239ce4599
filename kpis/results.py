"""Campaign results intake: recognise, check and normalise an uploaded results table for the KPI pages.

Two shapes are accepted. *Aggregated* results hold one row per campaign × message × variant ×
segment (× date) with counts (sent, delivered, opens, clicks, conversions, unsubscribes,
complaints) and money (revenue, cost). *Per-customer* outcomes hold one row per recipient: a
customer id (a pseudonym), the variant, optionally the segment, and 0/1 outcomes (opened,
clicked, converted, …) plus revenue — the input of A/B analysis. `aggregate_outcomes` turns the
second shape into the first, so both feed `kpis.registry.compute_kpis`.

Column names are matched case- and accent-insensitively, ignoring separators, with English, Dutch
and German synonyms ("Verzonden", "Geöffnet", "Omzet (EUR)", "Aantal kliks"). Validation is all or
nothing: the first problem raises `ResultsError` with one message naming the file, the column and
the first bad row (counted from 1 after the header), and how many more rows share the problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segmentation.ingest import IngestError, read_upload
from segmentation.vocabulary import normalise_name

__all__ = [
    "AGGREGATED", "AGGREGATED_COUNTS", "MONEY_COLUMNS", "OUTCOME_FLAGS", "PER_CUSTOMER", "ResultsError",
    "ResultsTable", "aggregate_outcomes", "detect_results_shape", "read_results", "validate_results",
]

AGGREGATED, PER_CUSTOMER = "aggregated", "per_customer"
DIMENSIONS = ("campaign", "message", "variant", "segment")
AGGREGATED_COUNTS = ("sent", "delivered", "opens", "clicks", "conversions", "unsubscribes", "complaints")
MONEY_COLUMNS = ("revenue", "cost")
# In a per-customer file the count concepts are 0/1 flags and carry a past-tense name.
_FLAG_NAME = {"opens": "opened", "clicks": "clicked", "conversions": "converted", "unsubscribes": "unsubscribed",
              "complaints": "complained", "sent": "sent", "delivered": "delivered"}
OUTCOME_FLAGS = tuple(_FLAG_NAME.values())
_FLAG_COUNT = {flag: count for count, flag in _FLAG_NAME.items()}

_SYNONYMS = {  # concept: compact column names (lower case, accents folded, separators removed)
    "campaign": "campaign campaigns campaignname campaignid campagne campagnenaam campagneid kampagne "
                "kampagnenname kampagnenid actie aktion",
    "message": "message messageid messagename bericht berichtid nachricht nachrichtid mailing mailingid creative "
               "boodschap",
    "variant": "variant variantname variante version versie abvariant abtest abgroup testvariant testgroup "
               "testgroep testgruppe arm cell",
    "segment": "segment segmentname segmentnaam segmentid doelgroep zielgruppe audience",
    "date": "date datum day dag tag week woche sentdate senddate sendday sendweek weekstart verzenddatum "
            "versanddatum",
    "customer_id": "customerid customer customernumber customerno klantid klant klantnummer klantnr kundenid kunde "
                   "kundennummer kundennr recipientid recipient ontvangerid empfangerid empfaengerid pseudonym "
                   "pseudoniem pseudonymid subjectid contactid userid",
    "sent": "sent sends send verzonden verstuurd verzendingen gesendet versendet verschickt recipients ontvangers "
            "empfanger empfaenger",
    "delivered": "delivered deliveries afgeleverd bezorgd geleverd zugestellt geliefert zustellungen",
    "opens": "opens open opened openings geopend openingen geoffnet geoeffnet offnungen oeffnungen uniqueopens",
    "clicks": "clicks click clicked kliks klik klikken geklikt klicks klick geklickt uniqueclicks",
    "conversions": "conversions conversion converted conversies conversie geconverteerd konversionen konversion "
                   "konvertiert orders bestellingen bestellungen purchases aankopen kaufe kaeufe",
    "revenue": "revenue revenues omzet umsatz opbrengst opbrengsten ertrag erlos erloes turnover sales "
               "ordervalue orderwaarde bestellwert",
    "cost": "cost costs kosten kost uitgaven ausgaben mediacost sendcost verzendkosten versandkosten",
    "unsubscribes": "unsubscribes unsubscribe unsubscribed unsubs optouts optout afmeldingen afmelding afgemeld "
                    "uitschrijvingen uitgeschreven abmeldungen abmeldung abgemeldet",
    "complaints": "complaints complaint complained spamcomplaints spamreports spam klachten klacht spamklachten "
                  "beschwerden beschwerde spambeschwerden spammeldungen",
}
_CONCEPT_OF = {name: concept for concept, names in _SYNONYMS.items() for name in names.split()}
_PREFIXES = ("numberof", "number", "aantal", "anzahl", "total", "totaal", "gesamt", "sum", "nr", "num")
_SUFFIXES = ("count", "total", "totaal", "gesamt", "euro", "eur", "amount", "bedrag", "betrag", "aantal", "anzahl")
_FLAG_WORDS = {"1": 1, "0": 0, "1.0": 1, "0.0": 0, "true": 1, "false": 0, "yes": 1, "no": 0, "y": 1, "n": 0,
               "ja": 1, "j": 1, "nee": 0, "nein": 0, "waar": 1, "onwaar": 0, "wahr": 1, "falsch": 0}


class ResultsError(ValueError):
    """A results table that cannot be used; one message naming file, column and first bad row, and the fix."""

    def __init__(self, message: str, *, column: str | None = None, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.row = row


@dataclass(frozen=True, eq=False)
class ResultsTable:
    """A validated results table: its shape, the frame under canonical column names, and warnings.

    `columns` maps each canonical name to the column name in the uploaded file, so a page can show
    how the file was read.
    """

    shape: str
    frame: pd.DataFrame
    warnings: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)


def _concept(name: object) -> str | None:
    """The concept a column name stands for, trying it bare, then without one count/unit prefix or suffix."""
    compact = normalise_name(name).compact
    candidates = [compact]
    candidates += [compact[len(prefix):] for prefix in _PREFIXES if compact.startswith(prefix)]
    candidates += [compact[: -len(suffix)] for suffix in _SUFFIXES if compact.endswith(suffix)]
    return next((_CONCEPT_OF[candidate] for candidate in candidates if candidate in _CONCEPT_OF), None)


def _concepts(frame: pd.DataFrame, where: str) -> dict[str, str]:
    """concept → original column name; two columns meaning the same thing is an error."""
    found: dict[str, str] = {}
    for column in frame.columns:
        concept = _concept(column)
        if concept is None:
            continue
        if concept in found:
            raise ResultsError(f"{where}: columns {found[concept]!r} and {column!r} both mean {concept!r}; "
                               "remove or rename one of them and upload again", column=str(column))
        found[concept] = str(column)
    return found


def _shape_of(found: dict[str, str], where: str, columns: Sequence[object]) -> str:
    if "customer_id" in found:
        return PER_CUSTOMER
    if "sent" in found:
        return AGGREGATED
    raise ResultsError(
        f"{where}: cannot tell what kind of results this is (columns: {', '.join(map(str, columns))}). "
        "Upload either totals per campaign/segment and variant with a 'sent' column (also 'verzonden', "
        "'gesendet'), or one row per recipient with a customer id column ('customer_id', 'klantnummer', "
        "'Kundennummer')")


def detect_results_shape(frame: pd.DataFrame) -> str:
    """"per_customer" when a customer id column is present, else "aggregated" when a sent column is.

    Raises ResultsError when the frame has neither, saying what each shape needs.
    """
    return _shape_of(_concepts(frame, "the results table"), "the results table", frame.columns)


# ---------------------------------------------------------------- value parsing (on distinct values)
def _number_texts(texts: pd.Series, whole: bool) -> np.ndarray:
    """Numbers written as text: decimal comma or point, grouping dots/commas/spaces, a currency sign."""
    text = texts.astype("str").str.strip().str.replace(r"[\s\u00a0\u202f'€$£]", "", regex=True)
    dot, comma = text.str.contains(".", regex=False), text.str.contains(",", regex=False)
    comma_is_decimal = text.str.rfind(",") > text.str.rfind(".")
    both = dot & comma
    text = text.mask(both & comma_is_decimal, text.str.replace(".", "", regex=False))
    text = text.mask(both & ~comma_is_decimal, text.str.replace(",", "", regex=False))
    if whole:  # "1.000" and "1,000" in a count column are thousands
        grouped = text.str.fullmatch(r"-?\d{1,3}([.,]\d{3})+") & ~both
        text = text.mask(grouped, text.str.replace(r"[.,]", "", regex=True))
    text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64")


def _as_numbers(series: pd.Series, whole: bool) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    parsed = _number_texts(pd.Series(uniques, dtype="object"), whole) if len(uniques) else np.empty(0)
    return np.append(parsed, np.nan)[codes]


def _as_flags(series: pd.Series) -> np.ndarray:
    """0/1 (or yes/no, ja/nee, ja/nein, true/false) as float 0/1; anything else NaN."""
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        return np.where(np.isin(values, (0.0, 1.0)), values, np.nan)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    looked_up = [_FLAG_WORDS.get(str(value).strip().lower(), np.nan) for value in uniques]
    return np.append(np.asarray(looked_up, dtype="float64"), np.nan)[codes]


def _labels(series: pd.Series) -> pd.Series:
    """Group labels as text: trimmed, whole floats without ".0", blanks missing."""
    if pd.api.types.is_float_dtype(series):
        finite = series.dropna()
        if (finite == finite.round()).all():
            series = series.astype("Int64")
    text = series.astype("str").str.strip()
    return text.mask(text == "")


def _dates(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
    codes, uniques = pd.factorize(series.astype("str").str.strip(), use_na_sentinel=True)
    texts = pd.Series(uniques, dtype="str")
    parsed = pd.to_datetime(texts, errors="coerce", format="ISO8601")
    retry = parsed.isna()
    if retry.any():  # 31-01-2025, 31.01.2025: European day-first dates
        parsed[retry] = pd.to_datetime(texts[retry], errors="coerce", dayfirst=True, format="mixed")
    lookup = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))
    return pd.Series(lookup[codes], index=series.index)


# ---------------------------------------------------------------- checks
class _Checker:
    """Raises ResultsError for the first bad row of a check, naming file, original column and row."""

    def __init__(self, frame: pd.DataFrame, file_name: str, found: dict[str, str]) -> None:
        self.frame, self.file_name, self.found = frame, file_name, found

    def fail(self, bad: np.ndarray, concept: str, problem: str, hint: str, *, show_value: bool = True) -> None:
        rows = np.flatnonzero(bad)
        if not len(rows):
            return
        column = self.found[concept]
        value = self.frame[column].iloc[rows[0]]
        value = value.item() if isinstance(value, np.generic) else value
        more = f" ({len(rows) - 1:,} more row(s) like this)" if len(rows) > 1 else ""
        subject = f"{value!r} " if show_value else ""
        raise ResultsError(f"{self.file_name}, column {column!r}, row {rows[0] + 1}: {subject}{problem}; "
                           f"{hint}{more}", column=column, row=int(rows[0]) + 1)

    def blank(self, values: np.ndarray | pd.Series, concept: str, hint: str) -> None:
        original = self.frame[self.found[concept]]
        empty = original.isna().to_numpy()
        if pd.api.types.is_object_dtype(original) or pd.api.types.is_string_dtype(original):
            empty = empty | (original.astype("str").str.strip() == "").to_numpy()
        self.fail(empty & np.asarray(pd.isna(values)), concept, "the cell is empty", hint, show_value=False)

    def not_above(self, values: dict[str, np.ndarray], concept: str, bound: str) -> None:
        bad = values[concept] > values[bound]
        label = self.found[bound]
        self.fail(bad, concept, f"is more than {bound} (column {label!r})",
                  f"{concept} cannot exceed {bound}; check that both columns come from the same export")


def _required(found: dict[str, str], where: str, names: Sequence[str], what: str) -> None:
    missing = [name for name in names if name not in found]
    if missing:
        raise ResultsError(f"{where}: no {missing[0]!r} column, which {what} needs; add it (Dutch and German "
                           "names such as 'variant'/'Variante' or 'verzonden'/'gesendet' are recognised too)",
                           column=missing[0])


def _numbers(check: _Checker, concept: str, *, whole: bool, blank_is_zero: bool = False) -> np.ndarray:
    values = _as_numbers(check.frame[check.found[concept]], whole)
    if blank_is_zero:
        values = np.where(check.frame[check.found[concept]].isna().to_numpy(), 0.0, values)
    check.blank(values, concept, "fill in 0 when nothing happened, or remove the column")
    check.fail(np.isnan(values) | np.isinf(values), concept, "is not a number",
               "use digits only, e.g. 1250 or 12,50")
    check.fail(values < 0, concept, "is negative", "results cannot be below zero")
    if whole:
        check.fail(values != np.round(values), concept, "is not a whole number", f"{concept} is a count")
    return values


def _dimensions(check: _Checker, frame: pd.DataFrame, names: Sequence[str]) -> dict[str, pd.Series]:
    columns = {}
    for concept in (name for name in names if name in check.found):
        labels = _labels(frame[check.found[concept]])
        check.fail(labels.isna().to_numpy(), concept, "the cell is empty", f"every row needs a {concept}",
                   show_value=False)
        columns[concept] = labels
    if "date" in check.found:
        dates = _dates(frame[check.found["date"]])
        check.blank(dates, "date", "every row needs a date when the file has a date column")
        check.fail(dates.isna().to_numpy(), "date", "is not a date", "write dates as YYYY-MM-DD, e.g. 2025-03-31")
        columns["date"] = dates
    return columns


def _extra_columns(frame: pd.DataFrame, found: dict[str, str], taken: set[str]) -> dict[str, pd.Series]:
    """Columns this module does not know, kept under their own names unless that would clash."""
    known = set(found.values())
    return {str(name): frame[name] for name in frame.columns if name not in known and str(name) not in taken}


def _validate_aggregated(frame: pd.DataFrame, check: _Checker) -> tuple[pd.DataFrame, list[str]]:
    found, where = check.found, check.file_name
    if "campaign" not in found and "segment" not in found:
        raise ResultsError(f"{where}: no 'campaign' or 'segment' column; aggregated results need at least one of "
                           "them to say what each row counts (e.g. 'segment', 'doelgroep', 'Zielgruppe')")
    _required(found, where, ("variant", "sent"), "an aggregated results file")
    columns: dict[str, object] = dict(_dimensions(check, frame, DIMENSIONS))
    counts = {name: _numbers(check, name, whole=True) for name in AGGREGATED_COUNTS if name in found}
    money = {name: _numbers(check, name, whole=False) for name in MONEY_COLUMNS if name in found}
    reach = "delivered" if "delivered" in counts else "sent"
    if reach == "delivered":
        check.not_above(counts, "delivered", "sent")
    for name in ("opens", "clicks", "conversions", "unsubscribes", "complaints"):
        if name in counts:
            check.not_above(counts, name, reach)
    warnings = []
    if "opens" in counts and "clicks" in counts:
        more_clicks = np.flatnonzero(counts["clicks"] > counts["opens"])
        if len(more_clicks):
            warnings.append(f"{where}: {len(more_clicks):,} row(s) have more clicks than opens (first: row "
                            f"{more_clicks[0] + 1}); opens are undercounted when images are blocked, so the "
                            "click-to-open rate can exceed 100 % there")
    columns |= {name: values.astype("int64") for name, values in counts.items()}
    columns |= {name: values for name, values in money.items()}
    keys = [name for name in (*DIMENSIONS, "date") if name in columns]
    result = pd.DataFrame(columns | _extra_columns(frame, found, set(columns)))
    repeated = np.flatnonzero(result.duplicated(subset=keys, keep="first").to_numpy())
    if len(repeated):
        warnings.append(f"{where}: {len(repeated):,} row(s) repeat the {'/'.join(keys)} of an earlier row (first: "
                        f"row {repeated[0] + 1}); their numbers are added together in the KPIs")
    return result, warnings


def _validate_per_customer(frame: pd.DataFrame, check: _Checker) -> tuple[pd.DataFrame, list[str]]:
    found, where = check.found, check.file_name
    _required(found, where, ("customer_id", "variant"), "a per-customer results file")
    outcomes = [name for name in ("conversions", "revenue", "opens", "clicks") if name in found]
    if not outcomes:
        raise ResultsError(f"{where}: no outcome column; a per-customer file needs at least one of converted, "
                           "revenue, opened or clicked (0/1 per recipient; revenue as an amount)")
    columns: dict[str, object] = {"customer_id": _labels(frame[found["customer_id"]])}
    check.fail(columns["customer_id"].isna().to_numpy(), "customer_id", "the cell is empty",
               "every row needs a customer id", show_value=False)
    columns |= _dimensions(check, frame, DIMENSIONS)
    flags = {}
    for concept in (name for name in _FLAG_NAME if name in found):
        values = _as_flags(frame[found[concept]])
        check.blank(values, concept, "fill in 0 or 1 for every recipient")
        check.fail(np.isnan(values), concept, "is not 0 or 1", "use 1 (yes) or 0 (no) per recipient")
        flags[concept] = values
    reach = "delivered" if "delivered" in flags else "sent" if "sent" in flags else None
    if reach == "delivered" and "sent" in flags:
        check.not_above(flags, "delivered", "sent")
    for name in ("opens", "clicks", "conversions", "unsubscribes", "complaints"):
        if reach and name in flags:
            check.not_above(flags, name, reach)
    warnings = []
    money = {}
    for name in (name for name in MONEY_COLUMNS if name in found):
        blanks = int(frame[found[name]].isna().sum())
        money[name] = _numbers(check, name, whole=False, blank_is_zero=True)
        if blanks:
            warnings.append(f"{where}: column {found[name]!r} is blank in {blanks:,} row(s); read as 0")
    if "opens" in flags and "clicks" in flags and (clicked_only := int((flags["clicks"] > flags["opens"]).sum())):
        warnings.append(f"{where}: {clicked_only:,} recipient(s) clicked without a recorded open; opens are "
                        "undercounted when images are blocked")
    ids = columns["customer_id"]
    scope = {name: columns[name] for name in ("campaign", "message") if name in columns}
    repeated = 0 if ids.is_unique else int(pd.DataFrame({"customer_id": ids, **scope}).duplicated().sum())
    if repeated:
        warnings.append(f"{where}: {repeated:,} row(s) repeat a customer id already listed for the same campaign; "
                        "each row counts as one recipient, and a customer in two variants blurs an A/B test")
    columns |= {_FLAG_NAME[name]: values.astype("int8") for name, values in flags.items()}
    columns |= money
    result = pd.DataFrame(columns | _extra_columns(frame, found, set(columns)))
    return result, warnings


def validate_results(frame: pd.DataFrame, *, file_name: str) -> ResultsTable:
    """Check an uploaded results table and return it under canonical column names, or raise ResultsError.

    The shape is detected from the columns (see `detect_results_shape`). Nothing is partially
    accepted: the first problem raises with the file, the column as the user named it and the
    first bad row. Non-blocking oddities (more clicks than opens, repeated rows) become warnings.
    Columns the module does not recognise are kept under their own names.
    """
    if frame.shape[1] == 0 or len(frame) == 0:
        raise ResultsError(f"{file_name} has no data rows: export the results again with a header and rows")
    found = _concepts(frame, file_name)
    shape = _shape_of(found, file_name, frame.columns)
    frame = frame.reset_index(drop=True)
    check = _Checker(frame, file_name, found)
    validate = _validate_per_customer if shape == PER_CUSTOMER else _validate_aggregated
    result, warnings = validate(frame, check)
    names = {(_FLAG_NAME.get(concept, concept) if shape == PER_CUSTOMER else concept): original
             for concept, original in found.items()}
    return ResultsTable(shape=shape, frame=result, warnings=tuple(warnings), columns=names)


def read_results(data: bytes, file_name: str, *, max_bytes: int, sheet: str | None = None) -> ResultsTable:
    """Read an uploaded results file (CSV, XLSX, Parquet) and validate it; every problem is a ResultsError."""
    try:
        upload = read_upload(data, file_name, max_bytes=max_bytes, sheet=sheet)
    except IngestError as error:
        raise ResultsError(error.message) from error
    table = validate_results(upload.frame, file_name=file_name)
    return ResultsTable(table.shape, table.frame, (*upload.warnings, *table.warnings), table.columns)


def aggregate_outcomes(per_customer_frame: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """Sum per-customer outcomes into aggregated results (one row per group of `by`) for `compute_kpis`.

    `sent` counts the rows (or sums a 0/1 `sent` column); `delivered` equals `sent` when the file
    has no delivery flag, so rates are per recipient. opened/clicked/converted/unsubscribed/
    complained become opens/clicks/conversions/unsubscribes/complaints; revenue and cost are summed.
    """
    by = [by] if isinstance(by, str) else list(by)
    missing = [name for name in by if name not in per_customer_frame.columns]
    if missing:
        raise ResultsError(f"cannot group the outcomes by {missing[0]!r}: there is no such column (columns: "
                           f"{', '.join(map(str, per_customer_frame.columns))})", column=missing[0])
    summed = [name for name in (*OUTCOME_FLAGS, *MONEY_COLUMNS) if name in per_customer_frame.columns]
    grouped = per_customer_frame.groupby(by, sort=True, observed=True, dropna=False)
    totals = grouped[summed].sum() if summed else pd.DataFrame(index=grouped.size().index)
    result = pd.DataFrame(index=totals.index)
    result["sent"] = totals["sent"] if "sent" in totals else grouped.size()
    result["delivered"] = totals["delivered"] if "delivered" in totals else result["sent"]
    for flag in OUTCOME_FLAGS:
        if flag in totals and flag not in ("sent", "delivered"):
            result[_FLAG_COUNT[flag]] = totals[flag]
    counts = [name for name in AGGREGATED_COUNTS if name in result.columns]
    result = result[counts].astype("int64")
    for name in MONEY_COLUMNS:
        if name in totals:
            result[name] = totals[name].astype("float64")
    return result.reset_index()

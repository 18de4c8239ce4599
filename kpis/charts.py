"""Altair chart builders (and the tile data) for the KPI pages, always from aggregated numbers.

Every builder reduces its input to at most MAX_CHART_ROWS rows before Altair sees it, so a chart
spec sent to the browser never carries recipient rows, however large the results table. Axes
follow the KPI's unit in the registry: percentages for "%" KPIs, euro for money; titles use the
registry labels ("Conversion rate per segment, by week").

Charts that need two layers (bars with interval whiskers, a lift with its zero line, a funnel with
its labels) return `alt.LayerChart`, which Streamlit's `st.altair_chart` renders like a chart.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from kpis.registry import KPI, compute_kpis, format_kpi_value, kpi

__all__ = [
    "MAX_CHART_ROWS",
    "MAX_SERIES",
    "PERIODS",
    "ChartInputError",
    "experiment_lift_chart",
    "funnel_chart",
    "kpi_tiles_data",
    "kpi_trend_chart",
    "period_start",
    "segment_comparison_chart",
]

MAX_CHART_ROWS = 500
MAX_SERIES = 10  # lines in one trend chart; more are unreadable
MAX_BARS = 50
PERIODS = ("day", "week", "month", "quarter")
_PERIOD_TITLES = {"day": "Day", "week": "Week starting", "month": "Month", "quarter": "Quarter starting"}
_FUNNEL = (("sent", "Sent"), ("delivered", "Delivered"), ("opens", "Opened"), ("clicks", "Clicked"),
           ("conversions", "Converted"))
TOTAL_LABEL = "All segments"


class ChartInputError(ValueError):
    """Data a chart cannot be drawn from (missing column, unknown period); the message names the fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- formatting by unit
def _axis(definition: KPI) -> alt.Axis:
    title = f"{definition.label} (€)" if definition.unit == "€" else definition.label
    if definition.unit == "%":
        return alt.Axis(format=".1%", title=title)
    if definition.unit == "€":
        return alt.Axis(labelExpr="'€ ' + format(datum.value, ',.2f')", title=title)
    return alt.Axis(format=",.0f" if definition.unit == "count" else ",.1f", title=title)


def _tooltip_format(definition: KPI) -> str:
    return {"%": ".2%", "€": ",.2f", "count": ",.0f"}.get(definition.unit, ",.1f")


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise ChartInputError(f"{what} needs a column {missing[0]!r}; the data has: "
                              f"{', '.join(map(str, frame.columns))}")


# ---------------------------------------------------------------- periods
def period_start(dates: pd.Series, period: str) -> pd.Series:
    """The first day of each date's period: Monday for weeks, the 1st for months and quarters."""
    if period not in PERIODS:
        raise ChartInputError(f"period {period!r} is not one of: {', '.join(PERIODS)}")
    days = pd.to_datetime(dates).to_numpy().astype("datetime64[D]")
    if period == "week":  # 1970-01-01 was a Thursday, day 3 counted from Monday
        days = days - ((days.astype("int64") + 3) % 7).astype("timedelta64[D]")
    elif period in ("month", "quarter"):
        months = days.astype("datetime64[M]").astype("int64")
        if period == "quarter":
            months = months - months % 3
        days = months.astype("datetime64[M]").astype("datetime64[D]")
    return pd.Series(days.astype("datetime64[ns]"), index=dates.index, name="period")


def _previous_period(start: np.datetime64, period: str) -> np.datetime64:
    day = np.datetime64(start, "D")
    if period in ("day", "week"):
        return day - np.timedelta64(1 if period == "day" else 7, "D")
    months = 1 if period == "month" else 3
    return (day.astype("datetime64[M]") - np.timedelta64(months, "M")).astype("datetime64[D]")


# ---------------------------------------------------------------- tiles
def _goal_for(goals: float | Mapping[str, float] | None, label: str) -> float:
    if goals is None:
        return np.nan
    if isinstance(goals, Mapping):
        return float(goals.get(label, np.nan))
    return float(goals)


def _delta_text(definition: KPI, delta: float) -> str:
    if not np.isfinite(delta):
        return "–"
    if definition.unit == "%":
        return f"{delta * 100:+,.2f} pp"
    if definition.unit == "€":
        return f"{'+' if delta >= 0 else '−'}€ {abs(delta):,.2f}"
    return f"{delta:+,.0f}" if definition.unit == "count" else f"{delta:+,.1f}"


def kpi_tiles_data(aggregated: pd.DataFrame, kpi_key: str, *, by: str = "segment", period: str | None = "week",
                   date_column: str = "date", goals: float | Mapping[str, float] | None = None,
                   include_total: bool = True) -> pd.DataFrame:
    """One small row per segment for KPI tiles: value, change against the previous period, goal status.

    With a date column and a `period`, `value` is the KPI over the latest period in the table and
    `previous` over the period before it (NaN when that period has no rows); otherwise `value`
    covers all rows and there is no delta. `goals` is one target for every row or a mapping
    segment → target; `goal_status` is "met", "not met", "no goal" or "no data", judged in the
    KPI's direction (lower is better for cost, CPA, unsubscribes). `direction` says whether the
    change is "better", "worse" or "unchanged". A first row "All segments" is added unless
    `include_total=False`. Display texts are in `value_text` and `delta_text`.
    """
    definition = kpi(kpi_key)
    _require(aggregated, [by], "KPI tiles")
    frame = aggregated
    use_periods = period is not None and date_column in aggregated.columns
    if use_periods:
        starts = period_start(aggregated[date_column], period)
        latest = starts.max()
        previous = pd.Timestamp(_previous_period(latest.to_datetime64(), period))
        frame = aggregated.assign(_tile_period=starts.map({latest: "value", previous: "previous"}))
        frame = frame[frame["_tile_period"].notna()]
    groups = [by] + (["_tile_period"] if use_periods else [])
    per_group = compute_kpis(frame, groups, keys=[kpi_key])
    if include_total:
        total = compute_kpis(frame, groups[1:], keys=[kpi_key]) if use_periods else \
            compute_kpis(frame, (), keys=[kpi_key])
        per_group = pd.concat([total.assign(**{by: TOTAL_LABEL}), per_group], ignore_index=True)
    if use_periods:
        table = per_group.pivot_table(index=by, columns="_tile_period", values=kpi_key, sort=False, dropna=False)
        table = table.reindex(columns=["value", "previous"])
    else:
        table = per_group.set_index(by)[[kpi_key]].rename(columns={kpi_key: "value"}).assign(previous=np.nan)
    order = ([TOTAL_LABEL] if include_total else []) + sorted(aggregated[by].dropna().astype("str").unique())
    table.index = table.index.astype("str")
    table = table.reindex(order).reset_index().rename(columns={"index": by})
    table["delta"] = table["value"] - table["previous"]
    sign = 1 if definition.higher_is_better else -1
    table["direction"] = np.select([table["delta"] * sign > 0, table["delta"] * sign < 0, table["delta"] == 0],
                                   ["better", "worse", "unchanged"], default="")
    table["goal"] = [_goal_for(goals, label) for label in table[by]]
    reached = table["value"] >= table["goal"] if definition.higher_is_better else table["value"] <= table["goal"]
    table["goal_status"] = np.select([table["goal"].isna(), table["value"].isna(), reached],
                                     ["no goal", "no data", "met"], default="not met")
    table["value_text"] = [format_kpi_value(definition, value) for value in table["value"]]
    table["delta_text"] = [_delta_text(definition, delta) for delta in table["delta"]]
    table.insert(1, "kpi", definition.key)
    table.insert(2, "label", definition.label)
    table.insert(3, "unit", definition.unit)
    table.columns.name = None
    return table


# ---------------------------------------------------------------- trend
def kpi_trend_chart(aggregated: pd.DataFrame, kpi_key: str, by: str | None = "segment", period: str = "week", *,
                    date_column: str = "date") -> alt.Chart:
    """A line per segment (or one line when `by` is None) of the KPI per period.

    Only the MAX_SERIES segments with the most sends are drawn, and only the most recent periods
    that keep the chart within MAX_CHART_ROWS points; the title says when something was left out.
    """
    definition = kpi(kpi_key)
    _require(aggregated, [date_column] + ([by] if by else []), "A trend chart")
    frame = aggregated.assign(period=period_start(aggregated[date_column], period))
    note = ""
    if by:
        weight = frame["sent"] if "sent" in frame.columns else pd.Series(1, index=frame.index)
        sizes = weight.groupby(frame[by], observed=True).sum().sort_values(ascending=False, kind="stable")
        if len(sizes) > MAX_SERIES:
            note = f" ({MAX_SERIES} largest of {len(sizes)} {by}s)"
            frame = frame[frame[by].isin(sizes.index[:MAX_SERIES])]
    data = compute_kpis(frame, ["period"] + ([by] if by else []), keys=[kpi_key]).rename(columns={kpi_key: "value"})
    series = data[by].nunique() if by else 1
    periods = np.sort(data["period"].unique())
    keep = max(MAX_CHART_ROWS // max(series, 1), 1)
    if len(periods) > keep:
        note += f" (last {keep} of {len(periods)} {period}s)"
        data = data[data["period"].isin(periods[-keep:])]
    title = f"{definition.label} per {by}, by {period}{note}" if by else f"{definition.label} by {period}{note}"
    tooltip = [alt.Tooltip("period:T", title=_PERIOD_TITLES[period]),
               alt.Tooltip("value:Q", title=definition.label, format=_tooltip_format(definition))]
    encoding = {"x": alt.X("period:T", title=_PERIOD_TITLES[period]), "y": alt.Y("value:Q", axis=_axis(definition))}
    if by:
        encoding["color"] = alt.Color(f"{by}:N", title=by.replace("_", " ").capitalize())
        tooltip.insert(0, alt.Tooltip(f"{by}:N"))
    return alt.Chart(data, title=title).mark_line(point=True).encode(**encoding, tooltip=tooltip)


# ---------------------------------------------------------------- segment comparison
def _label_column(frame: pd.DataFrame, by: str | None) -> str:
    if by is not None:
        _require(frame, [by], "A segment comparison")
        return by
    if "segment" in frame.columns:
        return "segment"
    text = [name for name in frame.columns if not pd.api.types.is_numeric_dtype(frame[name])]
    if not text:
        raise ChartInputError("a segment comparison needs a column naming the segments (e.g. 'segment')")
    return str(text[0])


def segment_comparison_chart(kpis_frame: pd.DataFrame, kpi_key: str, *, by: str | None = None) -> alt.LayerChart:
    """Horizontal bars of one KPI per segment, best first, with interval whiskers when the frame has them.

    `kpis_frame` is `compute_kpis` output (a column named after the KPI) or `rank_segments` output
    (a `value` column); whiskers come from `ci_low`/`ci_high` or `<kpi>_ci_low`/`<kpi>_ci_high`.
    At most MAX_BARS segments (the best) are drawn.
    """
    definition = kpi(kpi_key)
    label = _label_column(kpis_frame, by)
    value = kpi_key if kpi_key in kpis_frame.columns else "value"
    _require(kpis_frame, [value], f"A comparison of {definition.label.lower()}")
    bounds = next(((low, high) for low, high in (("ci_low", "ci_high"), (f"{kpi_key}_ci_low", f"{kpi_key}_ci_high"))
                   if low in kpis_frame.columns and high in kpis_frame.columns), None)
    data = pd.DataFrame({label: kpis_frame[label].astype("str"), "value": kpis_frame[value].astype("float64")})
    if bounds:
        data["ci_low"] = kpis_frame[bounds[0]].astype("float64")
        data["ci_high"] = kpis_frame[bounds[1]].astype("float64")
    data = data.sort_values("value", ascending=not definition.higher_is_better, na_position="last", kind="stable")
    note = f" (best {MAX_BARS} of {len(data)})" if len(data) > MAX_BARS else ""
    data = data.head(MAX_BARS)
    order = data[label].tolist()
    y = alt.Y(f"{label}:N", sort=order, title=None)
    tooltip = [alt.Tooltip(f"{label}:N"), alt.Tooltip("value:Q", title=definition.label,
                                                      format=_tooltip_format(definition))]
    if bounds:
        tooltip += [alt.Tooltip(name, format=_tooltip_format(definition), title=title)
                    for name, title in (("ci_low:Q", "95% CI from"), ("ci_high:Q", "95% CI to"))]
    title = f"{definition.label} per {label.replace('_', ' ')}{note}"
    base = alt.Chart(data)
    layers = [base.mark_bar().encode(x=alt.X("value:Q", axis=_axis(definition)), y=y, tooltip=tooltip)]
    if bounds:
        layers.append(base.mark_errorbar(ticks=True).encode(x=alt.X("ci_low:Q", axis=_axis(definition)),
                                                            x2="ci_high:Q", y=y))
    return alt.layer(*layers, title=title)


# ---------------------------------------------------------------- experiment lift
def experiment_lift_chart(report_frame: pd.DataFrame) -> alt.LayerChart:
    """Relative lift of each variant over the control per group, with its interval and a zero line.

    `report_frame` is `ExperimentReport.to_frame()`. Comparisons without a lift (too few recipients,
    no control conversions) are left out; a filled dot means significant after correction.
    """
    needed = ["group", "variant", "relative_lift", "relative_ci_low", "relative_ci_high"]
    _require(report_frame, needed, "A lift chart")
    data = pd.DataFrame({
        "group": report_frame["group"].astype("object").where(report_frame["group"].notna(), "All recipients")
        .astype("str"),
        "variant": report_frame["variant"].astype("str"),
        "lift": report_frame["relative_lift"].astype("float64"),
        "ci_low": report_frame["relative_ci_low"].astype("float64"),
        "ci_high": report_frame["relative_ci_high"].astype("float64"),
        "result": np.where(report_frame["significant"].fillna(False).astype(bool), "significant", "not significant")
        if "significant" in report_frame.columns else "not tested",
    })
    data = data[np.isfinite(data["lift"])].head(MAX_CHART_ROWS)
    control = str(report_frame["control"].iloc[0]) if "control" in report_frame.columns and len(report_frame) else ""
    metric = str(report_frame["metric"].iloc[0]) if "metric" in report_frame.columns and len(report_frame) else ""
    title = "Relative lift over the control, with confidence intervals"
    if control and metric:
        title = f"Lift in {metric.replace('_', ' ')} over {control}, with confidence intervals"
    axis = alt.Axis(format="%", title="Relative lift over the control")
    y = alt.Y("group:N", title=None, sort=sorted(data["group"].unique()))
    offset = alt.YOffset("variant:N")
    base = alt.Chart(data)
    whiskers = base.mark_rule().encode(x=alt.X("ci_low:Q", axis=axis), x2="ci_high:Q", y=y, yOffset=offset,
                                       color=alt.Color("variant:N", title="Variant"))
    points = base.mark_point(size=70).encode(
        x=alt.X("lift:Q", axis=axis), y=y, yOffset=offset, color=alt.Color("variant:N", title="Variant"),
        fill=alt.condition(alt.datum.result == "significant", alt.Color("variant:N", legend=None),
                           alt.value("white")),
        tooltip=["group:N", "variant:N", alt.Tooltip("lift:Q", format=".1%", title="lift"),
                 alt.Tooltip("ci_low:Q", format=".1%", title="interval from"),
                 alt.Tooltip("ci_high:Q", format=".1%", title="interval to"), "result:N"])
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(strokeDash=[4, 4], color="gray").encode(x="zero:Q")
    return alt.layer(zero, whiskers, points, title=title)


# ---------------------------------------------------------------- funnel
def funnel_chart(aggregated_row: pd.Series | pd.DataFrame | Mapping[str, float], *,
                 title: str | None = None) -> alt.LayerChart:
    """Bars for sent → delivered → opened → clicked → converted, labelled with the share of sent.

    Takes one aggregated row (a Series or mapping) or an aggregated frame, whose rows are summed.
    Stages whose column is absent are skipped; `sent` is required. The default title names the
    last stage drawn ("Funnel from sent to converted").
    """
    if isinstance(aggregated_row, pd.DataFrame):
        present = [name for name, _ in _FUNNEL if name in aggregated_row.columns]
        totals = aggregated_row[present].apply(pd.to_numeric, errors="coerce").sum()
    else:
        totals = pd.Series(dict(aggregated_row))
    if "sent" not in totals.index:
        raise ChartInputError("a funnel needs a 'sent' count; the data has: " + ", ".join(map(str, totals.index)))
    stages = [(name, label) for name, label in _FUNNEL if name in totals.index]
    counts = np.array([float(totals[name]) for name, _ in stages])
    data = pd.DataFrame({"stage": [label for _, label in stages], "count": counts})
    data["share_of_sent"] = counts / counts[0] if counts[0] > 0 else np.nan
    data["step_rate"] = np.concatenate([[1.0], counts[1:] / np.where(counts[:-1] > 0, counts[:-1], np.nan)])
    data["text"] = [f"{count:,.0f} ({share:.1%})" if np.isfinite(share) else f"{count:,.0f}"
                    for count, share in zip(data["count"], data["share_of_sent"], strict=True)]
    title = title or f"Funnel from sent to {stages[-1][1].lower()}"
    y = alt.Y("stage:N", sort=data["stage"].tolist(), title=None)
    base = alt.Chart(data)
    bars = base.mark_bar().encode(
        # a quarter more room on the right so the labels beside the longest bar stay inside the chart
        x=alt.X("count:Q", title="Recipients", axis=alt.Axis(format=",.0f"),
                scale=alt.Scale(domain=[0, max(float(counts.max()), 1.0) * 1.25])), y=y,
        tooltip=["stage:N", alt.Tooltip("count:Q", format=",.0f"),
                 alt.Tooltip("share_of_sent:Q", format=".1%", title="share of sent"),
                 alt.Tooltip("step_rate:Q", format=".1%", title="share of the stage before")])
    labels = base.mark_text(align="left", dx=4).encode(x="count:Q", y=y, text="text:N")
    return alt.layer(bars, labels, title=title)

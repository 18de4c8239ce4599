"""The screening panel (Rules page 'try a message', message editor): verdict, highlighted text, findings.

User text is never rendered as HTML: it is Markdown-escaped and spans are marked with Streamlit's
own `:color-background[...]` directive, so a message such as `<script>` shows up as those characters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st

from compliance import Audience, Finding, RuleSet, ScreeningResult, screen
from ui.display import md

_COLOURS = {"block": "red", "review": "orange", "info": "blue"}
VERDICT_LABELS = {"pass": ("✅ Pass", st.success), "review": ("🟠 Needs review", st.warning),
                  "block": ("⛔ Blocked", st.error)}


escape_markdown = md  # user text shown literally (no formatting, links or HTML)


def highlighted_markdown(text: str, result: ScreeningResult) -> str:
    """The message as safe Markdown with each finding's span highlighted by severity."""
    return highlighted_spans(text, ((f.start, f.end, f.severity) for f in result.findings))


def highlighted_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` as safe Markdown with each (start, end, severity) span highlighted (stored findings too)."""
    pieces, position = [], 0
    for start, end, severity in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start < position or not 0 <= start < end <= len(text):
            continue  # overlapping findings: the first one already marks this text
        pieces.append(escape_markdown(text[position:start]))
        colour = _COLOURS.get(severity, "gray")
        pieces.append(f":{colour}-background[{escape_markdown(text[start:end])}]")
        position = end
    pieces.append(escape_markdown(text[position:]))
    return "".join(pieces)


def findings_table(result: ScreeningResult) -> pd.DataFrame:
    return pd.DataFrame([{"severity": f.severity, "category": f.category, "matched": f.matched_text,
                          "why": f.explanation, "instead": f.suggestion, "source": f.source, "rule": f.rule_id}
                         for f in result.findings])


_SEVERITY_BADGES = {"block": ":red-badge[block]", "review": ":orange-badge[review]", "info": ":blue-badge[info]"}


def fix_label(finding: Finding) -> str:
    """The button text of a finding's one-click fix."""
    if not finding.replacement:
        return f"Remove “{finding.matched_text}”"
    return f"Replace with “{finding.replacement}”"


def finding_cards(findings: Iterable[Finding], *, key: str, on_fix: Callable[[Finding], None] | None = None,
                  can_fix: Callable[[Finding], bool] = lambda finding: True, fixes_enabled: bool = True) -> None:
    """Each finding in full — what matched, why, what to write instead, the source — with its one-click fix."""
    for position, finding in enumerate(findings):
        with st.container(border=True):
            text, action = st.columns([4, 1.4], vertical_alignment="center")
            text.markdown(f"{_SEVERITY_BADGES.get(finding.severity, finding.severity)} **“{md(finding.matched_text)}”**"
                          f" · {md(finding.category)}  \n{md(finding.explanation)}")
            text.caption(f"Instead: {md(finding.suggestion)}  \nSource: {md(finding.source)} · rule "
                         f"`{finding.rule_id}`")
            if on_fix is not None and finding.replacement is not None and can_fix(finding):
                action.button(fix_label(finding), key=f"{key}_fix_{position}", disabled=not fixes_enabled,
                              on_click=on_fix, args=(finding,), width="stretch",
                              help=f"Replaces “{finding.matched_text}” with “{finding.replacement}” in the text."
                              if finding.replacement else f"Removes “{finding.matched_text}” from the text.")


def screening_panel(text: str, ruleset: RuleSet, *, lang: str = "auto", audience: Audience | None = None,
                    key: str = "screening", on_fix: Callable[[Finding], None] | None = None,
                    can_fix: Callable[[Finding], bool] = lambda finding: True,
                    fixes_enabled: bool = True) -> ScreeningResult:
    """Screen ``text`` and show the verdict, the highlighted text and each finding with its advice.

    With ``on_fix`` the findings are shown one by one with a button applying their suggested replacement
    (message editor); without, as one table (the Rules page's try box).
    """
    result = screen(text, ruleset=ruleset, lang=lang, audience=audience)
    label, show = VERDICT_LABELS[result.verdict]
    show(f"{label} · language {result.language} · rule set {result.ruleset_version}"
         + (f" · {', '.join(result.categories)}" if result.categories else ""))
    if result.findings:
        st.markdown(highlighted_markdown(text, result))
        if on_fix is None:
            st.dataframe(findings_table(result), hide_index=True, width="stretch", key=f"{key}_findings")
        else:
            finding_cards(result.findings, key=key, on_fix=on_fix, can_fix=can_fix, fixes_enabled=fixes_enabled)
    return result

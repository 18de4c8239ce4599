"""The screening panel (Rules page 'try a message', message editor): verdict, highlighted text, findings.

User text is never rendered as HTML: it is Markdown-escaped and spans are marked with Streamlit's
own `:color-background[...]` directive, so a message such as `<script>` shows up as those characters.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from compliance import Audience, RuleSet, ScreeningResult, screen
from ui.display import md

_COLOURS = {"block": "red", "review": "orange", "info": "blue"}
VERDICT_LABELS = {"pass": ("✅ Pass", st.success), "review": ("🟠 Needs review", st.warning),
                  "block": ("⛔ Blocked", st.error)}


escape_markdown = md  # user text shown literally (no formatting, links or HTML)


def highlighted_markdown(text: str, result: ScreeningResult) -> str:
    """The message as safe Markdown with each finding's span highlighted by severity."""
    pieces, position = [], 0
    for finding in sorted(result.findings, key=lambda f: (f.start, -f.end)):
        if finding.start < position:
            continue  # overlapping findings: the first one already marks this text
        pieces.append(escape_markdown(text[position:finding.start]))
        colour = _COLOURS.get(finding.severity, "gray")
        pieces.append(f":{colour}-background[{escape_markdown(text[finding.start:finding.end])}]")
        position = finding.end
    pieces.append(escape_markdown(text[position:]))
    return "".join(pieces)


def findings_table(result: ScreeningResult) -> pd.DataFrame:
    return pd.DataFrame([{"severity": f.severity, "category": f.category, "matched": f.matched_text,
                          "why": f.explanation, "instead": f.suggestion, "source": f.source, "rule": f.rule_id}
                         for f in result.findings])


def screening_panel(text: str, ruleset: RuleSet, *, lang: str = "auto", audience: Audience | None = None,
                    key: str = "screening") -> ScreeningResult:
    """Screen ``text`` and show the verdict, the highlighted text and each finding with its advice."""
    result = screen(text, ruleset=ruleset, lang=lang, audience=audience)
    label, show = VERDICT_LABELS[result.verdict]
    show(f"{label} · language {result.language} · rule set {result.ruleset_version}"
         + (f" · {', '.join(result.categories)}" if result.categories else ""))
    if result.findings:
        st.markdown(highlighted_markdown(text, result))
        st.dataframe(findings_table(result), hide_index=True, width="stretch", key=f"{key}_findings")
    return result

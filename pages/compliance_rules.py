"""Rules (compliance reviewers): the rules in force, tuning without editing files, try a message, import/export."""

import pandas as pd
import streamlit as st

from campaigns.review import recheck_approved
from compliance import Audience, RulePackError, export_pack_yaml, validate_pack
from compliance.tuning import build_ruleset, pack_from_text, ruleset_in_force, save_tuning, tuning_in_force
from store.rule_overlays import overlay_history
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import show_pending_notice, show_table
from ui.errors import user_errors
from ui.live_text import live_text_area
from ui.screening_panel import screening_panel

principal = require_roles("reviewer")
engine = get_engine()
SEVERITY_OPTIONS = ["info", "review", "block"]
LANGUAGES = ("en", "nl", "de")

st.title("Rules")
show_pending_notice("rules_notice")

with user_errors("loading the rules"):
    in_force = ruleset_in_force(engine)
    overlay, custom_packs = tuning_in_force(engine)
    base = build_ruleset(in_force.profile, None, custom_packs)
st.caption(f"Profile '{in_force.profile}' · {len(in_force.rules)} rules in force · rule-set version "
           f"{in_force.version}. Tuning is stored as a new version; the shipped packs stay untouched.")

tune, imports, history = st.tabs(["Tune and try", "Import / export packs", "History"])

with tune:
    categories = sorted({rule.category for rule in base.rules})
    disabled_categories = st.multiselect("Switch off whole categories", categories,
                                         default=[c for c in overlay.get("disabled_categories", []) if c in categories],
                                         key="rules_disabled_categories")
    extra_terms, extra_exceptions = overlay.get("extra_terms", {}), overlay.get("extra_exceptions", {})
    table = pd.DataFrame([{
        "rule": rule.id, "category": rule.category,
        "enabled": rule.id not in overlay.get("disabled_rules", []),
        "severity": overlay.get("severity", {}).get(rule.id, rule.severity),
        **{f"extra terms {lang}": ", ".join(extra_terms.get(rule.id, {}).get(lang, [])) for lang in LANGUAGES},
        **{f"exceptions {lang}": ", ".join(extra_exceptions.get(rule.id, {}).get(lang, [])) for lang in LANGUAGES},
        "explanation": rule.explanation} for rule in base.rules])
    edited = st.data_editor(table, hide_index=True, width="stretch", key="rules_editor",
                            disabled=["rule", "category", "explanation"],
                            column_config={"severity": st.column_config.SelectboxColumn(options=SEVERITY_OPTIONS,
                                                                                        required=True)})
    defaults = {rule.id: rule.severity for rule in base.rules}

    def phrases(column_prefix: str) -> dict:
        found = {}
        for row in edited.to_dict("records"):
            per_language = {lang: [p.strip() for p in str(row[f"{column_prefix} {lang}"] or "").split(",") if p.strip()]
                            for lang in LANGUAGES}
            per_language = {lang: terms for lang, terms in per_language.items() if terms}
            if per_language:
                found[row["rule"]] = per_language
        return found

    draft = {"disabled_rules": [row["rule"] for row in edited.to_dict("records") if not row["enabled"]],
             "disabled_categories": disabled_categories,
             "severity": {row["rule"]: row["severity"] for row in edited.to_dict("records")
                          if row["severity"] != defaults[row["rule"]]},
             "extra_terms": phrases("extra terms"), "extra_exceptions": phrases("exceptions")}
    draft_ruleset = None
    try:
        draft_ruleset = build_ruleset(in_force.profile, draft, custom_packs)
    except RulePackError as exc:
        st.error(str(exc))

    st.subheader("Try a message")
    message = live_text_area("Message", key="rules_try_text", max_chars=5000, height=120,
                             placeholder="Type a marketing message to see how the rules above judge it")
    c1, c2 = st.columns(2)
    lang = c1.selectbox("Language", ["auto", *LANGUAGES], key="rules_try_lang")
    minors = c2.checkbox("The audience can include minors", key="rules_try_minors")
    if message.strip() and draft_ruleset is not None:
        with user_errors("screening the message"):
            audience = Audience(min_age=16 if minors else 18, max_age=None, share_minors=0.1 if minors else 0.0,
                                selected_by_age=False, selected_by_gender=False)
            screening_panel(message, draft_ruleset, lang=lang, audience=audience, key="rules_try")
    changed = draft_ruleset is not None and draft_ruleset.version != in_force.version
    note = st.text_input("Why this change (kept in the history)", key="rules_note", max_chars=500)
    if st.button("Save the tuning", type="primary", key="rules_save", disabled=not changed):
        with user_errors("saving the tuning"):
            saved = save_tuning(engine, principal, draft, custom_packs, note)
            flagged = recheck_approved(engine, principal)
            st.session_state["rules_notice"] = (f"Saved: rule-set version {saved.version} is now in force. "
                                                f"{len(flagged)} approved message(s) flagged for re-review.")
            st.rerun()

with imports:
    st.markdown("**Import a pack** (YAML, one category per file; validated before it is added)")
    name = st.text_input("Pack name", key="pack_name", max_chars=40, placeholder="e.g. tobacco-extra")
    uploaded = st.file_uploader("Pack file", type=["yaml", "yml"], key="pack_file")
    text = uploaded.getvalue().decode("utf-8", errors="replace") if uploaded else ""
    if text:
        problems = validate_pack(text)
        if problems:
            st.error("The pack is not valid:\n\n" + "\n".join(f"- {p}" for p in problems[:20]))
        elif st.button("Add this pack", key="pack_add", disabled=not name):
            with user_errors("importing the pack"):
                pack_from_text(name, text)
                saved = save_tuning(engine, principal, overlay, {**custom_packs, name: text}, f"imported pack {name}")
                flagged = recheck_approved(engine, principal)
                st.session_state["rules_notice"] = (f"Pack '{name}' added; rule-set version {saved.version}. "
                                                    f"{len(flagged)} approved message(s) flagged for re-review.")
                st.rerun()
    st.markdown("**Export a pack**")
    packs = {pack.path: pack for pack in in_force.packs}
    chosen = st.selectbox("Pack", list(packs), key="pack_export_choice")
    if chosen:
        st.download_button("Download YAML", export_pack_yaml(packs[chosen]), file_name=f"{packs[chosen].category}.yaml",
                           mime="application/x-yaml", key="pack_export")

with history, user_errors("reading the history"):
    rows = overlay_history(engine, principal, in_force.profile)
    if not rows:
        st.info("The shipped rules are in force; nothing was tuned yet.")
    else:
        show_table(pd.DataFrame(rows)[["id", "created_at", "actor", "ruleset_version", "note"]], key="rules_history")

"""A text area that reports its text while the user types (debounced), so screening can follow the writing.

``st.text_area`` only sends its value on blur or Ctrl+Enter; the message editor must screen as the marketer
writes. This Streamlit components-v2 element sends the text after a pause in typing (``debounce_ms``), on blur
and on Ctrl/Cmd+Enter. The text itself lives in ``st.session_state[key]`` like any widget value, so callbacks
(a one-click fix) can change it; :func:`set_live_text` does that and tells the browser to take the new text.

The browser never overwrites what the user is typing with an older text from the server: it only takes the
server's text when the server changed it (a revision number that only :func:`set_live_text` increments).
The element renders the text with ``textarea.value`` — never as HTML.
"""

from __future__ import annotations

import streamlit as st

_HTML = """
<div class="live-text">
  <label class="live-text__label"></label>
  <textarea class="live-text__area" spellcheck="true"></textarea>
  <div class="live-text__count" aria-live="off"></div>
</div>
"""

_CSS = """
.live-text { font-family: var(--st-font, "Source Sans Pro", sans-serif); color: var(--st-text-color, #31333f); }
.live-text__label { display: block; font-size: 0.875rem; margin-bottom: 0.25rem; }
.live-text__area {
  box-sizing: border-box; width: 100%; resize: vertical; padding: 0.5rem 0.75rem;
  font: inherit; font-size: 1rem; line-height: 1.6; color: inherit;
  background: var(--st-secondary-background-color, #f0f2f6);
  border: 1px solid var(--st-border-color, transparent); border-radius: var(--st-base-radius, 0.5rem);
}
.live-text__area:focus { outline: none; border-color: var(--st-primary-color, #ff4b4b); }
.live-text__area:disabled { opacity: 0.6; cursor: not-allowed; }
.live-text__count { font-size: 0.75rem; opacity: 0.7; text-align: right; margin-top: 0.15rem; }
"""

# Why the revision check: a rerun caused by our own debounced report arrives while the user keeps typing; its
# data.value is already stale. Only a server-side change (a fix applied) bumps data.revision.
# Why the sequence number: Streamlit calls on_edit_change only when the reported value differs from the last
# one; after a fix the user may type the very text reported before, which must still reach Python.
_JS = """
export default function(component) {
  const { data, parentElement, setStateValue } = component;
  const area = parentElement.querySelector("textarea");
  const label = parentElement.querySelector("label");
  const count = parentElement.querySelector(".live-text__count");
  const id = "live-text-" + data.id;
  area.id = id;
  label.htmlFor = id;
  label.textContent = data.label;
  area.placeholder = data.placeholder || "";
  area.maxLength = data.maxChars;
  area.disabled = data.disabled;
  area.style.height = data.height + "px";
  if (area.dataset.revision !== String(data.revision)) {
    area.value = data.value;
    area.dataset.revision = String(data.revision);
    area.dataset.sent = data.value;
  }
  const showCount = () => { count.textContent = area.value.length.toLocaleString() + " / " +
                                               data.maxChars.toLocaleString(); };
  showCount();
  const send = () => {
    clearTimeout(area._liveTimer);
    if (area.value !== area.dataset.sent) {
      area.dataset.sent = area.value;
      area._liveSequence = (area._liveSequence || 0) + 1;
      setStateValue("edit", { text: area.value, sequence: area._liveSequence });
    }
  };
  area.oninput = () => {
    showCount();
    clearTimeout(area._liveTimer);
    area._liveTimer = setTimeout(send, data.debounceMs);
  };
  area.onblur = send;
  area.onkeydown = (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); send(); }
  };
  return () => clearTimeout(area._liveTimer);
}
"""

_live_text_component = st.components.v2.component("amanah.live_text_area", html=_HTML, css=_CSS, js=_JS)


def _revision_key(key: str) -> str:
    return f"{key}-revision"


def _component_key(key: str) -> str:
    return f"{key}-live"


def set_live_text(key: str, text: str) -> None:
    """Change the text of a live text area from Python (e.g. in a button callback); the browser takes it."""
    st.session_state[key] = text
    st.session_state[_revision_key(key)] = st.session_state.get(_revision_key(key), 0) + 1


def live_text_area(label: str, *, key: str, value: str = "", height: int = 200, max_chars: int = 10_000,
                   disabled: bool = False, placeholder: str = "", debounce_ms: int = 700) -> str:
    """Show the text area and return its current text (``value`` is used when ``key`` holds none yet).

    Text longer than ``max_chars`` is cut on the server too: the browser's limit is a convenience, not a check.
    """
    if key not in st.session_state:
        st.session_state[key] = value
    st.session_state.setdefault(_revision_key(key), 0)
    component_key = _component_key(key)

    def take_browser_text() -> None:
        reported = (st.session_state.get(component_key) or {}).get("edit") or {}
        text = reported.get("text") if isinstance(reported, dict) else None
        if isinstance(text, str) and not disabled:
            st.session_state[key] = text[:max_chars]

    _live_text_component(
        key=component_key,
        data={"id": component_key, "label": label, "value": st.session_state[key],
              "revision": st.session_state[_revision_key(key)], "maxChars": max_chars, "height": height,
              "disabled": disabled, "placeholder": placeholder, "debounceMs": debounce_ms},
        on_edit_change=take_browser_text,
    )
    return st.session_state[key][:max_chars]

"""Comparing two versions of a message line by line, for the side-by-side diff a reviewer reads."""

from __future__ import annotations

import difflib
import re
from itertools import zip_longest

__all__ = ["DIFF_OPS", "line_diff"]

DIFF_OPS = ("equal", "replace", "delete", "insert")


def line_diff(old: str, new: str) -> list[tuple[str, str | None, str | None]]:
    """Rows (op, old line, new line) pairing the lines of two texts side by side.

    op is "equal", "replace" (the line changed), "delete" (only in old; new line None) or "insert"
    (only in new; old line None). A changed block with more lines on one side pairs what it can and
    shows the rest as deletes or inserts. Line ends (\\n, \\r\\n) are not part of the lines.
    """
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    rows: list[tuple[str, str | None, str | None]] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        left, right = old_lines[old_start:old_end], new_lines[new_start:new_end]
        if op == "equal":
            rows += [("equal", line, line) for line in left]
        elif op == "delete":
            rows += [("delete", line, None) for line in left]
        elif op == "insert":
            rows += [("insert", None, line) for line in right]
        else:
            for before, after in zip_longest(left, right):
                rows.append(("replace" if before is not None and after is not None
                             else "delete" if after is None else "insert", before, after))
    return rows


_SENTENCE_END = ".!?\n"
_LEADING_PUNCTUATION = re.compile(r"^[ \t]*(?:[!?.,;:]+|[\u2014\u2013-](?=\s))?[ \t]*")  # "! Order" → "Order"
_DANGLING_SEPARATOR = re.compile(r"[ \t]*(?:[,;:]|\s[\u2014\u2013-])+$")  # "bij, ." / "now — ." lose ", " / " —"


def apply_replacement(text: str, matched: str, replacement: str) -> str:
    """Replace the first occurrence of ``matched`` (a finding's text) and tidy what removal leaves behind.

    A non-empty replacement is inserted as given (screening already put it in the case of the matched
    words). An empty replacement removes the words and repairs the sentence around them, leaving the
    rest of the text as the marketer wrote it: at the start of a sentence the punctuation the removed
    words ended with goes and the next word gets a capital ("Hurry, almost gone!" → "Almost gone!");
    at the end of a clause a separator left dangling before the full stop goes ("snel bij, ." →
    "snel bij."); elsewhere one space joins the two sides.
    """
    position = text.find(matched)
    if position < 0:
        return text
    if replacement:
        return text[:position] + replacement + text[position + len(matched):]
    before, after = text[:position].rstrip(" \t"), text[position + len(matched):]
    if not before or before[-1] in _SENTENCE_END:
        after = _LEADING_PUNCTUATION.sub("", after)
        if after[:1].islower() and not after[1:2].isupper():  # "iPhone" keeps its small i
            after = after[0].upper() + after[1:]
        gap = " " if before and before[-1] != "\n" and after else ""
        return (before + gap + after).strip()
    after = after.lstrip(" \t")
    if not after or after[0] in _SENTENCE_END or after[0] in ",;:)":
        if not after or after[0] in _SENTENCE_END:
            before = _DANGLING_SEPARATOR.sub("", before)
        elif before[-1] in ",;:":
            after = after[1:].lstrip(" \t")
            return (before + (" " if after else "") + after).strip()
        return (before + after).strip()
    if before[-1] in "\u2014\u2013-" and after[0] in "\u2014\u2013-":  # "Hurry — [removed] — order" keeps one dash
        after = after[1:].lstrip(" \t")
    return (before + " " + after).strip()

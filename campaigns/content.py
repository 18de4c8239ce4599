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


def apply_replacement(text: str, matched: str, replacement: str) -> str:
    """Replace the first occurrence of ``matched`` (a finding's text) and tidy what removal leaves behind.

    An empty replacement removes the words; punctuation that then starts a sentence or doubles up, and
    runs of spaces, are cleaned so the message still reads properly.
    """
    position = text.find(matched)
    if position < 0:
        return text
    result = text[:position] + replacement + text[position + len(matched):]
    if replacement:
        return result
    result = re.sub(r"(^|(?<=[.!?]))\s*[!?.,;:]+", r"\1", result)  # "Only 2 left! Warm" → "! Warm" → "Warm"
    result = re.sub(r"[ \t]{2,}", " ", result)
    return result.strip()

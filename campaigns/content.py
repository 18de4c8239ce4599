"""Comparing two versions of a message line by line, for the side-by-side diff a reviewer reads."""

from __future__ import annotations

import difflib
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

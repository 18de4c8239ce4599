"""A/B variants of one segment × channel message: intended splits and a stable, disjoint audience assignment.

The variants of a segment × channel share its audience: each recipient gets at most one variant. Every member
is given a stable position in [0, 1) from a keyed hash of their pseudonymous id and the campaign, segment and
channel, and the variants (in name order) take consecutive slices of that interval by their intended split.
Whatever the splits leave over is the hold-out group, which receives nothing and is the control of the test.
The assignment does not depend on row order, on other members or on which variants are approved yet, so a
re-export sends nobody a second variant.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

SPLIT_TOLERANCE = 1e-9
HOLDOUT = "holdout"


class SplitError(ValueError):
    """Intended splits that do not fit in one audience; the message says which and how to fix them."""


def check_splits(splits: Mapping[str, float]) -> None:
    """Refuse splits outside (0, 1] or adding up to more than the whole audience."""
    for variant, share in splits.items():
        if not 0 < share <= 1:
            raise SplitError(f"Variant '{variant}': the intended split is a share between 0 and 1 "
                             "(e.g. 0.5 for half the segment).")
    total = sum(splits.values())
    if total > 1 + SPLIT_TOLERANCE:
        listed = ", ".join(f"{variant} {share:.0%}" for variant, share in sorted(splits.items()))
        raise SplitError(f"The variants would cover {total:.0%} of the audience ({listed}); together they can "
                         "cover at most 100%. Lower a split first.")


def remaining_share(splits: Mapping[str, float]) -> float:
    """The share of the audience no variant takes yet (what a new variant can have)."""
    return max(0.0, round(1.0 - sum(splits.values()), 6))


def audience_positions(subject_ids: pd.Series, salt: str) -> np.ndarray:
    """A stable position in [0, 1) per subject id, independent of order and of the other ids."""
    keyed = subject_ids.astype("string").fillna("") + "\x1f" + salt
    hashed = pd.util.hash_pandas_object(keyed, index=False).to_numpy(dtype=np.uint64)
    return (hashed >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def assign_variants(subject_ids: pd.Series, splits: Mapping[str, float], salt: str) -> pd.Series:
    """Each subject's variant name (or HOLDOUT), by consecutive slices of [0, 1) in variant-name order."""
    check_splits(splits)
    positions = audience_positions(subject_ids, salt)
    assigned = np.full(len(positions), HOLDOUT, dtype=object)
    start = 0.0
    for variant in sorted(splits):
        end = start + splits[variant]
        assigned[(positions >= start) & (positions < end)] = variant
        start = end
    return pd.Series(assigned, index=subject_ids.index, name="variant")

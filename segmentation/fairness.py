"""Proxy-discrimination check: is segment membership strongly tied to a special category it does not use?

A segment built on region may still select mostly people of one religion if religion varies by
region. Cramér's V (bias-corrected, Bergsma 2013) between membership and each special-category
column measures that; above the threshold the segment gets a "possible proxy discrimination" warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency

MISSING_LEVEL = "(missing)"


@dataclass(frozen=True)
class ProxyWarning:
    column: str
    cramers_v: float
    over_represented: str
    share_in_segment: float
    share_overall: float

    @property
    def message(self) -> str:
        return (f"Possible proxy discrimination: membership is strongly associated with '{self.column}' "
                f"(Cramér's V = {self.cramers_v:.2f}); '{self.over_represented}' makes up "
                f"{self.share_in_segment:.0%} of the segment against {self.share_overall:.0%} overall. Check that "
                "the segment is not a stand-in for this special category.")


def cramers_v(table: np.ndarray) -> float:
    """Bias-corrected Cramér's V of a contingency table (0 = independent, 1 = fully associated)."""
    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    rows, columns = table.shape
    total = table.sum()
    if rows < 2 or columns < 2 or total == 0:
        return 0.0
    chi2 = chi2_contingency(table, correction=False)[0]
    phi2 = chi2 / total
    phi2_corrected = max(0.0, phi2 - (columns - 1) * (rows - 1) / (total - 1))
    rows_corrected = rows - (rows - 1) ** 2 / (total - 1)
    columns_corrected = columns - (columns - 1) ** 2 / (total - 1)
    denominator = min(rows_corrected - 1, columns_corrected - 1)
    return float(np.sqrt(phi2_corrected / denominator)) if denominator > 0 else 0.0


def proxy_check(membership: pd.Series, special: pd.DataFrame, *, threshold: float = 0.3,
                min_count: int = 30) -> list[ProxyWarning]:
    """Warnings for each special-category column whose association with membership exceeds ``threshold``."""
    members = pd.Series(membership).astype(bool).to_numpy()
    if members.sum() < min_count or (~members).sum() < min_count:
        return []
    warnings = []
    for column in special.columns:
        levels = special[column].astype("string").fillna(MISSING_LEVEL).to_numpy()
        table = pd.crosstab(members, levels)
        value = cramers_v(table.to_numpy())
        if value <= threshold:
            continue
        in_segment = table.loc[True] / table.loc[True].sum()
        overall = table.sum() / table.to_numpy().sum()
        level = (in_segment - overall).idxmax()
        warnings.append(ProxyWarning(str(column), value, str(level), float(in_segment[level]),
                                     float(overall[level])))
    return warnings

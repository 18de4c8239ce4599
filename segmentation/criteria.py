"""Criteria panel per segment: size (minimum so nobody is singled out), distinctness, homogeneity,
missing data and reach — the marks of a usable segment in multi-segment marketing."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _numeric_matrix(frame: pd.DataFrame, features: list[str]) -> np.ndarray:
    """Features as standardised numbers (categories one-hot), missing values at the mean (0)."""
    parts = []
    for column in features:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = (values.max() - values).dt.days
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numbers = values.astype(float)
            spread = numbers.std() or 1.0
            parts.append(((numbers - numbers.mean()) / spread).fillna(0.0).to_numpy()[:, None])
        else:
            top = values.astype("string").value_counts().index[:10]
            dummies = pd.get_dummies(values.astype("string").where(values.isin(top)), dtype=float)
            parts.append(dummies.to_numpy())
    return np.hstack(parts) if parts else np.zeros((len(frame), 1))


def segment_criteria(frame: pd.DataFrame, labels: np.ndarray, features: list[str], *, min_size: int = 100,
                     reachable_counts: dict | None = None) -> pd.DataFrame:
    """One row per segment label: size, share, size check, distinctness, homogeneity, missing share, reach."""
    labels = np.asarray(labels)
    matrix = _numeric_matrix(frame, features)
    overall_spread = float(matrix.var(axis=0).sum()) or 1.0
    missing = frame[features].isna().any(axis=1).to_numpy() if features else np.zeros(len(frame), bool)
    segments = [label for label in pd.unique(labels)]
    centres = {label: matrix[labels == label].mean(axis=0) for label in segments}
    rows = []
    for label in segments:
        inside = labels == label
        size = int(inside.sum())
        others = [np.linalg.norm(centres[label] - centres[other]) for other in segments if other != label]
        homogeneity = 1.0 - float(matrix[inside].var(axis=0).sum()) / overall_spread if size > 1 else 1.0
        row = {"segment": label, "size": size, "share": size / len(labels) if len(labels) else 0.0,
               "meets_min_size": size >= min_size,
               "distinctness": float(min(others)) if others else float("nan"),
               "homogeneity": round(homogeneity, 3), "missing_share": float(missing[inside].mean()) if size else 0.0}
        for channel, count in (reachable_counts or {}).get(label, {}).items():
            row[f"reachable_{channel}"] = count
        verdicts = []
        if size < min_size:
            verdicts.append(f"too small to target safely (< {min_size})")
        if others and min(others) < 0.5:
            verdicts.append("barely distinct from another segment")
        if homogeneity < 0.1:
            verdicts.append("not much more alike than the whole base")
        if row["missing_share"] > 0.3:
            verdicts.append("many members with missing data")
        row["verdict"] = "; ".join(verdicts) or "usable"
        rows.append(row)
    return pd.DataFrame(rows)

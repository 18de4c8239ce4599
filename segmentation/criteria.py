"""Segment-quality criteria: is each segment large enough, distinct, homogeneous, measurable and reachable?

The textbook test for a usable segment, per segment, as one table (`segment_criteria`):

- size / share / meets_min_size: below `min_size` a segment is "too small to target safely" — a
  handful of people can be singled out, and results on them mean nothing;
- distinctness: distance from the segment's centre to the nearest other segment's centre, in units
  of the whole base's spread (root mean squared distance to the overall centre), in the same
  encoding the clustering uses (`cluster_encoding.build_preprocessor`); below 0.5 two segments blur;
- homogeneity: 1 − (mean squared distance to the segment's own centre) / (the same for the whole
  base); 0 means "no more alike than everyone", 1 means identical members;
- missing_share: share of the segment's rows with any feature missing (measurability);
- reachable_<channel>: the reachable audience per channel, when `reachable_counts` is given.

A `verdict` sentence per segment says what to do. Works for rule segments too: a boolean mask is
judged as segment vs the rest of the base.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from segmentation.cluster_encoding import build_preprocessor
from segmentation.profiles import column_kind, multi_value_separator

__all__ = ["DISTINCTNESS_MIN", "HOMOGENEITY_MIN", "MISSING_SHARE_MAX", "segment_criteria"]

DISTINCTNESS_MIN = 0.5
HOMOGENEITY_MIN = 0.1
MISSING_SHARE_MAX = 0.2


def segment_criteria(
    frame: pd.DataFrame,
    labels: Sequence[Any] | np.ndarray | pd.Series,
    features: Sequence[str],
    *,
    min_size: int = 100,
    reachable_counts: Mapping[Any, Mapping[str, int]] | None = None,
) -> pd.DataFrame:
    """One row per segment: size, share, meets_min_size, distinctness, homogeneity, missing_share,
    nearest_segment, reachable_<channel> (when counts are given) and a plain-words verdict.

    `labels` holds one label per row of `frame` (missing labels: in no segment); a boolean mask
    gives one row, the segment (True), judged against the rest. `reachable_counts` maps a label
    to `{channel: reachable people}`, e.g. from `privacy.reachable`.
    """
    features = list(features)
    if not features:
        raise ValueError("features=[]: need at least one column to judge the segments on")
    absent = [column for column in features if column not in frame.columns]
    if absent:
        raise ValueError(
            f"features: {', '.join(map(repr, absent))} not in the table; columns are {list(frame.columns)}"
        )
    if isinstance(min_size, bool) or not isinstance(min_size, int | np.integer) or min_size < 1:
        raise ValueError(f"min_size={min_size!r}: need a whole number of at least 1")
    values = _labels(frame, labels)
    is_mask = values.dtype == bool
    codes, uniques = pd.factorize(values, sort=True)
    group_count = len(uniques)
    assigned = codes >= 0
    sizes = np.bincount(codes[assigned], minlength=group_count)

    kinds = {column: column_kind(frame[column]) for column in features}
    separators = {column: multi_value_separator(frame[column]) for column, kind in kinds.items() if kind == "multi"}
    encoded = build_preprocessor(kinds, separators).fit_transform(frame[features]).astype(np.float64)
    overall_centre = encoded.mean(axis=0)
    overall_spread = float(((encoded - overall_centre) ** 2).sum(axis=1).mean())
    sums = np.zeros((group_count, encoded.shape[1]))
    np.add.at(sums, codes[assigned], encoded[assigned]) if group_count else None
    centres = sums / np.maximum(sizes, 1)[:, None]
    squared_norms = np.bincount(codes[assigned], weights=(encoded[assigned] ** 2).sum(axis=1), minlength=group_count)
    within = squared_norms / np.maximum(sizes, 1) - (centres**2).sum(axis=1)
    gaps = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    gaps[np.eye(group_count, dtype=bool)] = np.inf
    gaps[:, sizes == 0] = np.inf
    any_missing = frame[features].isna().any(axis=1).to_numpy()
    missing = np.bincount(codes[assigned], weights=any_missing[assigned], minlength=group_count)

    rows = []
    for index, label in enumerate(uniques):
        if is_mask and not label:
            continue
        nearest = int(np.argmin(gaps[index])) if group_count > 1 else None
        distance = gaps[index, nearest] if nearest is not None else np.inf
        size = int(sizes[index])
        row: dict[str, Any] = {
            "segment": label.item() if isinstance(label, np.generic) else label,
            "size": size,
            "share": size / len(frame),
            "meets_min_size": size >= min_size,
            "distinctness": float(distance / np.sqrt(overall_spread)) if overall_spread > 0 and np.isfinite(distance)
            else float("nan"),
            "homogeneity": float(1 - within[index] / overall_spread) if overall_spread > 0 and size else float("nan"),
            "missing_share": float(missing[index] / size) if size else float("nan"),
            "nearest_segment": ("rest" if is_mask else _plain(uniques[nearest])) if nearest is not None else None,
        }
        if reachable_counts is not None:
            reach = reachable_counts.get(row["segment"], {})
            for channel in _channels(reachable_counts):
                row[f"reachable_{channel}"] = int(reach.get(channel, 0))
        row["verdict"] = _verdict(row, min_size, reachable_counts is not None)
        rows.append(row)
    if is_mask and not rows:  # nobody matches the rule: still one row, saying so
        rows.append({"segment": True, "size": 0, "share": 0.0, "meets_min_size": False, "distinctness": float("nan"),
                     "homogeneity": float("nan"), "missing_share": float("nan"), "nearest_segment": "rest",
                     "verdict": "empty: nobody matches this segment"})
    return pd.DataFrame(rows)


def _labels(frame: pd.DataFrame, labels: Any) -> np.ndarray:
    if isinstance(labels, pd.Series) and (labels.dtype == "boolean" or pd.api.types.is_bool_dtype(labels.dtype)):
        values = labels.fillna(False).to_numpy(dtype=bool)
    else:
        values = np.asarray(labels)
    if values.ndim != 1 or len(values) != len(frame):
        raise ValueError(f"labels: {len(values)} values for {len(frame)} rows; need one label per row of the table")
    return values


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _channels(reachable_counts: Mapping[Any, Mapping[str, int]]) -> list[str]:
    return sorted({channel for counts in reachable_counts.values() for channel in counts})


def _verdict(row: dict[str, Any], min_size: int, with_reach: bool) -> str:
    problems = []
    if not row["meets_min_size"]:
        problems.append(
            f"too small to target safely ({row['size']:,} < {min_size:,}): merge it with a neighbour or widen it"
        )
    if row["distinctness"] < DISTINCTNESS_MIN:
        problems.append(
            f"hard to tell apart from segment {row['nearest_segment']} (distinctness {row['distinctness']:.2f}): "
            "consider merging the two"
        )
    if row["homogeneity"] < HOMOGENEITY_MIN:
        problems.append(
            f"hardly more alike than the whole base (homogeneity {row['homogeneity']:.2f}): "
            "one message will not fit them all"
        )
    if row["missing_share"] > MISSING_SHARE_MAX:
        problems.append(f"{row['missing_share']:.0%} of its rows miss a feature value: its profile rests on guesses")
    if with_reach:
        reach = {key.removeprefix("reachable_"): value for key, value in row.items() if key.startswith("reachable_")}
        best = max(reach.items(), key=lambda item: item[1], default=(None, 0))
        if best[1] == 0:
            problems.append("not reachable: nobody in it can be contacted on any channel")
        elif best[1] < min_size:
            problems.append(f"reachable audience too small on every channel (best: {best[0]} {best[1]:,})")
    if problems:
        return "review: " + "; ".join(problems)
    return "ready: large enough, distinct and homogeneous" + (", and reachable" if with_reach else "")

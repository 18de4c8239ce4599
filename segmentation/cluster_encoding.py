"""Encode customer columns for k-means: numbers, flags and dates standardised, categories one-hot.

`build_preprocessor` combines a `NumberScaler` (numbers, yes/no flags, dates as days ago; heavily
skewed amounts log-scaled) and a `LevelEncoder` (categories one-hot, multi-value text "a;b" multi-hot,
rare levels grouped) into one scikit-learn ColumnTransformer. Every input column carries the same
total variance, so a 20-level city does not outweigh age. The rule-segment criteria
(`criteria.segment_criteria`) use the same encoding, so both see a column the same way.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import skew
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer

from segmentation.profiles import days_before, split_levels

__all__ = ["LevelEncoder", "NumberScaler", "build_preprocessor"]

_SKEWED = 2.0  # numbers more skewed than this (revenue) are log-scaled so a few big spenders do not dominate


class NumberScaler(TransformerMixin, BaseEstimator):
    """Numbers, yes/no flags and dates → median-imputed, standardised float32 columns.

    Dates become days before the latest date seen at fit (`references_`); heavily right-skewed
    non-negative numbers (revenue) are log-scaled first so a few big spenders do not dominate.
    """

    def __init__(self, kinds: Mapping[str, str] | None = None) -> None:
        self.kinds = kinds

    def fit(self, frame: pd.DataFrame, y: Any = None) -> NumberScaler:
        kinds = self.kinds or {}
        self.columns_ = list(frame.columns)
        self.references_: dict[Any, np.datetime64] = {}
        raw = self._raw(frame, fitting=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column: its median is NaN → 0
            self.medians_ = np.nan_to_num(np.nanmedian(raw, axis=0))
        filled = np.where(np.isnan(raw), self.medians_, raw)
        self.log_ = np.array([
            kinds.get(column, "numeric") == "numeric" and filled[:, i].min() >= 0 and np.ptp(filled[:, i]) > 0
            and skew(filled[:, i]) > _SKEWED
            for i, column in enumerate(self.columns_)
        ], dtype=bool)
        filled[:, self.log_] = np.log1p(filled[:, self.log_])
        self.centres_ = filled.mean(axis=0)
        spread = filled.std(axis=0)
        self.scales_ = np.where(spread > 0, spread, 1.0)
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        raw = self._raw(frame, fitting=False)
        filled = np.where(np.isnan(raw), self.medians_, raw)
        filled[:, self.log_] = np.log1p(np.clip(filled[:, self.log_], 0, None))
        return ((filled - self.centres_) / self.scales_).astype(np.float32)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        kinds = self.kinds or {}
        return np.array([f"{c} (days ago)" if kinds.get(c) == "date" else str(c) for c in self.columns_], dtype=object)

    def _raw(self, frame: pd.DataFrame, fitting: bool) -> np.ndarray:
        kinds = self.kinds or {}
        raw = np.empty((len(frame), len(self.columns_)), dtype=float)
        for i, column in enumerate(self.columns_):
            series = frame[column]
            if kinds.get(column) == "date":
                raw[:, i], reference = days_before(series, None if fitting else self.references_[column])
                self.references_.setdefault(column, reference)
            elif kinds.get(column) == "boolean":
                raw[:, i] = series.astype("boolean").to_numpy(dtype=float, na_value=np.nan)
            else:
                raw[:, i] = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return raw


class LevelEncoder(TransformerMixin, BaseEstimator):
    """Categories → one-hot, multi-value text ("a;b") → multi-hot, both over their frequent levels only.

    Levels rarer than `rare_level_share` (and beyond the `max_levels` most frequent) share one
    "other" column; a missing value is its own "missing" level. Multi-value columns keep their
    `max_levels` most frequent values above `rare_level_share` and drop the rest. Each column's
    block is scaled to a total variance of 1, like one standardised number, so a 20-level city
    does not outweigh age.
    """

    def __init__(
        self, separators: Mapping[str, str | None] | None = None, rare_level_share: float = 0.01, max_levels: int = 20
    ) -> None:
        self.separators = separators
        self.rare_level_share = rare_level_share
        self.max_levels = max_levels

    def fit(self, frame: pd.DataFrame, y: Any = None) -> LevelEncoder:
        self.columns_ = list(frame.columns)
        self.levels_: dict[Any, list[str]] = {}
        self.scales_: dict[Any, float] = {}
        rows = max(len(frame), 1)
        for column in self.columns_:
            separator = (self.separators or {}).get(column)
            if separator:
                codes, levels, matrix = split_levels(frame[column], separator)
                counts = np.bincount(codes[codes >= 0], minlength=len(matrix)) @ matrix
            else:
                codes, uniques = pd.factorize(frame[column])
                levels = [str(level) for level in uniques] + ["missing"]
                counts = np.bincount(np.where(codes < 0, len(uniques), codes), minlength=len(levels))
            order = [i for i in np.argsort(-counts, kind="stable") if counts[i] > 0
                     and counts[i] / rows >= self.rare_level_share]
            if separator:
                order = order[: self.max_levels]
                shares = counts[order] / rows
                self.levels_[column] = [levels[i] for i in order]
            else:
                if len(order) > self.max_levels:
                    order = order[: self.max_levels - 1]
                rest = rows - counts[order].sum()  # rare levels, grouped as "other"
                shares = np.append(counts[order], rest) / rows if rest > 0 else counts[order] / rows
                self.levels_[column] = [levels[i] for i in order] + (["other"] if rest > 0 else [])
            variance = float(np.sum(shares * (1 - shares)))
            self.scales_[column] = 1 / np.sqrt(variance) if variance > 0 else 1.0
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        blocks = []
        for column in self.columns_:
            levels = self.levels_[column]
            separator = (self.separators or {}).get(column)
            if separator:
                codes, found, matrix = split_levels(frame[column], separator)
                per_value = np.zeros((len(matrix) + 1, len(levels)), dtype=np.float32)  # last row: missing
                for position, level in enumerate(levels):
                    if level in found:
                        per_value[:-1, position] = matrix[:, found.index(level)]
            else:
                codes, uniques = pd.factorize(frame[column])
                position = {level: i for i, level in enumerate(levels)}
                fallback = position.get("other", len(levels))  # no "other": unseen levels land in a dropped column
                targets = [position.get(str(value), fallback) for value in uniques]
                targets.append(position.get("missing", fallback))
                per_value = np.zeros((len(targets), len(levels) + 1), dtype=np.float32)
                per_value[np.arange(len(targets)), targets] = 1.0
                per_value = per_value[:, :-1]
            per_value *= np.float32(self.scales_[column])
            blocks.append(per_value[np.where(codes < 0, len(per_value) - 1, codes)])
        return np.hstack(blocks) if blocks else np.empty((len(frame), 0), dtype=np.float32)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names = [f"{column}={level}" for column in self.columns_ for level in self.levels_[column]]
        return np.array(names, dtype=object)


def build_preprocessor(
    kinds: Mapping[str, str], separators: Mapping[str, str | None] | None = None,
    *, rare_level_share: float = 0.01, max_levels: int = 20,
) -> ColumnTransformer:
    """The encoder for columns of the given kinds (see `profiles.column_kind`) as one ColumnTransformer."""
    numbers = [column for column, kind in kinds.items() if kind in ("numeric", "boolean", "date")]
    levels = [column for column, kind in kinds.items() if kind in ("category", "multi")]
    parts = []
    if numbers:
        parts.append(("numbers", NumberScaler({c: kinds[c] for c in numbers}), numbers))
    if levels:
        parts.append(("levels", LevelEncoder(dict(separators or {}), rare_level_share, max_levels), levels))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0, verbose_feature_names_out=False)

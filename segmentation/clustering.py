"""Clustering segmentation: `Segmenter` finds 2–10 customer segments with k-means, scikit-learn style.

`Segmenter(k="auto").fit(frame)` picks the usable columns by their roles and values
(`cluster_columns`), encodes them (`cluster_encoding.build_preprocessor`: every column carries the
same total variance, so a 20-level city does not outweigh age), chooses the number of segments on a
sample (`cluster_selection`: silhouette, Davies–Bouldin and stability across seeds) and fits k-means
on every row. The learned state ends in `_`; `predict` assigns new rows to the nearest segment centre.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import pairwise_distances_argmin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from segmentation.cluster_columns import choose_columns, resolve_column_roles
from segmentation.cluster_encoding import build_preprocessor
from segmentation.cluster_selection import best_k, score_candidates
from segmentation.profiles import SegmentProfile, profile_segments

__all__ = ["Segmenter"]


class Segmenter(ClusterMixin, BaseEstimator):
    """Find customer segments with k-means on the usable columns of a customer table.

    Parameters are stored unchanged and checked at `fit`. `features=None` uses every usable
    column; an explicit list naming an excluded column raises ValueError with the reason.
    Special-category columns (religion, health …) are only used when listed in `features` and
    their category is in `allowed_special` (e.g. `("religion",)`): the app passes that only when
    an admin recorded an allowance; automatic selection never picks them. `column_roles` takes
    the forms of `resolve_column_roles`; columns it does not cover get inferred roles.
    `MiniBatchKMeans` replaces `KMeans` for the final fit above `large_data_threshold` rows.

    Learned: `labels_` (one per row, 0 = largest segment), `k_`, `cluster_centers_` (in the
    encoded space, one column per `feature_names_`), `used_columns_` and `column_kinds_` (the
    input columns used and how each was read), `excluded_columns_` (column → reason in plain
    words), `silhouette_`, `davies_bouldin_`, `stability_` and `selection_score_` (per k tried),
    `preprocessor_` (the fitted encoder) and `profiles_` (`profiles.SegmentProfile` per segment).
    """

    def __init__(
        self,
        features: Sequence[str] | None = None,
        k: int | str = "auto",
        k_range: tuple[int, int] = (2, 10),
        column_roles: Any = None,
        rare_level_share: float = 0.01,
        max_levels: int = 20,
        sample_size: int = 20_000,
        n_stability_seeds: int = 3,
        large_data_threshold: int = 100_000,
        random_state: int | None = 0,
        allowed_special: Sequence[str] = (),
    ) -> None:
        self.features = features
        self.k = k
        self.k_range = k_range
        self.column_roles = column_roles
        self.rare_level_share = rare_level_share
        self.max_levels = max_levels
        self.sample_size = sample_size
        self.n_stability_seeds = n_stability_seeds
        self.large_data_threshold = large_data_threshold
        self.random_state = random_state
        self.allowed_special = allowed_special

    def fit(self, frame: pd.DataFrame, y: Any = None) -> Segmenter:
        """Choose the columns, encode them, pick k (when "auto") and fit k-means on every row."""
        self._check_parameters()
        _check_frame(frame, "fit")
        roles = resolve_column_roles(frame, self.column_roles)
        choice = choose_columns(frame, roles, self.features, self.allowed_special, self.max_levels)
        self.used_columns_, self.column_kinds_ = choice.used_columns, choice.column_kinds
        self.separators_, self.excluded_columns_ = choice.separators, choice.excluded_columns
        self.preprocessor_ = build_preprocessor(
            self.column_kinds_, self.separators_, rare_level_share=self.rare_level_share, max_levels=self.max_levels
        )
        matrix = self.preprocessor_.fit_transform(frame[self.used_columns_])
        self.feature_names_ = [str(name) for name in self.preprocessor_.get_feature_names_out()]
        random = check_random_state(self.random_state)
        # random order on purpose: the first rows of the sample are the silhouette's, and files are often sorted
        sample = random.choice(len(frame), size=min(len(frame), self.sample_size), replace=False)
        seeds = [int(seed) for seed in random.randint(0, 2**31 - 1, size=self.n_stability_seeds)]
        distinct = len(np.unique(matrix[sample], axis=0))
        self.silhouette_, self.davies_bouldin_, self.stability_, self.selection_score_ = {}, {}, {}, {}
        if distinct < 2:
            warnings.warn(
                f"every row looks the same on the features used ({', '.join(map(str, self.used_columns_))}): "
                "all rows form one segment; add features that vary between customers",
                UserWarning, stacklevel=2,
            )
            self._set_result(np.zeros(len(frame), dtype=int), matrix[:1].astype(float))
        else:
            self._fit_kmeans(matrix, sample, seeds, distinct)
        self.profiles_: list[SegmentProfile] = profile_segments(
            frame, self.labels_, self.used_columns_, {c: {"tag": r.tag} for c, r in roles.items()}
        )
        return self

    def fit_predict(self, frame: pd.DataFrame, y: Any = None, **kwargs: Any) -> np.ndarray:
        """Fit and return `labels_`."""
        return self.fit(frame).labels_

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """The segment of each row of `frame`: the nearest segment centre in the encoded space."""
        check_is_fitted(self, "cluster_centers_")
        _check_frame(frame, "predict")
        absent = [column for column in self.used_columns_ if column not in frame.columns]
        if absent:
            raise ValueError(
                f"predict: the table lacks {', '.join(map(repr, absent))}; need every column used at fit: "
                f"{', '.join(map(str, self.used_columns_))}"
            )
        encoded = self.preprocessor_.transform(frame[self.used_columns_])
        return pairwise_distances_argmin(encoded, self.cluster_centers_.astype(encoded.dtype))

    # -------------------------------------------------------------- steps of fit
    def _check_parameters(self) -> None:
        k = self.k
        if isinstance(k, str):
            if k != "auto":
                raise ValueError(f"k={k!r}: need 'auto' or an integer of at least 2")
        elif isinstance(k, bool) or not isinstance(k, int | np.integer):
            raise ValueError(f"k={k!r}: need 'auto' or an integer of at least 2")
        elif k < 2:
            raise ValueError(f"k={k}: need at least 2")
        k_range = self.k_range
        if (not isinstance(k_range, tuple | list) or len(k_range) != 2
                or not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in k_range)
                or not 2 <= k_range[0] <= k_range[1]):
            raise ValueError(f"k_range={k_range!r}: need (low, high) integers with 2 <= low <= high")
        checks = (
            ("rare_level_share", isinstance(self.rare_level_share, int | float) and 0 <= self.rare_level_share < 0.5,
             "a share between 0 and 0.5"),
            ("max_levels", isinstance(self.max_levels, int) and self.max_levels >= 2, "an integer of at least 2"),
            ("sample_size", isinstance(self.sample_size, int) and self.sample_size >= 10, "an integer of at least 10"),
            ("n_stability_seeds", isinstance(self.n_stability_seeds, int) and self.n_stability_seeds >= 1,
             "an integer of at least 1"),
            ("large_data_threshold", isinstance(self.large_data_threshold, int) and self.large_data_threshold >= 1,
             "an integer of at least 1"),
        )
        for name, valid, expected in checks:
            if not valid:
                raise ValueError(f"{name}={getattr(self, name)!r}: need {expected}")
        if isinstance(self.allowed_special, str):
            raise ValueError(f"allowed_special={self.allowed_special!r}: need a tuple, e.g. ('religion',)")

    def _fit_kmeans(self, matrix: np.ndarray, sample: np.ndarray, seeds: list[int], distinct: int) -> None:
        rows = len(sample)
        if self.k == "auto":
            low, high = self.k_range
            candidates = list(range(low, min(high, distinct, rows - 1) + 1)) or [min(low, distinct)]
        else:
            candidates = [min(int(self.k), distinct)]
            if candidates[0] < self.k:
                warnings.warn(
                    f"k={self.k} but the table has only {distinct} distinct rows on the features used: "
                    f"using k={distinct}", UserWarning, stacklevel=3,
                )
        if self.k == "auto" and candidates[0] < low:
            warnings.warn(
                f"k_range={self.k_range!r} but the table has only {distinct} distinct rows on the features used: "
                f"trying k={candidates[0]}", UserWarning, stacklevel=3,
            )
        scores = score_candidates(matrix[sample], candidates, seeds)
        self.silhouette_ = {k: score.silhouette for k, score in scores.items()}
        self.davies_bouldin_ = {k: score.davies_bouldin for k, score in scores.items()}
        self.stability_ = {k: score.stability for k, score in scores.items()}
        self.selection_score_ = {k: score.selection_score for k, score in scores.items()}
        chosen = best_k(scores)
        model_class = MiniBatchKMeans if len(matrix) > self.large_data_threshold else KMeans
        options = {"batch_size": 4096} if model_class is MiniBatchKMeans else {}
        model = model_class(n_clusters=chosen, init=scores[chosen].centres, n_init=1, random_state=seeds[0], **options)
        model.fit(matrix)
        self._set_result(model.labels_, model.cluster_centers_)

    def _set_result(self, labels: np.ndarray, centres: np.ndarray) -> None:
        """Store labels and centres with segment 0 the largest, so labels read the same on every run."""
        sizes = np.bincount(labels, minlength=len(centres))
        order = np.argsort(-sizes, kind="stable")
        order = order[sizes[order] > 0]  # a centre nobody is nearest to is no segment
        renumber = np.empty(len(centres), dtype=int)
        renumber[order] = np.arange(len(order))
        self.labels_ = renumber[labels]
        self.cluster_centers_ = np.asarray(centres)[order]
        self.k_ = len(order)
        if self.k_ < len(centres):
            warnings.warn(
                f"k={len(centres)}: only {self.k_} segments got members (rows repeat too much to split further)",
                UserWarning, stacklevel=3,
            )


def _check_frame(frame: Any, step: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{step}: need a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise ValueError(
            f"{step}: the table is empty ({len(frame)} rows, {frame.shape[1]} columns); need rows and columns"
        )
    if frame.columns.duplicated().any():
        duplicated = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise ValueError(f"{step}: column names must be unique; repeated: {', '.join(duplicated)}")

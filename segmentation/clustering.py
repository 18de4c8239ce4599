"""Clustering segmentation: `Segmenter` finds 2–10 customer segments with k-means, scikit-learn style.

`Segmenter(k="auto").fit(frame)` picks the usable columns by their roles (identifiers, contact
details, special categories, consent flags and free text are never used) and by their values
(constant, mostly empty, high-cardinality text), encodes them (`build_preprocessor`: every column
carries the same total variance, so a 20-level city does not outweigh age), chooses the number of
segments on a sample and fits k-means on every row. The learned state ends in `_`; `predict`
assigns new rows to the nearest segment centre.

Choosing k: for each k in `k_range`, `n_stability_seeds` k-means fits (different seeds, three
k-means++ starts each) run on a sample of `sample_size` rows. Per k the estimator records
`stability_` (mean adjusted Rand index between the seeds' fits; 1.0: every seed finds the same
segments), `silhouette_` (of the best fit, on up to 3,000 sampled rows) and `davies_bouldin_`. It
picks the k with the highest ``silhouette − 0.15 × Davies–Bouldin − max(0, 0.8 − stability)``
(`selection_score_`; ties go to the smaller k). Why both indices: when one strong gradient such as
age runs through the base, the silhouette alone always prefers two segments (young / old) even
when the data holds five or six; Davies–Bouldin rewards compact, well separated segments at any
k and breaks that bias (the weight 0.15 sits mid-range of the values that recover the planted
segments of the demo data and of mixed blob data). Segments that move with the seed are not
segments a marketer can build on, hence the stability penalty.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import skew
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.compose import ColumnTransformer
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, pairwise_distances_argmin, silhouette_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from segmentation.fixes import as_dates
from segmentation.profiles import (
    SegmentProfile,
    column_kind,
    days_before,
    multi_value_separator,
    profile_segments,
    split_levels,
)
from segmentation.schema import ColumnRoleName, FeatureTag, infer_column_roles, roles_from_dict

__all__ = ["LevelEncoder", "NumberScaler", "Segmenter", "build_preprocessor", "resolve_column_roles"]

STABILITY_TARGET = 0.8
DAVIES_BOULDIN_WEIGHT = 0.15
SELECTION_INITS = 3  # k-means++ starts per stability seed: one start alone often lands in a poor optimum
SILHOUETTE_ROWS = 3_000  # silhouette costs rows²: a sample this size ranks k just as well
MOSTLY_EMPTY_SHARE = 0.95
HIGH_CARDINALITY_COVERAGE = 0.25  # the top max_levels values cover less than this → names, postcodes, ids
_SKEWED = 2.0  # numbers more skewed than this (revenue) are log-scaled so a few big spenders do not dominate
_ROLE_REASONS = {
    "id": "identifier",
    "direct_identifier": "direct identifier (contact details are never used for segmenting)",
    "consent": "consent flag",
    "free_text": "free text",
    "ignore": "marked to ignore",
}


# ---------------------------------------------------------------- column roles
@dataclass(frozen=True)
class _Role:
    role: str
    tag: str | None = None
    special_category: str | None = None
    dtype_hint: str | None = None


def resolve_column_roles(frame: pd.DataFrame, column_roles: Any = None) -> dict[Any, _Role]:
    """One role per column of `frame`: from `column_roles` where given, else inferred from names and values.

    Accepts `{column: {"role", "tag", "special_category"}}` (the app's stored form), `{column: str}`
    where the string is a role or a feature tag (as `data.demo.COLUMN_ROLES`), a list of
    `schema.ColumnRole` objects, or `schema.roles_to_dict` output.
    """
    given: dict[Any, _Role] = {}
    if isinstance(column_roles, Mapping) and isinstance(column_roles.get("columns"), list):
        column_roles = roles_from_dict(dict(column_roles))
    if isinstance(column_roles, Mapping):
        given = {column: _as_role(column, value) for column, value in column_roles.items()}
    elif column_roles is not None:
        given = {role.column: _as_role(role.column, role) for role in column_roles}
    rest = [column for column in frame.columns if column not in given]
    if rest:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the guess is a fallback here; its caveats do not concern the caller
            inferred = infer_column_roles(frame[rest])
        given.update({role.column: _as_role(role.column, role) for role in inferred})
    return given


def _as_role(column: Any, value: Any) -> _Role:
    if isinstance(value, str):
        value = {"role": "feature", "tag": value} if value in set(FeatureTag) else {"role": value}
    elif not isinstance(value, Mapping):
        value = {key: getattr(value, key, None) for key in ("role", "tag", "special_category", "dtype_hint")}
    role = value.get("role")
    if role not in set(ColumnRoleName):
        raise ValueError(
            f"column_roles[{column!r}]: unknown role {role!r}; need one of {', '.join(ColumnRoleName)} "
            f"or a feature tag ({', '.join(FeatureTag)})"
        )
    return _Role(role, value.get("tag"), value.get("special_category"), value.get("dtype_hint"))


def _role_reason(role: _Role) -> str | None:
    if role.role == "special_category":
        return f"special category ({role.special_category or 'unspecified'}) — excluded by default"
    return _ROLE_REASONS.get(role.role)


def _kind_and_value_reason(series: pd.Series, role: _Role, max_levels: int) -> tuple[str, str | None]:
    """How a column would be encoded, and why its values make it useless for segmenting (None: usable)."""
    kind = column_kind(series)
    if role.dtype_hint == "date" and kind == "category":
        sample = series.dropna().iloc[:1_000]
        if len(sample) and as_dates(sample).notna().mean() < 0.9:
            return kind, "date (the values could not be read as dates; write them as YYYY-MM-DD)"
        kind = "date"
    missing = float(series.isna().mean()) if len(series) else 1.0
    if missing >= MOSTLY_EMPTY_SHARE:
        return kind, f"mostly empty ({missing:.0%} missing)"
    if kind == "category":
        counts = series.value_counts(dropna=True)
        if len(counts) > max_levels and counts.iloc[:max_levels].sum() / counts.sum() < HIGH_CARDINALITY_COVERAGE:
            return kind, "too many distinct values (high-cardinality text)"
        return kind, "constant" if len(counts) <= 1 else None
    if kind == "multi":
        return kind, None
    values = days_before(series)[0] if kind == "date" else series.to_numpy(dtype=float, na_value=np.nan)
    return kind, "constant" if np.nanmin(values) == np.nanmax(values) else None


# ---------------------------------------------------------------- encoding
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


# ---------------------------------------------------------------- the estimator
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
        self._choose_columns(frame, roles)
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

    def _choose_columns(self, frame: pd.DataFrame, roles: dict[Any, _Role]) -> None:
        explicit = None if self.features is None else list(self.features)
        if explicit is not None:
            unknown = [column for column in explicit if column not in frame.columns]
            if unknown:
                raise ValueError(
                    f"features: {', '.join(map(repr, unknown))} not in the table; columns are "
                    f"{', '.join(map(str, frame.columns))}"
                )
            if not explicit:
                raise ValueError("features=[]: need at least one column, or None to use every usable column")
        excluded: dict[Any, str] = {}
        kinds: dict[Any, str] = {}
        for column in frame.columns:
            role = roles[column]
            listed = explicit is not None and column in explicit
            reason = _role_reason(role)
            if listed and role.role == "special_category" and role.special_category in set(self.allowed_special):
                reason = None
            kind = None
            if reason is None:
                kind, reason = _kind_and_value_reason(frame[column], role, self.max_levels)
                if listed and reason == "constant":
                    reason = None  # asked for: kept, and a warning follows when nothing varies
            if listed and reason is not None:
                raise ValueError(f"features: {column!r} cannot be used for segmenting: {reason}")
            if reason is None and explicit is not None and not listed:
                reason = "not in the chosen features"
            if reason is None:
                kinds[column] = kind
            else:
                excluded[column] = reason
        if not kinds:
            listing = ", ".join(f"{column}: {reason}" for column, reason in list(excluded.items())[:8])
            more = f", … and {len(excluded) - 8} more" if len(excluded) > 8 else ""
            raise ValueError(f"no usable features: every column was excluded ({listing}{more})")
        order = explicit if explicit is not None else list(frame.columns)
        self.used_columns_ = [column for column in order if column in kinds]
        self.column_kinds_ = {column: kinds[column] for column in self.used_columns_}
        self.separators_ = {
            column: _separator(frame[column]) for column, kind in self.column_kinds_.items() if kind == "multi"
        }
        self.excluded_columns_ = excluded

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
        data = matrix[sample]
        check = data[:SILHOUETTE_ROWS]
        centres = {}
        for k in candidates:
            fits = [KMeans(n_clusters=k, n_init=SELECTION_INITS, random_state=seed).fit(data) for seed in seeds]
            best = min(fits, key=lambda fit: fit.inertia_)
            centres[k] = best.cluster_centers_
            found = len(np.unique(best.labels_))
            labels = best.labels_[:SILHOUETTE_ROWS]
            silhouette = (
                float(silhouette_score(check, labels)) if 2 <= len(np.unique(labels)) < len(check) else float("nan")
            )
            compactness = float(davies_bouldin_score(data, best.labels_)) if 2 <= found < len(data) else float("nan")
            pairs = list(combinations(fits, 2))
            stability = (
                float(np.mean([adjusted_rand_score(a.labels_, b.labels_) for a, b in pairs])) if pairs else float("nan")
            )
            self.silhouette_[k], self.davies_bouldin_[k], self.stability_[k] = silhouette, compactness, stability
            penalty = max(0.0, STABILITY_TARGET - stability) if pairs else 0.0  # one seed: stability unmeasured
            self.selection_score_[k] = silhouette - DAVIES_BOULDIN_WEIGHT * compactness - penalty
        scores = np.array([self.selection_score_[k] for k in candidates])
        chosen = candidates[int(np.argmax(np.where(np.isnan(scores), -np.inf, scores)))]
        model_class = MiniBatchKMeans if len(matrix) > self.large_data_threshold else KMeans
        options = {"batch_size": 4096} if model_class is MiniBatchKMeans else {}
        model = model_class(n_clusters=chosen, init=centres[chosen], n_init=1, random_state=seeds[0], **options)
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


def _separator(series: pd.Series) -> str:
    return multi_value_separator(series) or ";"


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

"""Choosing k: the scores per k and the rule that picks one."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from segmentation.cluster_selection import KScore, best_k, score_candidates


def _score(selection: float) -> KScore:
    return KScore(silhouette=0.0, davies_bouldin=0.0, stability=1.0, selection_score=selection,
                  centres=np.zeros((1, 1)))


@pytest.mark.parametrize(
    ("selection_by_k", "chosen"),
    [
        ({2: 0.1, 3: 0.4, 4: 0.2}, 3),
        ({2: 0.3, 3: 0.3, 4: 0.1}, 2),  # a tie goes to the smaller k
        ({2: float("nan"), 3: -0.5}, 3),  # a NaN score never wins
        ({5: float("nan")}, 5),  # only NaN: the first candidate
    ],
)
def test_best_k_takes_the_highest_selection_score(selection_by_k, chosen):
    assert best_k({k: _score(value) for k, value in selection_by_k.items()}) == chosen


def test_clear_blobs_score_best_at_their_number_and_are_stable():
    data, _ = make_blobs(n_samples=900, centers=4, cluster_std=0.4, random_state=1)
    rows = np.random.default_rng(0).permutation(len(data))  # random order: the first rows feed the silhouette
    scores = score_candidates(data[rows], [2, 3, 4, 5], seeds=[1, 2, 3])
    assert best_k(scores) == 4
    assert scores[4].stability == pytest.approx(1.0)
    assert scores[4].centres.shape == (4, 2)
    assert scores[4].selection_score == pytest.approx(
        scores[4].silhouette - 0.15 * scores[4].davies_bouldin  # stable: no penalty
    )


def test_one_seed_leaves_stability_unmeasured_and_unpenalised():
    data, _ = make_blobs(n_samples=300, centers=3, random_state=2)
    score = score_candidates(data, [3], seeds=[7])[3]
    assert np.isnan(score.stability)
    assert score.selection_score == pytest.approx(score.silhouette - 0.15 * score.davies_bouldin)

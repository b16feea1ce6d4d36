"""Exercises of section 2.1.11: typical mistakes, and the references against independent oracles
(scikit-learn's label_binarize and OneVsOneClassifier, course_lib's OneVsOneClassifier)."""

from itertools import combinations

import numpy as np
import pytest
from sklearn.multiclass import OneVsOneClassifier as SkOneVsOneClassifier
from sklearn.preprocessing import label_binarize

from course_lib.exercises import solution
from course_lib.linear import LogisticRegression, OneVsOneClassifier


def _pairs_by_second_class(K):
    """(0, 1), (0, 2), (1, 2), (0, 3), ...: the pairs in the wrong order."""
    return [(i, j) for j in range(K) for i in range(j)]


def _votes(Z, K, *, pairs=None, inclusive=False, flip=False, twice=False):
    votes = np.zeros((len(Z), K))
    for m, (i, j) in enumerate(pairs or list(combinations(range(K), 2))):
        for_j = Z[:, m] >= 0 if inclusive else Z[:, m] > 0
        if flip:
            for_j = ~for_j
        votes[:, j] += for_j
        votes[:, i] += ~for_j
    return 2 * votes if twice else votes


def _decision(Z, K, *, squash=True, sign=1.0, three=3.0):
    confidence = np.zeros((len(Z), K))
    for m, (i, j) in enumerate(combinations(range(K), 2)):
        confidence[:, j] += sign * Z[:, m]
        confidence[:, i] -= sign * Z[:, m]
    extra = confidence / (three * (np.abs(confidence) + 1)) if squash else confidence
    return _votes(Z, K) + extra


MISTAKES = {
    "2.1.11-ovr-labels": {
        "метки 0/1": lambda y, classes: (y[:, None] == classes[None, :]).astype(int),
        "классы по np.unique(y)": lambda y, classes: 2 * (y[:, None] == np.unique(y)[None, :]) - 1,
        "форма (K, N)": lambda y, classes: 2 * (classes[:, None] == y[None, :]) - 1,
        "знак": lambda y, classes: 1 - 2 * (y[:, None] == classes[None, :]),
    },
    "2.1.11-ovo-votes": {
        "пары в другом порядке": lambda Z, K: _votes(Z, K, pairs=_pairs_by_second_class(K)),
        "z = 0 — голос за j": lambda Z, K: _votes(Z, K, inclusive=True),
        "знак": lambda Z, K: _votes(Z, K, flip=True),
        "i ≠ j: каждая пара дважды": lambda Z, K: _votes(Z, K, twice=True),
    },
    "2.1.11-ovo-decision": {
        "только голоса": lambda Z, K: _votes(Z, K),
        "без сжатия": lambda Z, K: _decision(Z, K, squash=False),
        "знак уверенности": lambda Z, K: _decision(Z, K, sign=-1.0),
        "сжатие без тройки": lambda Z, K: _decision(Z, K, three=1.0),
    },
}


def test_ovr_labels_match_label_binarize():
    rng = np.random.default_rng(0)
    classes = np.array([3, 0, 2, 1])
    y = rng.integers(0, 4, 50)
    expected = label_binarize(y, classes=classes, neg_label=-1, pos_label=1)
    np.testing.assert_array_equal(solution("2.1.11-ovr-labels")(y, classes), expected)


def fitted_pairs(seed=0, K=4):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(K), 30)
    X = rng.normal(0, 1, (len(y), 2)) + 1.2 * rng.normal(0, 1, (K, 2))[y]
    grid = rng.uniform(-4, 4, (400, 2))
    return X, y, grid


@pytest.mark.parametrize("seed", [0, 1])
def test_ovo_votes_match_course_lib_and_brute_force_counting(seed):
    X, y, grid = fitted_pairs(seed)
    model = OneVsOneClassifier(LogisticRegression(alpha=0.5)).fit(X, y)
    Z = np.column_stack([e.decision_function(grid) for e in model.estimators_])
    votes = solution("2.1.11-ovo-votes")(Z, 4)
    # the confidence term lies in (-1/3, 1/3): rounding course_lib's decision recovers the votes
    np.testing.assert_array_equal(votes, np.round(model.decision_function(grid)))
    brute = np.zeros_like(votes)
    for (i, j), estimator in zip(model.pairs_, model.estimators_):
        winner = np.where(estimator.predict(grid) == 1, j, i)
        brute[np.arange(len(grid)), winner] += 1
    np.testing.assert_array_equal(votes, brute)
    assert votes.sum(axis=1).tolist() == [6] * len(grid)  # C(4, 2) votes per object


@pytest.mark.parametrize("seed", [0, 1])
def test_ovo_decision_matches_scikit_learn_one_vs_one(seed):
    X, y, grid = fitted_pairs(seed)
    theirs = SkOneVsOneClassifier(LogisticRegression(alpha=0.5)).fit(X, y)
    Z = np.column_stack([e.decision_function(grid) for e in theirs.estimators_])
    got = solution("2.1.11-ovo-decision")(Z, 4)
    np.testing.assert_allclose(got, theirs.decision_function(grid), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(np.argmax(got, axis=1), theirs.predict(grid))
    votes = solution("2.1.11-ovo-votes")(Z, 4)
    assert np.all(np.abs(got - votes) < 1 / 3)
    # the winner always has the most votes: confidences only break ties
    assert np.all(votes[np.arange(len(grid)), np.argmax(got, axis=1)] == votes.max(axis=1))

"""Exercises of section 2.1.11 (multiclass classification from binary classifiers): the
one-vs-rest training labels, the one-vs-one vote count and scikit-learn's tie-break by
confidences. Every reference is plain numpy, the way a reader writes it."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from ._check import Case, Exercise

# ---------------------------------------------------------------- 2.1.11


def ovr_labels(y, classes):
    """Training labels of one-vs-rest: Y[i, k] = 2 I[y_i = classes[k]] - 1, shape (N, K)."""
    return 2 * (y[:, None] == classes[None, :]).astype(int) - 1


def ovo_votes(Z, K):
    """Votes of the K(K-1)/2 pair classifiers, shape (N, K).

    Column m of Z is the score of the m-th pair (i, j), i < j, in the order
    (0, 1), (0, 2), ..., (0, K-1), (1, 2), ..., (K-2, K-1); z > 0 is a vote for j,
    z <= 0 a vote for i.
    """
    votes = np.zeros((len(Z), K))
    for m, (i, j) in enumerate(combinations(range(K), 2)):
        for_j = Z[:, m] > 0
        votes[:, j] += for_j
        votes[:, i] += ~for_j
    return votes


def ovo_decision(Z, K):
    """scikit-learn's one-vs-one decision: votes v_k plus u_k / (3 (|u_k| + 1)), shape (N, K).

    u_k is the total confidence in class k: + z of every pair where k is the second class j,
    - z of every pair where k is the first class i. The squashed term lies in (-1/3, 1/3):
    it breaks ties and never overturns a difference of one vote.
    """
    votes = np.zeros((len(Z), K))
    confidence = np.zeros((len(Z), K))
    for m, (i, j) in enumerate(combinations(range(K), 2)):
        for_j = Z[:, m] > 0
        votes[:, j] += for_j
        votes[:, i] += ~for_j
        confidence[:, j] += Z[:, m]
        confidence[:, i] -= Z[:, m]
    return votes + confidence / (3 * (np.abs(confidence) + 1))


def _label_cases(rng):
    cases = [
        Case("три класса, классы не по порядку", {"y": np.array([0, 2, 1, 2, 0]),
                                                 "classes": np.array([2, 0, 1])}),
        Case("строковые метки", {"y": np.array(["кошка", "мышь", "собака", "кошка"]),
                                 "classes": np.array(["кошка", "мышь", "собака"])}),
        Case("класс без объектов", {"y": np.array([1, 1, 3]), "classes": np.array([1, 2, 3])}),
    ]
    for n, k in [(20, 4), (100, 10)]:
        y = rng.integers(0, k, n)
        cases.append(Case("случайные метки", {"y": y, "classes": rng.permutation(k)}))
    return cases


def _scores(rng, n, k):
    return rng.normal(0, 2, (n, k * (k - 1) // 2))


def _vote_cases(rng):
    cycle = np.array([[1.0, -1.0, 1.0], [-2.0, 3.0, -0.5]])  # 0 < 1 < 2 < 0: a 1-1-1 tie
    return [
        Case("три класса, голоса по кругу", {"Z": cycle, "K": 3}),
        Case("оценки ровно 0", {"Z": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, -1.0]]), "K": 3}),
        Case("два класса, одна пара", {"Z": np.array([[1.5], [-0.5], [0.0]]), "K": 2}),
        Case("четыре класса", {"Z": _scores(rng, 10, 4), "K": 4}),
        Case("пять классов", {"Z": _scores(rng, 30, 5), "K": 5}),
    ]


def _decision_cases(rng):
    return [
        Case("три класса, голоса по кругу", {"Z": np.array([[1.0, -1.0, 1.0], [0.5, -3.0, 2.0]]),
                                             "K": 3}),
        Case("два класса, одна пара", {"Z": np.array([[1.5], [-0.5]]), "K": 2}),
        Case("четыре класса", {"Z": _scores(rng, 10, 4), "K": 4}),
        Case("десять классов", {"Z": _scores(rng, 20, 10), "K": 10}),
    ]


EXERCISES = [
    Exercise("2.1.11-ovr-labels", "2.1.11",
             "метки one-vs-rest: ovr_labels(y, classes) -> матрица ±1 формы (N, K)",
             ovr_labels, _label_cases, exact=True, seed=2111),
    Exercise("2.1.11-ovo-votes", "2.1.11",
             "голоса пар i < j: ovo_votes(Z, K) -> матрица голосов формы (N, K)",
             ovo_votes, _vote_cases, exact=True, seed=21111),
    Exercise("2.1.11-ovo-decision", "2.1.11",
             "голоса + сжатые уверенности (как в scikit-learn): ovo_decision(Z, K) -> (N, K)",
             ovo_decision, _decision_cases, rtol=1e-9, atol=1e-12, seed=21112),
]

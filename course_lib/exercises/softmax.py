"""Exercises of section 2.1.12 (softmax regression): the temperature that calibrates a
model's scores and the gradient (P - Y)^T X of the softmax
cross-entropy with an L2 penalty. Every reference is plain numpy, the way a reader writes it."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise


def _mean_cross_entropy(Z, y, T):
    """-(1/N) sum_i log softmax(Z_i / T)_{y_i}, with the row maximum subtracted first."""
    S = np.asarray(Z, dtype=float) / T
    S = S - S.max(axis=1, keepdims=True)
    log_p = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(y)), y].mean())


def best_temperature(Z, y, temperatures):
    """The temperature T of the list whose probabilities softmax(Z / T) have the lowest mean
    cross-entropy on (Z, y); the first of equal ones. Stable for scores of any size."""
    losses = [_mean_cross_entropy(Z, y, T) for T in temperatures]
    return float(temperatures[int(np.argmin(losses))])


def _temperature_cases(rng):
    grid = np.array([0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0])
    y = np.arange(60) % 3
    predicted = np.where(np.arange(60) % 5 == 0, (y + 1) % 3, y)  # wrong on every fifth
    overconfident = 12.0 * np.eye(3)[predicted]
    cases = [
        Case("самоуверенные ошибки: нужна T > 1", {"Z": overconfident, "y": y,
                                                   "temperatures": grid}),
        Case("верные, но робкие оценки: нужна малая T", {"Z": 0.2 * np.eye(3)[y], "y": y,
                                                         "temperatures": grid}),
        Case("огромные оценки", {"Z": 2000.0 * np.eye(3)[predicted] - 1000.0, "y": y,
                                 "temperatures": np.array([1.0, 10.0, 100.0, 300.0, 700.0,
                                                           1500.0, 3000.0])}),
    ]
    n, K = 300, 4
    y = rng.integers(0, K, n)
    Z = 3.0 * (2.0 * np.eye(K)[y] + rng.normal(0, 1.0, (n, K)))  # informative, noisy
    cases.append(Case("случайные оценки", {"Z": Z, "y": y,
                                           "temperatures": np.linspace(0.5, 8.0, 16)}))
    return cases


EXERCISES = [
    Exercise("2.1.12-best-temperature", "2.1.12",
             "температура с наименьшей перекрёстной энтропией: best_temperature(Z, y, "
             "temperatures) -> T из списка",
             best_temperature, _temperature_cases, rtol=1e-9, atol=1e-12, seed=21122),
]

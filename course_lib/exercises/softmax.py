"""Exercises of section 2.1.12 (softmax regression): the temperature that calibrates a
model's scores and the gradient (P - Y)^T X of the softmax
cross-entropy with an L2 penalty. Every reference is plain numpy, the way a reader writes it."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise


def softmax_gradient(X, y, W, b, alpha):
    """Gradient of Q = -sum_i log P(y_i | x_i) + alpha ||W||_F^2 over W (K, D) and b (K,),
    scores Z = X W^T + b: ((P - Y)^T X + 2 alpha W, column sums of P - Y), Y one-hot."""
    Z = X @ W.T + b
    shifted = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(shifted)
    P /= P.sum(axis=1, keepdims=True)
    Y = np.eye(W.shape[0])[y]
    return (P - Y).T @ X + 2 * alpha * W, (P - Y).sum(axis=0)


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


def _labels(rng, n, K):
    y = rng.integers(0, K, size=n)
    y[:K] = np.arange(K)  # every class present
    return y


def _gradient_cases(rng):
    cases = [
        Case("нулевые веса", {"X": np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 1.0]]),
                              "y": np.array([0, 1, 2]), "W": np.zeros((3, 2)), "b": np.zeros(3),
                              "alpha": 0.5}),
        Case("огромные оценки", {"X": np.array([[100.0], [-100.0], [1.0]]), "y": np.array([0, 0, 1]),
                                 "W": np.array([[20.0], [-20.0]]), "b": np.array([1.0, -1.0]),
                                 "alpha": 0.1}),
        Case("без регуляризации", {"X": np.array([[1.0, -1.0], [0.5, 2.0]]), "y": np.array([1, 0]),
                                   "W": np.array([[0.3, -0.2], [0.1, 0.4]]), "b": np.array([0.2, 0.0]),
                                   "alpha": 0.0}),
    ]
    for n, d, k in [(15, 3, 4), (200, 6, 10)]:
        cases.append(Case("случайные данные", {
            "X": rng.normal(0, 1, (n, d)), "y": _labels(rng, n, k), "W": rng.normal(0, 1, (k, d)),
            "b": rng.normal(0, 1, k), "alpha": 0.7}))
    return cases


EXERCISES = [
    Exercise("2.1.12-best-temperature", "2.1.12",
             "температура с наименьшей перекрёстной энтропией: best_temperature(Z, y, "
             "temperatures) -> T из списка",
             best_temperature, _temperature_cases, rtol=1e-9, atol=1e-12, seed=21122),
    Exercise("2.1.12-softmax-gradient", "2.1.12",
             "градиент -sum log P + alpha ||W||^2: softmax_gradient(X, y, W, b, alpha) -> "
             "(grad_W (K, D), grad_b (K,))",
             softmax_gradient, _gradient_cases, rtol=1e-7, atol=1e-9, seed=21121),
]

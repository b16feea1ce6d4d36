"""Exercises of section 2.1 (linear regression): a gradient-descent step and its largest stable
rate, an SGD epoch, ridge. Every reference is plain numpy, the way a reader writes it."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise

# ---------------------------------------------------------------- 2.1.4-2.1.5


def _regression_data(rng, n_samples, n_features, shift=5.0):
    """Features away from zero (a forgotten bias or centering shows) and a noisy linear answer."""
    X = rng.normal(shift, 2.0, (n_samples, n_features))
    y = X @ rng.normal(0, 3, n_features) + 10.0 + rng.normal(0, 1, n_samples)
    return X, y


def gd_step(X, y, w, b, eta):
    """One gradient-descent step on the mean squared error (1/N)||y - Xw - b||^2."""
    residual = X @ w + b - y
    grad_w = 2 * X.T @ residual / len(y)
    grad_b = 2 * residual.mean()
    return w - eta * grad_w, b - eta * grad_b


def max_learning_rate(X):
    """The largest stable step 2 / lambda_max of the Hessian (2/N) X~^T X~, X~ = (X | 1)."""
    X_tilde = np.column_stack([X, np.ones(len(X))])
    hessian = 2 * X_tilde.T @ X_tilde / len(X)
    return float(2 / np.linalg.eigvalsh(hessian)[-1])


def minibatch_gradient(X_batch, y_batch, w, b):
    """Gradient of the batch's mean squared error: divide by the size of *this* batch."""
    residual = X_batch @ w + b - y_batch
    return 2 * X_batch.T @ residual / len(y_batch), float(2 * residual.mean())


def sgd_epoch(X, y, w, b, eta, batch_size, seed):
    """One epoch of minibatch SGD: shuffle once, then a step after every batch (the last may be short)."""
    order = np.random.default_rng(seed).permutation(len(y))
    for start in range(0, len(y), batch_size):
        batch = order[start:start + batch_size]
        grad_w, grad_b = minibatch_gradient(X[batch], y[batch], w, b)
        w, b = w - eta * grad_w, b - eta * grad_b
    return w, b


def _step_cases(rng):
    cases = [Case("один объект", {"X": np.array([[1.0, 2.0]]), "y": np.array([3.0]),
                                  "w": np.zeros(2), "b": 0.0, "eta": 0.1})]
    for n, d in [(5, 1), (30, 3), (200, 6)]:
        X, y = _regression_data(rng, n, d, shift=1.0)
        cases.append(Case("случайные данные", {"X": X, "y": y, "w": rng.normal(0, 1, d),
                                                "b": float(rng.normal()), "eta": 0.01}))
    return cases


def _spectrum_cases(rng):
    return [
        Case("один признак", {"X": np.array([[0.0], [1.0], [2.0]])}),
        Case("признаки далеко от нуля", {"X": rng.normal(50.0, 1.0, (40, 2))}),
        Case("стандартизованные признаки", {"X": rng.normal(0.0, 1.0, (100, 5))}),
        Case("разный масштаб", {"X": rng.normal(0.0, 1.0, (60, 3)) * [1.0, 10.0, 0.1]}),
    ]


def _epoch_cases(rng):
    cases = []
    for label, n, batch_size in [("один объект", 1, 4), ("батчи по одному", 6, 1),
                                 ("последний батч короче", 10, 4), ("один батч на всю выборку", 5, 8),
                                 ("последний батч короче", 103, 16)]:
        X, y = _regression_data(rng, n, 3, shift=1.0)
        cases.append(Case(label, {"X": X, "y": y, "w": np.zeros(3), "b": 0.0, "eta": 0.01,
                                  "batch_size": batch_size, "seed": int(rng.integers(1000))}))
    return cases


# ---------------------------------------------------------------- 2.1.6


def ridge(X, y, alpha):
    """Ridge with an unpenalized bias as plain least squares on stacked data.

    Below X~ = (X | 1) go the rows (sqrt(alpha) I | 0) with zero answers:
    they add alpha ||w||^2 to the sum of squares and leave the bias free.
    """
    d = X.shape[1]
    X_tilde = np.column_stack([X, np.ones(len(y))])
    penalty_rows = np.column_stack([np.sqrt(alpha) * np.eye(d), np.zeros(d)])
    X_stacked = np.vstack([X_tilde, penalty_rows])
    y_stacked = np.concatenate([y, np.zeros(d)])
    theta = np.linalg.lstsq(X_stacked, y_stacked, rcond=None)[0]
    return theta[:-1], float(theta[-1])


def _ridge_cases(rng):
    cases = []
    for n, d, alpha in [(5, 2, 1.0), (20, 3, 10.0), (8, 12, 0.5), (100, 6, 100.0)]:
        X, y = _regression_data(rng, n, d)
        cases.append(Case("признаков больше, чем объектов" if d > n else "случайные данные",
                          {"X": X, "y": y, "alpha": alpha}))
    return cases


EXERCISES = [
    Exercise("2.1.4-gd-step", "2.1.4", "шаг градиентного спуска по MSE: gd_step(X, y, w, b, eta) -> (w, b)",
             gd_step, _step_cases, seed=214),
    Exercise("2.1.4-max-learning-rate", "2.1.4",
             "наибольший устойчивый темп 2/λ_max: max_learning_rate(X) -> float",
             max_learning_rate, _spectrum_cases, seed=2141),
    Exercise("2.1.5-sgd-epoch", "2.1.5",
             "эпоха SGD с перемешиванием: sgd_epoch(X, y, w, b, eta, batch_size, seed) -> (w, b)",
             sgd_epoch, _epoch_cases, seed=2151),
    Exercise("2.1.6-ridge", "2.1.6",
             "гребневая регрессия через lstsq на расширенных данных: ridge(X, y, alpha) -> (w, w0)",
             ridge, _ridge_cases, rtol=1e-6, atol=1e-6, seed=216),
]

"""Exercises of sections 2.1.9-2.1.10 (linear classification, logistic regression): margins,
the perceptron's update, the hinge subgradient, the probability threshold of least cost and
the gradient of the log-loss.
Every reference is plain numpy, the way a reader writes it."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise

# ---------------------------------------------------------------- 2.1.9


def margins(X, y, w, b):
    """Margins M_i = y_i (<w, x_i> + b) of every object, labels y in {-1, +1}."""
    return y * (X @ w + b)


def perceptron_update(x, y, w, b, eta):
    """One step of the perceptron on one object: if y (<w, x> + b) <= 0, move (w, b) by eta * y * (x, 1)."""
    if y * (x @ w + b) <= 0:
        return w + eta * y * x, b + eta * y
    return w, b


def hinge_subgradient(X, y, w, b, alpha):
    """Subgradient of sum_i max(0, 1 - M_i) + alpha ||w||^2 over (w, b); at M_i = 1 the object gives 0."""
    active = y * (X @ w + b) < 1
    grad_w = -X[active].T @ y[active] + 2 * alpha * w
    return grad_w, float(-y[active].sum())


def _labels(rng, n):
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    y[:2] = [-1.0, 1.0]  # both classes in every sample
    return y


def _margin_cases(rng):
    cases = [
        Case("одна точка, два класса", {"X": np.array([[1.0, 2.0], [1.0, 2.0]]), "y": np.array([1.0, -1.0]),
                                        "w": np.array([1.0, -1.0]), "b": 3.0}),
        Case("нулевые веса", {"X": np.array([[1.0], [-2.0], [3.0]]), "y": np.array([1.0, -1.0, -1.0]),
                              "w": np.zeros(1), "b": -0.5}),
    ]
    for n, d in [(10, 2), (50, 5)]:
        cases.append(Case("случайные данные", {"X": rng.normal(0, 2, (n, d)), "y": _labels(rng, n),
                                                "w": rng.normal(0, 1, d), "b": float(rng.normal())}))
    return cases


def _update_cases(rng):
    cases = [
        Case("нулевые веса: отступ 0 — это ошибка", {"x": np.array([1.0, -2.0]), "y": -1.0,
                                                     "w": np.zeros(2), "b": 0.0, "eta": 1.0}),
        Case("верный ответ: шага нет", {"x": np.array([2.0, 1.0]), "y": 1.0,
                                        "w": np.array([1.0, 1.0]), "b": -1.0, "eta": 0.5}),
        Case("ошибка на объекте класса +1", {"x": np.array([1.0, 1.0]), "y": 1.0,
                                             "w": np.array([-1.0, 0.5]), "b": -0.25, "eta": 0.1}),
    ]
    for d in (3, 6):
        w = rng.normal(0, 1, d)
        x = rng.normal(0, 2, d)
        y = -float(np.sign(x @ w + 0.3))  # always a mistake: the step is taken
        cases.append(Case("случайная ошибка", {"x": x, "y": y, "w": w, "b": 0.3, "eta": 0.5}))
    return cases


def _hinge_cases(rng):
    cases = [
        Case("отступ ровно 1: вклад 0", {"X": np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]),
                                         "y": np.array([1.0, -1.0, 1.0]), "w": np.array([1.0, -1.0]),
                                         "b": 0.0, "alpha": 0.5}),
        Case("все отступы больше 1", {"X": np.array([[3.0], [-3.0]]), "y": np.array([1.0, -1.0]),
                                      "w": np.array([1.0]), "b": 0.0, "alpha": 0.25}),
        Case("без регуляризации", {"X": np.array([[1.0, 1.0], [-1.0, 0.5]]), "y": np.array([-1.0, 1.0]),
                                   "w": np.array([0.5, 0.5]), "b": 0.1, "alpha": 0.0}),
    ]
    for n, d in [(20, 2), (100, 4)]:
        cases.append(Case("случайные данные", {"X": rng.normal(0, 1, (n, d)), "y": _labels(rng, n),
                                                "w": rng.normal(0, 1, d), "b": float(rng.normal()),
                                                "alpha": 0.3}))
    return cases


# ---------------------------------------------------------------- 2.1.10


def log_loss_gradient(X, y, w, b):
    """Gradient of the log-loss -sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)], p_i = sigma(<w, x_i> + b),
    labels y in {0, 1}: (-X^T (y - p), -sum(y - p))."""
    p = 0.5 * (1.0 + np.tanh(0.5 * (X @ w + b)))  # sigma(z) without overflow
    return -X.T @ (y - p), float(-(y - p).sum())


def best_threshold(p, y, cost_fn, cost_fp):
    """The threshold t among the predicted probabilities p (class 1 when p >= t) of least
    mean cost (cost_fn * FN + cost_fp * FP) / N on labels y in {0, 1}; the smallest of equal."""
    # sorted: argmin gives the smallest of equal costs
    candidates = np.unique(p)
    costs = [
        (
            cost_fn * np.sum((p < t) & (y == 1))
            + cost_fp * np.sum((p >= t) & (y == 0))
        )
        / len(y)
        for t in candidates
    ]
    return float(candidates[int(np.argmin(costs))])


def _threshold_cases(rng):
    cases = [
        Case("пропуск в 10 раз дороже", {"p": np.array([0.05, 0.1, 0.2, 0.4, 0.6, 0.9]),
                                          "y": np.array([0, 1, 0, 1, 0, 1]),
                                          "cost_fn": 10.0, "cost_fp": 1.0}),
        Case("ложная тревога дороже", {"p": np.array([0.05, 0.3, 0.35, 0.5, 0.7, 0.95]),
                                       "y": np.array([0, 1, 0, 0, 1, 1]),
                                       "cost_fn": 1.0, "cost_fp": 5.0}),
        Case("равные вероятности у разных ответов", {"p": np.array([0.2, 0.5, 0.5, 0.5, 0.8]),
                                                     "y": np.array([0, 0, 1, 1, 1]),
                                                     "cost_fn": 3.0, "cost_fp": 1.0}),
    ]
    n = 400
    p = rng.random(n)
    y = (rng.random(n) < p).astype(int)  # calibrated probabilities
    cases.append(Case("откалиброванные вероятности", {"p": p, "y": y, "cost_fn": 10.0,
                                                      "cost_fp": 1.0}))
    return cases


def _gradient_cases(rng):
    cases = [
        Case("нулевые веса", {"X": np.array([[1.0, 2.0], [3.0, -1.0]]), "y": np.array([0.0, 1.0]),
                              "w": np.zeros(2), "b": 0.0}),
        Case("огромные оценки", {"X": np.array([[100.0], [-100.0], [1.0]]), "y": np.array([1.0, 1.0, 0.0]),
                                 "w": np.array([10.0]), "b": 0.0}),
    ]
    for n, d in [(15, 3), (200, 5)]:
        y = (rng.random(n) < 0.5).astype(float)
        cases.append(Case("случайные данные", {"X": rng.normal(0, 1, (n, d)), "y": y,
                                                "w": rng.normal(0, 1, d), "b": float(rng.normal())}))
    return cases


EXERCISES = [
    Exercise("2.1.9-margins", "2.1.9", "отступы объектов: margins(X, y, w, b) -> массив",
             margins, _margin_cases, seed=219),
    Exercise("2.1.9-perceptron-update", "2.1.9",
             "шаг перцептрона на одном объекте: perceptron_update(x, y, w, b, eta) -> (w, b)",
             perceptron_update, _update_cases, seed=2191),
    Exercise("2.1.9-hinge-subgradient", "2.1.9",
             "субградиент hinge с L2: hinge_subgradient(X, y, w, b, alpha) -> (grad_w, grad_b)",
             hinge_subgradient, _hinge_cases, seed=2192),
    Exercise("2.1.10-best-threshold", "2.1.10",
             "порог наименьшей цены ошибок: best_threshold(p, y, cost_fn, cost_fp) -> t",
             best_threshold, _threshold_cases, rtol=1e-12, atol=0.0, seed=21102),
    Exercise("2.1.10-log-loss-gradient", "2.1.10",
             "градиент log-loss при метках 0/1: log_loss_gradient(X, y, w, b) -> (grad_w, grad_b)",
             log_loss_gradient, _gradient_cases, rtol=1e-7, atol=1e-9, seed=21101),
]

"""Exercises of section 2.1 (linear regression): the bias, exact and iterative solvers,
regularization and other losses. Every reference is plain numpy, the way a reader writes it."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise

# ---------------------------------------------------------------- 2.1.2-2.1.3


def intercept(X, y, w):
    """The best bias for fixed weights: w0 = mean(y) - <mean(x), w>."""
    return float(y.mean() - X.mean(axis=0) @ w)


def least_squares(X, y):
    """Weights and bias minimizing ||y - Xw - w0||^2, through lstsq on X with a ones column."""
    X_tilde = np.column_stack([X, np.ones(len(y))])
    theta = np.linalg.lstsq(X_tilde, y, rcond=None)[0]
    return theta[:-1], float(theta[-1])


def _regression_data(rng, n_samples, n_features, shift=5.0):
    """Features away from zero (a forgotten bias or centering shows) and a noisy linear answer."""
    X = rng.normal(shift, 2.0, (n_samples, n_features))
    y = X @ rng.normal(0, 3, n_features) + 10.0 + rng.normal(0, 1, n_samples)
    return X, y


def _intercept_cases(rng):
    cases = [Case("один признак", {"X": np.array([[1.0], [3.0]]), "y": np.array([2.0, 6.0]),
                                    "w": np.array([1.5])}),
             Case("один объект", {"X": np.array([[2.0, -1.0]]), "y": np.array([4.0]),
                                  "w": np.array([1.0, 2.0])})]
    for n, d in [(10, 3), (100, 8)]:
        X, y = _regression_data(rng, n, d)
        cases.append(Case("случайные данные", {"X": X, "y": y, "w": rng.normal(0, 1, d)}))
    return cases


def _least_squares_cases(rng):
    cases = [Case("прямая через две точки", {"X": np.array([[0.0], [1.0]]), "y": np.array([1.0, 3.0])})]
    for n, d in [(3, 2), (20, 1), (50, 5), (442, 10)]:
        X, y = _regression_data(rng, n, d)
        cases.append(Case("случайные данные", {"X": X, "y": y}))
    return cases


# ---------------------------------------------------------------- 2.1.4-2.1.5


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


def _batch_cases(rng):
    cases = [Case("батч из одного объекта", {"X_batch": np.array([[2.0, -1.0]]), "y_batch": np.array([1.0]),
                                             "w": np.array([0.5, 0.5]), "b": 1.0})]
    for n in (3, 7, 32):
        X, y = _regression_data(rng, n, 4, shift=1.0)
        cases.append(Case("случайный батч", {"X_batch": X, "y_batch": y,
                                              "w": rng.normal(0, 1, 4), "b": 0.0}))
    return cases


def _epoch_cases(rng):
    cases = []
    for label, n, batch_size in [("один объект", 1, 4), ("батчи по одному", 6, 1),
                                 ("последний батч короче", 10, 4), ("один батч на всю выборку", 5, 8),
                                 ("последний батч короче", 103, 16)]:
        X, y = _regression_data(rng, n, 3, shift=1.0)
        cases.append(Case(label, {"X": X, "y": y, "w": np.zeros(3), "b": 0.0, "eta": 0.01,
                                  "batch_size": batch_size, "seed": int(rng.integers(1000))}))
    return cases


# ---------------------------------------------------------------- 2.1.6-2.1.7


def ridge(X, y, alpha):
    """Ridge with an unpenalized bias: center, solve (Xc^T Xc + alpha I) w = Xc^T yc, restore w0."""
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(y_mean - x_mean @ w)


def soft_threshold(z, t):
    """S_t(z) = sign(z) * max(|z| - t, 0), elementwise."""
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def lasso_alpha_max(X, y):
    """The smallest alpha at which all lasso weights are zero: 2 max_j |x_j^T (y - mean y)|, X centered."""
    Xc = X - X.mean(axis=0)
    return float(2 * np.max(np.abs(Xc.T @ (y - y.mean()))))


def _ridge_cases(rng):
    cases = []
    for n, d, alpha in [(5, 2, 1.0), (20, 3, 10.0), (8, 12, 0.5), (100, 6, 100.0)]:
        X, y = _regression_data(rng, n, d)
        cases.append(Case("признаков больше, чем объектов" if d > n else "случайные данные",
                          {"X": X, "y": y, "alpha": alpha}))
    return cases


def _threshold_cases(rng):
    return [
        Case("числа вокруг порога", {"z": np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0]), "t": 1.0}),
        Case("нулевой порог", {"z": np.array([-2.0, 0.0, 2.0]), "t": 0.0}),
        Case("одно число", {"z": np.array([-0.25]), "t": 0.1}),
        Case("случайные числа", {"z": rng.normal(0, 2, 20), "t": 0.7}),
        Case("матрица", {"z": rng.normal(0, 2, (3, 4)), "t": 1.5}),
    ]


def _alpha_max_cases(rng):
    cases = [Case("один признак", {"X": np.array([[1.0], [2.0], [3.0]]), "y": np.array([1.0, 3.0, 2.0])})]
    for n, d in [(20, 3), (442, 10)]:
        X, y = _regression_data(rng, n, d)
        cases.append(Case("признаки далеко от нуля", {"X": X, "y": y}))
    return cases


# ---------------------------------------------------------------- 2.1.8


def huber_gradient(y, y_pred, delta):
    """Derivative of the Huber loss over the prediction: clip(y_pred - y, -delta, delta)."""
    return np.clip(y_pred - y, -delta, delta)


def best_constant_mape(y):
    """A constant c with the smallest MAPE: a median of y weighted by 1/|y|."""
    order = np.argsort(y)
    weights = 1 / np.abs(y[order])
    cumulative = np.cumsum(weights)
    return float(y[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _mape_of_constant(y, c):
    return float(np.mean(np.abs((c - y) / y)))


def _huber_cases(rng):
    return [
        Case("ошибки вокруг порога", {"y": np.zeros(5), "y_pred": np.array([-3.0, -1.0, 0.0, 1.0, 3.0]),
                                     "delta": 1.0}),
        Case("большой порог", {"y": np.array([1.0, 2.0]), "y_pred": np.array([4.0, -2.0]), "delta": 10.0}),
        Case("случайные данные", {"y": rng.normal(0, 5, 30), "y_pred": rng.normal(0, 5, 30), "delta": 2.5}),
    ]


def _mape_cases(rng):
    return [
        Case("один объект", {"y": np.array([5.0])}),
        Case("три объекта", {"y": np.array([1.0, 10.0, 100.0])}),
        Case("ответы разных знаков", {"y": np.array([-4.0, 1.0, 2.0, 8.0, 9.0])}),
        *(Case("скошенное распределение", {"y": rng.lognormal(3.0, 1.0, n)}) for n in (15, 101)),
    ]


EXERCISES = [
    Exercise("2.1.2-intercept", "2.1.2", "сдвиг при данных весах: intercept(X, y, w) -> float",
             intercept, _intercept_cases, seed=212),
    Exercise("2.1.3-least-squares", "2.1.3", "МНК со сдвигом: least_squares(X, y) -> (w, w0)",
             least_squares, _least_squares_cases, rtol=1e-6, atol=1e-6, seed=213),
    Exercise("2.1.4-gd-step", "2.1.4", "шаг градиентного спуска по MSE: gd_step(X, y, w, b, eta) -> (w, b)",
             gd_step, _step_cases, seed=214),
    Exercise("2.1.4-max-learning-rate", "2.1.4",
             "наибольший устойчивый темп 2/λ_max: max_learning_rate(X) -> float",
             max_learning_rate, _spectrum_cases, seed=2141),
    Exercise("2.1.5-minibatch-gradient", "2.1.5",
             "градиент MSE по батчу: minibatch_gradient(X_batch, y_batch, w, b) -> (grad_w, grad_b)",
             minibatch_gradient, _batch_cases, seed=215),
    Exercise("2.1.5-sgd-epoch", "2.1.5",
             "эпоха SGD с перемешиванием: sgd_epoch(X, y, w, b, eta, batch_size, seed) -> (w, b)",
             sgd_epoch, _epoch_cases, seed=2151),
    Exercise("2.1.6-ridge", "2.1.6", "гребневая регрессия без штрафа на сдвиг: ridge(X, y, alpha) -> (w, w0)",
             ridge, _ridge_cases, rtol=1e-6, atol=1e-6, seed=216),
    Exercise("2.1.7-soft-threshold", "2.1.7", "мягкий порог: soft_threshold(z, t) -> массив",
             soft_threshold, _threshold_cases, seed=217),
    Exercise("2.1.7-lasso-alpha-max", "2.1.7",
             "наименьшее α, при котором лассо зануляет все веса: lasso_alpha_max(X, y) -> float",
             lasso_alpha_max, _alpha_max_cases, seed=2171),
    Exercise("2.1.8-huber-gradient", "2.1.8",
             "производная функции Хьюбера по предсказанию: huber_gradient(y, y_pred, delta) -> массив",
             huber_gradient, _huber_cases, seed=218),
    Exercise("2.1.8-best-constant-mape", "2.1.8", "лучшая константа по MAPE: best_constant_mape(y) -> float",
             best_constant_mape, _mape_cases, score=_mape_of_constant, seed=2181),
]

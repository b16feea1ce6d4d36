"""Exercises of section 2.1.12: typical mistakes, and the references against independent oracles
(scikit-learn's log_loss, scipy's logsumexp, finite differences, course_lib's SoftmaxRegression)."""

import numpy as np
import pytest
from scipy.special import log_softmax as scipy_log_softmax
from scipy.special import logsumexp

from course_lib.exercises import EXERCISES, solution
from course_lib.gradcheck import numerical_gradient
from course_lib.linear import SoftmaxRegression


def _gradient(X, y, W, b, alpha, *, sign=1.0, penalty=2.0, mean=False, bias_penalty=False):
    Z = X @ W.T + b
    P = np.exp(Z - logsumexp(Z, axis=1, keepdims=True))
    G = sign * (P - np.eye(W.shape[0])[y])
    scale = 1 / len(y) if mean else 1.0
    grad_b = scale * G.sum(axis=0) + (penalty * alpha * b if bias_penalty else 0.0)
    return scale * G.T @ X + penalty * alpha * W, grad_b


def _temperature_by(criterion, Z, y, temperatures):
    values = [criterion(np.asarray(Z, dtype=float), y, T) for T in temperatures]
    return float(temperatures[int(np.argmin(values))])


def _naive_cross_entropy(Z, y, T):
    P = np.exp(Z / T) / np.exp(Z / T).sum(axis=1, keepdims=True)
    return -np.mean(np.log(P[np.arange(len(y)), y]))


MISTAKES = {
    "2.1.12-best-temperature": {
        "умножение на T": lambda Z, y, Ts: _temperature_by(
            lambda Z, y, T: -np.mean(scipy_log_softmax(Z * T, axis=1)[np.arange(len(y)), y]),
            Z, y, Ts),
        "без сдвига на максимум": lambda Z, y, Ts: _temperature_by(_naive_cross_entropy, Z, y, Ts),
        "доля верных вместо log-loss": lambda Z, y, Ts: _temperature_by(
            lambda Z, y, T: -np.mean((Z / T).argmax(axis=1) == y), Z, y, Ts),
        "наибольшая средняя вероятность верного класса": lambda Z, y, Ts: _temperature_by(
            lambda Z, y, T: -np.mean(np.exp(scipy_log_softmax(Z / T, axis=1))[np.arange(len(y)), y]),
            Z, y, Ts),
    },
    "2.1.12-softmax-gradient": {
        "знак: Y - P": lambda X, y, W, b, alpha: _gradient(X, y, W, b, alpha, sign=-1.0),
        "штраф alpha W": lambda X, y, W, b, alpha: _gradient(X, y, W, b, alpha, penalty=1.0),
        "среднее вместо суммы": lambda X, y, W, b, alpha: _gradient(X, y, W, b, alpha, mean=True),
        "штраф на сдвиг": lambda X, y, W, b, alpha: _gradient(X, y, W, b, alpha, bias_penalty=True),
    },
}


def test_best_temperature_minimizes_scikit_learn_log_loss_over_the_list():
    from sklearn.metrics import log_loss

    for case in EXERCISES["2.1.12-best-temperature"].cases():
        Z, y, temperatures = case.args.values()
        losses = [log_loss(y, np.exp(scipy_log_softmax(Z / T, axis=1)), labels=range(Z.shape[1]))
                  for T in temperatures]
        assert solution("2.1.12-best-temperature")(Z, y, temperatures) == temperatures[
            int(np.argmin(losses))]
        second, best = np.sort(losses)[1], np.min(losses)
        assert second - best > 1e-4  # one clear minimizer: no case hinges on rounding


def _objective(X, y, W, b, alpha):
    """-sum_i log P(y_i | x_i) + alpha ||W||_F^2, through scipy's logsumexp."""
    Z = X @ W.T + b
    return float(np.sum(logsumexp(Z, axis=1) - Z[np.arange(len(y)), y]) + alpha * np.sum(W ** 2))


@pytest.mark.parametrize("index", range(5))
def test_softmax_gradient_equals_finite_differences(index):
    case = EXERCISES["2.1.12-softmax-gradient"].cases()[index]
    X, y, W, b, alpha = case.args.values()
    grad_W, grad_b = solution("2.1.12-softmax-gradient")(X, y, W, b, alpha)
    assert grad_W.shape == W.shape and grad_b.shape == b.shape
    numeric_W = numerical_gradient(lambda w: _objective(X, y, w.reshape(W.shape), b, alpha), W.ravel())
    numeric_b = numerical_gradient(lambda c: _objective(X, y, W, c, alpha), b)
    # huge scores: the loss is piecewise linear there, central differences are exact up to rounding
    np.testing.assert_allclose(grad_W.ravel(), numeric_W, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(grad_b, numeric_b, rtol=1e-6, atol=1e-5)


def test_softmax_gradient_vanishes_at_the_fitted_model():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = rng.integers(0, 4, size=120)
    alpha = 0.8
    model = SoftmaxRegression(alpha=alpha, tol=1e-12).fit(X, y)
    grad_W, grad_b = solution("2.1.12-softmax-gradient")(X, y, model.coef_, model.intercept_, alpha)
    assert np.abs(grad_W).max() < 1e-6 and np.abs(grad_b).max() < 1e-6  # sum over 120 objects

"""Exercises of section 5.1 (backpropagation): the backward pass of a new activation
(softplus) and the delta recursion of a two-layer network. Every reference is plain numpy."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise

# ---------------------------------------------------------------- 5.1.4


def _sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)) without overflow: only exp(-|z|) <= 1 is evaluated."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def softplus_backward(z, grad_out):
    """dC/dz for softplus f(z) = log(1 + e^z): grad_out * f'(z), and f'(z) = sigma(z).

    sigma(z) = 1 / (1 + e^{-|z|}) for z >= 0 and e^{-|z|} / (1 + e^{-|z|}) for z < 0:
    exp never overflows, and tiny values for very negative z keep their relative accuracy.
    """
    return grad_out * _sigmoid(z)


def _softplus_cases(rng):
    z = np.array([[-2.0, 0.0, 2.0]])
    return [
        Case("ноль и небольшие числа, grad_out = 1", {"z": z, "grad_out": np.ones_like(z)}),
        Case("очень большие по модулю", {"z": np.array([[-1000.0, -40.0, 40.0, 1000.0]]),
                                         "grad_out": np.array([[1.0, 2.0, -1.0, 0.5]])}),
        Case("случайный батч", {"z": rng.normal(0, 3, (4, 5)), "grad_out": rng.normal(0, 1, (4, 5))}),
        Case("случайный батч", {"z": rng.normal(0, 10, (10, 2)), "grad_out": rng.normal(0, 1, (10, 2))}),
    ]


# ---------------------------------------------------------------- 5.1.5


def two_layer_gradients(X, Y, W1, b1, W2, b2):
    """Gradients of C = mean((sigma(X W1 + b1) W2 + b2 - Y)^2) by the delta recursion.

    Delta2 = 2 (Yhat - Y) / (N k) (output layer, no activation); grad_W2 = A^T Delta2,
    grad_b2 = column sums; Delta1 = (Delta2 W2^T) * A (1 - A); grad_W1 = X^T Delta1.
    """
    A = _sigmoid(X @ W1 + b1)
    delta2 = 2.0 * (A @ W2 + b2 - Y) / Y.size
    delta1 = (delta2 @ W2.T) * A * (1.0 - A)
    return X.T @ delta1, delta1.sum(axis=0), A.T @ delta2, delta2.sum(axis=0)


def _network(rng, n, d, h, k):
    return {"X": rng.normal(0, 1, (n, d)), "Y": rng.normal(0, 1, (n, k)),
            "W1": rng.normal(0, 1, (d, h)), "b1": rng.normal(0, 1, h),
            "W2": rng.normal(0, 1, (h, k)), "b2": rng.normal(0, 1, k)}


def _two_layer_cases(rng):
    seed_net = {"X": np.array([[0.8]]), "Y": np.array([[1.0]]), "W1": np.array([[1.5]]),
                "b1": np.array([-0.2]), "W2": np.array([[2.0]]), "b2": np.array([-0.708])}
    return [
        Case("один нейрон в слое, как в конспекте", seed_net),
        Case("один объект", _network(rng, 1, 3, 4, 2)),
        Case("случайная сеть", _network(rng, 6, 3, 5, 1)),
        Case("случайная сеть, несколько выходов", _network(rng, 20, 4, 3, 3)),
    ]


EXERCISES = [
    Exercise("5.1.4-softplus-backward", "5.1.4",
             "обратный проход softplus log(1 + e^z): softplus_backward(z, grad_out) -> массив",
             softplus_backward, _softplus_cases, rtol=1e-9, atol=1e-12, seed=514),
    Exercise("5.1.5-two-layer-gradients", "5.1.5",
             "градиенты сети sigmoid -> linear с MSE по рекурсии delta: "
             "two_layer_gradients(X, Y, W1, b1, W2, b2) -> (grad_W1, grad_b1, grad_W2, grad_b2)",
             two_layer_gradients, _two_layer_cases, rtol=1e-8, atol=1e-10, seed=515),
]

"""Exercises of section 4.1 (fully connected networks): a forward pass by hand, counting
parameters, a numerically stable log-sigmoid. Every reference is plain numpy."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise

# ---------------------------------------------------------------- 4.1.1


def forward_pass(X, W1, b1, W2, b2):
    """Output of Linear -> ReLU -> Linear on a batch: max(X W1 + b1, 0) W2 + b2."""
    hidden = np.maximum(X @ W1 + b1, 0.0)
    return hidden @ W2 + b2


def n_parameters(layer_sizes):
    """Weights and biases of an MLP with widths [D, d_1, ..., K]: sum of (d + 1) * k over layers."""
    return int(
        sum((d + 1) * k for d, k in zip(layer_sizes[:-1], layer_sizes[1:]))
    )


def log_sigmoid(z):
    """log sigma(z) = -log(1 + exp(-z)), finite for any z: -logaddexp(0, -z), elementwise."""
    return -np.logaddexp(0.0, -z)


def _network(rng, n, d, h, k):
    return {"X": rng.normal(0, 1, (n, d)), "W1": rng.normal(0, 1, (d, h)),
            "b1": rng.normal(0, 1, h), "W2": rng.normal(0, 1, (h, k)), "b2": rng.normal(0, 1, k)}


def _forward_cases(rng):
    xor = {"X": np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
           "W1": np.array([[1.0, 1.0], [1.0, 1.0]]), "b1": np.array([0.0, -1.0]),
           "W2": np.array([[1.0], [-2.0]]), "b2": np.array([0.0])}
    return [
        Case("XOR на двух скрытых нейронах", xor),
        Case("один объект", _network(rng, 1, 3, 4, 2)),
        Case("случайная сеть", _network(rng, 10, 3, 5, 1)),
        Case("случайная сеть, квадратные матрицы", _network(rng, 20, 4, 4, 4)),
        Case("случайная сеть", _network(rng, 50, 8, 16, 3)),
    ]


def _size_cases(rng):
    cases = [Case("без скрытых слоёв", {"layer_sizes": [4, 1]}),
             Case("XOR", {"layer_sizes": [2, 2, 1]}),
             Case("цифры", {"layer_sizes": [64, 32, 10]})]
    for n_hidden in (2, 4):
        sizes = [int(s) for s in rng.integers(1, 200, n_hidden + 2)]
        cases.append(Case("случайные ширины", {"layer_sizes": sizes}))
    return cases


def _sigmoid_cases(rng):
    return [
        Case("умеренные числа", {"z": np.array([-3.0, -1.0, 0.0, 1.0, 3.0])}),
        Case("очень большие по модулю", {"z": np.array([-1000.0, -50.0, 50.0, 1000.0])}),
        Case("случайные числа", {"z": rng.normal(0, 30, 25)}),
        Case("матрица", {"z": rng.normal(0, 5, (3, 4))}),
    ]


EXERCISES = [
    Exercise("4.1.1-forward-pass", "4.1.1",
             "прямой проход Linear -> ReLU -> Linear: forward_pass(X, W1, b1, W2, b2) -> массив",
             forward_pass, _forward_cases, rtol=1e-9, atol=1e-9, seed=411),
    Exercise("4.1.1-n-parameters", "4.1.1",
             "число параметров полносвязной сети: n_parameters(layer_sizes) -> int",
             n_parameters, _size_cases, exact=True, seed=4111),
    Exercise("4.1.1-log-sigmoid", "4.1.1",
             "устойчивый логарифм сигмоиды: log_sigmoid(z) -> массив",
             log_sigmoid, _sigmoid_cases, rtol=1e-9, atol=1e-12, seed=4112),
]

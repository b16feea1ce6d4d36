"""Exercises of section 3.1 (probabilistic models): a marginal of a chain by summation, the
Gaussian negative log-likelihood of residuals, the maximum-likelihood scale of Laplace noise.
Every reference is plain numpy."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise

# ---------------------------------------------------------------- 3.1.3


def chain_marginal(p_a, P_ba, P_cb):
    """p(c) of the chain a -> b -> c: sum over a and b of p(a) p(b | a) p(c | b).

    ``P_ba[i, j] = p(b = j | a = i)`` and ``P_cb[j, k] = p(c = k | b = j)`` (rows sum to 1),
    so the two sums are two vector-matrix products.
    """
    return p_a @ P_ba @ P_cb


def _stochastic(rng, rows, cols):
    table = rng.random((rows, cols)) + 0.05
    return table / table.sum(axis=1, keepdims=True)


def _chain_cases(rng):
    cases = [
        Case("a и b почти детерминированы", {
            "p_a": np.array([1.0, 0.0]), "P_ba": np.array([[0.0, 1.0], [1.0, 0.0]]),
            "P_cb": np.array([[0.9, 0.1], [0.2, 0.8]])}),
        Case("пример из раздела: дождь -> мокрая трава -> поскользнулся", {
            "p_a": np.array([0.2, 0.8]), "P_ba": np.array([[0.9, 0.1], [0.25, 0.75]]),
            "P_cb": np.array([[0.3, 0.7], [0.05, 0.95]])}),
    ]
    for ka, kb, kc in [(2, 3, 4), (4, 2, 3), (3, 5, 2)]:
        cases.append(Case("случайные таблицы разных размеров", {
            "p_a": _stochastic(rng, 1, ka)[0], "P_ba": _stochastic(rng, ka, kb),
            "P_cb": _stochastic(rng, kb, kc)}))
    return cases


# ---------------------------------------------------------------- 3.1.4


def gaussian_nll(r, s):
    r"""-sum log N(r_i | 0, s^2) = N/2 log(2 pi s^2) + sum r_i^2 / (2 s^2)."""
    return len(r) / 2 * np.log(2 * np.pi * s**2) + np.sum(r**2) / (2 * s**2)


def _nll_cases(rng):
    return [
        Case("нулевые остатки, s = 1", {"r": np.zeros(4), "s": 1.0}),
        Case("один остаток", {"r": np.array([2.0]), "s": 0.5}),
        Case("малый масштаб", {"r": np.array([0.1, -0.2, 0.05]), "s": 0.1}),
        Case("случайные остатки", {"r": rng.normal(0, 2, 50), "s": 2.0}),
        Case("случайные остатки, масштаб не тот", {"r": rng.normal(0, 1, 200), "s": 3.0}),
    ]


def laplace_scale(r):
    r"""Maximum-likelihood scale of Laplace noise: :math:`\hat s = \frac1N \sum_i |r_i|`.

    From d/ds [N log(2s) + sum|r_i| / s] = N/s - sum|r_i| / s^2 = 0.
    """
    return np.mean(np.abs(r))


def _scale_cases(rng):
    return [
        Case("остатки одного знака", {"r": np.array([1.0, 2.0, 3.0])}),
        Case("симметричные остатки", {"r": np.array([-2.0, -1.0, 1.0, 2.0])}),
        Case("остатки с выбросом", {"r": np.array([0.1, -0.2, 0.1, 0.0, 25.0])}),
        Case("шум Лапласа, s = 2", {"r": rng.laplace(0, 2, 400)}),
        Case("нормальный шум", {"r": rng.normal(0, 1, 100)}),
    ]


EXERCISES = [
    Exercise("3.1.3-chain-marginal", "3.1.3",
             "маргинал цепочки a -> b -> c суммированием: chain_marginal(p_a, P_ba, P_cb) -> массив",
             chain_marginal, _chain_cases, rtol=1e-9, atol=1e-12, seed=313),
    Exercise("3.1.4-gaussian-nll", "3.1.4",
             "отрицательный логарифм правдоподобия нормального шума: gaussian_nll(r, s) -> число",
             gaussian_nll, _nll_cases, rtol=1e-9, atol=1e-9, seed=314),
    Exercise("3.1.4-laplace-scale", "3.1.4",
             "оценка максимального правдоподобия масштаба шума Лапласа: laplace_scale(r) -> число",
             laplace_scale, _scale_cases, rtol=1e-9, atol=1e-12, seed=3141),
]

"""Exercises of chapter 1 (introduction): the best constant under an asymmetric cost."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise

UNDER, OVER = 3.0, 1.0  # cost of a unit of under-prediction (c < y) and of over-prediction


def best_constant_asymmetric(y):
    """The constant with the smallest mean cost 3 max(y - c, 0) + max(c - y, 0).

    It is a quantile of level 3/4 (the median, if both costs were equal).
    """
    k = int(np.ceil(UNDER / (UNDER + OVER) * len(y))) - 1
    return float(np.sort(y)[k])


def _asymmetric_cost(y, c):
    return float(np.mean(UNDER * np.maximum(y - c, 0.0) + OVER * np.maximum(c - y, 0.0)))


def _samples(rng):
    return [
        Case("один объект", {"y": np.array([7.0])}),
        Case("три объекта с выбросом", {"y": np.array([1.0, 2.0, 100.0])}),
        Case("четыре объекта", {"y": np.array([4.0, 1.0, 10.0, 2.0])}),
        *(Case("скошенное распределение", {"y": rng.exponential(50.0, n)}) for n in (11, 101, 442)),
    ]


EXERCISES = [
    Exercise("1.1-best-constant-asymmetric", "1.1",
             "лучшая константа при асимметричной цене ошибок: best_constant_asymmetric(y) -> float",
             best_constant_asymmetric, _samples, score=_asymmetric_cost, seed=12),
]

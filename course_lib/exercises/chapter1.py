"""Exercises of chapter 1 (introduction): a metric and the best constant prediction."""

from __future__ import annotations

import numpy as np

from ._check import Case, Exercise


def mae(y_true, y_pred):
    """Mean absolute error of the predictions."""
    return float(np.mean(np.abs(y_true - y_pred)))


def best_constant_mae(y):
    """A constant c with the smallest MAE(y, c): a median of y."""
    return float(np.median(y))


def _mae_of_constant(y, c):
    return float(np.mean(np.abs(y - c)))


def _pairs(rng):
    return [
        Case("один объект", {"y_true": np.array([3.0]), "y_pred": np.array([1.0])}),
        Case("точные предсказания", {"y_true": np.array([1.0, 2.0]), "y_pred": np.array([1.0, 2.0])}),
        Case("ошибки разных знаков", {"y_true": np.array([0.0, 0.0]), "y_pred": np.array([1.0, -3.0])}),
        *(Case("случайные данные", {"y_true": rng.normal(100, 30, n), "y_pred": rng.normal(100, 30, n)})
          for n in (5, 50, 442)),
    ]


def _samples(rng):
    return [
        Case("один объект", {"y": np.array([7.0])}),
        Case("три объекта с выбросом", {"y": np.array([1.0, 2.0, 100.0])}),
        Case("чётное число объектов", {"y": np.array([4.0, 1.0, 10.0, 2.0])}),
        *(Case("скошенное распределение", {"y": rng.exponential(50.0, n)}) for n in (11, 101, 442)),
    ]


EXERCISES = [
    Exercise("1.1-mae", "1.1", "MAE: mae(y_true, y_pred) -> float", mae, _pairs, seed=11),
    Exercise("1.1-best-constant-mae", "1.1",
             "лучшая константа по MAE: best_constant_mae(y) -> float",
             best_constant_mae, _samples, score=_mae_of_constant, seed=12),
]

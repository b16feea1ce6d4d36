"""Exercises of section 2.1.12: typical mistakes, and the reference against an independent oracle
(scikit-learn's log_loss)."""

import numpy as np
from scipy.special import log_softmax as scipy_log_softmax

from course_lib.exercises import EXERCISES, solution


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

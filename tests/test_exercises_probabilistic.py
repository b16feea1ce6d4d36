"""Exercises of section 3.1: typical mistakes (run by tests/test_exercises.py) and the
references against independent oracles (scipy.stats, the graphical model, brute force)."""

import itertools

import numpy as np
import pytest
from scipy import optimize, stats

from course_lib.exercises import solution
from course_lib.probabilistic.graphical import DiscreteBayesNet

MISTAKES = {
    "3.1.3-chain-marginal": {
        "таблицы умножены не с той стороны": lambda p_a, P_ba, P_cb: P_cb @ (P_ba @ p_a),
        "забыли p(a): среднее строк": lambda p_a, P_ba, P_cb: P_ba.mean(axis=0) @ P_cb,
        "пропустили среднее звено": lambda p_a, P_ba, P_cb: P_cb.mean(axis=0),
        "перемножили поэлементно": lambda p_a, P_ba, P_cb: (P_ba.T @ p_a) * P_cb.sum(axis=0),
    },
    "3.1.4-gaussian-nll": {
        "без константы": lambda r, s: np.sum(r ** 2) / (2 * s ** 2),
        "log(2πs) вместо log(2πs²)": lambda r, s: len(r) / 2 * np.log(2 * np.pi * s)
        + np.sum(r ** 2) / (2 * s ** 2),
        "делим на s, а не на s²": lambda r, s: len(r) / 2 * np.log(2 * np.pi * s ** 2)
        + np.sum(r ** 2) / (2 * s),
        "среднее вместо суммы": lambda r, s: 0.5 * np.log(2 * np.pi * s ** 2)
        + np.mean(r ** 2) / (2 * s ** 2),
    },
    "3.1.4-laplace-scale": {
        "стандартное отклонение": lambda r: np.sqrt(np.mean(r ** 2)),
        "медиана модулей": lambda r: np.median(np.abs(r)),
        "среднее без модуля": lambda r: np.mean(r),
        "несмещённое деление на N - 1": lambda r: np.sum(np.abs(r)) / (len(r) - 1),
    },
}


def random_tables(seed, ka, kb, kc):
    rng = np.random.default_rng(seed)

    def stochastic(rows, cols):
        table = rng.random((rows, cols)) + 0.05
        return table / table.sum(axis=1, keepdims=True)

    return stochastic(1, ka)[0], stochastic(ka, kb), stochastic(kb, kc)


@pytest.mark.parametrize("sizes", [(2, 3, 4), (3, 3, 3), (4, 2, 5)])
def test_chain_marginal_matches_the_graphical_model(sizes):
    p_a, P_ba, P_cb = random_tables(sum(sizes), *sizes)
    net = DiscreteBayesNet({
        "a": ((), dict(enumerate(p_a))),
        "b": (("a",), {(i,): dict(enumerate(row)) for i, row in enumerate(P_ba)}),
        "c": (("b",), {(j,): dict(enumerate(row)) for j, row in enumerate(P_cb)}),
    })
    expected = np.array(list(net.marginal("c").values()))
    np.testing.assert_allclose(solution("3.1.3-chain-marginal")(p_a, P_ba, P_cb), expected,
                               rtol=1e-12)


def test_chain_marginal_matches_brute_force():
    p_a, P_ba, P_cb = random_tables(7, 3, 4, 2)
    brute = np.zeros(2)
    for i, j, k in itertools.product(range(3), range(4), range(2)):
        brute[k] += p_a[i] * P_ba[i, j] * P_cb[j, k]
    np.testing.assert_allclose(solution("3.1.3-chain-marginal")(p_a, P_ba, P_cb), brute, rtol=1e-12)


@pytest.mark.parametrize("s", [0.1, 1.0, 3.0])
def test_gaussian_nll_matches_scipy(s):
    r = np.random.default_rng(3).normal(0, 1.5, 40)
    expected = -stats.norm(scale=s).logpdf(r).sum()
    assert solution("3.1.4-gaussian-nll")(r, s) == pytest.approx(expected, rel=1e-12)


def test_laplace_scale_is_scipys_fit_and_minimizes_the_nll():
    r = np.random.default_rng(4).laplace(0.0, 2.0, 300)
    scale = solution("3.1.4-laplace-scale")(r)
    assert scale == pytest.approx(stats.laplace.fit(r, floc=0)[1], rel=1e-6)
    nll = lambda s: -stats.laplace(scale=s).logpdf(r).sum()
    best = optimize.minimize_scalar(nll, bounds=(0.1, 10), method="bounded",
                                    options={"xatol": 1e-10}).x
    assert scale == pytest.approx(best, rel=1e-6)

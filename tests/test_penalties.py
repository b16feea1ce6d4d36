"""Tests of course_lib.penalties: values, gradients (central differences), prox."""

import numpy as np
import pytest
from scipy.optimize import minimize

from course_lib.penalties import PENALTIES, L1Penalty, L2Penalty, get_penalty

PENALTY_OBJECTS = [L2Penalty(), L1Penalty()]


@pytest.mark.parametrize("penalty", PENALTY_OBJECTS, ids=repr)
def test_gradient_matches_central_differences(penalty):
    w = np.random.default_rng(0).normal(size=8)  # no zero entries: L1 is smooth there
    h = 1e-6
    numeric = np.array(
        [(penalty.value(w + h * e) - penalty.value(w - h * e)) / (2 * h) for e in np.eye(len(w))]
    )
    np.testing.assert_allclose(penalty.gradient(w), numeric, rtol=1e-6, atol=1e-8)


def test_values():
    w = np.array([3.0, -4.0, 0.0])
    assert L2Penalty().value(w) == 25.0
    assert L1Penalty().value(w) == 7.0
    np.testing.assert_array_equal(L1Penalty().gradient(w), [1.0, -1.0, 0.0])


@pytest.mark.parametrize("penalty", PENALTY_OBJECTS, ids=repr)
@pytest.mark.parametrize("step", [0.1, 0.8])
def test_prox_is_the_minimizer(penalty, step):
    v = np.random.default_rng(0).normal(size=6)

    def prox_objective(u):
        return penalty.value(u) + np.sum((u - v) ** 2) / (2 * step)

    reference = minimize(prox_objective, v, method="Powell", options={"xtol": 1e-10, "ftol": 1e-14})
    prox = penalty.prox(v, step)
    assert prox_objective(prox) <= reference.fun + 1e-10
    np.testing.assert_allclose(prox, reference.x, atol=1e-5)


def test_l1_prox_gives_exact_zeros():
    v = np.array([0.3, -0.2, 1.5, -2.0])
    np.testing.assert_array_equal(L1Penalty().prox(v, 0.5), [0.0, 0.0, 1.0, -1.5])
    assert np.count_nonzero(L1Penalty().prox(v, 0.5) == 0.0) == 2


def test_prox_does_not_modify_input():
    v = np.array([1.0, -2.0])
    for penalty in PENALTY_OBJECTS:
        penalty.prox(v, 0.3)
    np.testing.assert_array_equal(v, [1.0, -2.0])


def test_get_penalty():
    assert set(PENALTIES) == {"l1", "l2"}
    assert isinstance(get_penalty("l2"), L2Penalty)
    assert L1Penalty().smooth is False and L2Penalty().smooth is True
    with pytest.raises(ValueError, match="unknown penalty 'l3'"):
        get_penalty("l3")

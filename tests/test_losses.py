"""Tests of course_lib.losses: values, gradients (central differences), baselines."""

import numpy as np
import pytest

from course_lib.losses import (
    LOSSES,
    AbsoluteLoss,
    HuberLoss,
    Loss,
    MAPELoss,
    SquaredLoss,
    get_loss,
)

ALL_LOSSES = [SquaredLoss(), AbsoluteLoss(), HuberLoss(delta=0.7), MAPELoss()]


def _data(n=50):
    rng = np.random.default_rng(0)
    y = rng.uniform(0.5, 3.0, size=n) * rng.choice([-1.0, 1.0], size=n)  # no zeros (MAPE)
    z = y + rng.normal(scale=1.5, size=n)
    return y, z


@pytest.mark.parametrize("loss", ALL_LOSSES, ids=repr)
def test_gradient_matches_central_differences(loss):
    y, z = _data()
    h = 1e-6
    # Keep away from the kinks (z = y, |z - y| = delta) where the derivative jumps.
    r = np.abs(z - y)
    smooth = (r > 10 * h) & (np.abs(r - 0.7) > 10 * h)
    numeric = (loss.value(y, z + h) - loss.value(y, z - h)) / (2 * h)
    np.testing.assert_allclose(loss.gradient(y, z)[smooth], numeric[smooth], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loss", ALL_LOSSES, ids=repr)
def test_shapes_and_zero_at_perfect_prediction(loss):
    y, _ = _data()
    assert loss.value(y, y).shape == y.shape
    np.testing.assert_allclose(loss.value(y, y), 0.0, atol=0)
    np.testing.assert_allclose(loss.gradient(y, y), 0.0, atol=0)


def test_known_values():
    y, z = np.array([1.0, -2.0, 4.0]), np.array([3.0, -2.5, 0.0])
    np.testing.assert_allclose(SquaredLoss().value(y, z), [4.0, 0.25, 16.0])
    np.testing.assert_allclose(SquaredLoss().gradient(y, z), [4.0, -1.0, -8.0])
    np.testing.assert_allclose(AbsoluteLoss().value(y, z), [2.0, 0.5, 4.0])
    np.testing.assert_allclose(HuberLoss(delta=1.0).value(y, z), [1.5, 0.125, 3.5])
    np.testing.assert_allclose(HuberLoss(delta=1.0).gradient(y, z), [1.0, -0.5, -1.0])
    np.testing.assert_allclose(MAPELoss().value(y, z), [2.0, 0.25, 1.0])
    np.testing.assert_allclose(MAPELoss().gradient(y, z), [1.0, -0.5, -0.25])


def test_huber_is_continuous_at_delta():
    loss = HuberLoss(delta=2.0)
    inside, outside = loss.value([0.0], [2.0 - 1e-9]), loss.value([0.0], [2.0 + 1e-9])
    np.testing.assert_allclose(inside, outside, atol=1e-8)


@pytest.mark.parametrize("loss", ALL_LOSSES, ids=repr)
def test_baseline_minimizes_mean_loss_over_constants(loss):
    rng = np.random.default_rng(0)
    y = rng.lognormal(size=101)  # skewed: mean, median and weighted median differ
    grid = np.linspace(y.min(), y.max(), 4001)
    means = [loss.value(y, np.full_like(y, c)).mean() for c in grid]
    best = loss.value(y, np.full_like(y, loss.baseline(y))).mean()
    # Huber's baseline is the median, a start point: only close to optimal.
    slack = 0.05 if isinstance(loss, HuberLoss) else 1e-9
    assert best <= min(means) * (1 + slack) + 1e-12


def test_mape_rejects_zero_targets():
    with pytest.raises(ValueError, match="zeros"):
        MAPELoss().check_target([1.0, 0.0, 2.0])
    MAPELoss().check_target([1.0, -3.0])  # no error


def test_get_loss():
    assert set(LOSSES) == {"squared", "absolute", "huber", "mape"}
    assert isinstance(get_loss("squared"), SquaredLoss)
    custom = HuberLoss(delta=3.0)
    assert get_loss(custom) is custom
    with pytest.raises(ValueError, match="unknown loss 'hinge2'"):
        get_loss("hinge2")
    with pytest.raises(ValueError, match="delta must be positive"):
        HuberLoss(delta=0.0)
    assert all(issubclass(cls, Loss) for cls in LOSSES.values())

"""Tests of course_lib.losses: values, gradients (central differences), baselines."""

import warnings

import numpy as np
import pytest

from course_lib.losses import (
    LOSSES,
    AbsoluteLoss,
    HingeLoss,
    HuberLoss,
    LogisticLoss,
    Loss,
    MAPELoss,
    MisclassificationLoss,
    PerceptronLoss,
    SmoothedHingeLoss,
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
    assert set(LOSSES) == {"squared", "absolute", "huber", "mape", "perceptron", "hinge",
                           "logistic"}
    assert isinstance(get_loss("squared"), SquaredLoss)
    custom = HuberLoss(delta=3.0)
    assert get_loss(custom) is custom
    with pytest.raises(ValueError, match="unknown loss 'hinge2'"):
        get_loss("hinge2")
    with pytest.raises(ValueError, match="delta must be positive"):
        HuberLoss(delta=0.0)
    assert all(issubclass(cls, Loss) for cls in LOSSES.values())


# -- margin losses (labels -1/+1) ------------------------------------------------
MARGIN_LOSSES = [PerceptronLoss(), HingeLoss(), LogisticLoss(), SmoothedHingeLoss(width=0.3)]


def _labels_and_scores(n=200):
    rng = np.random.default_rng(1)
    return rng.choice([-1.0, 1.0], size=n), rng.normal(scale=3.0, size=n)


@pytest.mark.parametrize("loss", MARGIN_LOSSES, ids=repr)
def test_margin_loss_gradient_matches_central_differences(loss):
    y, z = _labels_and_scores()
    h = 1e-6
    margin = y * z
    kinks = np.array([0.0, 1.0, 0.7])  # perceptron at 0, hinge at 1, smoothed hinge at 1 - h
    smooth = np.min(np.abs(margin[:, None] - kinks), axis=1) > 10 * h
    numeric = (loss.value(y, z + h) - loss.value(y, z - h)) / (2 * h)
    np.testing.assert_allclose(loss.gradient(y, z)[smooth], numeric[smooth], rtol=1e-6, atol=1e-8)
    assert smooth.sum() > 190


@pytest.mark.parametrize("loss", [LogisticLoss(), SmoothedHingeLoss(width=0.3), SquaredLoss()],
                         ids=repr)
def test_hessian_matches_central_differences_of_the_gradient(loss):
    y, z = _labels_and_scores()
    h = 1e-6
    smooth = np.min(np.abs(y * z - np.array([1.0, 0.7])[:, None]).T, axis=1) > 10 * h
    numeric = (loss.gradient(y, z + h) - loss.gradient(y, z - h)) / (2 * h)
    np.testing.assert_allclose(loss.hessian(y, z)[smooth], numeric[smooth], rtol=1e-5, atol=1e-8)


def test_margin_losses_known_values():
    y, z = np.array([1.0, -1.0, 1.0, -1.0]), np.array([2.0, 0.5, 0.0, -0.25])
    # M = 0 (third object, on the boundary) is an error: I[M <= 0], not the notes' I[M < 0]
    np.testing.assert_allclose(MisclassificationLoss().value(y, z), [0, 1, 1, 0])
    np.testing.assert_allclose(PerceptronLoss().value(y, z), [0, 0.5, 0, 0])
    np.testing.assert_allclose(PerceptronLoss().gradient(y, z), [0, 1, -1, 0])
    np.testing.assert_allclose(HingeLoss().value(y, z), [0, 1.5, 1, 0.75])
    np.testing.assert_allclose(HingeLoss().gradient(y, z), [0, 1, -1, 1])
    np.testing.assert_allclose(LogisticLoss().value(y, z), np.log1p(np.exp(-y * z)), rtol=1e-14)
    np.testing.assert_allclose(LogisticLoss().gradient(y, z), -y / (1 + np.exp(y * z)),
                               rtol=1e-14)
    np.testing.assert_allclose(LogisticLoss().hessian(y, z),
                               np.exp(z) / (1 + np.exp(z)) ** 2, rtol=1e-14)


def test_logistic_loss_is_the_books_cross_entropy_with_labels_0_1():
    y01 = np.array([1, 0, 1, 0])
    z = np.array([1.5, -0.3, -2.0, 4.0])
    p = 1 / (1 + np.exp(-z))
    cross_entropy = -(y01 * np.log(p) + (1 - y01) * np.log(1 - p))
    np.testing.assert_allclose(LogisticLoss().value(2 * y01 - 1, z), cross_entropy, rtol=1e-12)
    # the book's gradient -x (y - sigma(z)), per unit x
    np.testing.assert_allclose(LogisticLoss().gradient(2 * y01 - 1, z), -(y01 - p), rtol=1e-12)


@pytest.mark.parametrize("loss", MARGIN_LOSSES + [MisclassificationLoss()], ids=repr)
def test_extreme_scores_no_overflow_no_warnings(loss):
    y = np.array([1.0, -1.0, 1.0, -1.0])
    z = np.array([1e4, 1e4, -1e4, -3e5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Underflow to 0 of e^-1e4 is the right answer; overflow or NaN is not.
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value = loss.value(y, z)
            grad = None if isinstance(loss, MisclassificationLoss) else loss.gradient(y, z)
            smooth = isinstance(loss, (LogisticLoss, SmoothedHingeLoss))
            curvature = loss.hessian(y, z) if smooth else None
    margin = y * z
    assert np.all(np.isfinite(value))
    if isinstance(loss, MisclassificationLoss):
        np.testing.assert_array_equal(value, [0, 1, 1, 0])
        return
    expected = {"perceptron": np.maximum(0, -margin), "hinge": np.maximum(0, 1 - margin),
                "logistic": np.maximum(0, -margin),  # log(1 + e^-M) = -M up to e^-1e4
                "smoothed_hinge": np.maximum(0, 1 - margin - 0.15)}[loss.name]
    np.testing.assert_allclose(value, expected, rtol=1e-12)
    np.testing.assert_allclose(grad, np.where(margin < 0, -y, 0.0), atol=0)
    if curvature is not None:
        np.testing.assert_array_equal(curvature, 0.0)


def test_margin_losses_bound_the_misclassification_loss():
    y, z = _labels_and_scores()
    errors = MisclassificationLoss().value(y, z)
    assert np.all(HingeLoss().value(y, z) >= errors)
    assert np.all(LogisticLoss().value(y, z) / np.log(2) >= errors)
    # the perceptron loss is not an upper bound: it is 0.5 < 1 at M = -0.5 and 0 at M = 0
    perceptron = PerceptronLoss().value([1.0, 1.0], [-0.5, 0.0])
    assert np.all(perceptron < MisclassificationLoss().value([1.0, 1.0], [-0.5, 0.0]))
    smoothed, hinge = SmoothedHingeLoss(width=0.3).value(y, z), HingeLoss().value(y, z)
    assert np.all((smoothed <= hinge) & (hinge <= smoothed + 0.15 + 1e-15))


def test_misclassification_loss_has_no_gradient():
    with pytest.raises(NotImplementedError, match="piecewise constant"):
        MisclassificationLoss().gradient([1.0], [0.5])
    assert "misclassification" not in LOSSES


@pytest.mark.parametrize("loss", MARGIN_LOSSES, ids=repr)
def test_margin_losses_refuse_labels_other_than_plus_minus_one(loss):
    with pytest.raises(ValueError, match=r"needs labels y in \{-1, \+1\}.*LogisticRegression"):
        loss.check_target([0.0, 1.0, 1.0])
    loss.check_target([-1.0, 1.0, 1.0])  # no error


@pytest.mark.parametrize("loss", [HingeLoss(), LogisticLoss(), PerceptronLoss()], ids=repr)
@pytest.mark.parametrize("share", [0.2, 0.5, 0.7])
def test_margin_baseline_minimizes_mean_loss_over_constants(loss, share):
    rng = np.random.default_rng(0)
    y = np.where(rng.random(101) < share, 1.0, -1.0)
    weights = rng.uniform(0.5, 2.0, size=101)
    grid = np.linspace(-5, 5, 10001)
    means = [np.average(loss.value(y, np.full_like(y, c)), weights=weights) for c in grid]
    best = np.average(loss.value(y, np.full_like(y, loss.baseline(y, weights))), weights=weights)
    assert best <= min(means) + 1e-9


def test_logistic_baseline_needs_both_labels_and_width_is_checked():
    with pytest.raises(ValueError, match="both labels"):
        LogisticLoss().baseline([1.0, 1.0])
    with pytest.raises(ValueError, match="width must be positive"):
        SmoothedHingeLoss(width=0.0)


# -- softmax cross-entropy (section 2.1.12) ----------------------------------------------
def test_softmax_cross_entropy_gradient_by_finite_differences():
    from course_lib.gradcheck import numerical_gradient
    from course_lib.losses import SoftmaxCrossEntropyLoss

    rng = np.random.default_rng(0)
    loss = SoftmaxCrossEntropyLoss(n_classes=4)
    y, z = rng.integers(0, 4, size=30), rng.normal(scale=3.0, size=(30, 4))
    numeric = numerical_gradient(lambda zz: float(loss.value(y, zz).sum()), z)
    np.testing.assert_allclose(loss.gradient(y, z), numeric, rtol=1e-6, atol=1e-7)  # O(1) entries
    assert loss.value(y, z).shape == (30,)


def test_softmax_cross_entropy_extreme_scores_and_two_classes():
    from course_lib.losses import SoftmaxCrossEntropyLoss, log_softmax

    loss = SoftmaxCrossEntropyLoss(n_classes=2)
    z = np.array([[1e300, -1e300], [-800.0, 800.0], [0.0, 0.0], [5.0, 5.0 + 1e-12]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, grads, logp = loss.value([1, 0, 0, 1], z), loss.gradient([1, 0, 0, 1], z), \
            log_softmax(z)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(grads)) and np.all(logp <= 0)
    np.testing.assert_allclose(values[1:3], [1600.0, np.log(2.0)])
    # Two classes: the logistic loss of the margin y * (z_1 - z_0) with y in {-1, +1}.
    rng = np.random.default_rng(1)
    y, z = rng.integers(0, 2, size=20), rng.normal(scale=5.0, size=(20, 2))
    np.testing.assert_allclose(loss.value(y, z),
                               LogisticLoss().value(2 * y - 1, z[:, 1] - z[:, 0]), rtol=1e-12)


def test_softmax_cross_entropy_baseline_and_bad_labels():
    from course_lib.losses import SoftmaxCrossEntropyLoss

    loss = SoftmaxCrossEntropyLoss(n_classes=3)
    base = loss.baseline([0, 0, 1, 2], sample_weight=[1.0, 1.0, 2.0, 4.0])
    np.testing.assert_allclose(np.exp(base) / np.exp(base).sum(), [0.25, 0.25, 0.5])
    with pytest.raises(ValueError, match="labels y in 0..2"):
        loss.check_target([0, 1, 3])
    with pytest.raises(ValueError, match="every class"):
        loss.baseline([0, 0, 1])
    with pytest.raises(ValueError, match="n_classes"):
        SoftmaxCrossEntropyLoss(n_classes=1)


@pytest.mark.parametrize("weighted", [False, True])
def test_softmax_hessian_operator_and_its_sum_by_finite_differences(weighted):
    from course_lib.losses import SoftmaxCrossEntropyLoss

    rng = np.random.default_rng(3)
    loss = SoftmaxCrossEntropyLoss(n_classes=4)
    z, y = rng.normal(size=(6, 4)) * 2, rng.integers(0, 4, 6).astype(float)
    weights = rng.uniform(0.1, 3.0, 6) if weighted else None
    v = np.ones(6) if weights is None else weights
    h = 1e-6  # row i's Hessian by central differences of its gradient
    hessians = np.array([[(loss.gradient(y[i:i + 1], (z[i] + h * e)[None])[0]
                           - loss.gradient(y[i:i + 1], (z[i] - h * e)[None])[0]) / (2 * h)
                          for e in np.eye(4)] for i in range(6)])
    apply, total = loss.hessian_operator(y, z, weights)
    M = rng.normal(size=(6, 4))
    np.testing.assert_allclose(apply(M), v[:, None] * np.einsum("ijk,ik->ij", hessians, M),
                               atol=1e-8)
    np.testing.assert_allclose(total, np.einsum("i,ijk->jk", v, hessians), atol=1e-8)

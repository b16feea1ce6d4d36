"""course_lib.metrics against scikit-learn, plus bad input."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score
from sklearn import metrics as skm

from course_lib import metrics

rng = np.random.default_rng(0)
Y_TRUE = rng.normal(size=50) + 3.0
Y_PRED = Y_TRUE + rng.normal(scale=0.5, size=50)
Y_TRUE_2D = rng.normal(size=(40, 3)) * [1.0, 10.0, 100.0] + 5.0
Y_PRED_2D = Y_TRUE_2D + rng.normal(size=(40, 3))

REGRESSION = [
    (metrics.mae, skm.mean_absolute_error),
    (metrics.mse, skm.mean_squared_error),
    (metrics.rmse, skm.root_mean_squared_error),
    (metrics.mape, skm.mean_absolute_percentage_error),
    (metrics.r2, skm.r2_score),
]
ALL = [ours for ours, _ in REGRESSION] + [metrics.accuracy]


@pytest.mark.parametrize("ours, reference", REGRESSION)
@pytest.mark.parametrize("y_true, y_pred", [(Y_TRUE, Y_PRED), (Y_TRUE_2D, Y_PRED_2D)])
def test_regression_metrics_match_sklearn(ours, reference, y_true, y_pred):
    np.testing.assert_allclose(ours(y_true, y_pred), reference(y_true, y_pred), rtol=1e-12)


@pytest.mark.parametrize("ours", [metrics.mae, metrics.mse, metrics.rmse, metrics.mape])
def test_perfect_prediction_scores_zero(ours):
    assert ours(Y_TRUE, Y_TRUE) == 0.0


def test_values_by_hand():
    assert metrics.mae([1, 2, 3], [2, 2, 5]) == pytest.approx(1.0)
    assert metrics.mse([1, 2, 3], [2, 2, 5]) == pytest.approx(5 / 3)
    assert metrics.rmse([0, 0], [3, 4]) == pytest.approx(np.sqrt(12.5))
    assert metrics.mape([100, 200], [110, 150]) == pytest.approx(0.175)
    assert metrics.r2([1, 2, 3], [2, 2, 2]) == pytest.approx(0.0)


@pytest.mark.parametrize(
    "y_true, y_pred",
    [
        (["a", "b", "c", "a"], ["a", "c", "c", "b"]),
        ([0, 1, 1, 0, 1], [0, 1, 0, 0, 1]),
        (np.array([[0, 1], [1, 1], [1, 0]]), np.array([[0, 1], [1, 0], [1, 0]])),
    ],
)
def test_accuracy_matches_sklearn(y_true, y_pred):
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))


@pytest.mark.parametrize("metric", ALL)
def test_mismatched_lengths_are_rejected(metric):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        metric([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="different shapes|different numbers of labels"):
        metric([[1, 0], [0, 1]], [[1, 0, 0], [0, 1, 0]])


@pytest.mark.parametrize("metric", ALL)
def test_empty_input_is_rejected(metric):
    with pytest.raises(ValueError, match="empty"):
        metric([], [])


@pytest.mark.parametrize("metric", ALL)
@pytest.mark.parametrize("where", ["y_true", "y_pred"])
def test_nan_is_rejected(metric, where):
    good, bad = [1.0, 2.0, 3.0], [1.0, np.nan, 3.0]
    args = (bad, good) if where == "y_true" else (good, bad)
    with pytest.raises(ValueError, match=f"{where} contains NaN"):
        metric(*args)


@pytest.mark.parametrize("metric", [metrics.mae, metrics.mse, metrics.r2])
def test_infinity_is_rejected(metric):
    with pytest.raises(ValueError, match="infinity"):
        metric([1.0, 2.0], [1.0, np.inf])


def test_mape_rejects_zero_targets():
    with pytest.raises(ValueError, match="y_true contains zeros"):
        metrics.mape([0.0, 1.0], [0.5, 1.0])


def test_r2_rejects_constant_target():
    with pytest.raises(ValueError, match="constant"):
        metrics.r2([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("metric", [metrics.mae, metrics.accuracy])
def test_scalar_and_3d_inputs_are_rejected(metric):
    with pytest.raises(ValueError, match="shape"):
        metric(1.0, 1.0)
    with pytest.raises(ValueError, match="shape"):
        metric(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


@pytest.mark.parametrize("values, message", [
    (["a", "b"], "strings"), (["1.5", "2"], "strings"), ([1 + 2j, 3j], "Complex"),
])
def test_non_numeric_regression_input_is_rejected(values, message):
    with pytest.raises(ValueError, match=message):
        metrics.mae(values, [1.0, 2.0])


@pytest.mark.parametrize("y_true, y_pred, message", [
    ([0.5, 1.5, 2.0], [0.5, 1.5, 2.0], "continuous"),  # sklearn: continuous not supported
    ([1, 2, 3], [1.0, 2.5, 3.0], "continuous"),
    ([1, 0, 1], [1, 0, np.inf], "infinity"),
    ([1, 0, 1], [1, 0, np.nan], "NaN"),
    (["a", "b", "a"], [1, 0, 1], "Mix of label input types"),
    ([[1, 0], [0, 1]], [1, 0], "can't compare"),
])
def test_accuracy_refuses_what_sklearn_refuses(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        metrics.accuracy(y_true, y_pred)
    if message != "Mix of label input types":  # scikit-learn 1.7 still scores such a mix
        with pytest.raises(ValueError):
            accuracy_score(y_true, y_pred)


def test_inputs_are_not_modified():
    y_true, y_pred = Y_TRUE.copy(), Y_PRED.copy()
    for metric in ALL:
        metric(*((y_true.round(), y_pred.round()) if metric is metrics.accuracy
                 else (y_true, y_pred)))
    np.testing.assert_array_equal(y_true, Y_TRUE)
    np.testing.assert_array_equal(y_pred, Y_PRED)


# -- log-loss -------------------------------------------------------------------
P_BINARY = rng.uniform(0.01, 0.99, size=60)
Y_BINARY = (rng.random(60) < P_BINARY).astype(int)


@pytest.mark.parametrize(
    "y_true, y_prob, kwargs",
    [
        (Y_BINARY, P_BINARY, {}),
        (Y_BINARY, np.column_stack([1 - P_BINARY, P_BINARY]), {}),
        (np.where(Y_BINARY == 1, "spam", "ham"), P_BINARY, {}),
        (2 * Y_BINARY - 1, P_BINARY, {}),
        ([0, 2, 1, 2], [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3], [0.0, 0.0, 1.0]], {}),
        ([1, 1, 1], [0.9, 0.8, 0.7], {"labels": [0, 1]}),
        ([0, 1, 1], [0.0, 0.0, 1.0], {}),  # a certain mistake: clipped, not infinite
    ],
)
def test_log_loss_matches_sklearn(y_true, y_prob, kwargs):
    expected = skm.log_loss(y_true, y_prob, **kwargs)
    np.testing.assert_allclose(metrics.log_loss(y_true, y_prob, **kwargs), expected, rtol=1e-12)


def test_log_loss_by_hand_is_the_books_cross_entropy():
    y, p = np.array([1, 0, 1]), np.array([0.8, 0.3, 0.5])
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert metrics.log_loss(y, p) == pytest.approx(expected, rel=1e-14)
    assert metrics.log_loss([0, 1], [0.5, 0.5]) == pytest.approx(np.log(2), rel=1e-14)
    assert 36 < metrics.log_loss([1], [0.0], labels=[0, 1]) < 37  # -log(machine epsilon)


@pytest.mark.parametrize(
    "y_true, y_prob, kwargs, message",
    [
        ([0, 1, 1], [0.2, 1.3, 0.5], {}, "between 0 and 1"),
        ([0, 1, 1], [0.2, -0.1, 0.5], {}, "between 0 and 1"),
        ([0, 1], [[0.5, 0.6], [0.5, 0.5]], {}, "sum to 1"),
        ([0, 1, 2], [0.2, 0.3, 0.5], {}, "2 columns but there are 3 classes"),
        ([1, 1, 1], [0.9, 0.8, 0.7], {}, "only one label.*labels="),
        ([0, 1, 5], [0.2, 0.3, 0.5], {"labels": [0, 1]}, r"labels \[5\] that are not in labels"),
        ([0, 1, 1], [0.2, np.nan, 0.5], {}, "y_prob contains NaN"),
        ([0.0, 1.0, np.nan], [0.2, 0.4, 0.5], {}, "NaN"),
        ([0, 1, 1], [0.2, 0.5], {}, "inconsistent numbers of samples"),
        ([], [], {}, "empty"),
        ([0.5, 1.5, 2.0], [0.2, 0.4, 0.5], {}, "continuous"),
    ],
)
def test_log_loss_bad_input(y_true, y_prob, kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.log_loss(y_true, y_prob, **kwargs)

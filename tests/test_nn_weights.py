"""Sample weights of any scale in course_lib.nn (stress test 2, F6 and F14; rule 3).

The losses' weighted means must not overflow (weights near 1e306 summed to
inf and gave loss 0), and the MLP refuses weights naming sample_weight only
when what it really computes, the penalty factor alpha / (a batch's total
weight), overflows.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from course_lib.nn import CrossEntropyLoss, MLPClassifier, MLPRegressor, MSELoss

RNG = np.random.default_rng(0)
N = 300
OUTPUT, TARGET = RNG.normal(size=(N, 2)), RNG.normal(size=(N, 2))
LOGITS, LABELS = RNG.normal(size=(N, 4)), RNG.integers(0, 4, size=N)
WEIGHTS = RNG.uniform(0.5, 2.0, size=N)
LOSSES = [(MSELoss, OUTPUT, TARGET), (CrossEntropyLoss, LOGITS, LABELS)]


@pytest.mark.parametrize("scale", [1e306, 1e307, 1e-300])
@pytest.mark.parametrize("make, output, target", LOSSES, ids=["MSE", "CrossEntropy"])
def test_the_weighted_mean_does_not_depend_on_the_scale_of_the_weights(make, output, target,
                                                                      scale):
    # sum(w) of 300 weights of 1e306 overflows: the mean must not become 0
    loss = make()
    expected = loss.forward(output, target, sample_weight=WEIGHTS)
    expected_grad = loss.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        value = loss.forward(output, target, sample_weight=WEIGHTS * scale)
        grad = loss.backward()
    assert value == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-300)


def _data(estimator):
    X = RNG.normal(size=(N, 3))
    y = X @ [1.0, 2.0, 3.0]
    return X, (y > 0).astype(int) if estimator is MLPClassifier else y


def _fit(estimator, X, y, **params):
    sample_weight = params.pop("sample_weight", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter=5: ConvergenceWarning
        return estimator((5,), max_iter=5, random_state=0, **params).fit(
            X, y, sample_weight=sample_weight)


def _assert_same_network(first, second):
    for a, b in zip(first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("scale", [1e306, 1e307, 1e-300])
@pytest.mark.parametrize("estimator", [MLPRegressor, MLPClassifier])
def test_the_mlp_with_weights_times_c_and_alpha_times_c_is_the_same_model(estimator, scale,
                                                                         early_stopping):
    # the penalty is alpha / sum(batch weights): c and c cancel; the sum must not overflow,
    # nor the weighted validation score
    X, y = _data(estimator)
    expected = _fit(estimator, X, y, alpha=1e-3, early_stopping=early_stopping)
    scaled = _fit(estimator, X, y, alpha=1e-3 * scale, sample_weight=np.full(N, scale),
                  early_stopping=early_stopping)
    _assert_same_network(scaled, expected)
    if early_stopping:
        np.testing.assert_allclose(scaled.validation_scores_, expected.validation_scores_,
                                   rtol=1e-9)
    _assert_same_network(_fit(estimator, X, y, alpha=0.0, sample_weight=np.full(N, scale)),
                         _fit(estimator, X, y, alpha=0.0))


@pytest.mark.parametrize("tiny", [1e-200, 1e-300])
@pytest.mark.parametrize("estimator", [MLPRegressor, MLPClassifier])
def test_mixed_scale_weights_are_judged_by_the_batch_sum(estimator, tiny):
    # one batch of 60 rows, weights 1 and 59 x tiny: total 1, penalty factor alpha, fine
    X, y = _data(estimator)
    X, y = X[:60], y[:60]
    weights = np.r_[1.0, np.full(59, tiny)]
    if estimator is MLPClassifier:
        y[0] = 1 - y[1]  # both classes with some weight
    zeros = np.where(weights == 1.0, 1.0, 0.0)  # the tiny weights are below rounding
    _assert_same_network(_fit(estimator, X, y, sample_weight=weights),
                         _fit(estimator, X, y, sample_weight=zeros))
    # batches of 10: five of them weigh 10 * tiny, alpha / S overflows: refused by name
    model = estimator((5,), max_iter=5, batch_size=10, random_state=0)
    with pytest.raises(ValueError, match="sample_weight.*batch of 10 rows"):
        model.fit(X, y, sample_weight=weights)
    with pytest.raises(NotFittedError):
        model.predict(X)

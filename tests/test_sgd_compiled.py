"""The compiled epoch of sgd (course_lib/linear/_sgd_epoch.py) takes the Python loop's steps.

(And the objective's compiled one-pass sum gives numpy's numbers: at the end.)

``sgd`` hands a whole epoch to ``LinearObjective.compiled_epoch`` for the squared
and the logistic loss (L2 or no penalty); every other case runs the loop the
book shows. Each test fits twice, compiled and with the compiled epoch switched
off, on data and settings the two paths must treat alike: weights, no bias,
batches of 1 to more than the data, heavy rows that cut the step, divergence.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from course_lib.linear import LinearRegression, LogisticRegression, Ridge
from course_lib.linear._objective import LinearObjective
from course_lib.linear._sgd_epoch import linear_objective_pass, linear_sgd_epoch
from course_lib.losses import SoftmaxCrossEntropyLoss, get_loss
from course_lib.losses._kernels import LOGISTIC, SQUARED, loss_and_derivative
from course_lib.optim import DivergenceError, sgd
from course_lib.penalties import get_penalty


def data(n=700, d=6, seed=0, heavy=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_t(2, size=(n, d)) if heavy else rng.normal(size=(n, d))
    X = X * np.logspace(-2, 2, d) + rng.normal(size=d) * 10
    score = (X - X.mean(axis=0)) / X.std(axis=0) @ rng.normal(size=d)
    return X, (score + rng.normal(size=n) > 0).astype(int), score + 0.3 * rng.normal(size=n)


def both_paths(make, X, y, sample_weight=None):
    """The fitted models of the compiled epoch and of the Python loop."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        compiled = make().fit(X, y, sample_weight=sample_weight)
        prop = LinearObjective.compiled_epoch
        try:
            LinearObjective.compiled_epoch = None
            python = make().fit(X, y, sample_weight=sample_weight)
        finally:
            LinearObjective.compiled_epoch = prop
    return compiled, python


def assert_same_fit(compiled, python):
    assert compiled.n_iter_ == python.n_iter_
    scale = np.max(np.abs(python.coef_)) + abs(float(np.ravel(python.intercept_)[0]))
    np.testing.assert_allclose(compiled.coef_, python.coef_, rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(compiled.intercept_, python.intercept_, rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(compiled.loss_curve_, python.loss_curve_, rtol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("batch_size", [1, 7, 32, 5000])
@pytest.mark.parametrize("alpha", [0.0, 2.0])
def test_logistic_sgd_compiled_equals_python(weighted, fit_intercept, batch_size, alpha):
    X, y, _ = data(seed=batch_size)
    weight = np.random.default_rng(3).uniform(0.1, 4.0, len(y)) if weighted else None
    compiled, python = both_paths(
        lambda: LogisticRegression(alpha=alpha, solver="sgd", batch_size=batch_size, max_iter=8,
                                   fit_intercept=fit_intercept, random_state=5),
        X, y, weight,
    )
    assert_same_fit(compiled, python)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("make", [
    lambda: LinearRegression(solver="sgd", max_iter=6, random_state=1),
    lambda: Ridge(alpha=30.0, solver="sgd", max_iter=6, batch_size=3, random_state=2),
    lambda: Ridge(alpha=1.0, solver="sgd", fit_intercept=False, max_iter=6, random_state=3),
    lambda: LinearRegression(solver="sgd", learning_rate=0.003, max_iter=4, random_state=4),
])
def test_squared_sgd_compiled_equals_python(weighted, make):
    X, _, target = data(seed=7)
    weight = np.random.default_rng(4).uniform(0.1, 4.0, len(target)) if weighted else None
    assert_same_fit(*both_paths(make, X, 100 * target + 5, weight))


@pytest.mark.parametrize("weighted", [False, True])
def test_heavy_rows_cut_the_step_alike(weighted):
    # Student-t features with two degrees of freedom: some batches' safe step is below
    # the auto rate, so the cut (and the skip of the check below the floor) matters.
    X, y, _ = data(n=1500, seed=11, heavy=True)
    X[0] = 40 * np.abs(X).max(axis=0)
    weight = np.random.default_rng(5).uniform(0.2, 2.0, len(y)) if weighted else None
    compiled, python = both_paths(
        lambda: LogisticRegression(solver="sgd", batch_size=1, max_iter=5, tol=0, random_state=0),
        X, y, weight,
    )
    assert_same_fit(compiled, python)


def test_divergence_is_reported_alike():
    X, _, target = data(seed=2)
    messages = []
    for compiled in (True, False):
        prop = LinearObjective.compiled_epoch
        try:
            if not compiled:
                LinearObjective.compiled_epoch = None
            with pytest.raises(DivergenceError, match="epoch 1") as error:
                LinearRegression(solver="sgd", learning_rate=50.0, random_state=0).fit(X, target)
        finally:
            LinearObjective.compiled_epoch = prop
        messages.append(str(error.value).split(": the objective")[0])
    assert messages[0] == messages[1]


@pytest.mark.parametrize("loss, penalty, compiled", [
    ("logistic", "l2", True), ("logistic", None, True), ("squared", "l2", True),
    ("squared", None, True), ("squared", "l1", False), ("hinge", "l2", False),
    ("huber", None, False), ("absolute", None, False), (SoftmaxCrossEntropyLoss(3), "l2", False),
])
def test_only_the_losses_and_penalties_it_knows_are_compiled(loss, penalty, compiled):
    loss = loss if isinstance(loss, SoftmaxCrossEntropyLoss) else get_loss(loss)
    objective = LinearObjective(loss, penalty and get_penalty(penalty), 1.0, 100, True)
    assert (objective.compiled_epoch is not None) is compiled


def test_a_stream_and_a_custom_step_limit_take_the_python_loop():
    # sgd compiles only arrays, epoch schedules and the objective's own safe step.
    X, y, _ = data(n=300)
    yy = 2.0 * y - 1
    objective = LogisticRegression()._objective(LogisticRegression()._resolve()[0], len(y))
    theta0 = np.zeros(X.shape[1] + 1)
    calls = []

    def counting(theta, *batch):
        calls.append(len(batch[1]))
        return objective(theta, *batch)

    counting.compiled_epoch = objective.compiled_epoch
    batches = [(X[i : i + 50], yy[i : i + 50]) for i in range(0, 300, 50)]
    sgd(counting, theta0, batches, learning_rate=1e-4, max_epochs=2, tol=None)
    assert calls == [50] * 13  # two epochs of 6 batches, the end on the first
    calls.clear()
    sgd(counting, theta0, (X, yy), learning_rate=1e-4, max_epochs=2, tol=None,
        step_limit=lambda *batch: 1.0)
    assert len(calls) > 12  # every batch through the objective
    calls.clear()
    sgd(counting, theta0, (X, yy), learning_rate=1e-4, max_epochs=2, tol=None)
    assert len(calls) <= 3  # the start and the end only: the epochs ran compiled


def test_the_loop_is_the_same_without_numba():
    # The undecorated Python function (what runs without numba) gives the same numbers.
    X, y, _ = data(n=120, seed=9)
    for code, target in ((LOGISTIC, 2.0 * y - 1), (SQUARED, X @ np.ones(X.shape[1]))):
        results = []
        for kernel in (linear_sgd_epoch, getattr(linear_sgd_epoch, "py_func", linear_sgd_epoch)):
            theta = np.zeros(X.shape[1] + 1)
            order = np.random.default_rng(0).permutation(len(target))
            totals = kernel(X, target, np.ones(len(target)), order, theta, 8, 1e-6, 0.0, code,
                            0.25, 0.01, 0.01, np.full(X.shape[1], 0.5), True)
            results.append((theta, totals))
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)


@pytest.mark.parametrize("code, name", [(LOGISTIC, "logistic"), (SQUARED, "squared")])
def test_the_compiled_loss_is_the_books_loss(code, name):
    # every sign and size of score, also where exp would overflow
    loss = get_loss(name)
    z = np.concatenate([[-800.0, -40.0, -1e-300, 0.0, 1e-300, 40.0, 800.0],
                        np.random.default_rng(0).normal(size=200) * 20])
    for label in (-1.0, 1.0):
        y = np.full_like(z, label)
        got = np.array([loss_and_derivative(code, label, score) for score in z])
        np.testing.assert_allclose(got[:, 0], loss.value(y, z), rtol=1e-13, atol=1e-300)
        np.testing.assert_allclose(got[:, 1], loss.gradient(y, z), rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("name", ["logistic", "squared"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("n, d", [(1, 3), (3, 1), (4, 5), (7, 600), (50, 17)])
def test_the_one_pass_sum_is_the_blocks_sum(name, weighted, fit_intercept, n, d):
    # rows four at a time and the rest one by one: every remainder 0-3, with
    # and without weights and bias, scores up to |z| ~ 800 (exp would overflow)
    rng = np.random.default_rng(n * d)
    X = rng.normal(size=(n, d)) * np.logspace(-1, 1, d)
    y = np.sign(rng.normal(size=n)) if name == "logistic" else rng.normal(size=n)
    weight = rng.uniform(0.1, 3.0, size=n) if weighted else None
    objective = LinearObjective(get_loss(name), get_penalty("l2"), 1.0, n, fit_intercept)
    for size in (0.1, 800.0 / np.sqrt(d)):
        theta = rng.normal(size=d + fit_intercept) * size
        expected = np.zeros_like(theta)
        total, scores = objective._sum_by_blocks(theta, X, y, weight, expected)
        code = {"logistic": LOGISTIC, "squared": SQUARED}[name]
        for kernel in (linear_objective_pass, linear_objective_pass.py_func):
            got, got_scores = np.zeros_like(theta), np.empty(n)
            got_total = kernel(X, y, np.ones(n) if weight is None else weight, theta, code,
                               fit_intercept, got, got_scores)
            np.testing.assert_allclose(got_scores, np.concatenate(scores), rtol=1e-12,
                                       atol=1e-12 * np.abs(scores[0]).max())
            np.testing.assert_allclose(got_total, total, rtol=1e-12)
            np.testing.assert_allclose(got, expected, rtol=1e-10,
                                       atol=1e-12 * np.abs(expected).max())


def test_the_objective_sums_in_one_pass_on_long_contiguous_rows_of_one_score_column():
    rng = np.random.default_rng(3)
    y = np.sign(rng.normal(size=40))
    logistic = LinearObjective(get_loss("logistic"), get_penalty("l2"), 1.0, 40, True)
    softmax = LinearObjective(SoftmaxCrossEntropyLoss(3), get_penalty("l2"), 1.0, 40, True)
    wide = rng.normal(size=(40, 512))
    assert logistic._one_pass_loss(wide) == LOGISTIC
    assert logistic._one_pass_loss(wide[:, :511].copy()) is None  # short rows: numpy
    assert logistic._one_pass_loss(np.asfortranarray(wide)) is None  # columns in memory
    assert softmax._one_pass_loss(wide) is None  # K score columns
    # and __call__ gives the same objective either way
    theta = rng.normal(size=513) * 0.05
    one_pass = logistic(theta, wide, y)
    blocks = logistic(theta, np.asfortranarray(wide), y)
    np.testing.assert_allclose(one_pass[0], blocks[0], rtol=1e-12)
    np.testing.assert_allclose(one_pass[1], blocks[1], rtol=1e-10, atol=1e-14)
    logistic(theta, wide, y)  # the scores of the pass are remembered for the check
    np.testing.assert_allclose(logistic.scores(theta, wide), wide @ theta[:-1] + theta[-1],
                               rtol=1e-12, atol=1e-14)

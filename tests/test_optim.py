"""Tests of course_lib.optim: gradient descent, minibatches, SGD, divergence."""

import numpy as np
import pytest
from sklearn.linear_model import Lasso as SkLasso

from course_lib.optim import (
    DivergenceError,
    gradient_descent,
    inverse_sqrt_decay,
    iterate_minibatches,
    sgd,
)
from course_lib.penalties import L1Penalty


def _least_squares_problem(n=300, d=4):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, d))
    y = X @ np.arange(1.0, d + 1) + 0.1 * rng.normal(size=n)
    return X, y, np.linalg.lstsq(X, y, rcond=None)[0]


def _mse(w, X, y):
    r = X @ w - y
    return float(r @ r) / len(y), 2.0 * X.T @ r / len(y)


def test_gradient_descent_reaches_least_squares_solution():
    X, y, w_star = _least_squares_problem()
    x0 = np.zeros(X.shape[1])
    result = gradient_descent(lambda w: _mse(w, X, y), x0, learning_rate=0.2, tol=1e-12)
    np.testing.assert_allclose(result.x, w_star, atol=1e-6)
    assert result.converged and result.n_iter == len(result.loss_history)
    assert np.all(np.diff(result.loss_history) <= 1e-15)  # monotone for a safe step
    np.testing.assert_array_equal(x0, 0.0)  # the start point is not modified


def test_gradient_descent_with_prox_matches_sklearn_lasso():
    X, y, _ = _least_squares_problem()
    n, penalty, alpha = len(y), L1Penalty(), 100.0

    def objective(w):
        value, grad = _mse(w, X, y)
        return value + alpha / n * penalty.value(w), grad

    result = gradient_descent(
        objective, np.zeros(X.shape[1]), learning_rate=0.2, tol=1e-14, max_iter=5000,
        prox=lambda w, step: penalty.prox(w, step * alpha / n),
    )
    reference = SkLasso(alpha=alpha / (2 * n), fit_intercept=False, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(result.x, reference.coef_, atol=1e-6)


def test_gradient_descent_stops_at_max_iter_and_reports_it():
    X, y, _ = _least_squares_problem()
    result = gradient_descent(lambda w: _mse(w, X, y), np.zeros(4), learning_rate=1e-4, max_iter=7)
    assert not result.converged and result.n_iter == 7 and len(result.loss_history) == 7


def test_too_large_learning_rate_raises_divergence_error():
    X, y, _ = _least_squares_problem()
    with pytest.raises(DivergenceError, match="learning rate .* too large"):
        gradient_descent(lambda w: _mse(w, X, y), np.zeros(4), learning_rate=5.0)
    with pytest.raises(DivergenceError, match="lower learning_rate"):
        sgd(_mse, np.zeros(4), (X, y), learning_rate=5.0, max_epochs=5, random_state=0)


def test_inverse_sqrt_decay():
    schedule = inverse_sqrt_decay(0.3)
    np.testing.assert_allclose([schedule(t) for t in (0, 3, 8)], [0.3, 0.15, 0.1])


def test_iterate_minibatches_covers_every_row_once():
    X, y = np.arange(22.0).reshape(11, 2), np.arange(11.0)
    batches = list(iterate_minibatches(X, y, 4))
    assert [len(b[1]) for b in batches] == [4, 4, 3]  # the last partial batch is kept
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)
    shuffled = list(iterate_minibatches(X, y, 4, rng=np.random.default_rng(0)))
    order = np.concatenate([b[1] for b in shuffled])
    assert sorted(order) == list(y) and not np.array_equal(order, y)
    for Xb, yb in shuffled:  # rows stay paired with their targets
        np.testing.assert_array_equal(Xb[:, 0], 2 * yb)


def test_sgd_on_arrays_reaches_least_squares_solution():
    X, y, w_star = _least_squares_problem()
    result = sgd(
        _mse, np.zeros(4), (X, y), learning_rate=inverse_sqrt_decay(0.05), batch_size=16,
        max_epochs=200, tol=None, random_state=0,
    )
    assert result.n_iter == 200 and len(result.loss_history) == 200
    np.testing.assert_allclose(result.x, w_star, atol=0.01)


def test_sgd_streams_an_iterable_of_batches():
    X, y, _ = _least_squares_problem()
    batches = list(iterate_minibatches(X, y, 25))  # a re-iterable "stream"
    streamed = sgd(_mse, np.zeros(4), batches, learning_rate=0.05, max_epochs=3, tol=None)
    # The same updates by hand: one step per batch, in order.
    w = np.zeros(4)
    for _ in range(3):
        for Xb, yb in batches:
            w = w - 0.05 * _mse(w, Xb, yb)[1]
    np.testing.assert_allclose(streamed.x, w, rtol=1e-12)


def test_sgd_rejects_a_one_shot_iterator_for_several_epochs():
    X, y, _ = _least_squares_problem()
    with pytest.raises(ValueError, match="one-shot iterator"):
        sgd(_mse, np.zeros(4), iterate_minibatches(X, y, 25), max_epochs=2)
    with pytest.raises(ValueError, match="no data"):
        sgd(_mse, np.zeros(4), [], max_epochs=1)


def test_sgd_is_reproducible_with_random_state():
    X, y, _ = _least_squares_problem()
    runs = [sgd(_mse, np.zeros(4), (X, y), max_epochs=3, random_state=0).x for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])


def test_bad_learning_rate():
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        gradient_descent(lambda w: (0.0, w), np.zeros(2), learning_rate=-1.0)


def test_slow_divergence_is_not_reported_as_convergence():
    # The objective grows 4x per step: below the blow-up limit when the
    # stopping rule fires, yet the iterate runs away from the minimum.
    with pytest.raises(DivergenceError, match="diverged at iteration"):
        gradient_descent(lambda x: (float(x @ x), 2 * x), [1.0, 1.0], learning_rate=1.5)


def test_tol_zero_runs_every_iteration_even_when_the_best_value_stalls():
    # A constant subgradient step on |x| jumps between two points: the best value stops
    # improving after a few steps, which used to stop the run despite tol=0.
    result = gradient_descent(lambda x: (float(abs(x[0])), np.sign(x)), [0.35],
                              learning_rate=0.1, max_iter=500, tol=0.0)
    assert result.n_iter == 500 and len(result.loss_history) == 500


def test_oscillating_stopper_compares_window_means():
    """The running-sum windows give the same decisions as averaging the windows directly."""
    from course_lib._stopping import _Stopper

    def direct(values, tol, patience):
        decisions = []
        for count in range(1, len(values) + 1):
            window = max(patience, count // 3)
            if count < 2 * window:
                decisions.append(False)
                continue
            recent = np.mean(values[count - window:count])
            before = np.mean(values[count - 2 * window:count - window])
            decisions.append(bool(before - recent <= tol * abs(recent)))
        return decisions

    rng = np.random.default_rng(0)
    values = list(1 + 1 / np.sqrt(np.arange(1, 3001)) * (1 + 0.5 * rng.standard_normal(3000)))
    stopper = _Stopper(1e-3, 10, oscillating=True)
    decisions = [stopper.update(v) for v in values]
    assert decisions == direct(values, 1e-3, 10)
    assert any(decisions) and not all(decisions)


def _fancy_index_batches(X, y, batch_size, rng):
    """The former batching: one fancy-index copy of the permuted rows per batch."""
    order = rng.permutation(len(y))
    for start in range(0, len(y), batch_size):
        rows = order[start : start + batch_size]
        yield X[rows], y[rows]


@pytest.mark.parametrize("batch_size", [1, 7, 32, 1000, 5000])
def test_block_gathered_batches_equal_per_batch_fancy_indexing(batch_size):
    from course_lib import optim

    rng = np.random.default_rng(0)
    n = 3 * optim._BLOCK_ROWS + 37  # several blocks and a partial last batch
    X, y = rng.normal(size=(n, 3)), rng.normal(size=n)
    ours = list(optim.iterate_minibatches(X, y, batch_size, rng=np.random.default_rng(5)))
    old = list(_fancy_index_batches(X, y, batch_size, np.random.default_rng(5)))
    assert [len(b[1]) for b in ours] == [len(b[1]) for b in old]
    for (Xa, ya), (Xb, yb) in zip(ours, old):
        np.testing.assert_array_equal(Xa, Xb)
        np.testing.assert_array_equal(ya, yb)


def test_sgd_iterates_equal_the_per_batch_indexing_loop():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2 * 1024 + 45, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.normal(size=len(X))

    def mse(w, Xb, yb):
        r = Xb @ w - yb
        return float(r @ r) / len(yb), 2 * Xb.T @ r / len(yb)

    result = sgd(mse, np.zeros(4), (X, y), learning_rate=0.01, batch_size=16, max_epochs=3,
                 tol=None, random_state=np.random.default_rng(3))
    x, shuffler = np.zeros(4), np.random.default_rng(3)
    for _ in range(3):
        for Xb, yb in _fancy_index_batches(X, y, 16, shuffler):
            x = x - 0.01 * mse(x, Xb, yb)[1]
    np.testing.assert_array_equal(result.x, x)


def test_sgd_consults_step_limit_only_above_always_safe():
    X, y, _ = _least_squares_problem()  # 300 rows: 10 batches an epoch
    calls = []

    def limit(X_batch, y_batch):
        calls.append(len(y_batch))
        return 0.13

    # steps 0.2, 0.141, 0.115, 0.1: the first two epochs are cut to 0.13
    kwargs = dict(learning_rate=inverse_sqrt_decay(0.2), max_epochs=4, tol=None,
                  random_state=0, step_limit=limit)
    every = sgd(_mse, np.zeros(4), (X, y), **kwargs)
    assert len(calls) == 40
    calls.clear()
    above = sgd(_mse, np.zeros(4), (X, y), always_safe=0.12, **kwargs)
    assert len(calls) == 20  # epochs 3 and 4 take steps no batch can cut
    np.testing.assert_array_equal(above.x, every.x)
    np.testing.assert_array_equal(above.loss_history, every.loss_history)

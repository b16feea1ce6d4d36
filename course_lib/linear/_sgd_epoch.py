r"""One epoch of :func:`course_lib.optim.sgd` on a :class:`LinearObjective`, compiled.

See the book: section 2.1.5.

An epoch of minibatch SGD is a loop over batches, each step depending on the
one before; in numpy every batch costs some twenty calls, and their overhead,
not the arithmetic, sets the time (4-8x scikit-learn's compiled
``SGDClassifier`` on small data). The loop below takes the same steps as the
loop in ``sgd`` with :meth:`LinearObjective.__call__` and
:meth:`LinearObjective.safe_step`, batch by batch in the same order, for the
squared and the logistic loss with or without an L2 penalty; numba compiles it
(:mod:`course_lib._compiled`). The tests check that both loops give the same
weights.

The same per-row core, :func:`add_row`, makes :func:`linear_objective_pass`, the
sum of the whole objective with each row fetched from memory once, which
:meth:`LinearObjective.__call__` uses on long rows (section 2.1.4).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .._compiled import njit
from ..losses._kernels import loss_and_derivative

Array = NDArray[np.float64]


#: Sums may be reordered and divisions taken as products by a reciprocal: numba
#: then uses SIMD for the dot products (measured: without "arcp" the pass
#: below is 1.5x slower). The results differ from the written order by rounding only.
_REORDERED = {"reassoc", "contract", "nsz", "arcp"}


@njit(cache=True, nogil=True, fastmath=_REORDERED)
def add_row(
    X: Array, i: int, y_i: float, weight_i: float, theta: Array, loss: int,
    fit_intercept: bool, gradient: Array,
) -> tuple[float, float, float]:
    r"""Add row ``i``'s :math:`v_i \partial\ell_i/\partial z \cdot (x_i, 1)` to ``gradient``.

    Returns its weighted loss :math:`v_i\ell_i`, its score :math:`z_i = x_i^T u + b`
    and its squared norm :math:`\|x_i\|^2` (+1 with the bias): one read of the row
    for all of them, the per-sample core of the epoch below and of
    :func:`linear_objective_pass`.
    """
    n_features = X.shape[1]
    score = theta[n_features] if fit_intercept else 0.0
    norm = 1.0 if fit_intercept else 0.0
    for j in range(n_features):
        score += X[i, j] * theta[j]
        norm += X[i, j] * X[i, j]
    sample_loss, derivative = loss_and_derivative(loss, y_i, score)
    derivative *= weight_i
    for j in range(n_features):
        gradient[j] += derivative * X[i, j]
    if fit_intercept:
        gradient[n_features] += derivative
    return weight_i * sample_loss, score, norm


@njit(cache=True, nogil=True, fastmath=_REORDERED)
def linear_objective_pass(
    X: Array, y: Array, weight: Array, theta: Array, loss: int, fit_intercept: bool,
    gradient: Array, scores: Array,
) -> float:
    r"""The sum of :math:`v_i\ell_i` over all rows; their gradient added to ``gradient``, scores into ``scores``.

    One pass over ``X``: four rows at a time, their scores, then at once
    their shares of the gradient while the four rows (32 KB at 1 000
    features) are still in the L2 cache; numpy's ``X @ u`` and
    ``X.T @ g`` read a block of ~8 MB twice, the second time from a farther
    cache, through temporary arrays. Each weight and each entry of the
    gradient is loaded once for four rows (measured on 3 000 x 1 000: 1.3x
    faster than :func:`add_row` row by row); the rows left over go one by
    one (:func:`add_row`).
    """
    n_samples, n_features = X.shape
    bias = theta[n_features] if fit_intercept else 0.0
    total, fours = 0.0, n_samples - n_samples % 4
    for i in range(0, fours, 4):
        z0 = z1 = z2 = z3 = bias
        for j in range(n_features):
            u = theta[j]
            z0 += X[i, j] * u
            z1 += X[i + 1, j] * u
            z2 += X[i + 2, j] * u
            z3 += X[i + 3, j] * u
        scores[i], scores[i + 1], scores[i + 2], scores[i + 3] = z0, z1, z2, z3
        l0, d0 = loss_and_derivative(loss, y[i], z0)
        l1, d1 = loss_and_derivative(loss, y[i + 1], z1)
        l2, d2 = loss_and_derivative(loss, y[i + 2], z2)
        l3, d3 = loss_and_derivative(loss, y[i + 3], z3)
        d0, d1, d2, d3 = d0 * weight[i], d1 * weight[i + 1], d2 * weight[i + 2], d3 * weight[i + 3]
        total += l0 * weight[i] + l1 * weight[i + 1] + l2 * weight[i + 2] + l3 * weight[i + 3]
        for j in range(n_features):
            gradient[j] += d0 * X[i, j] + d1 * X[i + 1, j] + d2 * X[i + 2, j] + d3 * X[i + 3, j]
        if fit_intercept:
            gradient[n_features] += d0 + d1 + d2 + d3
    for i in range(fours, n_samples):
        sample_loss, scores[i], _ = add_row(X, i, y[i], weight[i], theta, loss, fit_intercept,
                                            gradient)
        total += sample_loss
    return total


@njit(cache=True, nogil=True)
def linear_sgd_epoch(
    X: Array, y: Array, weight: Array, order: NDArray[np.intp], theta: Array,
    batch_size: int, step: float, always_safe: float, loss: int, smoothness: float,
    step_curvature: float, penalty_scale: float, inverse_scale: Array, fit_intercept: bool,
) -> tuple[float, float]:
    r"""One pass over ``X[order]`` in minibatches, updating ``theta = (u, b)`` in place.

    Per batch :math:`\mathcal B` (the last one may be shorter): the mean objective
    :math:`\frac{1}{|\mathcal B|}\sum_{i \in \mathcal B} v_i\ell_i + \frac{\alpha}{S}
    \|u \oslash \sigma\|^2` (``weight`` :math:`v`, feature scales :math:`\sigma` =
    ``1 / inverse_scale``) and its gradient, then a step of ``step``, cut to the batch's
    safe step when ``step > always_safe`` (``inf``: never). Returns the sum of
    the batch objectives times their sizes and the largest batch objective
    (the first one that is not finite, at which the pass stops).
    """
    n_samples, n_features = X.shape
    gradient = np.zeros(n_features + 1)
    total, largest = 0.0, -np.inf
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        count = stop - start
        gradient[:] = 0.0
        value, rows = 0.0, 0.0
        for position in range(start, stop):
            i = order[position]
            sample_loss, _, norm = add_row(X, i, y[i], weight[i], theta, loss, fit_intercept,
                                           gradient)
            value += sample_loss
            rows += weight[i] * norm
        value /= count
        for j in range(n_features):
            unscaled = theta[j] * inverse_scale[j]
            value += penalty_scale * unscaled * unscaled
        if not math.isfinite(value):
            return total, value
        largest = max(largest, value)
        batch_step = step
        if step > always_safe:
            curvature = smoothness * rows / count + step_curvature
            if curvature > 0.0:
                batch_step = min(step, 1.0 / curvature)
        for j in range(n_features):
            penalty = 2.0 * penalty_scale * theta[j] * inverse_scale[j] * inverse_scale[j]
            theta[j] -= batch_step * (gradient[j] / count + penalty)
        if fit_intercept:
            theta[n_features] -= batch_step * gradient[n_features] / count
        total += value * count
    return total, largest

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
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .._compiled import njit
from ..losses._kernels import loss_and_derivative

Array = NDArray[np.float64]


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
            score = theta[n_features] if fit_intercept else 0.0
            norm = 1.0 if fit_intercept else 0.0
            for j in range(n_features):
                score += X[i, j] * theta[j]
                norm += X[i, j] * X[i, j]
            sample_loss, derivative = loss_and_derivative(loss, y[i], score)
            value += weight[i] * sample_loss
            derivative *= weight[i]
            for j in range(n_features):
                gradient[j] += derivative * X[i, j]
            gradient[n_features] += derivative
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

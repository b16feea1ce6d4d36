r"""One epoch of Rosenblatt's perceptron, compiled.

See the book: section 2.1.9.

The perceptron's step depends on the weights left by the step before it, so
an epoch is a loop over the samples that numpy cannot vectorize; in plain
Python it costs microseconds per sample. The loop below is plain Python too:
`numba <https://numba.pydata.org>`_ compiles it to machine code when it is
installed (a dependency of the package), and without numba it runs as it is,
only slower. The update is the book's, minibatch by minibatch in the given
order:

.. math:: \theta \leftarrow \theta - \eta\Bigl(\frac1B \sum_{i \in B:\, M_i \le 0}
          s_i\,(-y_i \tilde x_i) + \nabla\frac{\alpha}{S}\|w\|^2\Bigr),
          \qquad \tilde x_i = (x_i, 1),

and a batch without a misclassified sample and without a penalty takes no step.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .._compiled import njit

Array = NDArray[np.float64]


@njit(cache=True, nogil=True)
def perceptron_epoch(
    X: Array, y: Array, weight: Array, order: NDArray[np.intp], theta: Array,
    batch_size: int, learning_rate: float, shrink: Array, fit_intercept: bool,
) -> tuple[int, float]:
    r"""One pass over ``X[order]`` in minibatches, updating ``theta = (u, b)`` in place.

    ``shrink`` is the penalty's gradient factor per weight (zeros without a
    penalty): the penalty's gradient is ``shrink * u``. Returns, for the
    weights after the pass, the training samples with :math:`M_i \le 0` (and
    weight) and :math:`\sum_i s_i \max(0, -M_i)`: the pocket's count and the
    loss, in the same compiled call rather than two more passes in numpy.
    """
    n_samples, n_features = X.shape
    step = np.zeros(n_features + 1)
    penalized = np.any(shrink != 0.0)
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        count = stop - start
        step[:] = 0.0
        mistakes = 0
        for position in range(start, stop):
            i = order[position]
            score = theta[n_features] if fit_intercept else 0.0
            for j in range(n_features):
                score += X[i, j] * theta[j]
            if y[i] * score <= 0.0 and weight[i] > 0.0:
                mistakes += 1
                pull = weight[i] * y[i] / count
                for j in range(n_features):
                    step[j] += pull * X[i, j]
                step[n_features] += pull
        if mistakes == 0 and not penalized:
            continue
        for j in range(n_features):
            theta[j] += learning_rate * (step[j] - shrink[j] * theta[j])
        if fit_intercept:
            theta[n_features] += learning_rate * step[n_features]
    errors, loss = 0, 0.0
    for i in range(n_samples):
        score = theta[n_features] if fit_intercept else 0.0
        for j in range(n_features):
            score += X[i, j] * theta[j]
        margin = y[i] * score
        if margin <= 0.0 and weight[i] > 0.0:
            errors += 1
        loss += weight[i] * max(-margin, 0.0)
    return errors, loss

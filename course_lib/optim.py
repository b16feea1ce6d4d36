r"""Gradient descent and minibatch stochastic gradient descent.

See the book: section 2.1.4 (gradient descent) and section 2.1.5 (SGD).

Both solvers minimize an objective given as a function that returns its
value and gradient, and return an :class:`OptimizeResult` with the final
iterate and the loss history. Neither knows about linear models: the
linear core in :mod:`course_lib.linear` builds the objective.

* :func:`gradient_descent` sees the whole data set at every step:
  ``objective(x) -> (value, gradient)``.
* :func:`sgd` sees one minibatch at a time:
  ``objective(x, X_batch, y_batch) -> (value, gradient)``. It takes the data
  either as arrays ``(X, y)`` (shuffled into minibatches every epoch) or as
  any iterable of ``(X_batch, y_batch)`` pairs, e.g. chunks read from disk,
  so memory stays :math:`O(BD)`.

A non-smooth part of the objective (an L1 penalty) is handled by a ``prox``
step after each gradient step: proximal gradient descent.
A step that makes the objective blow up raises :class:`DivergenceError`
instead of returning NaN.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "OptimizeResult",
    "DivergenceError",
    "gradient_descent",
    "sgd",
    "iterate_minibatches",
    "inverse_sqrt_decay",
]

Vector = NDArray[np.float64]
Objective = Callable[[Vector], "tuple[float, Vector]"]
BatchObjective = Callable[[Vector, NDArray, NDArray], "tuple[float, Vector]"]
Prox = Callable[[Vector, float], Vector]

# An objective that grows this many times above its start has diverged; we
# stop here rather than wait for overflow to turn the iterate into NaN.
_GROWTH_LIMIT = 1e12


class DivergenceError(FloatingPointError):
    """The iterations blew up, almost always because the learning rate is too large."""


@dataclass
class OptimizeResult:
    """What a solver returns.

    Attributes
    ----------
    x : ndarray of shape (n_params,)
        The solution (for gradient descent, the best iterate seen).
    loss_history : ndarray of shape (n_iter,)
        Objective after every iteration (gradient descent) or the mean
        minibatch objective of every epoch (SGD).
    n_iter : int
        Iterations (gradient descent) or epochs (SGD) performed.
    converged : bool
        Whether the stopping rule fired before ``max_iter``.
    """

    x: Vector
    loss_history: Vector
    n_iter: int
    converged: bool


def inverse_sqrt_decay(learning_rate: float) -> Callable[[int], float]:
    r"""Step schedule :math:`\eta_t = \eta_0 / \sqrt{1 + t}`.

    Steps shrink slowly enough to travel anywhere (:math:`\sum_t \eta_t = \infty`)
    and fast enough to damp the noise of SGD and the zig-zag of subgradient
    steps on non-smooth losses.

    Parameters
    ----------
    learning_rate : float
        The first step :math:`\eta_0`.

    Returns
    -------
    callable
        ``t -> eta_t`` for ``t = 0, 1, 2, ...``.

    Examples
    --------
    >>> schedule = inverse_sqrt_decay(0.1)
    >>> schedule(0), schedule(3)
    (0.1, 0.05)

    See the book: section 2.1.5.
    """
    return lambda t: learning_rate / math.sqrt(1.0 + t)


def _as_schedule(learning_rate: float | Callable[[int], float]) -> Callable[[int], float]:
    if callable(learning_rate):
        return learning_rate
    if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    return lambda t: float(learning_rate)


def _divergence(value: float, start: float, where: str, step: float) -> DivergenceError:
    return DivergenceError(
        f"the optimization diverged at {where}: the objective went from {start:.4g} "
        f"to {value:.4g}. The learning rate ({step:.4g}) is too large for this data: "
        "lower learning_rate or standardize the features (e.g. StandardScaler)."
    )


def _check_finite(value: float, x: Vector, start: float, where: str, step: float) -> None:
    """Raise DivergenceError if the objective or the iterate is blowing up."""
    blown_up = start > 0 and value > _GROWTH_LIMIT * start
    if np.isfinite(value) and not blown_up and np.all(np.isfinite(x)):
        return
    raise _divergence(value, start, where, step)


def _check_stalled_below_start(value: float, start: float, where: str, step: float) -> None:
    """At a stop, raise DivergenceError if the objective ends above where it began.

    A step that is too large can make the objective grow steadily but slower
    than the blow-up limit; the best value seen then stops improving and the
    stopping rule fires. That is a divergence, not a convergence.
    """
    if value > start:
        raise _divergence(value, start, where, step)


class _Stopper:
    """Stop when the best value improved by less than ``tol * |best|`` over the last ``patience`` rounds."""

    def __init__(self, tol: float, patience: int, start: float = math.inf) -> None:
        self.tol = tol
        self.bests: deque[float] = deque([start], maxlen=patience + 1)

    def update(self, value: float) -> bool:
        self.bests.append(min(value, self.bests[-1]))
        full = len(self.bests) == self.bests.maxlen
        return full and self.bests[0] - self.bests[-1] <= self.tol * abs(self.bests[-1])


def gradient_descent(
    objective: Objective,
    x0: ArrayLike,
    *,
    learning_rate: float | Callable[[int], float] = 0.1,
    max_iter: int = 1000,
    tol: float = 1e-4,
    n_iter_no_change: int = 10,
    prox: Prox | None = None,
) -> OptimizeResult:
    r"""Full-batch (proximal) gradient descent.

    .. math:: x_{t+1} = \operatorname{prox}_{\eta_t}\bigl(x_t - \eta_t \nabla f(x_t)\bigr)

    Without ``prox`` this is plain gradient descent. It stops when the best
    objective seen has improved by less than ``tol`` (relative) over the last
    ``n_iter_no_change`` iterations together, or after ``max_iter`` steps.

    Parameters
    ----------
    objective : callable
        ``objective(x) -> (value, gradient)`` with ``gradient`` of shape ``(n_params,)``.
    x0 : array-like of shape (n_params,)
        Starting point; not modified.
    learning_rate : float or callable, default=0.1
        Step :math:`\eta`, or a schedule ``t -> eta_t`` (see :func:`inverse_sqrt_decay`).
    max_iter : int, default=1000
    tol : float, default=1e-4
    n_iter_no_change : int, default=10
    prox : callable, optional
        ``prox(x, step) -> x``: proximal operator of the non-smooth part.

    Returns
    -------
    OptimizeResult
        ``x`` is the best iterate seen (with a decaying step on a non-smooth
        objective the last one is not always the best).

    Raises
    ------
    DivergenceError
        If the objective becomes infinite, grows :math:`10^{12}` times, or
        stops improving at a value above the starting one.

    Examples
    --------
    >>> result = gradient_descent(lambda x: (float(x @ x), 2 * x), [3.0, -4.0],
    ...                           learning_rate=0.25, tol=1e-12)
    >>> np.round(result.x, 6)
    array([ 0., -0.])

    See the book: section 2.1.4.
    """
    schedule = _as_schedule(learning_rate)
    x = np.array(x0, dtype=float)
    value, grad = objective(x)
    start, best_x, best_value, history = value, x, value, []
    stopper = _Stopper(tol, n_iter_no_change, start=value)
    for t in range(max_iter):
        step = schedule(t)
        x = x - step * grad
        if prox is not None:
            x = prox(x, step)
        value, grad = objective(x)
        _check_finite(value, x, start, f"iteration {t + 1}", step)
        history.append(value)
        if value <= best_value:
            best_x, best_value = x, value
        if stopper.update(value):
            _check_stalled_below_start(value, start, f"iteration {t + 1}", step)
            return OptimizeResult(best_x, np.array(history), t + 1, True)
    return OptimizeResult(best_x, np.array(history), max_iter, False)


def iterate_minibatches(
    X: ArrayLike, y: ArrayLike, batch_size: int, *, rng: np.random.Generator | None = None
) -> Iterator[tuple[NDArray, NDArray]]:
    """Yield consecutive minibatches ``(X_batch, y_batch)``, the last one possibly smaller.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Also a ``numpy.memmap``: without ``rng`` every batch is a contiguous
        slice, so only that batch is read into memory.
    y : array-like of shape (n_samples,)
    batch_size : int
        :math:`B`, the number of rows per batch.
    rng : numpy.random.Generator, optional
        If given, the rows are shuffled first (a new order on every call).

    Yields
    ------
    X_batch : ndarray of shape (B, n_features)
    y_batch : ndarray of shape (B,)

    Examples
    --------
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5.0)
    >>> [len(yb) for _, yb in iterate_minibatches(X, y, batch_size=2)]
    [2, 2, 1]

    See the book: section 2.1.5.
    """
    n_samples = len(y)
    order = None if rng is None else rng.permutation(n_samples)
    for start in range(0, n_samples, batch_size):
        if order is None:
            yield X[start : start + batch_size], y[start : start + batch_size]
        else:
            rows = order[start : start + batch_size]
            yield X[rows], y[rows]


def _epoch_batches(data, batch_size: int, rng: np.random.Generator, epoch: int):
    """The batches of one epoch: arrays are reshuffled, an iterable is passed through."""
    if isinstance(data, tuple) and len(data) == 2:
        return iterate_minibatches(data[0], data[1], batch_size, rng=rng)
    if epoch > 0 and iter(data) is data:
        raise ValueError(
            "sgd got a one-shot iterator of batches but max_epochs > 1: pass a list "
            "or another re-iterable object, or set max_epochs=1"
        )
    return data


def sgd(
    objective: BatchObjective,
    x0: ArrayLike,
    data: tuple[ArrayLike, ArrayLike] | Iterable[tuple[NDArray, NDArray]],
    *,
    learning_rate: float | Callable[[int], float] = 0.01,
    batch_size: int = 32,
    max_epochs: int = 1,
    tol: float | None = 1e-4,
    n_iter_no_change: int = 5,
    random_state: int | np.random.Generator | None = None,
    prox: Prox | None = None,
) -> OptimizeResult:
    r"""Minibatch (proximal) stochastic gradient descent.

    For every minibatch :math:`(X_B, y_B)`:
    :math:`x \leftarrow \operatorname{prox}_{\eta_e}\bigl(x - \eta_e \nabla f_B(x)\bigr)`,
    where :math:`f_B` is the objective on the batch (a mean over its rows, so
    the step does not depend on :math:`B`) and :math:`\eta_e` the step of epoch :math:`e`.

    Parameters
    ----------
    objective : callable
        ``objective(x, X_batch, y_batch) -> (value, gradient)``.
    x0 : array-like of shape (n_params,)
        Starting point; not modified.
    data : tuple (X, y) of arrays or iterable of (X_batch, y_batch)
        Arrays are cut into minibatches of ``batch_size`` rows, in a new random
        order every epoch. Any other iterable supplies the batches itself
        (streaming): one pass over it is one epoch.
    learning_rate : float or callable, default=0.01
        Step, or a schedule ``epoch -> eta`` (see :func:`inverse_sqrt_decay`).
    batch_size : int, default=32
        Used only when ``data`` is a pair of arrays.
    max_epochs : int, default=1
    tol : float or None, default=1e-4
        Stop when the epoch's mean objective has not improved by ``tol``
        (relative) for ``n_iter_no_change`` epochs; ``None`` runs all epochs.
    n_iter_no_change : int, default=5
    random_state : int, Generator or None
        Seeds the shuffling.
    prox : callable, optional
        ``prox(x, step) -> x`` for the non-smooth part of the objective.

    Returns
    -------
    OptimizeResult
        ``x`` is the last iterate; ``loss_history`` has one entry per epoch.

    Raises
    ------
    DivergenceError
        If a minibatch objective becomes infinite or grows :math:`10^{12}` times.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = X @ np.array([1.0, -2.0])
    >>> def mse(w, Xb, yb):
    ...     r = Xb @ w - yb
    ...     return float(r @ r) / len(yb), 2 * Xb.T @ r / len(yb)
    >>> result = sgd(mse, np.zeros(2), (X, y), learning_rate=0.1, max_epochs=50,
    ...              random_state=0)
    >>> np.round(result.x, 3)
    array([ 1., -2.])

    See the book: section 2.1.5.
    """
    schedule = _as_schedule(learning_rate)
    rng = np.random.default_rng(random_state)
    x, history, start = np.array(x0, dtype=float), [], None
    stopper = _Stopper(tol if tol is not None else -math.inf, n_iter_no_change)
    for epoch in range(max_epochs):
        step, total, count = schedule(epoch), 0.0, 0
        for X_batch, y_batch in _epoch_batches(data, batch_size, rng, epoch):
            value, grad = objective(x, X_batch, y_batch)
            start = value if start is None else start
            _check_finite(value, x, start, f"epoch {epoch + 1}", step)
            x = x - step * grad
            if prox is not None:
                x = prox(x, step)
            total, count = total + value * len(y_batch), count + len(y_batch)
        if count == 0:
            raise ValueError("sgd got no data: the batch iterable is empty")
        history.append(total / count)
        _check_finite(history[-1], x, start, f"the end of epoch {epoch + 1}", step)
        if tol is not None and stopper.update(history[-1]):
            return OptimizeResult(x, np.array(history), epoch + 1, True)
    return OptimizeResult(x, np.array(history), max_epochs, tol is None)

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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._stopping import (
    DivergenceError,
    _as_schedule,
    _DivergenceGuard,
    _GradientBound,
    _small_gradient,
    _Stopper,
    inverse_sqrt_decay,
)

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
BatchObjective = Callable[..., "tuple[float, Vector]"]
Prox = Callable[[Vector, float], Vector]

#: Shuffled rows are gathered this many at a time (in whole batches): one copy
#: per block instead of one small copy per batch, and memory stays O(block).
_BLOCK_ROWS = 1024


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
        Whether the stopping rule fired before ``max_iter``, with the
        objective at or below its starting value.
    """

    x: Vector
    loss_history: Vector
    n_iter: int
    converged: bool


def gradient_descent(
    objective: Objective,
    x0: ArrayLike,
    *,
    learning_rate: float | Callable[[int], float] = 0.1,
    max_iter: int = 1000,
    tol: float = 1e-4,
    n_iter_no_change: int = 10,
    prox: Prox | None = None,
    gtol: float | Callable[[Vector], float] | None = None,
) -> OptimizeResult:
    r"""Full-batch (proximal) gradient descent.

    .. math:: x_{t+1} = \operatorname{prox}_{\eta_t}\bigl(x_t - \eta_t \nabla f(x_t)\bigr)

    Without ``prox`` this is plain gradient descent. It stops when both

    * the best objective has improved by less than ``tol`` (relative) over
      the last ``n_iter_no_change`` iterations, and
    * the norm of the gradient mapping :math:`G_t = (x_t - x_{t+1}) / \eta_t`
      (the gradient itself without ``prox``) is at most ``gtol``, if given.

    The second rule measures optimality: :math:`G = 0` exactly at the
    minimum, so a slow crawl far from it never passes for convergence, as it
    can under the first rule alone. Non-smooth objectives, whose subgradients
    never vanish, leave ``gtol=None`` and pass a decaying schedule; with a
    schedule the first rule compares mean objectives over two windows of a
    third of the run each, since decaying steps jump around the minimum.

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
        0 runs all ``max_iter`` iterations.
    n_iter_no_change : int, default=10
    prox : callable, optional
        ``prox(x, step) -> x``: proximal operator of the non-smooth part.
    gtol : float or callable, optional
        Bound on :math:`\|G_t\|` (absolute, as in ``scipy.optimize``), or a
        function ``x -> bound`` (a bound that depends on where the iterate is).

    Returns
    -------
    OptimizeResult
        ``x`` is the best iterate seen (with a decaying step on a non-smooth
        objective the last one is not always the best).

    Raises
    ------
    DivergenceError
        If the objective becomes infinite, grows :math:`10^{12}` times, or
        ends above twice its starting value.

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
    guard = _DivergenceGuard(value, schedule(0))
    best_x, best_value, history = x, value, []
    stopper = _Stopper(
        tol, n_iter_no_change, start=value, oscillating=callable(learning_rate)
    )
    certify = _GradientBound(gtol)
    for t in range(max_iter):
        step = schedule(t)
        x_next = x - step * grad
        if prox is not None:
            x_next = prox(x_next, step)
        mapping = float(np.linalg.norm(x - x_next)) / step
        x = x_next
        value, grad = objective(x)
        guard.check(value, x, f"iteration {t + 1}")
        history.append(value)
        if value <= best_value:
            best_x, best_value = x, value
        if stopper.update(value) and certify(mapping, x):
            below_start = guard.check_end(value, f"iteration {t + 1}")
            return OptimizeResult(best_x, np.array(history), t + 1, below_start)
    guard.check_end(value, f"iteration {max_iter}")
    return OptimizeResult(best_x, np.array(history), max_iter, False)


def iterate_minibatches(
    X: ArrayLike,
    y: ArrayLike,
    batch_size: int,
    *,
    rng: np.random.Generator | None = None,
    sample_weight: ArrayLike | None = None,
) -> Iterator[tuple[NDArray, ...]]:
    """Yield consecutive minibatches ``(X_batch, y_batch)``, the last one possibly smaller.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Also a ``numpy.memmap``: without ``rng`` every batch is a contiguous
        slice, so only that batch is read into memory; with ``rng`` the
        shuffled rows are copied ``_BLOCK_ROWS`` (1024 rows) at a time and the
        batches are slices of that copy (the same batches as indexing every
        batch by its rows, for a fraction of the calls).
    y : array-like of shape (n_samples,)
    batch_size : int
        :math:`B`, the number of rows per batch.
    rng : numpy.random.Generator, optional
        If given, the rows are shuffled first (a new order on every call).
    sample_weight : array-like of shape (n_samples,), optional
        If given, every batch is a triple ``(X_batch, y_batch, weight_batch)``.

    Yields
    ------
    X_batch : ndarray of shape (B, n_features)
    y_batch : ndarray of shape (B,)
    weight_batch : ndarray of shape (B,), only with ``sample_weight``

    Examples
    --------
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5.0)
    >>> [len(yb) for _, yb in iterate_minibatches(X, y, batch_size=2)]
    [2, 2, 1]

    See the book: section 2.1.5.
    """
    arrays = (X, y) if sample_weight is None else (X, y, sample_weight)
    n_samples = len(y)
    order = None if rng is None else rng.permutation(n_samples)
    # whole batches per block
    block_size = batch_size * max(1, _BLOCK_ROWS // batch_size)
    for begin in range(0, n_samples, block_size):
        if order is None:
            block = tuple(a[begin : begin + block_size] for a in arrays)
        else:  # one copy of the shuffled rows per block, not one per batch
            rows = order[begin : begin + block_size]
            block = tuple(np.take(a, rows, axis=0) for a in arrays)
        for start in range(0, len(block[1]), batch_size):
            yield tuple(a[start : start + batch_size] for a in block)


def _is_arrays(data) -> bool:
    return isinstance(data, tuple) and len(data) in (2, 3)


def _epoch_batches(data, batch_size: int, rng: np.random.Generator | None, epoch: int):
    """The batches of one epoch: arrays are cut (and reshuffled), an iterable is passed through."""
    if _is_arrays(data):
        weight = data[2] if len(data) == 3 else None
        return iterate_minibatches(data[0], data[1], batch_size, rng=rng, sample_weight=weight)
    if epoch > 0 and iter(data) is data:
        raise ValueError(
            "sgd got a one-shot iterator of batches but max_epochs > 1: pass a list "
            "or another re-iterable object, or set max_epochs=1"
        )
    return data


def _compiled_epoch(objective, data, prox, schedule_unit: str, step_limit,
                    always_safe: float, guard: _DivergenceGuard | None):
    """The objective's compiled epoch where it takes the loop's steps, or None.

    ``LinearObjective.compiled_epoch`` (squared and logistic loss) runs a
    whole epoch over arrays in one compiled loop. The function returned
    shuffles as ``iterate_minibatches`` does, checks for divergence as the
    loop does and returns the new ``x``, the sum of the batch objectives
    times their sizes and the number of rows.
    """
    epoch = getattr(objective, "compiled_epoch", None)
    safe_step = getattr(objective, "safe_step", None)
    if (epoch is None or not _is_arrays(data) or prox is not None
            or schedule_unit != "epoch" or step_limit not in (None, safe_step)):
        return None
    limit = always_safe if step_limit is not None else math.inf
    n_samples = len(data[1])

    def run(x, rng, batch_size: int, step: float, where: str):
        order = np.arange(n_samples) if rng is None else rng.permutation(n_samples)
        x, total, largest = epoch(x, data, order, batch_size, step, limit)
        guard.check(largest, None, where)
        return x, total, n_samples

    return run


def sgd(
    objective: BatchObjective,
    x0: ArrayLike,
    data: tuple[ArrayLike, ...] | Iterable[tuple[NDArray, ...]],
    *,
    learning_rate: float | Callable[[int], float] = 0.01,
    batch_size: int = 32,
    max_epochs: int = 1,
    tol: float | None = 1e-4,
    n_iter_no_change: int = 5,
    random_state: int | np.random.Generator | None = None,
    prox: Prox | None = None,
    shuffle: bool = True,
    gtol: float | Callable[[Vector], float] | None = None,
    schedule_unit: str = "epoch",
    step_limit: Callable[..., float] | None = None,
    always_safe: float = 0.0,
) -> OptimizeResult:
    r"""Minibatch (proximal) stochastic gradient descent.

    For every minibatch :math:`(X_B, y_B)`:
    :math:`x \leftarrow \operatorname{prox}_{\eta_e}\bigl(x - \eta_e \nabla f_B(x)\bigr)`,
    where :math:`f_B` is the objective on the batch (a mean over its rows, so
    the step does not depend on :math:`B`) and :math:`\eta_e` the step of epoch :math:`e`.

    Parameters
    ----------
    objective : callable
        ``objective(x, X_batch, y_batch) -> (value, gradient)``; with sample
        weights ``objective(x, X_batch, y_batch, weight_batch)``. An objective
        with a ``compiled_epoch`` (:class:`~course_lib.linear.LinearObjective`
        with the squared or logistic loss) runs whole epochs over arrays in
        that compiled loop, the same steps, without calls per batch.
    x0 : array-like of shape (n_params,)
        Starting point; not modified.
    data : tuple (X, y) or (X, y, sample_weight) of arrays, or iterable of batches
        Arrays are cut into minibatches of ``batch_size`` rows, in a new random
        order every epoch. Any other iterable supplies the batch tuples itself
        (streaming): one pass over it is one epoch.
    learning_rate : float or callable, default=0.01
        Step, or a schedule ``t -> eta`` (see :func:`inverse_sqrt_decay`):
        ``t`` counts epochs, or samples seen before the update with
        ``schedule_unit="sample"``.
    batch_size : int, default=32
        Used only when ``data`` is a tuple of arrays.
    max_epochs : int, default=1
    tol : float or None, default=1e-4
        Stop when the epoch's mean objective has not improved by ``tol``
        (relative) for ``n_iter_no_change`` epochs; ``None`` runs all epochs.
    n_iter_no_change : int, default=5
    random_state : int, Generator or None
        Seeds the shuffling.
    prox : callable, optional
        ``prox(x, step) -> x`` for the non-smooth part of the objective.
    shuffle : bool, default=True
        Whether arrays are shuffled every epoch (``False``: rows in order).
    gtol : float or callable, optional
        With arrays, the ``tol`` rule stops only once the gradient mapping on
        all rows (one extra pass) is at most ``gtol``, as in :func:`gradient_descent`:
        the epoch losses of SGD are noisy and flatten out before the optimum.
    schedule_unit : {"epoch", "sample"}, default="epoch"
        What the schedule counts. With ``"sample"`` a batch smaller than
        ``batch_size`` also takes a proportionally smaller step, so the steps
        do not depend on how a stream is cut into pieces.
    step_limit : callable, optional
        ``step_limit(X_batch, y_batch[, weight_batch]) -> float``: the largest
        safe step on this batch (e.g. one over its curvature); a step of the
        schedule above it is cut to it, so a batch of unusually long rows
        cannot throw the iterate away.
    always_safe : float, default=0.0
        A step no batch can cut (e.g. the safe step of the heaviest row):
        ``step_limit`` is consulted only for larger steps.

    Returns
    -------
    OptimizeResult
        ``x`` is the last iterate; ``loss_history`` has one entry per epoch.

    Raises
    ------
    DivergenceError
        If a minibatch objective becomes infinite or grows :math:`10^{12}` times,
        or the objective ends above twice its starting value. The start and
        the end are measured on the same rows: all of them for arrays, the
        first batch for a stream.

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
    if schedule_unit not in ("epoch", "sample"):
        raise ValueError(
            f"schedule_unit must be 'epoch' or 'sample', got {schedule_unit!r}"
        )
    schedule = _as_schedule(learning_rate)
    rng = np.random.default_rng(random_state) if shuffle else None
    x, history, seen = np.array(x0, dtype=float), [], 0
    guard = probe = None
    if _is_arrays(data):  # the start and the end are compared on all rows
        if len(data[1]) == 0:
            raise ValueError("sgd got no data: the arrays have no rows")
        probe = data
        guard = _DivergenceGuard(objective(x, *data)[0], schedule(0))
    compiled = _compiled_epoch(objective, data, prox, schedule_unit,
                               step_limit, always_safe, guard)
    stopper = _Stopper(tol if tol is not None else -math.inf, n_iter_no_change)
    for epoch in range(max_epochs):
        step, total, count = schedule(epoch), 0.0, 0
        where = f"epoch {epoch + 1}"
        if compiled:  # the loop below in machine code: the same steps
            x, total, count = compiled(x, rng, batch_size, step, where)
            seen += count
        batches = () if compiled else _epoch_batches(data, batch_size, rng,
                                                     epoch)
        for batch in batches:
            value, grad = objective(x, *batch)
            n = len(batch[1])
            if guard is None:  # a stream: start and end on its first batch
                probe, guard = batch, _DivergenceGuard(value, schedule(0))
            # x is checked at the epoch's end
            guard.check(value, None, where)
            batch_step = step
            if schedule_unit == "sample":  # n rows move n / B of a full step
                batch_step = schedule(seen) * min(n / batch_size, 1.0)
            if step_limit is not None and batch_step > always_safe:
                # the step is cut for this batch only
                batch_step = min(batch_step, step_limit(*batch))
            x = x - batch_step * grad
            if prox is not None:
                x = prox(x, batch_step)
            total, count, seen = total + value * n, count + n, seen + n
        if count == 0:
            raise ValueError("sgd got no data: the batch iterable is empty")
        history.append(total / count)
        guard.check(history[-1], x, f"the end of epoch {epoch + 1}")
        if tol is not None and stopper.update(history[-1]) and _small_gradient(
            objective, x, data, step, prox, gtol
        ):
            below_start = guard.check_end(
                objective(x, *probe)[0], f"epoch {epoch + 1}"
            )
            return OptimizeResult(x, np.array(history), epoch + 1, below_start)
    guard.check_end(objective(x, *probe)[0], f"epoch {max_epochs}")
    return OptimizeResult(x, np.array(history), max_epochs, tol is None)

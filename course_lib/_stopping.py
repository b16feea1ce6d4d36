"""Stopping and divergence rules and step schedules, shared by the solvers of
:mod:`course_lib.optim`.

See the book: section 2.1.4 (when to stop) and section 2.1.5 (SGD).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float64]

# An objective that grows this many times above its start has diverged; we
# stop here rather than wait for overflow to turn the iterate into NaN.
_GROWTH_LIMIT = 1e12



class DivergenceError(FloatingPointError):
    """The iterations blew up, almost always because the learning rate is too large."""


DivergenceError.__module__ = "course_lib.optim"  # its public home


def _as_schedule(learning_rate: float | Callable[[int], float]) -> Callable[[int], float]:
    if callable(learning_rate):
        return learning_rate
    if not (isinstance(learning_rate, Real) and not isinstance(learning_rate, bool)
            and 0 < learning_rate < math.inf):
        hint = ("; an automatic step of 0 or inf means the loss's curvature is out of float64 "
                "range in these units: rescale y (and the loss's scale parameter) by a constant"
                if learning_rate in (0, math.inf) else "")
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}{hint}")
    return lambda t: float(learning_rate)


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


class _DivergenceGuard:
    """The one divergence rule of both solvers.

    During the run: the objective or the iterate is not finite, or the
    objective grew :data:`_GROWTH_LIMIT` times above its start (a smooth loss
    with too large a step explodes geometrically). At the end: the objective
    ended above twice its start (a loss with bounded gradients, such as the
    absolute one, only drifts away linearly and never explodes). A run that
    ends above its start but below twice it is not a success either: it is
    reported as not converged (the margin is for the noise of SGD, whose
    last iterate may end a little above a start that was already optimal).
    """

    def __init__(self, start: float, learning_rate: float) -> None:
        self.start, self.learning_rate = start, learning_rate

    def check(self, value: float, x: Vector | None, where: str) -> None:
        """Raise if the run blew up; ``x=None`` checks the value only (cheap, per minibatch)."""
        blown_up = self.start > 0 and value > _GROWTH_LIMIT * self.start
        if math.isfinite(value) and not blown_up and (x is None or np.all(np.isfinite(x))):
            return
        raise self.error(value, where)

    def check_end(self, value: float, where: str) -> bool:
        """Raise if the run diverged; return whether it ended at or below its start."""
        if value > 2 * self.start:
            raise self.error(value, where)
        return value <= self.start

    def error(self, value: float, where: str) -> DivergenceError:
        return DivergenceError(
            f"the optimization diverged at {where}: the objective went from {self.start:.4g} "
            f"to {value:.4g}. The learning rate ({self.learning_rate:.4g}) is too large for "
            "this data: lower learning_rate (and standardize the features, if the "
            "objective does not do it)."
        )


class _Stopper:
    r"""Stop when the best value improved by less than ``tol * |best|`` in ``patience`` rounds.

    ``tol=0`` never stops: the solver runs all its iterations. With
    ``oscillating=True`` (subgradient steps on a non-smooth objective,
    which jump around the minimum with an amplitude that shrinks with the
    step) it compares mean values over two consecutive windows, each at
    least a third of the run: a lucky early iterate does not stop the run,
    and since the error falls like :math:`1/\sqrt t`, a small improvement
    over such long windows means a small error, not just slow progress.
    The window means come from running sums, so a check costs O(1).
    """

    def __init__(self, tol: float, patience: int, start: float = math.inf,
                 oscillating: bool = False) -> None:
        self.tol, self.patience, self.oscillating = tol, patience, oscillating
        self.sums: list[float] = [0.0]  # sums[k] = the sum of the first k values
        self.bests: list[float] = [start]

    def update(self, value: float) -> bool:
        self.bests.append(min(value, self.bests[-1]))
        if self.tol == 0:
            return False
        if not self.oscillating:
            if len(self.bests) <= self.patience:
                return False
            earlier, best = self.bests[-1 - self.patience], self.bests[-1]
            return earlier - best <= self.tol * abs(best)
        self.sums.append(self.sums[-1] + value)
        count = len(self.sums) - 1
        window = max(self.patience, count // 3)
        if count < 2 * window:
            return False
        recent = (self.sums[-1] - self.sums[-1 - window]) / window
        before = (self.sums[-1 - window] - self.sums[-1 - 2 * window]) / window
        return before - recent <= self.tol * abs(recent)


class _GradientBound:
    """``gtol`` as a test ``(mapping, x) -> bool``; ``gtol`` is a number, None or ``x -> bound``.

    A bound that depends on ``x`` (it measures the curvature there, a pass over
    the data) is recomputed only when the mapping falls below the last one.
    """

    def __init__(self, gtol) -> None:
        self.gtol, self.last = gtol, math.inf

    def __call__(self, mapping: float, x: NDArray) -> bool:
        if self.gtol is None:
            return True
        if not callable(self.gtol):
            return mapping <= self.gtol
        if mapping > self.last:
            return False
        self.last = self.gtol(x)
        return mapping <= self.last


def _small_gradient(objective, x: NDArray, data, step: float, prox, gtol) -> bool:
    """Whether the full-data gradient mapping at ``x`` is within ``gtol`` (True without one)."""
    if gtol is None or not (isinstance(data, tuple) and len(data) in (2, 3)):  # arrays
        return True
    x_next = x - step * objective(x, *data)[1]
    if prox is not None:
        x_next = prox(x_next, step)
    return _GradientBound(gtol)(float(np.linalg.norm(x - x_next)) / step, x)

r"""Second-order solvers of the linear core: L-BFGS (quasi-Newton) and Newton's method.

See the book: section 2.1.10 (logistic regression is fitted by them).

Both minimize the same mean objective :math:`Q/S` as gradient descent, in the
same standardized coordinates (:class:`FeatureScaling`), so they need no
step size and do not depend on the units of the features:

* L-BFGS (``scipy.optimize.minimize(method="L-BFGS-B")``) builds a picture of
  the curvature from the last gradients: each iteration costs one pass over
  the data, like gradient descent, but converges in far fewer of them;
* Newton's method solves :math:`H \Delta = -\nabla` with the exact Hessian
  :math:`H = \frac1N A^T \operatorname{diag}(v_i \ell''_i) A` (+ the penalty),
  :math:`v_i` the sample weights, :math:`A = (X \mid \mathbf 1)`, and backtracks
  until the step decreases the objective: quadratic convergence near the
  optimum for :math:`O(ND^2)` per iteration.

Where the loss measures its curvature (logistic, Huber, softmax), both check
their answer: the excess objective estimated by the local quadratic model at
the point (for one score column :math:`\frac12 \nabla^T H^{-1} \nabla`, half the
squared Newton decrement; exact for a quadratic objective, accurate to
higher-order terms near the minimum of a smooth one) must be small: for
L-BFGS at most ``tol`` times the objective of the best constant model
(gradient descent's yardstick, and that of :math:`R^2`), and
at most 1 % of the objective itself; for Newton's method at most ``tol``
times the objective. L-BFGS first stops by scikit-learn's
rule (every entry of the gradient at most ``tol``, here in standardized
coordinates) and goes on while the estimate is too large (or ends at the
end of the model's step, if the estimate less the objective's decrease measured
along that step is within the allowed excess there); it estimates by
conjugate gradients first (at most as many steps as the first Gram matrix costs),
then by Gram matrices of some or all rows. Newton's method also
asks every entry of the gradient to be at most ``tol`` times ``unit``, the
objective of the best constant model when it is below 1. A small gradient
alone proves little: an objective that small (say 5 positives in 50 000
samples) has gradients that small too, and so does a flat one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import scipy.linalg
from numpy.typing import NDArray
from scipy.optimize import minimize

from ..optim import OptimizeResult

if TYPE_CHECKING:
    from ._objective import LinearObjective

Array = NDArray[np.float64]


def objective_hessian(
    objective: LinearObjective, theta: Array, X: Array, y: Array, sample_weight: Array | None = None
) -> Array:
    """Hessian of the mean objective at ``theta``, shape ``(n_params, n_params)``."""
    w, b = objective.split(theta)
    curvature = objective.loss.hessian(y, X @ w + b) / len(y)
    if sample_weight is not None:
        curvature = curvature * sample_weight
    weighted = X * curvature[:, None]
    hessian = X.T @ weighted
    hessian[np.diag_indices_from(hessian)] += objective.penalty_diagonal(X.shape[1])
    if not objective.fit_intercept:
        return hessian
    column = weighted.sum(axis=0)[:, None]
    return np.block([[hessian, column], [column.T, np.array([[curvature.sum()]])]])


def _check_smooth(objective: LinearObjective, solver: str) -> None:
    if not objective.loss.smoothness or objective.needs_prox:
        raise ValueError(
            f"solver={solver!r} needs a smooth loss and penalty (logistic, squared, L2); "
            f"{objective.loss!r} with this penalty needs solver='gd' or 'sgd'"
        )


def _starting_point(
    objective: LinearObjective, data: tuple[Array, ...], theta0: Array, from_zero: bool,
) -> tuple[Array, float, tuple[float, Array] | None]:
    """Where a solver starts, the objective of ``theta0`` (its yardstick) and, if computed, the objective and gradient there.

    ``theta0`` is the best constant model (zero weights). With ``from_zero``
    the solver starts at ``theta = 0``, scikit-learn's start, and the
    yardstick costs no product with ``X`` (:meth:`LinearObjective.constant_value`).
    """
    theta = np.array(theta0, dtype=float)
    if from_zero:
        return np.zeros_like(theta), objective.constant_value(theta, *data), None
    start = objective(theta, *data)
    return theta, start[0], start


def _start_unit(value: float) -> float:
    """The default ``unit``: the best constant model's objective when below 1."""
    return min(1.0, value) if value > 0 else 1.0


def lbfgs(
    objective: LinearObjective, data: tuple[Array, ...], theta0: Array, *, tol: float,
    max_iter: int, unit: float | None = None, ftol: float = 64 * np.finfo(float).eps,
    from_zero: bool = False,
) -> OptimizeResult:
    """Minimize ``objective(theta, *data)`` by L-BFGS until its estimated excess is within ``tol``.

    L-BFGS-B first stops by scikit-learn's rule, max |gradient| <= ``tol``;
    then :func:`_uncertified` estimates the excess objective, and while the
    estimate is above the allowed excess L-BFGS goes on with a smaller
    gradient tolerance; then, where the excess it expects to remove is above
    :data:`_NEGLIGIBLE` of the allowed one, one approximate Newton step from
    the same estimate, kept (and counted as an iteration, within
    ``max_iter``) if it lowers the objective; where the check certifies the
    end of its conjugate-gradient step rather than the point, that whole step
    is taken (length 1, whatever its size; only with an iteration left, and
    counted as one). The allowed excess is ``tol``
    times the objective at ``theta0`` (the best constant model; L-BFGS starts
    there unless ``from_zero``) and at most :data:`_OWN_SHARE` of the objective. Where the check exists it alone decides
    convergence, also at ``max_iter``. A loss without this check keeps the
    gradient rule max |gradient| <= ``tol * unit``. ``unit`` is a typical size of the
    objective, by default the objective at ``theta0`` when below 1: L-BFGS-B
    also stops when the objective falls by less than ``ftol`` (relative;
    absolute for objectives below 1), so a tiny objective is handed to it
    divided by ``unit``. ``ftol=0`` leaves the decision to the gradient rule alone.

    ``from_zero``: see :func:`_starting_point`. On standardized features
    (where the solver's coordinates are the features themselves) L-BFGS then
    makes scikit-learn's very iterates, and the check and step that follow
    only lower the objective (from ``theta0`` it took as many iterations or
    one or two more: measured on 14 data sets).
    """
    _check_smooth(objective, "lbfgs")
    history: list[float] = []
    theta, reference, start = _starting_point(objective, data, theta0, from_zero)
    units, pending = [_start_unit(reference) if unit is None else unit], [start] if start else []

    def record(intermediate_result) -> None:  # scipy passes the state by this name
        history.append(float(intermediate_result.fun) * units[0])

    def scaled(point: Array) -> tuple[float, Array]:
        # L-BFGS-B starts at theta, whose value _starting_point may know
        value, gradient = pending.pop() if pending else objective(point, *data)
        return value / units[0], gradient / units[0]

    # scikit-learn's absolute gradient rule where a certificate follows, else relative to unit
    certified = hasattr(objective.loss, "curvature_floor")
    gtol, n_iter, previous = (tol / units[0] if certified else tol), 0, np.inf
    for _ in range(_REFINEMENTS):
        result = minimize(
            scaled, theta, jac=True, method="L-BFGS-B",
            callback=record,
            # ftol at rounding level: the gradient rule decides, as in scikit-learn.
            options={"maxiter": max_iter - n_iter, "gtol": gtol, "ftol": ftol,
                     "maxls": 50},
        )
        theta, n_iter = result.x, n_iter + int(result.nit)
        value, gradient = result.fun * units[0], result.jac * units[0]  # at result.x
        converged = bool(np.max(np.abs(result.jac), initial=0.0) <= gtol or result.status == 0)
        check = _uncertified(objective, data, theta, value, gradient, tol,
                             reference=reference, may_step=n_iter < max_iter,
                             iterations=n_iter)
        norm = float(np.linalg.norm(gradient))
        stalled = norm > 0.5 * previous  # the gradient stopped shrinking
        if not converged or check.factor is None or stalled or n_iter >= max_iter:
            break
        # certified below a smaller gradient: go on, asking for less than the gradient now
        gtol = check.factor * float(np.max(np.abs(gradient))) / units[0]
        previous = norm
    # the check, where there is one, decides: also at max_iter or after a stall
    converged = check.factor is None and (converged or certified)
    step, line = check.step, check.line
    if converged and check.reached is not None:  # the certified point is the step's end
        theta = theta + step
        history.append(check.reached)
        n_iter += 1
    elif converged and step is not None and n_iter < max_iter:  # kept if it lowers the objective
        evaluate = (lambda t: (line(t), None)) if line else _line(objective, data, theta, step)
        length, polished, _ = _backtrack(evaluate, value, float(gradient @ step), halvings=4)
        if polished < value:
            theta = theta + length * step
            history.append(polished)
            n_iter += 1
    return OptimizeResult(theta, np.array(history), n_iter, converged)


#: How many times L-BFGS is restarted with a smaller gradient tolerance.
_REFINEMENTS = 8
#: An expected excess below this share of the allowed one gets no Newton step.
_NEGLIGIBLE = 0.01
#: The largest share of the objective itself the model's excess may be at a certified point.
_OWN_SHARE = 0.01
#: The time of the numpy calls of a step of conjugate gradients (with its share of
#: their setup), counted as the multiply-adds that take as long (about 70
#: microseconds, measured on 1 797 x 64): on small data they, not the products
#: with X, are its cost.
_STEP_CALLS = 3e5


class _Check(NamedTuple):
    """What :func:`_uncertified` found."""

    #: None if certified, else how much smaller the gradient has to be.
    factor: float | None
    #: The model's step, or None.
    step: Array | None
    #: ``t ->`` the objective along the step where it is cheap, or None.
    line: Callable[[float], float] | None
    #: The objective at the end of the step where that end, not ``theta``, is certified.
    reached: float | None = None


def _uncertified(
    objective: LinearObjective, data: tuple[Array, ...], theta: Array, value: float,
    gradient: Array, tol: float, *, reference: float, may_step: bool = False,
    iterations: int | None = None,
) -> _Check:
    r"""Whether the estimated excess objective is within the allowed one (factor None), else a factor.

    Allowed: ``tol`` times ``reference`` (the objective of the best constant
    model), and at most :data:`_OWN_SHARE` of ``value``,
    the objective now: where the model finds the objective
    to be mostly excess, the point is not near a minimum (separable classes
    without a penalty have none: the objective falls towards 0 with the
    model's excess about half of it, never certified).

    The excess is estimated by the local quadratic model,
    :math:`\frac12 \nabla^T L^{-1} \nabla` with :math:`L \preceq H` the curvature
    measured at ``theta`` (:meth:`LinearObjective.quadratic_model`; for one score
    column half the squared Newton decrement, the rule of :func:`newton`). A
    small gradient alone proves little on a flat objective (nearly separable classes with a small
    ``alpha``: it stopped 0.34 % above the optimum). Losses without a
    measured curvature (``curvature_floor``) keep the gradient rule. The
    factor is how much smaller the gradient has to be. Also returns the
    model's Newton step where the excess it expects to remove is above
    :data:`_NEGLIGIBLE` of the allowed one (else None), and the objective
    along it where conjugate gradients give it cheaply (else None).

    With ``may_step`` (the solver can still take a step) the end of a
    conjugate-gradient step may be certified instead of ``theta``: where the
    estimate less ``value - reached``, the objective's decrease measured along
    ``step`` (``reached`` the objective at its end), is within the allowed excess
    at that end. ``reached`` is then set: the solver must take the whole step.
    On the wide data measured (2000 x 500, 800 x 300) that is one
    conjugate-gradient step sooner. ``iterations``, the solver's iterations
    so far, bounds the steps spent on a step's end once the point itself is
    proven uncertified (see :func:`_estimates`).
    """
    if not hasattr(objective.loss, "curvature_floor") or value <= 0:
        return _Check(None, None, None)

    def allowed_at(objective_value: float) -> float:
        return min(tol * reference, _OWN_SHARE * objective_value)

    allowed, smallest = allowed_at(value), np.inf
    for excess, step, line, lower in _estimates(objective, data, theta, gradient, allowed,
                                                after_step=may_step, chase=iterations):
        if excess <= allowed:  # the step only where the excess it removes is worth it
            expected = -0.5 * float(gradient @ step) if step is not None else 0.0
            worth = expected > _NEGLIGIBLE * allowed
            return _Check(None, step if worth else None, line if worth else None)
        if may_step and line is not None and excess - lower <= allowed:
            reached = line(1.0)  # what the step leaves: the excess less the decrease measured
            if excess - (value - reached) <= allowed_at(reached):
                return _Check(None, step, line, reached)
        smallest = min(smallest, excess)  # each estimate is an upper one
    # the estimate is quadratic in the gradient
    return _Check(max(0.5 * float(np.sqrt(allowed / smallest)), 1e-4), None, None)


def _estimates(
    objective: LinearObjective, data: tuple[Array, ...], theta: Array, gradient: Array,
    allowed: float, after_step: bool = False, chase: int | None = None,
) -> Iterator[tuple[float, Array | None, Callable[[float], float] | None, float]]:
    r"""Estimates of the excess, steps, their lines and lower estimates, conjugate gradients first.

    The last one sums every row; Gram matrices give no line and a lower estimate of 0.

    Conjugate gradients (:meth:`LinearObjective.krylov_model`) first, where
    the first Gram matrix (4 rows per parameter) costs more: their step 0,
    the bound :math:`\frac12\|\tilde g\|^2/\mu` by the penalty's curvature plus
    the bias's exact share, with the bias's exact step (at most two products
    with ``X``, one where the scores are those of the last evaluation; on
    small standardized data it often suffices), then, each step two products
    with ``X`` and their numpy calls (:data:`_STEP_CALLS`), at most as many
    steps as that Gram matrix costs: none where :math:`D^2` is small against
    :math:`N`, nor on small data, where the calls cost more than the
    arithmetic. They stop at the first upper estimate within ``allowed`` (its
    step, short of Newton's, polishes the certified point). With
    ``after_step`` they also yield each estimate whose step would leave at
    most that (the estimate less the lower one; the lower one is what the
    model expects the step to remove) and go on if the caller's measurement
    along the step does not certify its end. A lower estimate above
    ``allowed`` proves that nothing can certify the point: without
    ``after_step`` that estimate is the last one; with it they go on for a
    step's end (at scikit-learn's stopping point on 1 000 x 1 000 standardized
    data of the benchmarks' kind, seed 1, the lower estimate passed it at step
    3, whose end was certified: 11 iterations, where L-BFGS going on took 16);
    but once the lower estimate has passed ``allowed``, no more steps than
    ``chase`` (the solver's iterations so far: each costs as much as a step):
    on raw 1 000 x 1 000 data 363 steps (98 ms, more than a Gram matrix)
    chased a step's end in vain, where L-BFGS going on took 98 iterations (38 ms).
    They also stop when the upper estimate (with ``after_step``, the upper less
    the lower one), falling at its last rate, would not reach ``allowed``
    within the steps left. Then Gram matrices of every k-th row,
    4, 16, 64... rows per parameter, and of all rows: a larger estimate at a
    fraction of the cost (:math:`O(N D^2)`) often suffices.
    """
    n_samples, n_params, columns = len(data[1]), len(theta), data[0].shape[1] + 1
    first_gram = min(4 * n_params, n_samples) * columns**2 / 2 + columns**3 / 3
    budget = int(first_gram // (2 * n_samples * n_params + _STEP_CALLS))
    # step 0 alone: at most two products with X (the scores, unless remembered, and the bias's share)
    krylov_first = budget or 2 * n_samples * n_params <= first_gram
    last, previous, lower = None, np.inf, 0.0
    for steps, (excess, step, line, lower) in enumerate(
            objective.krylov_model(theta, gradient, *data) if krylov_first else ()):
        if lower > allowed and (not after_step or chase is not None and steps >= chase):
            break  # no estimate can certify the point; a step's end: not for longer
        # what must come within allowed: with after_step, the bound on what the step leaves
        left = excess - lower if after_step else excess
        last = (excess, step, line, lower)
        if excess <= allowed:
            break
        if after_step and left <= allowed:  # the step's end may be: the caller measures
            yield last
            last = None
        if steps == budget or _out_of_reach(left, previous, allowed, budget - steps):
            break
        previous = left
    if lower > allowed:  # the model's excess itself: neither a Gram matrix nor ...
        yield lower, None, None, lower  # ... any estimate can certify the point
        return
    if last is not None:
        yield last
    rows, strides = 4 * n_params, []
    while rows < n_samples // 2:
        strides.append(n_samples // rows)
        rows *= 4
    for stride in [*strides, 1]:
        excess, step = objective.quadratic_model(theta, gradient, *data, stride=stride)
        yield excess, step, None, 0.0


def _out_of_reach(excess: float, previous: float, allowed: float, steps_left: int) -> bool:
    """Whether the upper estimate, falling at its last rate, stays above ``allowed`` for ``steps_left`` steps.

    Where the penalty's curvature is far below the data's (raw features of
    large spread) the estimate falls by a few per cent a step and
    would need hundreds; a Gram matrix decides at once.
    """
    if not excess < previous < np.inf:
        return False
    return excess * (excess / previous) ** steps_left > allowed


def newton(
    objective: LinearObjective, data: tuple[Array, ...], theta0: Array, *, tol: float,
    max_iter: int, unit: float | None = None, from_zero: bool = False,
) -> OptimizeResult:
    r"""Minimize ``objective(theta, *data)`` by damped Newton steps until the excess is within ``tol``.

    Converged when max |gradient| <= ``tol * unit`` (scikit-learn's rule) and
    :math:`\frac12 \nabla^T H^{-1} \nabla` (half the squared Newton decrement:
    the decrease the step promises, the excess objective of the local quadratic
    model) is at most ``tol`` times the objective, or below its rounding
    error (no step can do better: ``tol=0`` ends at machine precision). An
    objective that falls to the rounding level of ``theta0``'s (the best
    constant model's) without either (separable classes, no penalty: no
    minimum) stops unconverged. ``from_zero`` as in :func:`lbfgs`.
    """
    _check_smooth(objective, "newton")
    theta, reference, start = _starting_point(objective, data, theta0, from_zero)
    value, gradient = start or objective(theta, *data)
    unit = _start_unit(reference) if unit is None else unit
    history: list[float] = []
    for iteration in range(max_iter):
        direction = _newton_direction(objective_hessian(objective, theta, *data), gradient)
        decrement = -0.5 * float(gradient @ direction)
        small_gradient = np.max(np.abs(gradient), initial=0.0) <= tol * unit
        if decrement <= _ROUNDING * abs(value) or (
            small_gradient and decrement <= tol * abs(value)
        ):
            return OptimizeResult(theta, np.array(history), iteration, True)
        if abs(value) <= _ROUNDING * unit:
            return OptimizeResult(theta, np.array(history), iteration, False)
        length, new_value, new_gradient = _backtrack(
            _line(objective, data, theta, direction), value, float(gradient @ direction))
        if length:  # else no decrease at rounding level: already at the optimum
            theta, value, gradient = theta + length * direction, new_value, new_gradient
        history.append(value)
    return OptimizeResult(theta, np.array(history), max_iter, False)


#: The relative change of an objective that rounding alone can cause.
_ROUNDING = 64 * np.finfo(float).eps


def _newton_direction(hessian: Array, gradient: Array) -> Array:
    r"""Solve :math:`H\Delta = -\nabla` by Cholesky; a flat direction gets a tiny ridge.

    Without a penalty the Hessian is singular for collinear features and
    nearly so for separable classes; the ridge picks a finite step there.
    """
    ridge = 0.0
    for _ in range(20):
        try:
            factor = np.linalg.cholesky(hessian + ridge * np.eye(len(gradient)))
            break
        except np.linalg.LinAlgError:
            ridge = max(10 * ridge, 1e-12 * max(float(np.trace(hessian)), 1e-300))
    else:
        raise ValueError("the Hessian is not positive definite: use solver='lbfgs'")
    half = scipy.linalg.solve_triangular(factor, -gradient, lower=True)
    return scipy.linalg.solve_triangular(factor.T, half, lower=False)


def _line(
    objective: LinearObjective, data: tuple[Array, ...], theta: Array, direction: Array,
) -> Callable[[float], tuple[float, Array]]:
    """``t ->`` the objective and its gradient at ``theta + t * direction``."""
    return lambda t: objective(theta + t * direction, *data)


def _backtrack(
    evaluate: Callable[[float], tuple[float, Array | None]], value: float, slope: float,
    halvings: int = 50,
) -> tuple[float, float, Array | None]:
    """Halve the step length ``t`` from 1 until it decreases the objective enough (Armijo's rule).

    ``evaluate(t)`` gives the objective at that length (and its gradient, or
    None); returns ``t``, the objective and the gradient there, or ``t = 0``
    and ``value`` if no halving decreases it.
    """
    length = 1.0
    for _ in range(halvings):
        new_value, new_gradient = evaluate(length)
        if new_value <= value + 1e-4 * length * slope:
            return length, new_value, new_gradient
        length /= 2
    return 0.0, value, None


#: The second-order solvers by name, for the core's dispatch.
SECOND_ORDER: dict[str, Callable[..., OptimizeResult]] = {"lbfgs": lbfgs, "newton": newton}

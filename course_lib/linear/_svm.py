r"""The solver of :class:`LinearSVC`: smoothed hinge, shrinking width, a duality-gap certificate.

See the book: section 2.1.9.

The hinge objective :math:`P(w, b) = \sum_i s_i \max(0, 1 - M_i) + \alpha\|w\|^2`
has a kink at every :math:`M_i = 1`, where gradient methods crawl. Its
smoothed version (:class:`~course_lib.losses.SmoothedHingeLoss` of width
:math:`h`) differs by at most :math:`h/2` per sample and has a Lipschitz
gradient, so L-BFGS minimizes it fast. Shrinking :math:`h` tenfold, each
solve starting at the last, approaches the hinge minimum. Once :math:`h` is
small, the samples inside the smoothing band are (nearly) the support vectors
on the margin: :meth:`_Hinge.polish` guesses the three sets of samples from
the smoothed solution, solves the small linear system of the exact optimum
for them and corrects the guess one sample at a time.

When to stop is decided by duality, not by :math:`h`. Writing
:math:`\max(0, 1 - M) = \max_{0 \le a \le 1} a(1 - M)` and minimizing over
:math:`w, b` gives the dual of the SVM,

.. math::
    D(a) = \sum_i s_i a_i - \frac{1}{4\alpha}\Bigl\|\sum_i s_i a_i y_i x_i\Bigr\|^2,
    \qquad 0 \le a_i \le 1, \quad \sum_i s_i a_i y_i = 0,

and :math:`D(a) \le \min P \le P(w, b)` for every feasible :math:`a`. The
smoothed loss hands us one: :math:`a_i = -\ell_h'(M_i)\,y_i \in [0, 1]`. Once
:math:`P - D \le \mathrm{tol} \cdot P`, the objective is proven to be within
``tol`` (relative) of the minimum.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning

from ..losses import SmoothedHingeLoss
from ..optim import OptimizeResult
from ._second_order import lbfgs

if TYPE_CHECKING:
    from ._base import LinearModel

Array = NDArray[np.float64]

#: Widths h = 1, 0.1, ..., 1e-8 at most; each solve starts from the last.
_WIDTHS = 10.0 ** -np.arange(9)


class _Hinge:
    """The primal and dual objectives of the SVM on raw data (labels -1/+1, sample weights)."""

    def __init__(self, X: Array, y: Array, weights: Array | None, alpha: float,
                 fit_intercept: bool) -> None:
        self.X, self.y, self.alpha, self.fit_intercept = X, y, alpha, fit_intercept
        self.s = np.ones(len(y)) if weights is None else weights

    def primal(self, coef: Array, intercept: float) -> float:
        margin = self.y * (self.X @ coef + intercept)
        return float(self.s @ np.maximum(0.0, 1.0 - margin) + self.alpha * coef @ coef)

    def dual(self, c: Array) -> float:
        r"""Dual value at :math:`c_i = s_i a_i`, first made feasible (clipped, balanced)."""
        c = np.clip(c, 0.0, self.s)
        if self.fit_intercept:  # make sum c_i y_i = 0 by shrinking the heavier side
            excess = float(c @ self.y)
            side = self.y > 0 if excess > 0 else self.y < 0
            total = float(c[side].sum())
            c[side] *= max(0.0, 1.0 - abs(excess) / total) if total > 0 else 1.0
        pull = self.X.T @ (c * self.y)
        return float(c.sum() - pull @ pull / (4.0 * self.alpha))

    def smoothed_dual(self, coef: Array, intercept: float, width: float) -> Array:
        r"""The smoothed loss's dual point :math:`c_i = s_i\,\mathrm{clip}((1 - M_i)/h, 0, 1)`."""
        margin = self.y * (self.X @ coef + intercept)
        return self.s * np.clip((1.0 - margin) / width, 0.0, 1.0)

    def polish(self, coef: Array, intercept: float, width: float) -> tuple[Array, float, Array]:
        r"""The exact optimum, found by guessing which samples are support vectors.

        A sample is beyond the margin (:math:`M_i > 1`, :math:`a_i = 0`), on it
        (:math:`M_i = 1`, :math:`0 \le a_i \le 1`) or violates it (:math:`a_i = 1`).
        The smoothed solution suggests the sets (the smoothing band is "on").
        Stationarity :math:`2\alpha w = \sum_i c_i y_i x_i`, :math:`M_i = 1` on
        the margin and :math:`\sum_i c_i y_i = 0` are then one linear system
        for the margin's :math:`c_i` and :math:`b`. Samples whose answer
        contradicts their set move (a primal-dual active-set method) until
        none does: then :math:`(w, b, c)` is the optimum, with a zero gap.
        """
        margin = self.y * (self.X @ coef + intercept)
        state = np.where(margin <= 1.0 - width, 2, np.where(margin < 1.0 + 1e-12, 1, 0))
        result = coef, intercept, self.smoothed_dual(coef, intercept, width)
        for _ in range(20):
            on = np.flatnonzero(state == 1)
            # Generically at most D + 1 samples lie on the margin: a crowded
            # band means h is still too wide (and the dense solve too costly).
            if not 0 < on.size <= min(10 * (self.X.shape[1] + 1), 1000):
                return result
            c = np.where(state == 2, self.s, 0.0)
            coef, intercept, c[on] = self._solve_margin(on, c)
            result = coef, intercept, c
            # How much each sample contradicts its set; the worst one moves
            # (moving all at once can cycle).
            gap = 1.0 - self.y * (self.X @ coef + intercept)
            share = c / np.where(self.s > 0, self.s, 1.0)
            wrong = np.select([state == 0, state == 2], [gap, -gap], np.maximum(-share, share - 1))
            worst = int(np.argmax(wrong))
            if wrong[worst] <= 1e-9:
                break
            state[worst] = 1 if state[worst] != 1 else (0 if share[worst] < 0 else 2)
        return result

    def _solve_margin(self, on: Array, c: Array) -> tuple[Array, float, Array]:
        """:math:`w`, :math:`b` and the margin's :math:`c_i` from the linear system of :meth:`polish`."""
        pull = self.X.T @ (c * self.y)  # what the violators contribute to 2 alpha w
        X_on, y_on = self.X[on], self.y[on]
        rows = [np.hstack([X_on @ X_on.T / (2 * self.alpha), np.ones((on.size, 1))])]
        rhs = [y_on - X_on @ pull / (2 * self.alpha)]
        if self.fit_intercept:
            rows.append(np.append(np.ones(on.size), 0.0)[None, :])
            rhs.append([-float(c @ self.y)])
        else:
            rows[0] = rows[0][:, :-1]
        solution = np.linalg.lstsq(np.vstack(rows), np.concatenate(rhs), rcond=None)[0]
        c_on = solution[: on.size] * y_on
        b = float(solution[-1]) if self.fit_intercept else 0.0
        return (pull + X_on.T @ (c_on * y_on)) / (2 * self.alpha), b, c_on


def fit_smoothed_hinge(model: LinearModel, X: Array, y: Array, weights: Array | None) -> None:
    """Fit ``model`` (labels -1/+1) to the hinge objective within ``model.tol`` (relative)."""
    objective, scaling, data, theta = model._solver_problem(X, y, weights, SmoothedHingeLoss(1.0))
    hinge = _Hinge(X, y, weights, model.alpha, model.fit_intercept)
    n_iter, history, best, lower = 0, [], (np.inf, None, 0.0), -np.inf
    for width in _WIDTHS:
        objective.loss = SmoothedHingeLoss(width)
        # The inner accuracy follows the width (a rough h needs only a rough
        # solve) and the size of the objective (tiny when alpha is tiny and
        # the classes are separable); the gap, not it, decides when to stop.
        result = lbfgs(objective, data, theta, tol=model.tol * np.sqrt(width),
                       max_iter=max(model.max_iter - n_iter, 1),
                       unit=objective(theta, *data)[0])
        theta, n_iter = result.x, n_iter + result.n_iter
        history.extend(result.loss_history)
        coef, intercept = scaling.from_solver(objective, theta)
        polished_coef, polished_intercept, c = hinge.polish(coef, intercept, width)
        lower = max(lower, hinge.dual(hinge.smoothed_dual(coef, intercept, width)), hinge.dual(c))
        for candidate in ((coef, intercept), (polished_coef, polished_intercept)):
            value = hinge.primal(*candidate)
            if value < best[0]:
                best = (value, *candidate)
        if best[0] - lower <= model.tol * best[0] or n_iter >= model.max_iter:
            break
    primal, coef, intercept = best
    model.duality_gap_ = max(primal - lower, 0.0) / primal
    if model.duality_gap_ > model.tol:
        warnings.warn(
            f"LinearSVC: the duality gap is still {model.duality_gap_:.2g} of the objective "
            f"(tol={model.tol}) after {n_iter} L-BFGS iterations; increase max_iter or tol",
            ConvergenceWarning, stacklevel=7,
        )
    theta = scaling.to_solver(coef, intercept, model.fit_intercept)
    model._set_result(OptimizeResult(theta, np.array(history), n_iter, True), scaling, objective)

r"""The one core behind every linear model of the course.

See the book: sections 2.1.2-2.1.8.

A linear model scores an object as :math:`z = \langle w, x \rangle + b` and
is trained by minimizing

.. math:: Q(w, b) = \sum_{i=1}^N s_i\,\ell(y_i, z_i) + \alpha\,\Omega(w),

with a pointwise loss :math:`\ell` from :mod:`course_lib.losses`, sample
weights :math:`s_i` (all 1 by default) and a penalty :math:`\Omega` from
:mod:`course_lib.penalties` that never touches the bias. The iterative
solvers of :mod:`course_lib.optim` minimize :math:`Q / S`, :math:`S = \sum_i s_i`
(weighted mean loss plus :math:`\frac{\alpha}{S}\Omega`): the minimizer is
the same, and a step size then does not depend on the number of samples.
They work in standardized coordinates (see :class:`FeatureScaling`), so
neither the step nor the stopping rule depends on the units of the features.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._random import RANDOM_STATE_CONSTRAINT, as_generator
from .._validation import Number
from ..losses import LOSSES, Loss, SquaredLoss, get_loss
from ..optim import OptimizeResult, gradient_descent, inverse_sqrt_decay, sgd
from ..penalties import get_penalty
from ._closed_form import (IllConditionedError, center_data, centered_gram, lasso_cd,
                           solve_lstsq, solve_normal)
from ._data import FeatureScaling, as_float, check_features, check_fit_data, gram_spectrum
from ._objective import LinearObjective
from ._second_order import SECOND_ORDER

Array = NDArray[np.float64]

#: The largest SGD step of learning_rate="auto": small enough that the noise
#: of minibatch gradients costs well under 1% of MSE on standardized data.
SGD_MAX_LEARNING_RATE = 0.01

#: solver="auto" leaves the normal equations for lstsq below this reciprocal
#: condition number of the scaled Gram matrix: squaring X would cost more
#: than half of the 16 digits.
AUTO_MIN_RCOND = 1e-8


#: Hyperparameters shared by every linear estimator, checked by scikit-learn at fit.
COMMON_CONSTRAINTS: dict = {
    "loss": [StrOptions(set(LOSSES)), Loss],
    "fit_intercept": ["boolean"],
    "learning_rate": [StrOptions({"auto"}), Number(Real, 0, None, closed="neither")],
    "max_iter": [Number(Integral, 1, None, closed="left")],
    "batch_size": [Number(Integral, 1, None, closed="left")],
    "tol": [Number(Real, 0, None, closed="left")],
    "random_state": RANDOM_STATE_CONSTRAINT,
}
ALPHA_CONSTRAINT = [Number(Real, 0, None, closed="left")]


def _within_penalty(rate: float, objective: LinearObjective) -> float:
    r"""Cap the step of a bounded-gradient loss at one over the L2 penalty's curvature.

    The penalty's own step :math:`u \leftarrow (1 - \eta p)u` grows without
    bound once :math:`\eta p > 2`; a step scaled to the spread of ``y`` (large
    ``y``, small loss gradients) can exceed that, the smooth part of the
    objective then diverges whatever the loss does.
    """
    curvature = objective.penalty_curvature()
    return min(rate, 1.0 / curvature) if curvature > 0 else rate


class LinearModel(BaseEstimator):
    """Fitting machinery shared by all linear estimators; not used directly.

    Subclasses set ``_penalty`` (``None``, ``"l2"`` or ``"l1"``) and
    ``_parameter_constraints`` (scikit-learn checks them at fit), validate
    ``X, y`` and call :meth:`_fit_linear`
    / :meth:`_partial_fit_linear`.
    """

    _penalty: str | None = None
    #: Does the "auto" SGD step's cap scale with a smooth loss's curvature (classifiers)?
    _sgd_cap_per_curvature = False

    # -- parameters ---------------------------------------------------------
    def _resolve(self) -> tuple[Loss, str]:
        """The loss object and the solver to use (``solver="auto"`` resolved)."""
        loss = get_loss(self.loss)
        squared = isinstance(loss, SquaredLoss)
        if self.solver == "auto":
            direct = "cd" if self._penalty == "l1" else "normal"
            return loss, direct if squared else "gd"
        if self.solver not in ("gd", "sgd") and not squared:
            raise ValueError(
                f"solver={self.solver!r} solves the least-squares problem only; "
                f"loss={self.loss!r} needs solver='gd', 'sgd' or 'auto'"
            )
        return loss, self.solver

    def _alpha(self) -> float:
        return float(getattr(self, "alpha", 0.0))

    def _objective(self, loss: Loss, total_weight: float) -> LinearObjective:
        penalty = get_penalty(self._penalty) if self._penalty else None
        return LinearObjective(loss, penalty, self._alpha(), total_weight, self.fit_intercept)

    # -- fitting ------------------------------------------------------------
    def _fit_linear(self, X: Array, y: Array, sample_weight: ArrayLike | None = None) -> None:
        """Fit on validated float arrays: coef_, intercept_, solver_, n_iter_ (+ loss_curve_)."""
        for attribute in ("loss_curve_", "n_samples_seen_", "n_samples_per_pass_", "_scaling",
                          "_weight_unit"):
            self.__dict__.pop(attribute, None)  # left from an earlier fit
        loss, self.solver_ = self._resolve()
        weights = check_fit_data(X, y, sample_weight, loss)
        if self.solver_ in ("gd", "sgd"):
            self._fit_iterative(X, y, weights, loss)
        elif self.solver_ in SECOND_ORDER:
            self._fit_second_order(X, y, weights, loss)
        else:
            self._fit_closed_form(X, y, weights)

    def _fit_closed_form(self, X: Array, y: Array, weights: Array | None) -> None:
        check_features(X, len(y))
        self.n_iter_, alpha = 1, self._alpha()
        if weights is not None:  # the same minimizer; no overflow of the weighted Gram products
            largest = float(weights.max())
            weights, alpha = weights / largest, alpha / largest
        if self.solver_ == "lstsq":
            coef, x_mean, y_mean = self._lstsq(X, y, weights, alpha)
        else:
            gram, Xty, yty, x_mean, y_mean = centered_gram(X, y, self.fit_intercept, weights)
            if self.solver_ == "cd" and alpha > 0:
                coef, self.n_iter_ = lasso_cd(
                    gram, Xty, yty, alpha, tol=self.tol, max_iter=self.max_iter
                )
            else:  # normal equations (also a lasso with alpha = 0: least squares)
                strict = self.solver == "normal"  # chosen by the user: refuse, do not fall back
                try:
                    coef = solve_normal(gram, Xty, alpha, len(y),
                                        min_rcond=None if strict else AUTO_MIN_RCOND)
                except IllConditionedError:
                    if strict:
                        raise
                    self.solver_ = "lstsq"
                    coef, x_mean, y_mean = self._lstsq(X, y, weights, alpha)
        self.coef_ = coef
        self.intercept_ = float(y_mean - x_mean @ coef) if self.fit_intercept else 0.0

    def _lstsq(self, X: Array, y: Array, weights: Array | None,
               alpha: float) -> tuple[Array, Array, float]:
        Xc, yc, x_mean, y_mean = center_data(X, y, self.fit_intercept, weights)
        return solve_lstsq(Xc, yc, alpha), x_mean, y_mean

    def _solver_problem(
        self, X: Array, y: Array, weights: Array | None, loss: Loss
    ) -> tuple[LinearObjective, FeatureScaling, tuple[Array, ...], Array]:
        """The mean objective in the solvers' standardized coordinates, its data and start."""
        total = len(y) if weights is None else float(weights.sum())
        objective = self._objective(loss, total)
        if weights is not None:  # mean 1: a batch mean of s_i * loss_i then estimates Q/S
            weights = weights * (len(y) / total)
        scaling = FeatureScaling.measure(X, y, weights, self.fit_intercept)
        scaling.fix_scale(objective)
        Xs = scaling.transform(X)
        data = (Xs, y) if weights is None else (Xs, y, weights)
        return objective, scaling, data, objective.initial(X.shape[1], y, weights)

    def _fit_second_order(self, X: Array, y: Array, weights: Array | None, loss: Loss) -> None:
        """L-BFGS or Newton's method (smooth losses, smooth penalty), see :mod:`._second_order`."""
        objective, scaling, data, theta0 = self._solver_problem(X, y, weights, loss)
        minimize = SECOND_ORDER[self.solver_]
        result = minimize(objective, data, theta0, tol=self.tol, max_iter=self.max_iter,
                          from_zero=True)  # scikit-learn's start
        self._set_result(result, scaling, objective)

    def _set_result(
        self, result: OptimizeResult, scaling: FeatureScaling, objective: LinearObjective
    ) -> None:
        self._warn_unless_converged(result)
        self.coef_, self.intercept_ = scaling.from_solver(objective, result.x)
        self.n_iter_, self.loss_curve_ = result.n_iter, result.loss_history

    def _fit_iterative(self, X: Array, y: Array, weights: Array | None, loss: Loss) -> None:
        objective, scaling, data, theta0 = self._solver_problem(X, y, weights, loss)
        Xs, weights = data[0], (data[2] if len(data) == 3 else None)
        prox = objective.prox if objective.needs_prox else None
        spectrum = gram_spectrum(Xs, self.fit_intercept, weights)
        gtol = self._gradient_tolerance(spectrum, objective, objective(theta0, *data)[0], data)
        if self.solver_ == "gd":
            result = gradient_descent(
                lambda theta: objective(theta, *data), theta0,
                learning_rate=self._gd_learning_rate(Xs, y, weights, objective, theta0, spectrum),
                max_iter=self.max_iter, tol=self.tol, prox=prox, gtol=gtol,
            )
        else:
            batch_curvature = self._sgd_batch_curvature(objective, data, spectrum)
            rate = self._sgd_learning_rate(scaling, objective, y, False, batch_curvature)
            # per-batch cuts only for softmax, whose step is not from L_B
            limit = self._step_limit(objective, data) if batch_curvature is None else {}
            result = sgd(
                objective, theta0, data, learning_rate=inverse_sqrt_decay(rate),
                batch_size=self.batch_size, max_epochs=self.max_iter, tol=self.tol,
                random_state=as_generator(self.random_state), prox=prox, gtol=gtol, **limit,
            )
        self._set_result(result, scaling, objective)
        if self.solver_ == "sgd":  # partial_fit may continue
            self.n_samples_seen_, self._scaling = len(y), scaling

    def _warn_unless_converged(self, result: OptimizeResult) -> None:
        if result.converged:
            return
        if self.solver_ in SECOND_ORDER and result.n_iter < self.max_iter:  # stalled
            message = (
                f"solver={self.solver_!r} could not certify the objective within "
                f"tol={self.tol} of its minimum: it stopped improving first (by less "
                "than 64 machine epsilons of the best constant model's objective "
                "per step, or to below that level), or its restarts with ever "
                "smaller gradient tolerances ran out. "
                "With alpha=0 and separable classes there is no minimum; otherwise "
                "the objective is very flat: increase alpha, or rescale X"
            )
        elif result.n_iter < self.max_iter:  # gd/sgd that ended above its start
            message = (
                f"solver={self.solver_!r} stopped after {result.n_iter} iterations with "
                "the objective above its starting value; the best point seen is kept. "
                "Either the start is already optimal (e.g. alpha zeroes every weight) "
                "or the steps are too long: lower learning_rate"
            )
        else:
            message = (
                f"solver={self.solver_!r} stopped at max_iter={self.max_iter} before "
                "converging; increase max_iter or tol, or tune learning_rate"
            )
        warnings.warn(message, ConvergenceWarning, stacklevel=8)  # the caller of fit

    def _gradient_tolerance(
        self, spectrum: Array, objective: LinearObjective, start: float, data: tuple
    ) -> float | Callable[[Array], float] | None:
        r"""The gradient norm at which the excess objective is at most ``tol`` times the start.

        Near the minimum of a smooth objective with curvature at least
        :math:`\mu`, :math:`f - f^* \le \|\nabla f\|^2 / (2\mu)`. Asking for
        :math:`\|\nabla f\| \le \sqrt{2\mu\,\mathrm{tol}\,f_0}`, with :math:`f_0`
        the objective of the best constant, bounds the excess by
        :math:`\mathrm{tol}\,f_0`: for the squared loss, :math:`R^2` is within
        ``tol`` of the best. :math:`\mu` is the smallest non-zero eigenvalue of the
        scaled Gram matrix times the loss curvature (a flat direction of
        collinear features costs nothing). Non-smooth losses: ``None``. A loss
        whose curvature varies (logistic, softmax: nearly flat where the
        predictions are confident) gets a function of the iterate instead, with
        :math:`\mu` the curvature measured there (:meth:`LinearObjective.min_curvature`).
        """
        smoothness = objective.loss.smoothness
        if not smoothness:
            return None
        if hasattr(objective.loss, "curvature_floor"):
            return lambda theta: 0.5 * float(
                np.sqrt(2.0 * objective.min_curvature(theta, *data) * self.tol * start))
        spectrum = spectrum[spectrum > 1e-12 * spectrum[-1]]
        curvature = smoothness * (float(spectrum[0]) if spectrum.size else 0.0)
        curvature += objective.penalty_curvature(largest=False)
        # Half of the bound: excess <= tol * f0 / 4, a margin for the curvature estimate.
        return 0.5 * float(np.sqrt(2.0 * curvature * self.tol * start))

    def _gd_learning_rate(
        self, X: Array, y: Array, weights: Array | None, objective: LinearObjective,
        theta0: Array, spectrum: Array,
    ) -> float | Callable[[int], float]:
        r"""Step of gradient descent: ``1/L`` for smooth losses, a decaying step otherwise.

        For a non-smooth loss the first step moves the weights by about the
        spread of ``y`` divided by the spread of ``X`` (both measured on the
        data), then shrinks as :math:`1/\sqrt{1+t}`.
        """
        curvature, smoothness = float(spectrum[-1]), objective.loss.smoothness
        if self.learning_rate != "auto":
            rate = float(self.learning_rate)
            return rate if smoothness else inverse_sqrt_decay(rate)
        if smoothness:
            return 1.0 / objective.smoothness(curvature)
        baseline = objective.loss.baseline(y, weights)
        residual = np.abs(y - baseline) if weights is None else weights * np.abs(y - baseline)
        spread_y = float(np.mean(residual))
        grad_norm = float(np.linalg.norm(objective(theta0, X, y, weights)[1]))
        if spread_y == 0 or grad_norm == 0 or curvature == 0:
            rate = 1.0 / max(curvature, 1.0)
        else:
            rate = spread_y / (np.sqrt(curvature) * grad_norm)
        return inverse_sqrt_decay(_within_penalty(rate, objective))

    def _step_limit(self, objective: LinearObjective, data: tuple[Array, ...]) -> dict:
        """With ``learning_rate="auto"`` and a smooth loss, no batch takes more than its safe step.

        The auto step suits an average batch; a batch of unusually long rows
        (heavy-tailed features, small batches) would overshoot with it. A step
        the user gave is taken as given. Returns the keyword arguments of
        ``sgd``: the check itself and the step even the heaviest single row of
        ``data`` allows, below which ``sgd`` skips the check.
        """
        if self.learning_rate != "auto" or not objective.loss.smoothness:
            return {}
        weights = data[2] if len(data) == 3 else None
        return {"step_limit": objective.safe_step,
                "always_safe": objective.smallest_safe_step(data[0], weights)}

    def _sgd_batch_curvature(
        self, objective: LinearObjective, data: tuple[Array, ...], spectrum: Array
    ) -> float | None:
        r"""``fit``'s :math:`2\mathcal L_B` for the "auto" step of a smooth loss, else None.

        :math:`\mathcal L_B` is :meth:`LinearObjective.batch_smoothness`; Gower
        et al.'s theorem (ICML 2019, theorem 3.1) needs steps
        :math:`\eta \le 1/(2\mathcal L_B)`.
        """
        if self.learning_rate != "auto" or not objective.loss.smoothness:
            return None
        weights = data[2] if len(data) == 3 else None
        return 2.0 * objective.batch_smoothness(
            float(spectrum[-1]), data[0], weights, self.batch_size)

    def _sgd_learning_rate(
        self, scaling: FeatureScaling, objective: LinearObjective, y: Array, streaming: bool,
        batch_curvature: float | None = None,
    ) -> float:
        r"""SGD step: ``learning_rate`` or, for "auto", :math:`\min(0.01, 1/\mathcal C)`.

        (Classifiers with a smooth loss of curvature :math:`\sigma` cap at
        :math:`0.01 \cdot 2/\sigma` instead: logistic 0.08.)

        ``fit`` with a smooth loss passes :math:`\mathcal C = 2\mathcal L_B`
        (:meth:`_sgd_batch_curvature`), :math:`\mathcal L_B` the expected
        smoothness constant of a batch of :math:`B` rows: the largest step
        with which the theorem of Gower et al. proves minibatch SGD converges.
        :math:`\mathcal L_B` bounds the batches' curvature on average
        (:math:`\mathbb E\,H_S^2 \preceq \mathcal L_B H` for the squared loss),
        not batch by batch, but it counts the heaviest row: alone among
        typical rows it adds curvature :math:`L_{\max}/B`, at most
        :math:`(N-1)/(2(N-B))` over the step, so one long row cannot make a
        batch overshoot; ``fit`` cuts no batch's step. The cap 0.01 (many
        epochs: a small step keeps the noise of minibatches low) sets the
        step on most data (diabetes, 10 features: :math:`\mathcal L_B = 10.7`;
        standardized Gaussian features: :math:`2\mathcal L_B < 100` up to
        ~600 of them); :math:`1/(2\mathcal L_B)` on very long rows (digits, 64:
        :math:`\mathcal L_B = 158`) or more features. A batch's
        curvature is at most the mean curvature of its rows (the trace bound),
        on average :math:`2(D + 1)`; but for :math:`B` nearly orthogonal rows
        that is ~25 times :math:`\mathcal L_B` at :math:`D = 1000`.
        Otherwise :math:`\mathcal C` is the mean curvature of one sample: in
        the solver's standardized coordinates :math:`2(D + 1)` for the squared
        loss whatever the data, so the step depends on the number of features
        only. ``partial_fit`` with a smooth loss takes the full :math:`1/(2(D+1))`,
        the largest step with which an average single row does not overshoot
        (safe with room to spare for a batch), since a stream must learn in
        one pass (it decays per sample seen). The
        gradient of the squared loss, :math:`2r`, grows with the residual; the
        bounded gradient of a non-smooth loss (absolute: :math:`\pm 1`) does
        not, so for such losses the step is scaled by :math:`2\sigma_y / \overline{|\ell'|}`,
        the ratio of the two at a residual of the spread of ``y``: the units
        of ``y`` then do not matter.
        """
        if self.learning_rate != "auto":
            return float(self.learning_rate)
        smooth = bool(objective.loss.smoothness)
        if smooth and self._sgd_cap_per_curvature:
            # the cap 0.01 is made for the squared loss (curvature 2); what keeps
            # the noise of SGD small is step * curvature, so a flatter loss
            # (logistic: 1/4) may take a proportionally longer step
            cap = SGD_MAX_LEARNING_RATE * SquaredLoss.smoothness / objective.loss.smoothness
        else:
            cap = 1.0 if streaming and smooth else SGD_MAX_LEARNING_RATE
        curvature = batch_curvature or scaling.mean_curvature(objective)
        if not smooth:  # the penalty's curvature is in other units (1/y^2 with y): capped below
            curvature -= objective.penalty_curvature()
        rate = min(cap, 1 / curvature) if curvature > 0 else cap
        if not smooth:
            start = np.full_like(y, scaling.target_mean)
            typical = float(np.mean(np.abs(objective.loss.gradient(y, start))))
            if typical > 0 and scaling.target_spread > 0:
                rate *= SquaredLoss.smoothness * scaling.target_spread / typical
            rate = _within_penalty(rate, objective)
        return rate

    def _partial_fit_linear(
        self, X: Array, y: Array, sample_weight: ArrayLike | None, n_samples_per_pass: float | None
    ) -> None:
        """One SGD pass over (X, y) in order, continuing from the current weights."""
        loss, _ = self._resolve()
        weights = check_fit_data(X, y, sample_weight, loss)
        # Weights in units of the first chunk's mean (the same for every chunk):
        # the steps do not depend on their scale; alpha is rescaled to match.
        if not hasattr(self, "_weight_unit"):
            self._weight_unit = 1.0 if weights is None else float(np.mean(weights))
        unit = self._weight_unit
        if weights is not None or unit != 1.0:
            weights = (np.ones(len(y)) if weights is None else weights) / unit
        if n_samples_per_pass is not None:
            if not (isinstance(n_samples_per_pass, Real) and n_samples_per_pass >= 1):
                raise ValueError(
                    f"n_samples_per_pass must be a number >= 1, got {n_samples_per_pass!r}"
                )
            self.n_samples_per_pass_ = float(n_samples_per_pass)
        objective = self._objective(loss, getattr(self, "n_samples_per_pass_", len(y)) * unit)
        chunk = FeatureScaling.measure(X, y, weights, self.fit_intercept)
        scaling = self._scaling.merge(chunk) if hasattr(self, "_scaling") else chunk
        scaling.fix_scale(objective)
        if hasattr(self, "coef_"):  # also after fit with any solver
            theta = scaling.to_solver(self.coef_, self.intercept_, self.fit_intercept)
        else:
            theta = objective.initial(X.shape[1], y, weights)
        Xs = scaling.transform(X)
        rate = self._sgd_learning_rate(scaling, objective, y, streaming=True)
        # The step decays per sample seen over a pass, or, with no pass size
        # given, over the B / (rate * curvature) samples the full step needs to
        # forget where it started: either way, not per call.
        smoothness = loss.smoothness or SquaredLoss.smoothness
        horizon = getattr(self, "n_samples_per_pass_", self.batch_size / (rate * smoothness))
        seen = getattr(self, "n_samples_seen_", 0)
        data = (Xs, y) if weights is None else (Xs, y, weights)
        result = sgd(
            objective, theta, data,
            learning_rate=lambda t: rate / np.sqrt(1.0 + (seen + t) / horizon),
            batch_size=self.batch_size, max_epochs=1, tol=None, shuffle=False,
            schedule_unit="sample", prox=objective.prox if objective.needs_prox else None,
            **self._step_limit(objective, data),
        )
        continuing = getattr(self, "solver_", None) == "sgd"
        self.coef_, self.intercept_ = scaling.from_solver(objective, result.x)
        self._scaling, self.solver_ = scaling, "sgd"
        self.n_samples_seen_ = getattr(self, "n_samples_seen_", 0) + len(y)
        self.n_iter_ = self.n_iter_ + 1 if continuing else 1
        previous = self.loss_curve_ if continuing else np.empty(0)
        self.loss_curve_ = np.append(previous, result.loss_history)

    # -- prediction ---------------------------------------------------------
    def _decision_function(self, X: ArrayLike) -> Array:
        """Scores :math:`z = Xw + b`, shape ``(n_samples,)``, after validation."""
        check_is_fitted(self)
        (X,) = as_float(validate_data(self, X, dtype="numeric", reset=False))
        return X @ self.coef_ + self.intercept_

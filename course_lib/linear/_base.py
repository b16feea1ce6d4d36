r"""The one core behind every linear model of the course.

See the book: sections 2.1.2-2.1.8.

A linear model scores an object as :math:`z = \langle w, x \rangle + b` and
is trained by minimizing

.. math:: Q(w, b) = \sum_{i=1}^N \ell(y_i, z_i) + \alpha\,\Omega(w),

with a pointwise loss :math:`\ell` from :mod:`course_lib.losses` and a penalty
:math:`\Omega` from :mod:`course_lib.penalties` that never touches the bias.
The iterative solvers of :mod:`course_lib.optim` minimize :math:`Q / N`
(mean loss plus :math:`\frac{\alpha}{N}\Omega`): the minimizer is the same,
and a step size then does not depend on the number of samples.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ..losses import Loss, SquaredLoss, get_loss
from ..optim import OptimizeResult, gradient_descent, inverse_sqrt_decay, iterate_minibatches, sgd
from ..penalties import Penalty, get_penalty
from ._closed_form import center_data, centered_gram, lasso_cd, solve_lstsq, solve_normal

Array = NDArray[np.float64]

#: The largest SGD step of learning_rate="auto": small enough that the noise
#: of minibatch gradients costs well under 1% of MSE on standardized data.
SGD_MAX_LEARNING_RATE = 0.01


class LinearObjective:
    r"""Mean objective :math:`Q/N` of a linear model and its gradient on a batch.

    The parameters are packed into one vector ``theta = (w_1..w_D, b)``
    (without ``b`` when there is no bias), so the generic solvers see a plain vector.

    Parameters
    ----------
    loss : Loss
    penalty : Penalty or None
    alpha : float
        Regularization strength of the *sum* objective :math:`Q`.
    n_samples : int
        :math:`N`, the size of the whole training set (the penalty share of
        one sample is :math:`\alpha/N`).
    fit_intercept : bool
    """

    def __init__(
        self, loss: Loss, penalty: Penalty | None, alpha: float, n_samples: int,
        fit_intercept: bool,
    ) -> None:
        self.loss, self.penalty, self.fit_intercept = loss, penalty, fit_intercept
        self.penalty_scale = alpha / n_samples if penalty is not None else 0.0

    def split(self, theta: Array) -> tuple[Array, float]:
        """Weights and bias from the packed vector."""
        if self.fit_intercept:
            return theta[:-1], float(theta[-1])
        return theta, 0.0

    def initial(self, n_features: int, y: Array) -> Array:
        """Zero weights; the bias starts at the best constant prediction of the loss."""
        if not self.fit_intercept:
            return np.zeros(n_features)
        return np.append(np.zeros(n_features), self.loss.baseline(y))

    def __call__(self, theta: Array, X: Array, y: Array) -> tuple[float, Array]:
        w, b = self.split(theta)
        z = X @ w + b
        value = float(np.mean(self.loss.value(y, z)))
        dz = self.loss.gradient(y, z) / len(y)
        grad_w = X.T @ dz
        if self.penalty_scale:
            value += self.penalty_scale * self.penalty.value(w)
            if self.penalty.smooth:
                grad_w = grad_w + self.penalty_scale * self.penalty.gradient(w)
        return value, (np.append(grad_w, dz.sum()) if self.fit_intercept else grad_w)

    def prox(self, theta: Array, step: float) -> Array:
        """Proximal step of the (non-smooth) penalty on the weights only."""
        w, _ = self.split(theta)
        theta = theta.copy()
        theta[: len(w)] = self.penalty.prox(w, step * self.penalty_scale)
        return theta

    @property
    def needs_prox(self) -> bool:
        return self.penalty_scale > 0 and not self.penalty.smooth


def max_curvature(X: Array, fit_intercept: bool) -> float:
    r"""Largest eigenvalue of :math:`\frac1N A^TA`, :math:`A = (X \mid \mathbf 1)`.

    Times the loss smoothness this is the Lipschitz constant :math:`L` of the
    gradient of the mean loss; gradient descent with step :math:`1/L` never
    diverges. Costs one :math:`D \times D` Gram matrix.
    """
    n_samples = X.shape[0]
    gram = X.T @ X
    if fit_intercept:
        column = X.sum(axis=0)[:, None]
        gram = np.block([[gram, column], [column.T, np.array([[n_samples]])]])
    return float(np.linalg.eigvalsh(gram / n_samples)[-1])


class LinearModel(BaseEstimator):
    """Fitting machinery shared by all linear estimators; not used directly.

    Subclasses set ``_penalty`` (``None``, ``"l2"`` or ``"l1"``) and
    ``_solvers`` (the allowed values of ``solver``, the first is the default),
    validate ``X, y`` and call :meth:`_fit_linear` / :meth:`_partial_fit_linear`.
    """

    _penalty: str | None = None
    _solvers: tuple[str, ...] = ()

    # -- parameters ---------------------------------------------------------
    def _check_params(self) -> Loss:
        """Validate hyperparameters (stored untouched by __init__) and return the loss."""
        if self.solver not in self._solvers:
            raise ValueError(f"solver must be one of {self._solvers}, got {self.solver!r}")
        alpha = self._alpha()
        if not (np.isfinite(alpha) and alpha >= 0):
            raise ValueError(f"alpha must be a non-negative number, got {alpha!r}")
        for name in ("max_iter", "batch_size"):
            value = getattr(self, name)
            if not (isinstance(value, (int, np.integer)) and value >= 1):
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not (isinstance(self.tol, (int, float)) and self.tol >= 0):
            raise ValueError(f"tol must be a non-negative number, got {self.tol!r}")
        lr = self.learning_rate
        if not (lr == "auto" or (isinstance(lr, (int, float)) and lr > 0)):
            raise ValueError(f"learning_rate must be 'auto' or a positive number, got {lr!r}")
        loss = get_loss(self.loss)
        if self.solver not in ("gd", "sgd") and not isinstance(loss, SquaredLoss):
            raise ValueError(
                f"solver={self.solver!r} solves the least-squares problem only; "
                f"loss={self.loss!r} needs solver='gd' or solver='sgd'"
            )
        return loss

    def _alpha(self) -> float:
        return float(getattr(self, "alpha", 0.0))

    def _objective(self, loss: Loss, n_samples: int) -> LinearObjective:
        penalty = get_penalty(self._penalty) if self._penalty else None
        return LinearObjective(loss, penalty, self._alpha(), n_samples, self.fit_intercept)

    def _set_solution(self, objective: LinearObjective, theta: Array) -> None:
        coef, intercept = objective.split(theta)
        self.coef_, self.intercept_ = coef.copy(), intercept

    # -- fitting ------------------------------------------------------------
    def _fit_linear(self, X: Array, y: Array) -> None:
        """Fit on validated float arrays; sets coef_, intercept_, n_iter_ (+ loss_curve_)."""
        loss = self._check_params()
        loss.check_target(y)
        if self.solver in ("gd", "sgd"):
            self._fit_iterative(X, y, loss)
        else:
            self._fit_closed_form(X, y)

    def _fit_closed_form(self, X: Array, y: Array) -> None:
        self.n_iter_ = 1
        if self.solver == "lstsq":
            Xc, yc, x_mean, y_mean = center_data(X, y, self.fit_intercept)
            coef = solve_lstsq(Xc, yc, self._alpha())
        else:
            gram, Xty, yty, x_mean, y_mean = centered_gram(X, y, self.fit_intercept)
            if self.solver == "normal":
                coef = solve_normal(gram, Xty, self._alpha(), n_samples=len(y))
            else:  # "cd"
                coef, self.n_iter_ = lasso_cd(
                    gram, Xty, yty, self._alpha(), tol=self.tol, max_iter=self.max_iter
                )
        self.coef_ = coef
        self.intercept_ = float(y_mean - x_mean @ coef) if self.fit_intercept else 0.0

    def _fit_iterative(self, X: Array, y: Array, loss: Loss) -> None:
        # Same model, better conditioned: with centered features the bias no
        # longer couples to large feature means, so GD/SGD converge from any
        # offset of X. The bias is shifted back at the end.
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(X.shape[1])
        X = X - x_mean
        objective = self._objective(loss, len(y))
        theta0 = objective.initial(X.shape[1], y)
        prox = objective.prox if objective.needs_prox else None
        if self.solver == "gd":
            result = gradient_descent(
                lambda theta: objective(theta, X, y), theta0,
                learning_rate=self._gd_learning_rate(X, y, objective, theta0),
                max_iter=self.max_iter, tol=self.tol, prox=prox,
            )
        else:
            result = sgd(
                objective, theta0, (X, y),
                learning_rate=inverse_sqrt_decay(self._sgd_rate(X, objective.loss)),
                batch_size=self.batch_size, max_epochs=self.max_iter, tol=self.tol,
                random_state=self.random_state, prox=prox,
            )
        self._finish(objective, result)
        self.intercept_ -= float(x_mean @ self.coef_)
        if self.solver == "sgd":
            self.n_samples_seen_ = len(y)

    def _finish(self, objective: LinearObjective, result: OptimizeResult) -> None:
        if not result.converged:
            warnings.warn(
                f"solver={self.solver!r} stopped at max_iter={self.max_iter} before "
                "converging; increase max_iter, tune learning_rate or standardize X",
                ConvergenceWarning,
                stacklevel=4,
            )
        self._set_solution(objective, result.x)
        self.n_iter_, self.loss_curve_ = result.n_iter, result.loss_history

    def _gd_learning_rate(
        self, X: Array, y: Array, objective: LinearObjective, theta0: Array
    ) -> float | Callable[[int], float]:
        r"""Step of gradient descent: ``1/L`` for smooth losses, a decaying step otherwise.

        For a non-smooth loss the first step moves the weights by about the
        spread of ``y`` divided by the spread of ``X`` (both measured on the
        data), then shrinks as :math:`1/\sqrt{1+t}`.
        """
        curvature = max_curvature(X, self.fit_intercept)
        smoothness = objective.loss.smoothness
        if self.learning_rate != "auto":
            rate = float(self.learning_rate)
            return rate if smoothness else inverse_sqrt_decay(rate)
        if smoothness:
            penalty = objective.penalty
            extra = objective.penalty_scale * penalty.smoothness if penalty else 0.0
            return 1.0 / (smoothness * curvature + extra)
        spread_y = float(np.mean(np.abs(y - objective.loss.baseline(y))))
        grad_norm = float(np.linalg.norm(objective(theta0, X, y)[1]))
        if spread_y == 0 or grad_norm == 0 or curvature == 0:
            return inverse_sqrt_decay(1.0 / max(curvature, 1.0))
        return inverse_sqrt_decay(spread_y / (np.sqrt(curvature) * grad_norm))

    def _sgd_rate(self, X: Array, loss: Loss) -> float:
        r"""First SGD step: ``learning_rate`` or, for "auto", a step safe for any scale of X.

        :math:`\min(0.01, 1 / (s \cdot \overline{\|a_i\|^2}))` with :math:`a_i = (x_i, 1)`
        and :math:`s` the loss smoothness: the mean squared row norm bounds the
        curvature of every minibatch on average, so unscaled features get a
        smaller step instead of a divergence. Costs one pass over ``X``.
        """
        if self.learning_rate != "auto":
            return float(self.learning_rate)
        mean_sq_norm = float(np.einsum("ij,ij->", X, X)) / len(X) + float(self.fit_intercept)
        curvature = (loss.smoothness or SquaredLoss.smoothness) * mean_sq_norm
        if curvature == 0:  # all-zero X: any step is safe
            return SGD_MAX_LEARNING_RATE
        return min(SGD_MAX_LEARNING_RATE, 1.0 / curvature)

    def _partial_fit_linear(self, X: Array, y: Array) -> None:
        """One SGD pass over (X, y) in order, continuing from the current weights."""
        loss = self._check_params()
        loss.check_target(y)
        first = not hasattr(self, "coef_")
        self.n_samples_seen_ = len(y) + (0 if first else self.n_samples_seen_)
        # The penalty is shared over the samples seen so far: the objective is
        # "sum of losses on the data seen + alpha * penalty".
        objective = self._objective(loss, self.n_samples_seen_)
        if first:
            theta, passes, curve = objective.initial(X.shape[1], y), 0, np.empty(0)
        else:
            theta = np.append(self.coef_, self.intercept_) if self.fit_intercept else self.coef_
            passes, curve = self.n_iter_, getattr(self, "loss_curve_", np.empty(0))
        result = sgd(
            objective, theta, iterate_minibatches(X, y, self.batch_size),
            learning_rate=self._sgd_rate(X, loss) / np.sqrt(1.0 + passes), max_epochs=1, tol=None,
            prox=objective.prox if objective.needs_prox else None,
        )
        self._set_solution(objective, result.x)
        self.n_iter_, self.loss_curve_ = passes + 1, np.append(curve, result.loss_history)

    # -- prediction ---------------------------------------------------------
    def _decision_function(self, X: ArrayLike) -> Array:
        """Scores :math:`z = Xw + b`, shape ``(n_samples,)``, after validation."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_ + self.intercept_

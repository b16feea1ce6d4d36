r"""Maximum-likelihood linear regression under a chosen noise model.

See the book: section 3.1.4.

The model is :math:`y = \langle x, \omega\rangle + \omega_0 + \varepsilon` with
noise :math:`\varepsilon` from :mod:`course_lib.probabilistic` (Gaussian,
Laplace or Student-t with :math:`\nu` degrees of freedom), and the weights
and the noise scale maximize the likelihood jointly,

.. math::
    \hat\omega, \hat\omega_0, \hat\sigma = \arg\min\; -\sum_{i=1}^N s_i \log p_\sigma\bigl(y_i - \langle x_i, \omega\rangle - \omega_0\bigr)

(sample weights :math:`s_i`, all 1 by default). Each noise reduces to a
problem of chapter 2 solved by the linear core:

* Gaussian: least squares (:func:`course_lib.linear.center_data` and
  :func:`course_lib.linear.solve_lstsq`, the closed form of
  ``course_lib.linear.LinearRegression``), then :math:`\hat\sigma^2 = \mathrm{RSS}/N`;
* Laplace: least absolute deviations, an exact linear program (the
  problem of scikit-learn's ``QuantileRegressor(quantile=0.5, alpha=0,
  solver="highs")``, solved in its smaller dual form by
  ``scipy.optimize.linprog(method="highs")``), then :math:`\hat b = \frac1N\sum_i |r_i|`;
* Student-t: the weights minimize :math:`\sum_i \ell_t(y_i, z_i)`
  (:class:`course_lib.losses.StudentTLoss`) at the current scale while the
  scale follows the weights; see :class:`MLERegression`.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linprog
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from .._validation import Number, check_sample_weight, fit_method
from ..linear import center_data, solve_lstsq
from ._checks import SCALE_FLOOR, UnboundedLikelihoodWarning, normalized_weights
from ._noise import NOISE_MODELS, StudentTNoise

Array = NDArray[np.float64]

__all__ = ["MLERegression"]


def least_squares(X: Array, y: Array, weights: Array, fit_intercept: bool) -> tuple[Array, float]:
    r"""Weighted least squares :math:`\sum_i s_i (y_i - \langle x_i, \omega\rangle - \omega_0)^2 \to \min`.

    The closed form of the linear core: center (weighted), multiply rows by
    :math:`\sqrt{s_i}`, solve by SVD (the minimum-norm solution for collinear
    features), on columns divided by their largest :math:`|x_{ij}|` so that a
    column of any units is kept (the fit is equivariant). Returns ``(coef, intercept)``.
    """
    unit = _units(X[weights > 0])  # columns of any units: SVD's cutoff would drop a tiny one
    Xc, yc, x_mean, y_mean = center_data(X / unit, y, fit_intercept, weights)
    coef = solve_lstsq(Xc, yc)
    return coef / unit, float(y_mean - x_mean @ coef) if fit_intercept else 0.0


def least_absolute_deviations(
    X: Array, y: Array, weights: Array, fit_intercept: bool
) -> tuple[Array, float]:
    r"""Weighted least absolute deviations :math:`\sum_i s_i |y_i - \langle a_i, \theta\rangle| \to \min`.

    Here :math:`a_i = (x_i, 1)` and :math:`\theta = (\omega, \omega_0)` (no 1
    without a bias). scikit-learn's ``QuantileRegressor`` solves this as a
    linear program with :math:`2N + 2D + 2` variables; its dual is much
    smaller (:math:`N` variables, :math:`D + 1` constraints), since
    :math:`|r| = \max_{|d| \le 1} d\,r`:

    .. math::
        \min_\theta \max_{|d_i| \le s_i} \sum_i d_i (y_i - \langle a_i, \theta\rangle)
        = \max\Bigl\{\, \sum_i d_i y_i \;:\; \sum_i d_i a_i = 0,\ |d_i| \le s_i \Bigr\},

    and :math:`\theta` is the vector of Lagrange multipliers of the
    constraints :math:`\sum_i d_i a_i = 0`, which HiGHS
    (``scipy.optimize.linprog(method="highs")``) returns with the solution.
    Equal optimal values of the two problems certify the optimum (checked).

    HiGHS works to absolute tolerances (about :math:`10^{-7}`), so the
    problem is solved in units where every number is about 1 and the answer
    converted back: each column of :math:`X` divided by its largest
    :math:`|x_{ij}|`, :math:`y` by its largest :math:`|y_i|`, the weights
    by the largest weight. The solution is equivariant: :math:`y \times c`
    gives :math:`\theta \times c`, a column times :math:`c` its weight
    divided by :math:`c`, the weights times :math:`c` the same :math:`\theta`.
    """
    x_unit = _units(X[weights > 0])  # the rows that count (as if zero weights were dropped)
    y_unit = _units(y[weights > 0, None])[0]
    weights = weights / weights.max()
    theta = _lad_unit_scale(X / x_unit, y / y_unit, weights, fit_intercept) * y_unit
    if fit_intercept:
        return theta[:-1] / x_unit, float(theta[-1])
    return theta / x_unit, 0.0


def _units(X: Array) -> Array:
    """The largest absolute value of each column (1 for an all-zero column)."""
    largest = np.max(np.abs(X), axis=0) if len(X) else np.ones(X.shape[1])
    return np.where(largest > 0, largest, 1.0)


def _lad_unit_scale(X: Array, y: Array, weights: Array, fit_intercept: bool) -> Array:
    """The dual linear program of :func:`least_absolute_deviations` on data of scale 1."""
    A = np.hstack([X, np.ones((len(y), 1))]) if fit_intercept else X
    result = linprog(-y, A_eq=A.T, b_eq=np.zeros(A.shape[1]),
                     bounds=np.column_stack([-weights, weights]), method="highs")
    if result.status != 0:
        raise ValueError(f"the least absolute deviations problem was not solved: {result.message}")
    theta = -result.eqlin.marginals  # linprog minimizes -y^T d: the multipliers change sign
    gap = float(weights @ np.abs(y - A @ theta)) + result.fun
    if gap > 1e-7 * max(-result.fun, float(weights @ np.abs(y)), np.finfo(float).tiny):
        warnings.warn(f"least absolute deviations: duality gap {gap:.3g} above the solver's "
                      "tolerance", ConvergenceWarning, stacklevel=6)
    return theta


class MLERegression(RegressorMixin, BaseEstimator):
    r"""Linear regression fitted by maximum likelihood under Gaussian, Laplace or Student-t noise.

    Maximizes :math:`\sum_i s_i \log p_\sigma(y_i - \langle x_i, \omega\rangle - \omega_0)`
    over the weights and the scale together:

    * ``"gaussian"``: the weights of least squares (equal to scikit-learn's
      ``LinearRegression``), :math:`\hat\sigma^2 = \mathrm{RSS}/N`;
    * ``"laplace"``: the weights of least absolute deviations (scikit-learn's
      ``QuantileRegressor(quantile=0.5, alpha=0, solver="highs")``),
      :math:`\hat b = \frac1N\sum_i|r_i|`;
    * ``"student_t"`` (:math:`\nu` = ``df`` fixed): from the least absolute
      deviations fit (a robust start; the likelihood may have several local
      maxima), alternate

      1. one step of iteratively reweighted least squares for
         :class:`~course_lib.losses.StudentTLoss` at the current
         :math:`\sigma`: least squares with weights
         :math:`s_i w_i`, :math:`w_i = \frac{\nu+1}{\nu + r_i^2/\sigma^2}`
         (:meth:`StudentTNoise.weights`, proportional to
         ``StudentTLoss.weight``): outliers get small weights;
      2. the maximum-likelihood :math:`\sigma` of the new residuals
         (:meth:`ContinuousNoise.fit`).

      Both steps never decrease the likelihood (the first is a
      majorize-minimize step, the loss being concave in :math:`r^2`), so it
      converges to a stationary point; this is the EM algorithm of the
      Student-t as a Gaussian scale mixture, with the exact scale update.
      It stops when the predictions move by at most ``tol`` times
      :math:`\hat\sigma` (root mean square) in one iteration, or by rounding
      errors only.

    scikit-learn has no Student-t regression; its ``HuberRegressor`` (Huber
    loss with a jointly estimated scale) is the nearest relative.

    Parameters
    ----------
    noise : {"gaussian", "laplace", "student_t"}, default="gaussian"
        The noise model (the keys of ``NOISE_MODELS``).
    df : float, default=3.0
        Degrees of freedom :math:`\nu > 0` of ``"student_t"`` (ignored otherwise).
    fit_intercept : bool, default=True
        Whether to fit the bias :math:`\omega_0`; otherwise :math:`\omega_0 = 0`.
    max_iter : int, default=1000
        Iterations of ``"student_t"``; reaching it raises a ``ConvergenceWarning``.
    tol : float, default=1e-8
        Stopping rule of ``"student_t"`` (see above).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Weights :math:`\omega`.
    intercept_ : float
        Bias :math:`\omega_0` (0.0 when ``fit_intercept=False``).
    noise_ : ContinuousNoise
        The fitted noise model (its ``scale`` is ``scale_``).
    scale_ : float
        The maximum-likelihood scale :math:`\hat\sigma` (:math:`\hat b` for Laplace).
        When the fit leaves residuals exactly 0 (a perfect fit; for Student-t
        also a fraction :math:`\ge \nu/(\nu+1)` of zero residuals) the
        likelihood is unbounded and has no maximum: an
        ``UnboundedLikelihoodWarning`` says so and ``scale_`` is the rounding
        level :math:`2.2\cdot 10^{-16}\max_i |y_i|` (finite, as is every
        log-likelihood then).
    n_iter_ : int
        Iterations of ``"student_t"``; 1 for the others.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> model = MLERegression(noise="gaussian").fit(X, [1.0, 3.5, 4.5, 7.0])
    >>> model.coef_.round(6), round(model.intercept_, 6), round(model.scale_, 6)  # sqrt(RSS / N)
    (array([1.9]), 1.15, 0.33541)

    See the book: section 3.1.4.
    """

    _parameter_constraints: dict = {
        "noise": [StrOptions(set(NOISE_MODELS))],
        "df": [Number(Real, 0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "max_iter": [Number(Integral, 1, None, closed="left")],
        "tol": [Number(Real, 0, None, closed="left")],
    }

    def __init__(
        self, noise: str = "gaussian", *, df: float = 3.0, fit_intercept: bool = True,
        max_iter: int = 1000, tol: float = 1e-8,
    ) -> None:
        self.noise, self.df, self.fit_intercept = noise, df, fit_intercept
        self.max_iter, self.tol = max_iter, tol

    @fit_method()
    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> MLERegression:
        r"""Fit the weights and the noise scale by maximum likelihood.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative :math:`s_i` multiplying each log-likelihood term
            (weight 2 is the sample taken twice, 0 is dropping it).

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, dtype="numeric", y_numeric=True)
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        # only their ratios matter
        weights = normalized_weights(sample_weight, len(y))
        # y in units of max|y|: residuals near 1e300 would overflow when squared
        y_unit = float(_units(y[weights > 0, None])[0])
        y = y / y_unit
        self.n_iter_ = 1
        if self.noise == "gaussian":
            self.coef_, self.intercept_ = least_squares(
                X, y, weights, self.fit_intercept
            )
        else:
            self.coef_, self.intercept_ = least_absolute_deviations(
                X, y, weights, self.fit_intercept
            )
        model = (
            NOISE_MODELS[self.noise]()
            if self.noise != "student_t"
            else StudentTNoise(self.df)
        )
        resolution = float(np.max(np.abs(y), initial=0.0))
        self.noise_, unbounded = model._fit_scale(
            self._residuals(X, y), weights, resolution
        )
        if self.noise == "student_t":
            unbounded = self._fit_student_t(X, y, weights, resolution)
        if unbounded:
            warnings.warn(
                f"noise={self.noise!r}: the likelihood is unbounded (it grows "
                "without limit "
                "as the scale goes to 0, because the fit leaves residuals "
                "exactly 0); there "
                "is no maximum-likelihood scale: scale_ is set to the rounding "
                "level of y, "
                f"{self.noise_.scale:.3g} times max |y|",
                UnboundedLikelihoodWarning, stacklevel=3)
        self.coef_, self.intercept_ = self.coef_ * y_unit, self.intercept_ * y_unit
        scale = self.noise_.scale * y_unit
        self.noise_.scale = scale if scale > 0 else SCALE_FLOOR  # subnormal y
        self.scale_ = self.noise_.scale
        return self

    def _residuals(self, X: Array, y: Array) -> Array:
        return y - (X @ self.coef_ + self.intercept_)

    def _fit_student_t(self, X: Array, y: Array, weights: Array, resolution: float) -> bool:
        """Alternate IRLS steps for the weights and maximum-likelihood scales (see the class).

        Returns whether the last scale fit found the likelihood unbounded.
        """
        z = X @ self.coef_ + self.intercept_
        unbounded = False
        for iteration in range(1, self.max_iter + 1):
            irls = weights * self.noise_.weights(y - z)
            self.coef_, self.intercept_ = least_squares(X, y, irls, self.fit_intercept)
            z_new = X @ self.coef_ + self.intercept_
            self.noise_, unbounded = self.noise_._fit_scale(y - z_new, weights, resolution)
            step = np.sqrt(np.average((z_new - z) ** 2, weights=weights))
            z = z_new
            # tol * sigma, or rounding level when sigma is ~0 (a perfect fit)
            rounding = 16 * np.finfo(float).eps * np.sqrt(np.average(z**2, weights=weights))
            if step <= max(self.tol * self.noise_.scale, rounding):
                self.n_iter_ = iteration
                return unbounded
        self.n_iter_ = self.max_iter
        warnings.warn(
            f"noise='student_t' stopped at max_iter={self.max_iter} before converging; "
            "increase max_iter or tol", ConvergenceWarning, stacklevel=5,
        )
        return unbounded

    def predict(self, X: ArrayLike) -> Array:
        r"""Predictions :math:`\hat y = \langle x, \omega\rangle + \omega_0`, the centre of :math:`p(y \mid x)`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = np.asarray(validate_data(self, X, dtype="numeric", reset=False), dtype=float)
        return X @ self.coef_ + self.intercept_

    def predict_interval(self, X: ArrayLike, level: float = 0.95) -> tuple[Array, Array]:
        r"""Predictive interval :math:`\hat y \pm q`, :math:`q` the :math:`\frac{1+\text{level}}{2}` quantile of the noise.

        Under the fitted model :math:`y` falls inside with probability
        ``level`` (the uncertainty of the weights is ignored: fine when
        :math:`N \gg D`). For Gaussian noise :math:`q = 1.96\,\hat\sigma` at 95 %.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        level : float, default=0.95
            Coverage probability, :math:`0 < \text{level} < 1`.

        Returns
        -------
        lower, upper : ndarray of shape (n_samples,)
        """
        if isinstance(level, (bool, np.bool_)) or not (isinstance(level, Real) and 0 < level < 1):
            raise ValueError(f"level must be a number strictly between 0 and 1, got {level!r}")
        center = self.predict(X)
        half = float(self.noise_.ppf(0.5 + 0.5 * level))
        return center - half, center + half

    def log_likelihood(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        r"""Total log-likelihood :math:`\sum_i s_i \log p_{\hat\sigma}(y_i - \hat y_i)` of a sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        float
            The sum over samples (not the mean): compare models on the same data.
        """
        center = self.predict(X)
        y = column_or_1d(np.asarray(y, dtype=float), warn=False)
        check_consistent_length(center, y)
        if not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinity")
        weights = check_sample_weight(sample_weight, center[:, None])
        weights = np.ones(len(y)) if weights is None else weights
        largest, logs = float(weights.max()), self.noise_.logpdf(y - center)
        if not np.all(np.isfinite(logs[weights > 0])):  # the density, not the weights
            worst = int(np.argmin(np.where(weights > 0, np.nan_to_num(logs, nan=-np.inf), 0)))
            raise ValueError(
                f"the log-density of sample {worst} (residual {y[worst] - center[worst]:.3g}) "
                f"under {self.noise_!r} is {logs[worst]}: not a finite number; a residual "
                "that far out in the tail, or a scale near the float limits, has no finite "
                "log-likelihood")
        with np.errstate(over="ignore"):  # summed in units of the largest weight
            total = largest * float((weights / largest) @ logs)
        if not np.isfinite(total):
            who = (f"sample_weight up to {largest:.3g} is too large; divide the weights by a "
                   "constant" if sample_weight is not None else
                   f"{len(y)} samples with log-densities down to {logs.min():.3g}")
            raise ValueError(f"the weighted log-likelihood overflows a float: {who}")
        return total

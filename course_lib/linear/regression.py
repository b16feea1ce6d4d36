r"""Linear regression, ridge and lasso: one core, several solvers and losses.

See the book: sections 2.1.2-2.1.8.

All three minimize :math:`\sum_i \ell(y_i, \langle w, x_i\rangle + b) + \alpha\,\Omega(w)`
(the bias :math:`b` is never penalized) and differ only in the penalty:
none, :math:`\|w\|_2^2` or :math:`\|w\|_1`. The fitting code lives in
:mod:`course_lib.linear._base`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import validate_data

from .._validation import fit_method
from ..losses import Loss
from ._base import ALPHA_CONSTRAINT, COMMON_CONSTRAINTS, LinearModel
from ._data import as_float

__all__ = ["LinearRegression", "Ridge", "Lasso"]

_COMMON_PARAMETERS = r"""
    loss : {"squared", "absolute", "huber", "mape"} or Loss, default="squared"
        Pointwise loss :math:`\ell(y, z)` (see :mod:`course_lib.losses`).
        Losses other than ``"squared"`` need ``solver="gd"``, ``"sgd"`` or ``"auto"``.
    fit_intercept : bool, default=True
        Whether to fit the bias :math:`b`; otherwise :math:`b = 0`.
    learning_rate : "auto" or float, default="auto"
        Step of ``"gd"``/``"sgd"``, taken in standardized coordinates: the
        solvers center the features and divide each by its spread (Jacobi
        preconditioning), so neither the step nor the result depends on the
        units of the features. ``"auto"`` for ``"gd"`` is :math:`1/\lambda_{\max}`,
        :math:`\lambda_{\max}` the largest eigenvalue of the Hessian (never diverges);
        for non-smooth losses a step that decays as :math:`1/\sqrt{1+t}`.
        ``"auto"`` for ``"sgd"`` with a smooth loss is
        :math:`\min(0.01, 1/(2\mathcal L_B))` in ``fit``, :math:`\mathcal L_B` the
        expected smoothness constant of a batch of :math:`B` rows
        (``LinearObjective.batch_smoothness``), decayed per epoch as
        :math:`\eta/\sqrt{1+e}`, and :math:`1/(\sigma(D+1))` in ``partial_fit``
        (:math:`\sigma` the loss's largest curvature, 2 for the squared loss),
        decayed per sample, where no batch steps beyond its own safe step (one
        over its curvature); with a non-smooth loss (absolute, MAPE) it is
        :math:`\min(0.01, 1/(2(D+1)))` scaled by the spread of ``y``. A step
        that makes the objective blow up, or end above twice its start, raises ``course_lib.optim.DivergenceError``.
    max_iter : int, default=1000
        Iterations of ``"gd"``, epochs of ``"sgd"``, sweeps of ``"cd"``.
    batch_size : int, default=32
        Minibatch size :math:`B` of ``"sgd"``.
    tol : float, default=1e-4
        Accuracy. ``"gd"``/``"sgd"`` with a smooth loss stop once the gradient
        guarantees an excess objective below ``tol / 4`` times that of the
        best constant prediction (for the squared loss: :math:`R^2` within
        ``tol / 4`` of the best) and the mean objective has not improved by
        ``tol`` (relative) for 10 iterations / 5 epochs; with a non-smooth loss
        only the second rule applies. ``"cd"`` stops when the duality gap (a bound on
        the excess objective) is below ``tol`` times the objective. Stopping at ``max_iter`` first
        raises a ``ConvergenceWarning``.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the shuffling of ``"sgd"``.
"""

_ATTRIBUTES = r"""
    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Weights :math:`w`.
    intercept_ : float
        Bias :math:`b` (0.0 when ``fit_intercept=False``).
    solver_ : str
        The solver that ran (what ``"auto"`` chose).
    n_iter_ : int
        Iterations/epochs/sweeps made; 1 for the direct solvers; for
        ``partial_fit`` the number of passes so far.
    loss_curve_ : ndarray of shape (n_iter_,)
        Only for ``"gd"``/``"sgd"``: the mean objective
        :math:`\frac1S\sum_i s_i\ell_i + \frac{\alpha}{S}\Omega(w)` per iteration/epoch.
    n_samples_seen_ : int
        Only for ``"sgd"``: samples used by ``fit`` or streamed by ``partial_fit``.
    n_samples_per_pass_ : float
        Only after ``partial_fit(..., n_samples_per_pass=...)``.
    n_features_in_ : int
"""


def _document(head: str, examples: str) -> str:
    """A regressor's docstring: its own head, the shared parameters and attributes, examples."""
    return head + _COMMON_PARAMETERS + _ATTRIBUTES + "\n    Examples\n    --------" + examples


def _solver_is_sgd(estimator: LinearModel) -> bool:
    # Streaming makes sense only for SGD; other solvers need all rows at once.
    if estimator.solver != "sgd":
        raise AttributeError(
            f"partial_fit needs solver='sgd', this model has solver={estimator.solver!r}"
        )
    return True


class _LinearRegressor(RegressorMixin, LinearModel):
    """fit / partial_fit / predict shared by the regressors below."""

    @fit_method()
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None):
        r"""Fit on ``X`` (n_samples, n_features) and targets ``y`` (n_samples,); return self.

        ``sample_weight`` (n_samples,), optional: non-negative weights :math:`s_i`;
        the objective is :math:`\sum_i s_i \ell_i + \alpha\,\Omega(w)`, as in
        scikit-learn (weight 2 is the sample taken twice, 0 is dropping it).
        """
        X, y = validate_data(self, X, y, dtype="numeric", y_numeric=True)
        self._fit_linear(*as_float(X, y), sample_weight)
        return self

    @available_if(_solver_is_sgd)
    @fit_method()
    def partial_fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None, *,
        n_samples_per_pass: float | None = None,
    ) -> "_LinearRegressor":
        r"""One pass of minibatch SGD over ``(X, y)``, continuing from the current weights.

        Call it on consecutive chunks (e.g. slices of a ``numpy.memmap``) to
        train on data that does not fit in memory: it holds one chunk and
        :math:`O(BD)` working memory. Rows are used in the given order (shuffle
        the data beforehand if it is sorted). It continues from ``coef_`` of
        any earlier fit, whatever its solver. Needs ``solver="sgd"``.

        What a call optimizes: ``alpha`` weighs the penalty against the losses
        of one *pass* over the training data, as in :meth:`fit`. By default
        the rows of each call are taken to be a whole pass, so calling
        ``partial_fit(X, y)`` k times is k epochs of ``fit(X, y)`` (same
        objective, rows in order). When one data set arrives in chunks, give
        its size once as ``n_samples_per_pass``: the penalty is then shared
        over that many rows, whatever the chunk sizes. The step
        (``learning_rate`` or the ``"auto"`` step of ``fit``, in standardized
        coordinates) decays per sample seen, :math:`\eta_0/\sqrt{1 + t/T}`, so
        a pass does not depend on how the data are cut into chunks: :math:`T`
        is ``n_samples_per_pass`` (as ``fit`` decays per epoch) or, when not
        given, :math:`B/(\eta_0\sigma)`, the samples the full step needs to
        forget its starting point (:math:`\sigma` the loss curvature).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights, taken relative to the mean weight of the first
            call: multiplying every call's weights by a constant ``c`` (and
            ``alpha`` by ``c``) gives the same model.
        n_samples_per_pass : float, optional
            Rows in one pass over the whole training set; remembered as
            ``n_samples_per_pass_``.

        Returns
        -------
        self
        """
        first = not hasattr(self, "coef_")
        X, y = validate_data(self, X, y, dtype="numeric", y_numeric=True, reset=first)
        self._partial_fit_linear(*as_float(X, y), sample_weight, n_samples_per_pass)
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        r"""Predictions :math:`\hat y = Xw + b` (n_samples,) for ``X`` (n_samples, n_features)."""
        return self._decision_function(X)


class _PenalizedRegressor(_LinearRegressor):
    """The hyperparameters of Ridge and Lasso (the same; only the penalty differs)."""

    def __init__(
        self, alpha: float = 1.0, *, solver: str = "auto", loss: str | Loss = "squared",
        fit_intercept: bool = True, learning_rate: str | float = "auto", max_iter: int = 1000,
        batch_size: int = 32, tol: float = 1e-4,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.alpha, self.solver, self.loss, self.fit_intercept = alpha, solver, loss, fit_intercept
        self.learning_rate, self.max_iter, self.batch_size = learning_rate, max_iter, batch_size
        self.tol, self.random_state = tol, random_state


class LinearRegression(_LinearRegressor):
    __doc__ = _document(
        r"""Linear regression: :math:`\sum_i \ell(y_i, \langle w, x_i\rangle + b) \to \min`.

    With the squared loss this is ordinary least squares, equal to
    scikit-learn's ``LinearRegression``; with ``loss="absolute"`` it is
    least absolute deviations (scikit-learn's ``QuantileRegressor(quantile=0.5, alpha=0)``).

    Parameters
    ----------
    solver : {"auto", "lstsq", "normal", "gd", "sgd"}, default="auto"
        ``"auto"``: the fastest solver for the loss: ``"normal"`` for the
        squared loss, falling back to ``"lstsq"`` when :math:`X^TX` is
        ill-conditioned; ``"gd"`` for the other losses (``solver_`` tells
        which ran). ``"lstsq"``: SVD-based least squares, gives the
        minimum-norm solution for collinear features. ``"normal"``: the normal
        equations :math:`X^TX w = X^Ty` by Cholesky (fast; raises ``ValueError``
        when :math:`X^TX` is singular). ``"gd"``: full-batch gradient descent.
        ``"sgd"``: minibatch stochastic gradient descent.""",
        r"""
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> model = LinearRegression().fit(X, 2 * X[:, 0] + 1)
    >>> model.coef_.round(6), round(model.intercept_, 6)
    (array([2.]), 1.0)

    See the book: section 2.1.2 (and 2.1.3-2.1.5 for the solvers, 2.1.8 for the losses).
    """
    )

    _parameter_constraints: dict = {
        **COMMON_CONSTRAINTS, "solver": [StrOptions({"auto", "lstsq", "normal", "gd", "sgd"})],
    }

    def __init__(
        self, *, solver: str = "auto", loss: str | Loss = "squared", fit_intercept: bool = True,
        learning_rate: str | float = "auto", max_iter: int = 1000, batch_size: int = 32,
        tol: float = 1e-4, random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.solver, self.loss, self.fit_intercept = solver, loss, fit_intercept
        self.learning_rate, self.max_iter, self.batch_size = learning_rate, max_iter, batch_size
        self.tol, self.random_state = tol, random_state


class Ridge(_PenalizedRegressor):
    __doc__ = _document(
        r"""Ridge regression: :math:`\|y - Xw - b\|^2 + \alpha \|w\|_2^2 \to \min`.

    The same objective as scikit-learn's ``Ridge(alpha)``: the two give
    equal coefficients for the same ``alpha``. The bias is not penalized.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength :math:`\alpha \ge 0`.
    solver : {"auto", "normal", "lstsq", "gd", "sgd"}, default="auto"
        ``"auto"``: ``"normal"`` for the squared loss, ``"gd"`` for the others.
        ``"normal"``: Cholesky of :math:`X^TX + \alpha I`. ``"lstsq"``:
        SVD-based least squares on the stacked system
        :math:`(X; \sqrt\alpha I) w \approx (y; 0)`. ``"gd"``/``"sgd"``: iterative.""",
        r"""
    >>> Ridge(alpha=5.0).fit([[0.0], [1.0], [2.0], [3.0]], [0.0, 2.0, 4.0, 6.0]).coef_.round(6)
    array([1.])

    See the book: section 2.1.6.
    """
    )

    _penalty = "l2"
    _parameter_constraints: dict = {
        **COMMON_CONSTRAINTS, "alpha": ALPHA_CONSTRAINT,
        "solver": [StrOptions({"auto", "normal", "lstsq", "gd", "sgd"})],
    }


class Lasso(_PenalizedRegressor):
    __doc__ = _document(
        r"""Lasso: :math:`\|y - Xw - b\|^2 + \alpha \|w\|_1 \to \min`, with exact zeros in ``w``.

    scikit-learn's ``Lasso`` minimizes :math:`\frac{1}{2N}\|y - Xw - b\|^2 +
    \alpha_{sk}\|w\|_1`, so the two agree when
    ``alpha_sklearn = alpha / (2 * n_samples)``.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength :math:`\alpha \ge 0`.
    solver : {"auto", "cd", "gd", "sgd"}, default="auto"
        ``"auto"``: ``"cd"`` for the squared loss, ``"gd"`` for the others.
        ``"cd"``: coordinate descent on :math:`X^TX` (soft thresholding of
        one weight at a time; with ``alpha=0`` the lasso is least squares,
        solved directly). ``"gd"``: proximal gradient descent (ISTA).
        ``"sgd"``: proximal minibatch SGD (its noisy steps seldom end exactly
        at zero: use ``"cd"`` or ``"gd"`` for a sparse solution).""",
        r"""
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 3))
    >>> y = 3 * X[:, 0] + 0.01 * rng.normal(size=100)
    >>> (Lasso(alpha=10.0).fit(X, y).coef_ == 0).tolist()
    [False, True, True]

    See the book: section 2.1.7.
    """
    )

    _penalty = "l1"
    _parameter_constraints: dict = {
        **COMMON_CONSTRAINTS, "alpha": ALPHA_CONSTRAINT,
        "solver": [StrOptions({"auto", "cd", "gd", "sgd"})],
    }

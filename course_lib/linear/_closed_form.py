r"""Direct solvers of the (regularized) least-squares problem.

See the book: section 2.1.3 (exact solution) and sections 2.1.6-2.1.7.

All of them solve :math:`\|y - Xw\|^2 + \alpha\,\Omega(w)` on centered data
when there is a bias: the bias is then :math:`\bar y - \langle \bar x, w \rangle`
and is never penalized. ``solve_lstsq`` takes centered ``X, y``;
``solve_normal`` and ``lasso_cd`` take the Gram quantities of :func:`centered_gram`.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning

Array = NDArray[np.float64]


class IllConditionedError(ValueError):
    """The normal equations are too ill-conditioned to solve at the requested accuracy."""


def center_data(
    X: Array, y: Array, fit_intercept: bool, sample_weight: Array | None = None
) -> tuple[Array, Array, Array, float]:
    r"""Return the centered ``X`` and ``y`` and the means that were subtracted.

    With ``fit_intercept=True`` these are new arrays ``X - mean(X)``,
    ``y - mean(y)`` and the two means; the inputs are untouched. With
    ``fit_intercept=False`` nothing is subtracted: ``X`` and ``y`` themselves
    (not copies) come back, with zero means.

    With centered data the bias drops out of the least-squares problem, so it
    is not penalized (the book's alternative is a constant feature).
    With ``sample_weight`` the means are weighted and every row is multiplied
    by the square root of its weight, so that the weighted sum of squares
    :math:`\sum_i \text{weight}_i (y_i - \langle w, x_i\rangle - b)^2`
    becomes a plain least-squares problem (new arrays in both cases).
    """
    if sample_weight is None:
        if not fit_intercept:
            return X, y, np.zeros(X.shape[1]), 0.0
        x_mean, y_mean = X.mean(axis=0), float(y.mean())
        return X - x_mean, y - y_mean, x_mean, y_mean
    x_mean, y_mean = np.zeros(X.shape[1]), 0.0
    if fit_intercept:
        total = float(sample_weight.sum())
        x_mean, y_mean = (
            sample_weight @ X / total,
            float(sample_weight @ y) / total,
        )
    root = np.sqrt(sample_weight)
    return (X - x_mean) * root[:, None], (y - y_mean) * root, x_mean, y_mean


def centered_gram(
    X: Array, y: Array, fit_intercept: bool, sample_weight: Array | None = None
) -> tuple[Array, Array, float, Array, float]:
    r"""Gram quantities of the centered data without a centered copy of ``X``.

    Uses :math:`X_c^TX_c = X^TX - N\bar x\bar x^T` and
    :math:`X_c^T y_c = X^T (y - \bar y)`: one product :math:`X^TX`, no
    :math:`N \times D` temporary (with ``sample_weight``: of the weighted,
    centered copy of :func:`center_data`).

    Returns
    -------
    gram : ndarray of shape (n_features, n_features)
    Xty : ndarray of shape (n_features,)
    yty : float
        :math:`\|y_c\|^2`.
    x_mean : ndarray of shape (n_features,)
    y_mean : float
    """
    if sample_weight is not None:
        Xc, yc, x_mean, y_mean = center_data(X, y, fit_intercept, sample_weight)
        return Xc.T @ Xc, Xc.T @ yc, float(yc @ yc), x_mean, y_mean
    if not fit_intercept:
        return X.T @ X, X.T @ y, float(y @ y), np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = X.mean(axis=0), float(y.mean())
    yc = y - y_mean
    gram = X.T @ X
    shift = len(y) * np.outer(x_mean, x_mean)
    # The subtraction loses log10(1 + mean^2 / variance) digits of a column's
    # entries. Up to 4 of 16 digits is harmless; beyond that (e.g. a "year"
    # feature 2000 +- 10) center explicitly, at the cost of a copy of X.
    if np.any(np.diag(shift) > (1 - 1e-4) * np.diag(gram)):
        Xc = X - x_mean
        return Xc.T @ Xc, Xc.T @ yc, float(yc @ yc), x_mean, y_mean
    return gram - shift, X.T @ yc, float(yc @ yc), x_mean, y_mean


def solve_normal(
    gram: Array,
    Xty: Array,
    alpha: float,
    n_samples: int,
    min_rcond: float | None = None,
) -> Array:
    r"""Solve the normal equations :math:`(X^TX + \alpha I) w = X^Ty` by Cholesky.

    Given the Gram matrix (:math:`O(ND^2)`, computed once), the Cholesky
    factorization costs :math:`O(D^3)`; no inverse is ever formed. The system
    is first scaled to a unit diagonal (Jacobi scaling: row and column
    :math:`j` are divided by the square root of the :math:`j`-th diagonal
    element, :math:`O(D^2)`): features in
    different units then do not look singular, and the condition number that
    is judged is that of the correlations between features. Squaring ``X``
    squares its condition number, so a (nearly) singular matrix raises an
    error instead of returning huge meaningless weights.

    Parameters
    ----------
    min_rcond : float, optional
        Refuse a reciprocal condition number of the scaled matrix at or
        below this (default: ten times ``n_features`` machine epsilons).

    Raises
    ------
    IllConditionedError
        (a ``ValueError``) If the scaled :math:`X^TX + \alpha I` is singular
        to working precision or its reciprocal condition number is below ``min_rcond``.
    """
    n_features = gram.shape[0]
    matrix = gram + alpha * np.eye(n_features)
    diagonal = np.diag(matrix)
    if not np.all(np.isfinite(diagonal)):
        raise ValueError(
            "X has values so large that X^T X overflows float64: rescale X "
            "before fitting"
        )
    root = np.sqrt(np.where(diagonal > 0, diagonal, 1.0))
    scaled = matrix / np.outer(root, root)
    try:
        factor = scipy.linalg.cho_factor(
            scaled, lower=False, check_finite=False
        )
        # dpocon estimates 1/cond from the factor in O(D^2).
        anorm = float(np.abs(scaled).sum(axis=0).max())
        rcond, _ = scipy.linalg.lapack.dpocon(factor[0], anorm)
    except np.linalg.LinAlgError:
        rcond = 0.0
    threshold = (
        n_features * np.finfo(float).eps * 10
        if min_rcond is None
        else min_rcond
    )
    if not rcond > threshold:
        constant = np.flatnonzero(diagonal <= 0)
        reason = (
            f"features {constant.tolist()} are constant (zero after centering)"
            if constant.size
            else "the features are collinear (or nearly so) "
            "or there are too few samples"
        )
        raise IllConditionedError(
            f"X^T X{' + alpha I' if alpha else ''} is singular or nearly so "
            f"(reciprocal condition number {rcond:.2g} after scaling the "
            "features; "
            f"n_samples={n_samples}, n_features={n_features}): {reason}, and "
            "the normal "
            "equations have no stable solution. "
            "Use solver='lstsq' (minimum-norm solution) or Ridge with alpha > "
            "0."
        )
    return scipy.linalg.cho_solve(factor, Xty / root, check_finite=False) / root


def solve_lstsq(X: Array, y: Array, alpha: float = 0.0) -> Array:
    r"""Least squares through LAPACK's SVD-based ``gelsd``: the minimum-norm solution.

    For :math:`\alpha > 0` ridge is itself a least-squares problem on
    stacked data, :math:`\left\|\begin{pmatrix} y \\ 0 \end{pmatrix} -
    \begin{pmatrix} X \\ \sqrt{\alpha} I \end{pmatrix} w\right\|^2`,
    so the same solver handles it. Works for collinear and rank-deficient ``X``.
    """
    if alpha > 0:
        X = np.vstack([X, np.sqrt(alpha) * np.eye(X.shape[1])])
        y = np.concatenate([y, np.zeros(X.shape[1])])
    # Singular values below max(N, D) * eps of the largest are rounding noise
    # (e.g. the one centering removes): treat them as zero, as
    # numpy.linalg.lstsq does.
    cond = np.finfo(float).eps * max(X.shape)
    coef, *_ = scipy.linalg.lstsq(
        X, y, cond=cond, check_finite=False, lapack_driver="gelsd"
    )
    return coef


def _duality_gap(
    w: Array, grad: Array, Xty: Array, yty: float, lam: float
) -> tuple[float, float]:
    """Duality gap and primal value of 1/2||y - Xw||^2 + lam ||w||_1, from Gram quantities only.

    ``grad`` is X^T r with r = y - Xw; the dual point is r scaled into the
    feasible set ||X^T nu||_inf <= lam (as in scikit-learn's cd_fast).
    """
    residual_sq = max(yty - w @ Xty - w @ grad, 0.0)
    y_r = yty - w @ Xty
    dual_norm = float(np.max(np.abs(grad), initial=0.0))
    scale = 1.0 if dual_norm <= lam else lam / dual_norm
    primal = 0.5 * residual_sq + lam * float(np.abs(w).sum())
    return 0.5 * residual_sq * scale**2 - scale * y_r + primal, primal


#: The relative error of the Gram quantities: a gap below it times ||y||^2 is rounding.
_ROUNDING = 64 * np.finfo(float).eps


def lasso_cd(
    gram: Array, Xty: Array, yty: float, alpha: float, *, tol: float = 1e-4,
    max_iter: int = 1000,
) -> tuple[Array, int]:
    r"""Coordinate descent for :math:`\|y - Xw\|^2 + \alpha \|w\|_1` on the Gram matrix.

    Each coordinate has a closed-form minimizer, a soft threshold:
    :math:`w_j = S(\rho_j, \alpha/2) / (X^TX)_{jj}` with
    :math:`\rho_j = X_j^T r + (X^TX)_{jj} w_j`, which gives exact zeros.
    Working on :math:`X^TX` (computed once, :math:`O(ND^2)`) makes a sweep
    over all coordinates cost :math:`O(D^2)` instead of :math:`O(ND)`.
    Takes the output of :func:`centered_gram`.
    Stops when the duality gap, a proven bound on the excess objective, falls
    below ``tol`` times the current objective (or, for a perfect fit, the
    rounding level of ``||y||^2``); a rule relative to ``||y||^2``
    (scikit-learn's) is loose when the fit is good: it stopped 17 % above
    the optimum at :math:`R^2 \approx 1`.

    Returns
    -------
    coef : ndarray of shape (n_features,)
    n_iter : int
        Number of sweeps.
    """
    lam, diag = alpha / 2.0, np.diag(gram).copy()
    # grad = X^T (y - Xw), kept up to date
    w, grad = np.zeros(len(Xty)), Xty.copy()
    for sweep in range(1, max_iter + 1):
        for j in np.flatnonzero(diag > 0):
            rho = grad[j] + diag[j] * w[j]
            new = np.sign(rho) * max(abs(rho) - lam, 0.0) / diag[j]
            if new != w[j]:
                grad -= gram[:, j] * (new - w[j])
                w[j] = new
        gap, primal = _duality_gap(w, grad, Xty, yty, lam)
        if gap <= max(tol * primal, _ROUNDING * yty):
            return w, sweep
    warnings.warn(
        f"coordinate descent did not converge in max_iter={max_iter} sweeps; "
        "increase max_iter or tol, or standardize X",
        ConvergenceWarning,
        stacklevel=3,
    )
    return w, max_iter

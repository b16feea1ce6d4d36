r"""The Student-t loss, a robust regression loss (re-exported by :mod:`course_lib.losses`).

See the book: section 3.1.4.

It is the negative log-density of Student's t distribution with :math:`\nu`
degrees of freedom and scale :math:`\sigma` at the residual :math:`r = y - z`,
without the terms that do not depend on :math:`r`:

.. math::
    \ell(y, z) = \frac{\nu + 1}{2}\,\log\!\left(1 + \frac{r^2}{\nu\sigma^2}\right),
    \qquad
    -\log p_t(r) = \ell(y, z) + \log\sigma + c_\nu,
    \quad c_\nu = \log\frac{\Gamma(\nu/2)\sqrt{\nu\pi}}{\Gamma((\nu+1)/2)} .

Near :math:`r = 0` it is the squared loss :math:`r^2 (\nu+1)/(2\nu\sigma^2)`;
far away it grows only as :math:`(\nu + 1)\log|r|`, so an outlier pulls the
fit with a force :math:`\ell'` that *decreases* to 0 (Huber's loss keeps
pulling with a constant force, the squared loss with a growing one). The
price is that :math:`\ell` is not convex: :math:`\ell'' < 0` for
:math:`r^2 > \nu\sigma^2`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from ._base import Loss, _weighted_median

Array = NDArray[np.float64]


def t_log_normalizer(df: float) -> float:
    r"""The constant :math:`c_\nu = \log\Gamma(\tfrac\nu2) + \tfrac12\log\nu\pi - \log\Gamma(\tfrac{\nu+1}2)` of Student-t, stable for every :math:`\nu > 0`.

    The two ``gammaln`` terms are huge and nearly equal for large :math:`\nu`
    (their difference loses every digit from :math:`\nu \approx 10^{12}`).
    From :math:`\nu = 10^4` on, the asymptotic series
    :math:`\log\frac{\Gamma(x + 1/2)}{\Gamma(x)} = \tfrac12\log x - \frac{1}{8x} + \frac{1}{192x^3} + O(x^{-5})`
    at :math:`x = \nu/2` gives
    :math:`c_\nu = \tfrac12\log 2\pi + \frac{1}{4\nu} - \frac{1}{24\nu^3}`
    (the omitted term is below :math:`10^{-20}`), the Gaussian's
    :math:`\tfrac12\log 2\pi` in the limit.

    Examples
    --------
    >>> round(t_log_normalizer(1.0), 12) == round(float(np.log(np.pi)), 12)  # Cauchy: log pi
    True
    >>> bool(t_log_normalizer(1e300) == 0.5 * np.log(2 * np.pi))
    True
    """
    if df < 1e4:
        return float(gammaln(df / 2) + 0.5 * np.log(df * np.pi) - gammaln((df + 1) / 2))
    inverse = 1.0 / df
    return float(0.5 * np.log(2 * np.pi) + 0.25 * inverse - inverse**3 / 24.0)


class StudentTLoss(Loss):
    r"""Student-t loss :math:`\ell(y, z) = \frac{\nu+1}{2}\log\bigl(1 + \frac{(y - z)^2}{\nu\sigma^2}\bigr)`.

    .. math::
        \frac{\partial \ell}{\partial z} = \frac{(\nu + 1)(z - y)}{\nu\sigma^2 + (z - y)^2},
        \qquad
        \frac{\partial^2 \ell}{\partial z^2}
            = (\nu + 1)\,\frac{\nu\sigma^2 - (z - y)^2}{\left(\nu\sigma^2 + (z - y)^2\right)^2}

    The second derivative is at most :math:`(\nu+1)/(\nu\sigma^2)` in absolute
    value (``smoothness``), reached at :math:`z = y`. ``value`` plus
    :math:`\log\sigma + c_\nu` is exactly ``-scipy.stats.t.logpdf(y - z, df, scale=scale)``
    (see :class:`course_lib.probabilistic.StudentTNoise`). scikit-learn has no
    such loss; its ``HuberRegressor`` is the nearest robust alternative.

    Parameters
    ----------
    df : float, default=3.0
        Degrees of freedom :math:`\nu > 0`: the smaller, the heavier the tails
        (:math:`\nu = 1` is the Cauchy distribution, :math:`\nu \to \infty` the Gaussian).
    scale : float, default=1.0
        :math:`\sigma > 0`, in the units of ``y``.

    Examples
    --------
    >>> loss = StudentTLoss(df=1.0, scale=1.0)
    >>> loss.value([0.0, 0.0], [1.0, 100.0]).round(3), loss.gradient([0.0, 0.0], [1.0, 100.0]).round(3)
    (array([0.693, 9.21 ]), array([1.  , 0.02]))

    See the book: section 3.1.4.
    """

    name = "student_t"

    def __init__(self, df: float = 3.0, scale: float = 1.0) -> None:
        if not (np.isfinite(df) and df > 0):
            raise ValueError(f"StudentTLoss df must be a positive number, got {df!r}")
        if not (np.isfinite(scale) and scale > 0):
            raise ValueError(f"StudentTLoss scale must be a positive number, got {scale!r}")
        self.df, self.scale = float(df), float(scale)
        with np.errstate(over="ignore"):  # a scale near the smallest float: inf
            self.smoothness = float(np.float64(self.df + 1.0) / self.df / self.scale / self.scale)

    def _squares(self, y: ArrayLike, z: ArrayLike) -> tuple[Array, Array]:
        """The residual :math:`z - y` and :math:`\\nu\\sigma^2 + (z - y)^2`."""
        r = np.asarray(z, dtype=float) - np.asarray(y, dtype=float)
        with np.errstate(over="ignore"):
            return r, self.df * self.scale**2 + r**2

    def value(self, y: ArrayLike, z: ArrayLike) -> Array:
        r = np.asarray(z, dtype=float) - np.asarray(y, dtype=float)
        # log1p of q = (r / sigma)^2 / nu: exact for small q; for a huge q (|r| or
        # 1/sigma or 1/nu overflowing its square) log q, computed from logarithms.
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            log_q = 2.0 * (np.log(np.abs(r)) - np.log(self.scale)) - np.log(self.df)
            big = log_q > 690.0
            root_q = np.where(big, 0.0, np.abs(r) / self.scale / np.sqrt(self.df))
            log_term = np.where(big, log_q, np.log1p(root_q**2))
        return 0.5 * (self.df + 1.0) * log_term

    def gradient(self, y: ArrayLike, z: ArrayLike) -> Array:
        r""":math:`(\nu+1)\,r/(\nu\sigma^2 + r^2)`, :math:`r = z - y`; via logs if it over/underflows."""
        r = np.asarray(z, dtype=float) - np.asarray(y, dtype=float)
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            size = (self.df + 1.0) * np.abs(r) / (np.float64(self.scale) ** 2 * self.df + r * r)
            if not np.all(np.isfinite(size) & ((size > 0) | (r == 0))):
                log_r = np.log(np.abs(r))
                log_floor = 2.0 * np.log(self.scale) + np.log(self.df)  # log(nu sigma^2)
                log_size = np.log1p(self.df) + log_r - np.logaddexp(log_floor, 2.0 * log_r)
                size = np.where(r == 0, 0.0, np.exp(log_size))
        return np.sign(r) * size

    def weight(self, y: ArrayLike, z: ArrayLike) -> Array:
        r"""The weights :math:`\frac{\ell'}{(\nu+1)(z - y)} = \frac{1}{\nu\sigma^2 + (z - y)^2}` of reweighted least squares.

        Setting the gradient of :math:`\sum_i \ell(y_i, z_i)` to zero gives
        :math:`\sum_i w_i (z_i - y_i)\,x_i = 0`: the normal equations of least
        squares with weights :math:`w_i`. Solving them with the weights of the
        current residuals and repeating (IRLS) never increases the loss, since
        :math:`\ell` is concave in :math:`r^2`. Outliers get small weights.
        Shape ``(n_samples,)``; finite for any residual.
        """
        r = np.asarray(z, dtype=float) - np.asarray(y, dtype=float)
        u = np.abs(r) / self.scale
        with np.errstate(over="ignore"):
            return 1.0 / (np.float64(self.scale) ** 2 * (self.df + u**2))

    def hessian(self, y: ArrayLike, z: ArrayLike) -> Array:
        r = np.asarray(z, dtype=float) - np.asarray(y, dtype=float)
        a = self.df * self.scale**2
        w = self.weight(y, z)
        with np.errstate(over="ignore", invalid="ignore"):
            # (a - r^2) w^2 written as a w^2 - (r w)^2: no overflow of r^2 for huge r
            return (self.df + 1.0) * (a * w**2 - (r * w) ** 2)

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        # The median: a robust start, near the t location when outliers are present.
        return _weighted_median(y, sample_weight)

    def __repr__(self) -> str:
        return f"StudentTLoss(df={self.df!r}, scale={self.scale!r})"

r"""Noise models of regression: the distribution of the residual :math:`\varepsilon = y - f(x)`.

See the book: sections 3.1.1, 3.1.2 and 3.1.4.

A model :math:`y = f_\omega(x) + \varepsilon` with noise density :math:`p`
gives every object the likelihood :math:`p(y_i - f_\omega(x_i))`; the
negative log-likelihood of a sample is

.. math:: -\log L(\omega) = -\sum_{i=1}^N \log p(y_i - f_\omega(x_i)),

and for each noise of this module it is, up to terms that do not depend
on :math:`\omega`, a sum of the pointwise losses of chapter 2 (``loss``):

* Gaussian :math:`\mathcal N(0, \sigma^2)`: :math:`-\log p(r) = \frac{r^2}{2\sigma^2} + \log\sigma + \frac12\log 2\pi`,
  the squared loss :class:`~course_lib.losses.SquaredLoss` with factor :math:`\frac{1}{2\sigma^2}`;
* Laplace with scale :math:`b`: :math:`-\log p(r) = \frac{|r|}{b} + \log 2b`,
  the absolute loss :class:`~course_lib.losses.AbsoluteLoss` with factor :math:`\frac1b`;
* Student-t with :math:`\nu` degrees of freedom and scale :math:`\sigma`:
  :math:`-\log p(r) = \frac{\nu+1}{2}\log\bigl(1 + \frac{r^2}{\nu\sigma^2}\bigr) + \log\sigma + c_\nu`,
  the loss :class:`~course_lib.losses.StudentTLoss` with factor 1;

that is, :math:`-\log p(r) = \text{loss\_factor}\cdot\ell(y, z) + \text{loss\_offset}`.
The densities equal ``scipy.stats.norm``, ``laplace`` and ``t`` with
``loc=0``; :meth:`ContinuousNoise.fit` equals their ``fit(r, floc=0)``.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.special import ndtri, stdtrit

from ..losses import AbsoluteLoss, Loss, SquaredLoss, StudentTLoss
from ..losses.student_t import t_log_normalizer
from ._checks import (
    _EPS,
    _UNBOUNDED,
    SCALE_FLOOR,
    UnboundedLikelihoodWarning,
    _fit_data,
    _positive,
    _residuals,
    _rng,
)

Array = NDArray[np.float64]

class ContinuousNoise:
    r"""The methods every noise model has; the subclasses supply the formulas.

    Attributes
    ----------
    scale : float
        The scale, :math:`\sigma` or :math:`b`, in the units of the residuals.
    loss : Loss
        The matching pointwise loss of :mod:`course_lib.losses`.
    loss_factor, loss_offset : float
        :math:`-\log p(r) = \text{loss\_factor}\cdot\ell(r, 0) + \text{loss\_offset}`.

    See the book: section 3.1.4.
    """

    name = "noise"
    scale: float

    def logpdf(self, r: ArrayLike) -> Array:
        """Elementwise :math:`\\log p(r)`, an array shaped like ``r``."""
        r = _residuals(r)
        value = self.loss.value(r, np.zeros_like(r))
        with np.errstate(over="ignore", invalid="ignore"):  # far out in the tails: log p = -inf
            # A zero loss contributes 0 even when the factor 1/scale overflows (scale ~1e-316).
            term = np.where(value == 0, 0.0, self.loss_factor * value)
            return -(term + self.loss_offset)

    def pdf(self, r: ArrayLike) -> Array:
        """Elementwise density :math:`p(r) = e^{\\log p(r)}`."""
        return np.exp(self.logpdf(r))

    def nll(self, r: ArrayLike) -> float:
        r"""Negative log-likelihood of the residuals, :math:`-\sum_i \log p(r_i)`."""
        return -float(np.sum(self.logpdf(r)))

    def fit(self, r: ArrayLike, sample_weight: ArrayLike | None = None, *,
            resolution: float = 0.0):
        r"""A new noise of the same type (same ``df``) with the maximum-likelihood scale of ``r``.

        ``sample_weight`` :math:`s_i` weighs the log-densities (weight 2 = the
        residual taken twice); only their ratios matter.

        When the likelihood has no maximum (it grows without bound as the
        scale goes to 0: all residuals exactly 0, or for Student-t too many
        of them; residuals below :math:`8\varepsilon_{\mathrm{mach}}\,\text{resolution}`,
        rounding errors, count as 0) an :class:`UnboundedLikelihoodWarning` says so and the scale
        is the rounding level of the data instead, finite and positive:
        :math:`\varepsilon_{\mathrm{mach}}\max(\max_i |r_i|, \text{resolution})`
        (``resolution``: the magnitude of the data the residuals come from,
        e.g. :math:`\max_i |y_i|`), or ``SCALE_FLOOR`` when both are 0. Every
        residual is then at most :math:`1/\varepsilon_{\mathrm{mach}} \approx 4.5\cdot 10^{15}`
        scales away: log-densities stay finite.
        """
        fitted, unbounded = self._fit_scale(r, sample_weight, resolution)
        if unbounded:
            warnings.warn(_UNBOUNDED.format(name=self.name, scale=fitted.scale),
                          UnboundedLikelihoodWarning, stacklevel=2)
        return fitted

    def _fit_scale(self, r: ArrayLike, sample_weight: ArrayLike | None,
                   resolution: float = 0.0) -> tuple[ContinuousNoise, bool]:
        """``fit`` without the warning: the fitted noise and whether the likelihood is unbounded."""
        r, weights = _fit_data(r, sample_weight)
        # residuals at the rounding level of the data are zeros
        r = np.where(np.abs(r) <= 8 * _EPS * abs(float(resolution)), 0.0, r)
        unit = float(np.max(np.abs(r)))  # the estimate scales with r: fit r / unit, no overflow
        scale = unit * self._mle_scale(r / unit, weights) if unit > 0 else 0.0
        if scale > 0:
            return self._with_scale(scale), False
        floor = _EPS * max(unit, abs(float(resolution)))
        return self._with_scale(floor if floor > 0 else SCALE_FLOOR), True

    def sample(self, size, random_state=None) -> Array:
        """Draws of the noise: ``size`` an int or a shape; seeded by ``random_state``."""
        return self._draw(_rng(random_state), size)

    def ppf(self, q: ArrayLike) -> Array:
        """Quantile function: the :math:`r` with :math:`P(\\varepsilon \\le r) = q`, :math:`0 < q < 1`."""
        q = np.asarray(q, dtype=float)
        if not np.all((q > 0) & (q < 1)):
            raise ValueError("quantile levels q must lie strictly between 0 and 1")
        return self._ppf(q)

    def _with_scale(self, scale: float):
        return type(self)(scale=scale)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(scale={self.scale!r})"


class GaussianNoise(ContinuousNoise):
    r"""Gaussian noise :math:`\varepsilon \sim \mathcal N(0, \sigma^2)`.

    .. math::
        \log p(r) = -\frac{r^2}{2\sigma^2} - \log\sigma - \frac12\log 2\pi,
        \qquad \hat\sigma^2 = \frac1N\sum_i r_i^2 = \frac{\mathrm{RSS}}{N}

    The maximum-likelihood :math:`\hat\sigma^2` divides by :math:`N`, not
    :math:`N - D - 1` (it is biased); it equals ``scipy.stats.norm.fit(r, floc=0)``.
    The matching loss is :class:`~course_lib.losses.SquaredLoss`:
    :math:`-\log p(r) = \frac{1}{2\sigma^2} r^2 + \log\sigma + \frac12\log 2\pi`.

    Parameters
    ----------
    scale : float, default=1.0
        :math:`\sigma > 0`.

    Examples
    --------
    >>> GaussianNoise(scale=2.0).fit([3.0, -4.0, 0.0, 5.0]).scale
    3.5355339059327378

    See the book: section 3.1.4.
    """

    name = "gaussian"

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = _positive(scale, "scale")

    @property
    def loss(self) -> Loss:
        return SquaredLoss()

    @property
    def loss_factor(self) -> float:
        r"""The factor :math:`\frac{1}{2\sigma^2}` in :math:`-\log p(r) = \text{loss\_factor}\cdot r^2 + \text{loss\_offset}`."""
        return 0.5 / self.scale**2

    @property
    def loss_offset(self) -> float:
        r"""The constant :math:`\log\sigma + \frac12\log 2\pi`."""
        return float(np.log(self.scale) + 0.5 * np.log(2 * np.pi))

    def logpdf(self, r: ArrayLike) -> Array:
        r = _residuals(r)
        with np.errstate(over="ignore"):
            return -0.5 * (r / self.scale) ** 2 - self.loss_offset

    @staticmethod
    def _mle_scale(r: Array, weights: Array) -> float:
        return float(np.sqrt(np.average(r**2, weights=weights)))

    def _draw(self, rng, size) -> Array:
        return self.scale * rng.standard_normal(size)

    def _ppf(self, q: Array) -> Array:
        return self.scale * ndtri(q)


class LaplaceNoise(ContinuousNoise):
    r"""Laplace noise with density :math:`p(r) = \frac{1}{2b} e^{-|r|/b}`.

    .. math::
        \log p(r) = -\frac{|r|}{b} - \log 2b, \qquad \hat b = \frac1N\sum_i |r_i|

    The variance is :math:`2b^2`. The scale estimate equals
    ``scipy.stats.laplace.fit(r, floc=0)``; the matching loss is
    :class:`~course_lib.losses.AbsoluteLoss`, :math:`-\log p(r) = \frac1b |r| + \log 2b`.

    Parameters
    ----------
    scale : float, default=1.0
        :math:`b > 0`.

    Examples
    --------
    >>> LaplaceNoise().fit([3.0, -4.0, 0.0, 5.0]).scale
    3.0

    See the book: section 3.1.4.
    """

    name = "laplace"

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = _positive(scale, "scale")

    @property
    def loss(self) -> Loss:
        return AbsoluteLoss()

    @property
    def loss_factor(self) -> float:
        r"""The factor :math:`\frac1b` in :math:`-\log p(r) = \text{loss\_factor}\cdot|r| + \text{loss\_offset}`."""
        return 1.0 / self.scale

    @property
    def loss_offset(self) -> float:
        r"""The constant :math:`\log 2b`."""
        return float(np.log(2 * self.scale))

    @staticmethod
    def _mle_scale(r: Array, weights: Array) -> float:
        return float(np.average(np.abs(r), weights=weights))

    def _draw(self, rng, size) -> Array:
        return rng.laplace(0.0, self.scale, size)

    def _ppf(self, q: Array) -> Array:
        # Inverse of the CDF 1/2 e^{r/b} (r < 0) and 1 - 1/2 e^{-r/b} (r >= 0).
        return -self.scale * np.sign(q - 0.5) * np.log1p(-2.0 * np.abs(q - 0.5))


class StudentTNoise(ContinuousNoise):
    r"""Student's t noise with :math:`\nu` degrees of freedom and scale :math:`\sigma`.

    .. math::
        \log p(r) = -\frac{\nu+1}{2}\log\left(1 + \frac{r^2}{\nu\sigma^2}\right)
                    - \log\sigma - c_\nu,
        \qquad c_\nu = \log\Gamma\left(\tfrac\nu2\right) + \tfrac12\log\nu\pi
                       - \log\Gamma\left(\tfrac{\nu+1}2\right)

    Heavy tails: the density falls as :math:`|r|^{-(\nu+1)}`, so an outlier
    costs only :math:`(\nu+1)\log|r|`; the variance
    :math:`\sigma^2\nu/(\nu-2)` exists only for :math:`\nu > 2`. It is a
    Gaussian whose precision is random: :math:`\varepsilon = \sigma z/\sqrt{g}`,
    :math:`z \sim \mathcal N(0, 1)`, :math:`g \sim \chi^2_\nu/\nu`.

    The maximum-likelihood scale (``fit``, :math:`\nu` fixed) solves
    :math:`\frac{\partial}{\partial\log\sigma}\bigl(-\log L\bigr) = 0`:

    .. math:: \sigma^2 = \frac1N\sum_i w_i r_i^2, \qquad w_i = \frac{\nu+1}{\nu + r_i^2/\sigma^2}

    (the fixed point of the EM algorithm). Its left minus right side is
    increasing in :math:`\sigma`, so the root is unique and is found by
    bracketing (``scipy.optimize.brentq`` on :math:`\log\sigma`); it equals
    ``scipy.stats.t.fit(r, fix_df=df, floc=0)``. The matching loss is
    :class:`~course_lib.losses.StudentTLoss` with the same :math:`\nu, \sigma`,
    with factor 1: :math:`-\log p(r) = \ell + \log\sigma + c_\nu`.

    Parameters
    ----------
    df : float, default=3.0
        :math:`\nu > 0`.
    scale : float, default=1.0
        :math:`\sigma > 0`.

    Examples
    --------
    >>> noise = StudentTNoise(df=3.0).fit([0.5, -1.0, 0.2, 30.0])
    >>> round(noise.scale, 4), noise.df
    (3.3817, 3.0)

    See the book: section 3.1.4.
    """

    name = "student_t"

    def __init__(self, df: float = 3.0, scale: float = 1.0) -> None:
        self.df = _positive(df, "df")
        self.scale = _positive(scale, "scale")

    @property
    def loss(self) -> Loss:
        return StudentTLoss(df=self.df, scale=self.scale)

    @property
    def loss_factor(self) -> float:
        """The factor 1, since the Student-t loss is the negative log-density up to constants."""
        return 1.0

    @property
    def loss_offset(self) -> float:
        r"""The constant :math:`\log\sigma + c_\nu`."""
        return float(np.log(self.scale) + t_log_normalizer(self.df))

    def weights(self, r: ArrayLike) -> Array:
        r"""EM weights :math:`w_i = \frac{\nu+1}{\nu + r_i^2/\sigma^2}`: the expected precision of each residual."""
        u = np.abs(_residuals(r)) / self.scale
        with np.errstate(over="ignore"):
            return (self.df + 1.0) / (self.df + u**2)

    def _mle_scale(self, r: Array, weights: Array) -> float:
        nu, total = self.df, float(weights.sum())
        nonzero = r != 0  # a zero residual adds nothing to the sum below
        squares, weights_nz = r[nonzero] ** 2, weights[nonzero]
        if (nu + 1) * float(weights_nz.sum()) <= total:
            return 0.0  # too many exact zeros: the likelihood grows without bound as sigma -> 0

        def excess(log_scale: float) -> float:  # d(-log L)/d(log sigma) up to sign; increasing
            a = nu * np.exp(2.0 * log_scale)
            return total - (nu + 1) * float(weights_nz @ (squares / (a + squares)))

        # The root is at most this (excess >= 0 there in exact arithmetic); rounding
        # may say otherwise for huge nu, so both ends are checked and widened.
        high = 0.5 * np.log((nu + 1) / nu * float(weights_nz @ squares) / total)
        step = 1.0
        while excess(high) < 0:
            high, step = high + step, 2 * step
        low, step = high - 1.0, 1.0
        while excess(low) > 0:  # the root is below: step down, doubling
            step *= 2
            low = high - step
        if excess(high) == 0:
            return float(np.exp(high))
        return float(np.exp(brentq(excess, low, high, xtol=1e-14, rtol=4 * _EPS)))

    def _with_scale(self, scale: float) -> StudentTNoise:
        return StudentTNoise(df=self.df, scale=scale)

    def _draw(self, rng, size) -> Array:
        return self.scale * rng.standard_t(self.df, size)

    def _ppf(self, q: Array) -> Array:
        return self.scale * stdtrit(self.df, q)

    def __repr__(self) -> str:
        return f"StudentTNoise(df={self.df!r}, scale={self.scale!r})"


#: The continuous noise models by the name ``MLERegression(noise=...)`` takes.
NOISE_MODELS: dict[str, type[ContinuousNoise]] = {
    cls.name: cls for cls in (GaussianNoise, LaplaceNoise, StudentTNoise)
}

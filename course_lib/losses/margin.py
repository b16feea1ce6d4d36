r"""Margin losses of classification, re-exported by :mod:`course_lib.losses`.

See the book: section 2.1.9 (perceptron, hinge) and section 2.1.10 (logistic).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from ._base import Loss


class MarginLoss(Loss):
    r"""Base class of the classification losses: a function of the margin :math:`M = yz`.

    Labels are :math:`y \in \{-1, +1\}` and :math:`z` is the score of class
    :math:`+1`: :math:`M > 0` means a correct answer, and the larger
    :math:`M`, the more confident it is. The derivative in :math:`z` follows
    from the one in :math:`M`: :math:`\partial \ell / \partial z = y\,\ell'(M)`.
    The classifiers of :mod:`course_lib.linear` map any two labels to
    :math:`\pm 1` before they call the linear core.

    See the book: section 2.1.9.
    """

    name = "margin"

    @staticmethod
    def margin(y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        """Margins :math:`M_i = y_i z_i`, shape ``(n_samples,)``."""
        return np.asarray(y, dtype=float) * np.asarray(z, dtype=float)

    def check_target(self, y: ArrayLike) -> None:
        y = np.asarray(y)
        if not np.all(np.abs(y) == 1.0):  # one pass; np.unique sorts or hashes
            values = np.unique(y)
            raise ValueError(
                f"loss={self.name!r} needs labels y in {{-1, +1}}, got values "
                f"{values[:5].tolist()}; the classifiers Perceptron, LinearSVC and "
                "LogisticRegression map any two labels to -1 and +1 themselves"
            )

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        """The sign of the (weighted) majority class; 0 when the classes weigh the same."""
        positive, negative = _class_weights(y, sample_weight)
        return float(np.sign(positive - negative))


def _class_weights(y: ArrayLike, sample_weight: ArrayLike | None) -> tuple[float, float]:
    """Total weight of the labels +1 and of the labels -1."""
    y = np.asarray(y, dtype=float)
    if sample_weight is None:
        return float(np.count_nonzero(y > 0)), float(np.count_nonzero(y < 0))
    weights = np.asarray(sample_weight, dtype=float)
    return float(weights @ (y > 0)), float(weights @ (y < 0))


class MisclassificationLoss(MarginLoss):
    r"""The error indicator :math:`\ell(M) = \mathbb{I}[M \le 0]` (its mean is the error rate).

    An object on the decision boundary (:math:`M = 0`, ``sign(0) = 0`` is
    not its label) counts as an error, as in the book; with the strict
    :math:`\mathbb{I}[M < 0]` of the lecture notes the trivial model
    :math:`w = 0` would make no errors at all. Piecewise constant: its
    derivative is 0 wherever it exists, so no gradient method can train
    with it. It is here for plots and metrics. The hinge loss and the
    logistic loss divided by :math:`\ln 2` are upper bounds of it that can
    be trained (:math:`\mathbb{I}[M \le 0] \le \max(0, 1 - M)`); the
    perceptron loss :math:`\max(0, -M)` is not (it is below 1 for
    :math:`-1 < M \le 0`). Not in :data:`LOSSES`.

    Examples
    --------
    >>> MisclassificationLoss().value([1, -1, 1], [2.0, 0.5, 0.0])
    array([0., 1., 1.])

    See the book: section 2.1.9.
    """

    name = "misclassification"

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return (self.margin(y, z) <= 0).astype(float)

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        raise NotImplementedError(
            "the misclassification loss is piecewise constant: its derivative is 0 almost "
            "everywhere and cannot train a model; use loss='perceptron', 'hinge' or 'logistic'"
        )


class PerceptronLoss(MarginLoss):
    r"""Perceptron loss :math:`\ell(M) = \max(0, -M)`.

    .. math::
        \frac{\partial \ell}{\partial z} = \begin{cases} -y, & M \le 0 \\ 0, & M > 0 \end{cases}

    At the kink :math:`M = 0` the subgradient :math:`-y` is taken, as in the
    book: a model that starts at :math:`w = 0` (every :math:`M = 0`) then moves.

    Examples
    --------
    >>> loss = PerceptronLoss()
    >>> loss.value([1, -1, 1], [2.0, 0.5, 0.0]), loss.gradient([1, -1, 1], [2.0, 0.5, 0.0])
    (array([0. , 0.5, 0. ]), array([ 0.,  1., -1.]))

    See the book: section 2.1.9.
    """

    name = "perceptron"

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        # + 0.0: no -0.0 at M = 0
        return np.maximum(-self.margin(y, z), 0.0) + 0.0

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return np.where(
            self.margin(y, z) <= 0, -np.asarray(y, dtype=float), 0.0
        )

    def baseline(
        self, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        # z = 0 costs nothing: the perceptron loss is minimal at the trivial
        # model
        return 0.0


class HingeLoss(MarginLoss):
    r"""Hinge loss of the support vector machine, :math:`\ell(M) = \max(0, 1 - M)`.

    .. math::
        \frac{\partial \ell}{\partial z} = \begin{cases} -y, & M < 1 \\ 0, & M \ge 1 \end{cases}

    Examples
    --------
    >>> loss = HingeLoss()
    >>> loss.value([1, -1, 1], [2.0, 0.5, 0.0]), loss.gradient([1, -1, 1], [2.0, 0.5, 0.0])
    (array([0. , 1.5, 1. ]), array([ 0.,  1., -1.]))

    See the book: section 2.1.9.
    """

    name = "hinge"

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return np.maximum(0.0, 1.0 - self.margin(y, z))

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return np.where(self.margin(y, z) < 1, -np.asarray(y, dtype=float), 0.0)


class SmoothedHingeLoss(MarginLoss):
    r"""The hinge with its kink rounded off by a parabola of width :math:`h`.

    .. math::
        \ell_h(M) = \begin{cases}
            0, & M \ge 1 \\
            \frac{(1 - M)^2}{2h}, & 1 - h < M < 1 \\
            1 - M - \frac h2, & M \le 1 - h
        \end{cases},
        \qquad \ell_h \le \max(0, 1 - M) \le \ell_h + \frac h2

    Its gradient is continuous (Lipschitz with constant :math:`1/h`), so
    quasi-Newton methods converge on it fast; as :math:`h \to 0` its
    minimizer tends to that of the hinge. :class:`course_lib.linear.LinearSVC`
    solves a sequence of these problems with shrinking :math:`h`.

    Parameters
    ----------
    width : float, default=1.0
        :math:`h > 0`.

    Examples
    --------
    >>> SmoothedHingeLoss(width=0.5).value([1, 1, 1], [2.0, 0.75, -1.0])
    array([0.    , 0.0625, 1.75  ])

    See the book: section 2.1.9.
    """

    name = "smoothed_hinge"

    def __init__(self, width: float = 1.0) -> None:
        if not width > 0:
            raise ValueError(f"SmoothedHingeLoss width must be positive, got {width!r}")
        self.width = float(width)
        self.smoothness = 1.0 / self.width

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        gap = 1.0 - self.margin(y, z)
        h = self.width
        return np.where(gap >= h, gap - 0.5 * h, np.maximum(gap, 0.0) ** 2 / (2 * h))

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        gap = 1.0 - self.margin(y, z)
        return -np.asarray(y, dtype=float) * np.clip(gap / self.width, 0.0, 1.0)

    def hessian(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        gap = 1.0 - self.margin(y, z)
        return ((gap > 0) & (gap < self.width)) / self.width

    def __repr__(self) -> str:
        return f"SmoothedHingeLoss(width={self.width!r})"


#: Below this many rows a loss is evaluated with the fewest numpy calls.
_FEW_ROWS = 256


class LogisticLoss(MarginLoss):
    r"""Logistic loss :math:`\ell(M) = \log(1 + e^{-M})`, the negative log-likelihood.

    With :math:`p = \sigma(z) = 1/(1 + e^{-z})` the probability of class
    :math:`+1`, it equals :math:`-\log p` for :math:`y = +1` and
    :math:`-\log(1 - p)` for :math:`y = -1`: the book's cross-entropy with
    labels :math:`\{0, 1\}` written for labels :math:`\{-1, +1\}`.

    .. math::
        \frac{\partial \ell}{\partial z} = -y\,\sigma(-M), \qquad
        \frac{\partial^2 \ell}{\partial z^2} = \sigma(M)\,\sigma(-M) \le \frac14

    Finite for any score: ``np.logaddexp(0, -M)`` and ``scipy.special.expit``
    never form :math:`e^{|M|}`; on many rows :meth:`value_and_gradient` lets
    :math:`e^{M}` overflow to infinity, where :math:`1/(1 + e^{M}) = 0` is right.

    Examples
    --------
    >>> loss = LogisticLoss()
    >>> loss.value([1, -1], [0.0, 1e4]), loss.gradient([1, -1], [0.0, 1e4])
    (array([6.93147181e-01, 1.00000000e+04]), array([-0.5,  1. ]))

    See the book: section 2.1.10.
    """

    name = "logistic"
    smoothness = 0.25

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return np.logaddexp(0.0, -self.margin(y, z))

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return -np.asarray(y, dtype=float) * expit(-self.margin(y, z))

    def value_and_gradient(
        self, y: ArrayLike, z: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        r"""Both from one margin: the same numbers as :meth:`value` and :meth:`gradient`.

        On a minibatch of SGD the numpy calls, not the arithmetic, are what
        costs: two fused ufuncs. On many rows ``logaddexp`` and ``expit`` are
        the slow part (3-6x the time of ``exp`` and ``log1p``, which numpy
        vectorizes), so both are spelled out there: :math:`\log(1 + e^{-|M|}) +
        \max(-M, 0)` and :math:`\sigma(-M) = 1 / (1 + e^{M})` (equal to rounding).
        """
        minus_y = -np.asarray(y, dtype=float)
        minus_margin = self.margin(minus_y, z)
        if minus_margin.size <= _FEW_ROWS:
            sigma = expit(minus_margin)
            sigma *= minus_y
            return np.logaddexp(0.0, minus_margin), sigma
        with np.errstate(over="ignore"):  # e^M = inf: sigma(-M) < 1e-308 is 0
            sigma = np.exp(np.negative(minus_margin))
        sigma += 1.0
        np.divide(minus_y, sigma, out=sigma)
        value = np.log1p(np.exp(-np.abs(minus_margin)))
        value += np.maximum(minus_margin, 0.0)
        return value, sigma

    def hessian(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        p = expit(np.asarray(z, dtype=float))
        return p * (1.0 - p)

    def curvature_floor(
        self, y: ArrayLike, z: ArrayLike
    ) -> NDArray[np.float64]:
        """Per-sample curvature at ``z``: the solvers' stopping test uses it."""
        return self.hessian(y, z)

    def baseline(
        self, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        """The log-odds of the (weighted) share of class +1."""
        positive, negative = _class_weights(y, sample_weight)
        if positive == 0 or negative == 0:
            raise ValueError(
                "the logistic loss needs both labels -1 and +1 in y (with "
                "weight)"
            )
        return float(np.log(positive / negative))

r"""Pointwise loss functions of a score :math:`z`, each with its gradient.

See the book: section 2.1.2 (squared loss), section 2.1.8 (other losses),
section 2.1.9 (margin losses of classification), section 2.1.10 (logistic loss)
and section 2.1.12 (softmax cross-entropy of :math:`K` scores, defined in
``course_lib._softmax_loss`` and re-exported here).

A linear model computes a score :math:`z_i = \langle w, x_i \rangle + b` for
every object and is trained by minimizing :math:`\sum_i \ell(y_i, z_i)`.
Every loss here is an object with two methods that work elementwise on
arrays of shape ``(n_samples,)``:

* ``value(y, z)``: the losses :math:`\ell(y_i, z_i)`, one per sample;
* ``gradient(y, z)``: the derivatives :math:`\partial \ell(y_i, z_i) / \partial z_i`.

The gradient with respect to the weights follows by the chain rule,
:math:`\nabla_w \sum_i \ell(y_i, z_i) = X^T g` with :math:`g_i = \partial\ell/\partial z_i`,
so one linear core serves every loss. Classification losses (perceptron,
hinge, logistic) plug into the same interface: they are functions of the
margin :math:`M = y z` for labels :math:`y \in \{-1, +1\}` (subclasses of
:class:`MarginLoss`) and register themselves in :data:`LOSSES`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from ._softmax_loss import SoftmaxCrossEntropyLoss, log_softmax

__all__ = [
    "Loss",
    "SquaredLoss",
    "AbsoluteLoss",
    "HuberLoss",
    "MAPELoss",
    "MarginLoss",
    "MisclassificationLoss",
    "PerceptronLoss",
    "HingeLoss",
    "SmoothedHingeLoss",
    "LogisticLoss",
    "SoftmaxCrossEntropyLoss",
    "log_softmax",
    "StudentTLoss",
    "LOSSES",
    "get_loss",
]


class Loss:
    r"""Base class of a pointwise loss :math:`\ell(y, z)` of a score ``z``.

    See the book: section 2.1.8.

    Attributes
    ----------
    name : str
        The short name used by estimators, e.g. ``loss="squared"``.
    smoothness : float or None
        A bound on :math:`|\partial^2 \ell / \partial z^2|` (the Lipschitz
        constant of the gradient in ``z``), used to choose a safe step of
        gradient descent; ``None`` when the gradient jumps (non-smooth loss).
    """

    name: str = "loss"
    smoothness: float | None = None

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        """Per-sample losses, shape ``(n_samples,)``."""
        raise NotImplementedError

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        """Per-sample derivatives with respect to the score, shape ``(n_samples,)``."""
        raise NotImplementedError

    def hessian(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        r"""Per-sample second derivatives :math:`\partial^2 \ell / \partial z^2`, for Newton."""
        raise NotImplementedError(f"{type(self).__name__} has no second derivative")

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        """The best (weighted) constant score: where an iterative solver starts the bias."""
        raise NotImplementedError

    def check_target(self, y: ArrayLike) -> None:
        """Raise ``ValueError`` if the loss is undefined for these targets."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class SquaredLoss(Loss):
    r"""Squared error :math:`\ell(y, z) = (y - z)^2`, the loss of least squares.

    .. math:: \frac{\partial \ell}{\partial z} = 2 (z - y)

    Examples
    --------
    >>> loss = SquaredLoss()
    >>> loss.value([1.0, 2.0], [3.0, 2.0]), loss.gradient([1.0, 2.0], [3.0, 2.0])
    (array([4., 0.]), array([4., 0.]))

    See the book: section 2.1.2.
    """

    name = "squared"
    smoothness = 2.0

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return (np.asarray(z, dtype=float) - np.asarray(y, dtype=float)) ** 2

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return 2.0 * (np.asarray(z, dtype=float) - np.asarray(y, dtype=float))

    def hessian(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return np.full(np.shape(z), 2.0)

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        return float(np.average(y, weights=sample_weight))


class AbsoluteLoss(Loss):
    r"""Absolute error :math:`\ell(y, z) = |y - z|` (its mean is MAE).

    The derivative :math:`\operatorname{sign}(z - y)` does not exist at
    :math:`z = y`; ``gradient`` returns the subgradient 0 there.

    Examples
    --------
    >>> AbsoluteLoss().gradient([1.0, 2.0, 3.0], [0.0, 2.0, 5.0])
    array([-1.,  0.,  1.])

    See the book: section 2.1.8.
    """

    name = "absolute"

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return np.abs(np.asarray(z, dtype=float) - np.asarray(y, dtype=float))

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return np.sign(np.asarray(z, dtype=float) - np.asarray(y, dtype=float))

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        return _weighted_median(y, sample_weight)


class HuberLoss(Loss):
    r"""Huber loss: squared for small residuals, absolute for large ones.

    .. math::
        \ell(y, z) = \begin{cases}
            \frac12 r^2, & |r| \le \delta \\
            \delta \left(|r| - \frac{\delta}{2}\right), & |r| > \delta
        \end{cases},
        \qquad r = z - y,
        \qquad \frac{\partial \ell}{\partial z} = \operatorname{clip}(r, -\delta, \delta)

    It is as robust to outliers as the absolute loss and smooth like the
    squared one. ``delta`` is in the units of ``y``: scale ``y`` or choose it.

    Parameters
    ----------
    delta : float, default=1.0
        Where the quadratic part turns linear; must be positive.

    Examples
    --------
    >>> HuberLoss(delta=1.0).value([0.0, 0.0], [0.5, 3.0])
    array([0.125, 2.5  ])

    See the book: section 2.1.8.
    """

    name = "huber"
    smoothness = 1.0

    def __init__(self, delta: float = 1.0) -> None:
        if not delta > 0:
            raise ValueError(f"Huber delta must be positive, got {delta!r}")
        self.delta = float(delta)

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        r = np.abs(np.asarray(z, dtype=float) - np.asarray(y, dtype=float))
        return np.where(r <= self.delta, 0.5 * r**2, self.delta * (r - 0.5 * self.delta))

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        r = np.asarray(z, dtype=float) - np.asarray(y, dtype=float)
        return np.clip(r, -self.delta, self.delta)

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        # The median is a robust start; the solver moves it to the Huber location.
        return _weighted_median(y, sample_weight)

    def __repr__(self) -> str:
        return f"HuberLoss(delta={self.delta!r})"


class MAPELoss(Loss):
    r"""Absolute percentage error :math:`\ell(y, z) = |z - y| / |y|` (its mean is MAPE).

    .. math:: \frac{\partial \ell}{\partial z} = \frac{\operatorname{sign}(z - y)}{|y|}

    It is the absolute loss with weight :math:`1/|y_i|` per sample, so it is
    undefined for :math:`y_i = 0`: ``check_target`` rejects such targets.

    Examples
    --------
    >>> MAPELoss().value([100.0, 200.0], [110.0, 150.0])
    array([0.1 , 0.25])

    See the book: section 2.1.8.
    """

    name = "mape"

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        y = np.asarray(y, dtype=float)
        return np.abs(np.asarray(z, dtype=float) - y) / np.abs(y)

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        y = np.asarray(y, dtype=float)
        return np.sign(np.asarray(z, dtype=float) - y) / np.abs(y)

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        y = np.asarray(y, dtype=float)
        weights = 1.0 / np.abs(y)
        return _weighted_median(y, weights if sample_weight is None else weights * sample_weight)

    def check_target(self, y: ArrayLike) -> None:
        zeros = np.count_nonzero(np.asarray(y) == 0)
        if zeros:
            raise ValueError(
                f"loss='mape' is undefined when y contains zeros ({zeros} found); "
                "use loss='absolute' or drop those samples"
            )


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
        values = np.unique(np.asarray(y))
        if not np.all(np.isin(values, (-1.0, 1.0))):
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
    weights = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    return float(weights[y > 0].sum()), float(weights[y < 0].sum())


class MisclassificationLoss(MarginLoss):
    r"""The error indicator :math:`\ell(M) = \mathbb{I}[M < 0]` (its mean is the error rate).

    Piecewise constant: its derivative is 0 wherever it exists, so no
    gradient method can train with it. It is here for plots and metrics;
    the other margin losses are its upper bounds that can be trained
    (:math:`\mathbb{I}[M<0] \le \max(0, 1 - M)`). Not in :data:`LOSSES`.

    Examples
    --------
    >>> MisclassificationLoss().value([1, -1, 1], [2.0, 0.5, 0.0])
    array([0., 1., 0.])

    See the book: section 2.1.9.
    """

    name = "misclassification"

    def value(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return (self.margin(y, z) < 0).astype(float)

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
        return np.maximum(-self.margin(y, z), 0.0) + 0.0  # + 0.0: no -0.0 at M = 0

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        return np.where(self.margin(y, z) <= 0, -np.asarray(y, dtype=float), 0.0)

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        return 0.0  # z = 0 costs nothing: the perceptron loss is minimal at the trivial model


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


class LogisticLoss(MarginLoss):
    r"""Logistic loss :math:`\ell(M) = \log(1 + e^{-M})`, the negative log-likelihood.

    With :math:`p = \sigma(z) = 1/(1 + e^{-z})` the probability of class
    :math:`+1`, it equals :math:`-\log p` for :math:`y = +1` and
    :math:`-\log(1 - p)` for :math:`y = -1`: the book's cross-entropy with
    labels :math:`\{0, 1\}` written for labels :math:`\{-1, +1\}`.

    .. math::
        \frac{\partial \ell}{\partial z} = -y\,\sigma(-M), \qquad
        \frac{\partial^2 \ell}{\partial z^2} = \sigma(M)\,\sigma(-M) \le \frac14

    Computed without overflow for any score: ``np.logaddexp(0, -M)`` and
    ``scipy.special.expit`` never form :math:`e^{|M|}`.

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

    def hessian(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        p = expit(np.asarray(z, dtype=float))
        return p * (1.0 - p)

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        """The log-odds of the (weighted) share of class +1."""
        positive, negative = _class_weights(y, sample_weight)
        if positive == 0 or negative == 0:
            raise ValueError("the logistic loss needs both labels -1 and +1 in y (with weight)")
        return float(np.log(positive / negative))


def _weighted_median(values: ArrayLike, weights: ArrayLike | None) -> float:
    """The point minimizing sum_i weights_i * |values_i - t| over t (the median without weights)."""
    if weights is None:
        return float(np.median(values))
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])


#: Registry of the losses a model can be trained with, by name (the
#: misclassification loss cannot: it has no useful gradient).
LOSSES: dict[str, type[Loss]] = {
    cls.name: cls for cls in (SquaredLoss, AbsoluteLoss, HuberLoss, MAPELoss,
                              PerceptronLoss, HingeLoss, LogisticLoss)
}


def get_loss(loss: str | Loss) -> Loss:
    """Return a loss object from its name or pass a :class:`Loss` through.

    Parameters
    ----------
    loss : str or Loss
        One of the keys of :data:`LOSSES` (``"squared"``, ``"absolute"``,
        ``"huber"``, ``"mape"``, ``"perceptron"``, ``"hinge"``, ``"logistic"``)
        or a ready object such as ``HuberLoss(delta=2)``.

    Returns
    -------
    Loss

    Examples
    --------
    >>> get_loss("huber")
    HuberLoss(delta=1.0)

    See the book: section 2.1.8.
    """
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]()
    raise ValueError(f"unknown loss {loss!r}; expected one of {sorted(LOSSES)} or a Loss object")


# At the end: StudentTLoss subclasses Loss, so Loss must exist before its module loads.
from ._student_t_loss import StudentTLoss

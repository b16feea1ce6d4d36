r"""Regression losses of a residual: squared, absolute, Huber, MAPE.

See the book: section 2.1.2 (squared loss) and section 2.1.8 (the others).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._base import Loss, _weighted_median


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

    def baseline(
        self, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        return _weighted_median(y, sample_weight)


class HuberLoss(Loss):
    r"""Huber loss: squared for small errors, absolute for large ones.

    .. math::
        \ell_\kappa(y, z) = \begin{cases}
            \frac12 (z - y)^2, & |z - y| \le \kappa \\
            \kappa \left(|z - y| - \frac{\kappa}{2}\right), & |z - y| > \kappa
        \end{cases},
        \qquad \frac{\partial \ell_\kappa}{\partial z} = \operatorname{clip}(z - y, -\kappa, \kappa)

    Like the absolute loss it grows only linearly on large errors, so outliers
    pull on the model with a bounded force. Unlike it, the derivative is
    continuous (the loss is once continuously differentiable; its second
    derivative jumps from 1 to 0 at :math:`|z - y| = \kappa`). The threshold
    :math:`\kappa` is ``delta`` in the code and is in the units of ``y``:
    scale ``y`` or choose it.

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
        return np.where(
            r <= self.delta, 0.5 * r**2, self.delta * (r - 0.5 * self.delta)
        )

    def gradient(self, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        r = np.asarray(z, dtype=float) - np.asarray(y, dtype=float)
        return np.clip(r, -self.delta, self.delta)

    def curvature_floor(
        self, y: ArrayLike, z: ArrayLike
    ) -> NDArray[np.float64]:
        """Per-sample curvature at ``z``: 1 on the quadratic part, 0 on the linear.

        The stopping test of the solvers uses it: with many residuals beyond
        ``delta`` the objective is much flatter than the squared loss's.
        """
        r = np.abs(np.asarray(z, dtype=float) - np.asarray(y, dtype=float))
        return (r < self.delta).astype(float)

    def baseline(
        self, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        # The median is a robust start; the solver moves it to the Huber
        # location.
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

    def baseline(
        self, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        y = np.asarray(y, dtype=float)
        weights = 1.0 / np.abs(y)
        return _weighted_median(
            y, weights if sample_weight is None else weights * sample_weight
        )

    def check_target(self, y: ArrayLike) -> None:
        zeros = np.count_nonzero(np.asarray(y) == 0)
        if zeros:
            raise ValueError(
                f"loss='mape' is undefined when y contains zeros ({zeros} "
                "found); "
                "use loss='absolute' or drop those samples"
            )

"""The base class of the pointwise losses (re-exported by :mod:`course_lib.losses`).

Every loss module of the package imports it from here, without a cycle.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


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

    def value_and_gradient(
        self, y: ArrayLike, z: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Both at once: a loss overrides it when they share work (one exponential, not two)."""
        return self.value(y, z), self.gradient(y, z)

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


def _weighted_median(values: ArrayLike, weights: ArrayLike | None) -> float:
    """The point minimizing sum_i weights_i * |values_i - t| over t (the median without weights)."""
    if weights is None:
        return float(np.median(values))
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])

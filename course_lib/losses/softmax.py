r"""The softmax cross-entropy loss of :math:`K` scores (re-exported by :mod:`course_lib.losses`).

See the book: section 2.1.12.

An object gets a score :math:`z_k` per class, a row :math:`z \in \mathbb{R}^K`;
the softmax turns it into probabilities and the loss is the negative
log-likelihood of the true class :math:`y \in \{0, \dots, K-1\}`:

.. math::
    P(k \mid z) = \frac{e^{z_k}}{\sum_m e^{z_m}}, \qquad
    \ell(y, z) = -\log P(y \mid z) = \log\sum_m e^{z_m} - z_y .

It has the interface of :class:`course_lib.losses.Loss` with a score *matrix*
``z`` of shape ``(n_samples, K)``: ``value`` returns one loss per sample and
``gradient`` the matrix :math:`P - \mathrm{onehot}(y)`. The linear core reads
``n_outputs`` and then fits :math:`K` score columns.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def log_softmax(z: ArrayLike) -> Array:
    r"""Row-wise :math:`\log P(k \mid z) = z_k - \log\sum_m e^{z_m}`, without overflow.

    The maximum of each row is subtracted first (max-shift): the exponents
    are then :math:`\le 0`, so no :math:`e^{z}` overflows, and the largest
    term of each sum is 1, so none underflows to :math:`\log 0`.

    Parameters
    ----------
    z : array-like of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples, n_classes)

    Examples
    --------
    >>> np.exp(log_softmax([[0.0, np.log(3.0)], [1e4, -1e4]])).round(3)
    array([[0.25, 0.75],
           [1.  , 0.  ]])

    See the book: section 2.1.12.
    """
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def _max_shifted(z: ArrayLike) -> Array:
    """A new array :math:`z - \\max_m z_m` per row: the exponents of the max-shift, all ``<= 0``."""
    z = np.asarray(z, dtype=float)
    return z - np.max(z, axis=1, keepdims=True)


class SoftmaxCrossEntropyLoss:
    r"""Softmax cross-entropy :math:`\ell(y, z) = \log\sum_m e^{z_m} - z_y` of a score row.

    .. math::
        \frac{\partial \ell}{\partial z_k} = P(k \mid z) - \mathbb{I}[y = k]

    The Hessian in :math:`z`, :math:`\operatorname{diag}(p) - pp^T`, has
    eigenvalues in :math:`[0, \tfrac12]`: ``smoothness`` is 1/2. Labels are
    the integers :math:`0, \dots, K-1` (floats holding them are accepted).

    Parameters
    ----------
    n_classes : int
        :math:`K \ge 2`, the number of score columns.

    Attributes
    ----------
    n_outputs : int
        :math:`K`: the linear core fits a weight matrix of shape ``(n_features, K)``.

    Examples
    --------
    >>> loss = SoftmaxCrossEntropyLoss(n_classes=3)
    >>> z = np.array([[0.0, 0.0, 0.0], [1e4, 0.0, -1e4]])
    >>> loss.value([0, 1], z).round(4), loss.gradient([0, 1], z).round(4)
    (array([1.0986e+00, 1.0000e+04]), array([[-0.6667,  0.3333,  0.3333],
           [ 1.    , -1.    ,  0.    ]]))

    See the book: section 2.1.12.
    """

    name = "softmax"
    smoothness = 0.5

    def __init__(self, n_classes: int) -> None:
        if not (isinstance(n_classes, (int, np.integer)) and n_classes >= 2):
            raise ValueError(f"n_classes must be an integer >= 2, got {n_classes!r}")
        self.n_outputs = int(n_classes)

    @staticmethod
    def _true_class(y: ArrayLike) -> tuple[Array, Array]:
        """Row and column indices of the true class of every sample."""
        codes = np.asarray(y).astype(int)
        return np.arange(len(codes)), codes

    def value(self, y: ArrayLike, z: ArrayLike) -> Array:
        r"""Per-sample losses, shape ``(n_samples,)``; ``z`` of shape ``(n_samples, K)``.

        With the max-shift :math:`\tilde z = z - z_{\max}`: :math:`\ell = \log\sum_m e^{\tilde z_m} - \tilde z_y`
        (one exponential of the score matrix, no one-hot matrix).
        """
        shifted = _max_shifted(z)
        true_class = shifted[self._true_class(y)]
        np.exp(shifted, out=shifted)
        return np.log(np.sum(shifted, axis=1)) - true_class

    def gradient(self, y: ArrayLike, z: ArrayLike) -> Array:
        """Derivatives in the scores, shape ``(n_samples, K)``: :math:`P - \\mathrm{onehot}(y)`."""
        P = _max_shifted(z)
        np.exp(P, out=P)
        P /= np.sum(P, axis=1, keepdims=True)
        P[self._true_class(y)] -= 1.0  # minus the one-hot row, in place
        return P

    def value_and_gradient(self, y: ArrayLike, z: ArrayLike) -> tuple[Array, Array]:
        """:meth:`value` and :meth:`gradient` from one exponential of the score matrix."""
        P = _max_shifted(z)
        rows = self._true_class(y)
        true_class = P[rows]
        np.exp(P, out=P)
        total = np.sum(P, axis=1)
        P /= total[:, None]
        P[rows] -= 1.0
        return np.log(total) - true_class, P

    def curvature_floor(self, y: ArrayLike, z: ArrayLike) -> Array:
        r"""Per-sample lower bound on the curvature at ``z`` across the classes: :math:`\min_k p_k`.

        For :math:`v \perp \mathbf 1`, :math:`v^T(\operatorname{diag}(p) - pp^T)v =
        \operatorname{Var}_p(v) \ge \min_k p_k \|v\|^2` (shifting every score of
        a row by one number changes nothing, so :math:`\mathbf 1` is flat).
        """
        P = _max_shifted(z)
        np.exp(P, out=P)
        return np.min(P, axis=1) / np.sum(P, axis=1)

    def hessian_operator(
        self, y: ArrayLike, z: ArrayLike, weights: ArrayLike | None = None
    ) -> tuple[Callable[[Array], Array], Array]:
        r"""The Hessian in the scores as a map on rows and its sum over the rows.

        The map is :math:`M \mapsto v_i (\operatorname{diag}(p_i) - p_i p_i^T)\, m_i`
        (:math:`v_i` the ``weights``, 1 without), the sum
        :math:`\operatorname{diag}(\sum_i v_i p_i) - \sum_i v_i p_i p_i^T`, shape ``(K, K)``.
        The probabilities are computed once, here; the map costs :math:`O(NK)` per call.
        """
        P = _max_shifted(z)
        np.exp(P, out=P)
        P /= np.sum(P, axis=1, keepdims=True)
        weighted = P if weights is None else P * np.asarray(weights, dtype=float)[:, None]
        total = np.diag(weighted.sum(axis=0)) - weighted.T @ P
        return (lambda M: weighted * (M - np.sum(P * M, axis=1, keepdims=True))), total

    def baseline(self, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Array:
        """The best constant scores: log shares of the classes, centred, shape ``(K,)``."""
        counts = np.bincount(np.asarray(y).astype(int), weights=sample_weight,
                             minlength=self.n_outputs)
        if np.any(counts <= 0):
            raise ValueError("the softmax loss needs every class 0..K-1 in y (with weight)")
        scores = np.log(counts)
        return scores - scores.mean()

    def check_target(self, y: ArrayLike) -> None:
        """Refuse labels other than the integers ``0 .. K-1``."""
        values = np.unique(np.asarray(y))
        if not np.all(np.isin(values, np.arange(self.n_outputs))):
            raise ValueError(
                f"loss='softmax' needs labels y in 0..{self.n_outputs - 1}, got values "
                f"{values[:5].tolist()}; SoftmaxRegression maps any labels to 0..K-1 itself"
            )

    def __repr__(self) -> str:
        return f"SoftmaxCrossEntropyLoss(n_classes={self.n_outputs})"

r"""Label models of classification: the likelihood of a class given the model's scores.

See the book: section 3.1.4 (and sections 2.1.10, 2.1.12 for the losses).

The same recipe as for the noise of regression: a distribution of the
answer given the score, and the loss of chapter 2 is its negative
log-likelihood, here *exactly*, without a factor or constant:

* :class:`Bernoulli`: :math:`P(y = 1 \mid z) = \sigma(z)`, and
  :math:`-\log P(y \mid z) = \log(1 + e^{-\tilde y z})` with :math:`\tilde y = 2y - 1`,
  the :class:`~course_lib.losses.LogisticLoss` of logistic regression;
* :class:`Categorical`: :math:`P(y = k \mid z) = \mathrm{softmax}(z)_k`, and
  :math:`-\log P(y \mid z) = \log\sum_m e^{z_m} - z_y`,
  the :class:`~course_lib.losses.SoftmaxCrossEntropyLoss` of softmax regression.

scikit-learn's ``sklearn.metrics.log_loss`` is the *mean* of the same terms
(it takes probabilities, not scores, and clips them).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from ..losses import LogisticLoss, SoftmaxCrossEntropyLoss, log_softmax
from ._checks import _uniform_source

Array = NDArray[np.float64]


def _finite(values: ArrayLike, name: str) -> Array:
    values = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} contain NaN or infinity")
    return values


class Bernoulli:
    r"""Bernoulli labels :math:`y \in \{0, 1\}` with :math:`P(y = 1 \mid z) = \sigma(z) = \frac{1}{1 + e^{-z}}`.

    .. math::
        -\log P(y \mid z) = -y\log\sigma(z) - (1 - y)\log\sigma(-z) = \log\left(1 + e^{-(2y - 1) z}\right)

    computed by ``LogisticLoss().value(2 * y - 1, z)`` (``np.logaddexp``: no
    overflow for any score).

    Examples
    --------
    >>> round(Bernoulli().nll([1, 0], [0.0, 0.0]), 6)  # 2 log 2
    1.386294

    See the book: section 3.1.4.
    """

    name = "bernoulli"

    @property
    def loss(self) -> LogisticLoss:
        """The loss of labels :math:`\\pm 1` that is this negative log-likelihood."""
        return LogisticLoss()

    @staticmethod
    def _labels(y: ArrayLike, z: ArrayLike) -> tuple[Array, Array]:
        y, z = np.asarray(y), _finite(z, "scores z")
        if y.shape != z.shape or y.ndim != 1:
            raise ValueError(f"y and z must be 1-D of one length, got shapes {y.shape} and {z.shape}")
        if not np.all(np.isin(y, (0, 1))):
            raise ValueError(f"Bernoulli labels must be 0 or 1, got values {np.unique(y)[:5].tolist()}")
        return y.astype(float), z

    def proba(self, z: ArrayLike) -> Array:
        r""":math:`P(y = 1 \mid z) = \sigma(z)`, elementwise."""
        return expit(_finite(z, "scores z"))

    def logpmf(self, y: ArrayLike, z: ArrayLike) -> Array:
        r"""Per-sample :math:`\log P(y_i \mid z_i)`, shape ``(n_samples,)``."""
        y, z = self._labels(y, z)
        return -self.loss.value(2.0 * y - 1.0, z)

    def nll(self, y: ArrayLike, z: ArrayLike) -> float:
        r"""Negative log-likelihood :math:`-\sum_i \log P(y_i \mid z_i)`."""
        return -float(np.sum(self.logpmf(y, z)))

    def sample(self, z: ArrayLike, random_state=None) -> Array:
        """One label 0/1 per score, drawn with probability :math:`\\sigma(z_i)` of 1."""
        p = self.proba(z)
        return (_uniform(random_state, p.shape) < p).astype(int)

    def __repr__(self) -> str:
        return "Bernoulli()"


def _uniform(random_state, shape) -> Array:
    return _uniform_source(random_state)(shape)


class Categorical:
    r"""Categorical labels :math:`y \in \{0, \dots, K-1\}` with :math:`P(y = k \mid z) = \frac{e^{z_k}}{\sum_m e^{z_m}}`.

    .. math:: -\log P(y \mid z) = \log\sum_{m} e^{z_m} - z_y

    computed by ``SoftmaxCrossEntropyLoss(K).value(y, Z)`` (max-shift: no
    overflow). :math:`K` is the number of columns of the score matrix ``Z``.

    Parameters
    ----------
    n_classes : int, optional
        :math:`K \ge 2`. Needed only for ``loss``; when given, ``Z`` must have
        :math:`K` columns.

    Examples
    --------
    >>> round(Categorical().nll([0, 2], np.zeros((2, 3))), 6)  # 2 log 3
    2.197225

    See the book: section 3.1.4.
    """

    name = "categorical"

    def __init__(self, n_classes: int | None = None) -> None:
        if n_classes is not None:
            SoftmaxCrossEntropyLoss(n_classes)  # validates: an integer >= 2
        self.n_classes = n_classes

    @property
    def loss(self) -> SoftmaxCrossEntropyLoss:
        """The loss of :math:`K` scores that is this negative log-likelihood."""
        if self.n_classes is None:
            raise ValueError("the loss needs the number of classes: use Categorical(n_classes=K).loss")
        return SoftmaxCrossEntropyLoss(n_classes=self.n_classes)

    def _labels(self, y: ArrayLike, Z: ArrayLike) -> tuple[Array, Array]:
        y, Z = np.asarray(y), _finite(Z, "scores Z")
        if Z.ndim != 2 or Z.shape[1] < 2 or y.shape != (Z.shape[0],):
            raise ValueError(
                f"need y of shape (n_samples,) and Z of shape (n_samples, K >= 2), "
                f"got {y.shape} and {Z.shape}"
            )
        if self.n_classes is not None and Z.shape[1] != self.n_classes:
            raise ValueError(f"Z has {Z.shape[1]} columns, expected n_classes={self.n_classes}")
        if not np.all(np.isin(y, np.arange(Z.shape[1]))):
            raise ValueError(
                f"Categorical labels must be integers 0..{Z.shape[1] - 1} (the columns of Z), "
                f"got values {np.unique(y)[:5].tolist()}"
            )
        return y.astype(int), Z

    def proba(self, Z: ArrayLike) -> Array:
        """Row-wise softmax, shape ``(n_samples, K)``."""
        return np.exp(log_softmax(_finite(Z, "scores Z")))

    def logpmf(self, y: ArrayLike, Z: ArrayLike) -> Array:
        r"""Per-sample :math:`\log P(y_i \mid z_i)`, shape ``(n_samples,)``."""
        y, Z = self._labels(y, Z)
        return -SoftmaxCrossEntropyLoss(n_classes=Z.shape[1]).value(y, Z)

    def nll(self, y: ArrayLike, Z: ArrayLike) -> float:
        r"""Negative log-likelihood :math:`-\sum_i \log P(y_i \mid z_i)`."""
        return -float(np.sum(self.logpmf(y, Z)))

    def sample(self, Z: ArrayLike, random_state=None) -> Array:
        """One class per row of scores, drawn from its softmax (inverse CDF of a uniform)."""
        P = self.proba(Z)
        u = _uniform(random_state, (P.shape[0], 1))
        return np.minimum((np.cumsum(P, axis=1) < u).sum(axis=1), P.shape[1] - 1)

    def __repr__(self) -> str:
        return "Categorical()" if self.n_classes is None else f"Categorical(n_classes={self.n_classes})"

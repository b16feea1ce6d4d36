r"""Losses of a network's output: mean squared error and softmax cross-entropy.

See the book: section 5.1 (the loss :math:`C` that backpropagation differentiates).

A loss compares the output of the last layer with the target and is the
first link of backpropagation:

* ``forward(output, target) -> float``: the loss averaged over the batch;
* ``backward() -> ndarray``: :math:`\partial C / \partial\,\mathrm{output}`,
  of the output's shape, which the network's ``backward`` takes.

Both take optional ``sample_weight`` :math:`s_i \ge 0`: the mean becomes
:math:`\sum_i s_i \ell_i / \sum_i s_i`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

# The one row-wise log-softmax of the package (the bottom floor's), re-exported here.
from ..losses import LogisticLoss, log_softmax

__all__ = ["CrossEntropyLoss", "MSELoss", "log_softmax"]

#: One output column is two classes with logits (0, z): the logistic loss.
_LOGISTIC = LogisticLoss()

Array = NDArray[np.float64]


def _check_output(loss: object, output: ArrayLike) -> Array:
    output = np.asarray(output, dtype=np.float64)
    if output.ndim != 2 or output.shape[0] == 0:
        raise ValueError(
            f"{type(loss).__name__}: output must be of shape (n_samples, n_outputs), "
            f"got {output.shape}"
        )
    if not np.isfinite(output).all():
        raise ValueError(
            f"{type(loss).__name__}: output contains NaN or infinity (lower the learning rate?)"
        )
    return output


def _normalized_weights(sample_weight: ArrayLike | None, n_samples: int) -> Array | float:
    r"""Weights :math:`s_i / \sum_j s_j` of shape ``(n_samples, 1)``, or the number :math:`1/N`.

    The weights are divided by the largest one first: their sum then lies in
    :math:`[1, N]` and cannot overflow (weights of :math:`10^{306}` give the
    unweighted mean, not 0).
    """
    if sample_weight is None:
        return 1.0 / n_samples
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != (n_samples,):
        raise ValueError(f"sample_weight must be of shape ({n_samples},), got {weights.shape}")
    largest = weights.max(initial=0.0)
    if not np.isfinite(weights).all() or (weights < 0).any() or largest <= 0:
        raise ValueError("sample_weight must be finite, non-negative and not all zero")
    relative = weights / largest
    return (relative / relative.sum())[:, None]


def class_logits(output: Array) -> Array:
    """One logit per class: one column :math:`z` is two classes with logits :math:`(0, z)`."""
    return np.hstack([np.zeros_like(output), output]) if output.shape[1] == 1 else output


class MSELoss:
    r"""Mean squared error, averaged over the batch and the outputs.

    .. math:: C = \frac{1}{N k} \sum_{i=1}^N \sum_{j=1}^k (a_{ij} - y_{ij})^2,
        \qquad \frac{\partial C}{\partial a_{ij}} = \frac{2}{N k} (a_{ij} - y_{ij})

    For one output and one object this is the seed's :math:`C = (a^{(L)} - y)^2`
    with :math:`\partial C/\partial a^{(L)} = 2(a^{(L)} - y)`.

    ``target`` has the output's shape ``(n_samples, k)``; for ``k = 1`` a
    vector of shape ``(n_samples,)`` is taken as a column (explicitly, not by
    broadcasting, which would silently give an ``(N, N)`` matrix).

    Examples
    --------
    >>> loss = MSELoss()
    >>> round(loss.forward([[0.68]], [1.0]), 6)  # the seed's example: (0.68 - 1)^2
    0.1024
    >>> loss.backward().round(6)
    array([[-0.64]])

    See the book: section 5.1.
    """

    def forward(
        self, output: ArrayLike, target: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        r"""Mean squared error; caches the residual for :meth:`backward`.

        Parameters
        ----------
        output : array-like of shape (n_samples, k)
            The network's output :math:`a`.
        target : array-like of shape (n_samples, k), or (n_samples,) when k = 1
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        float
        """
        output = _check_output(self, output)
        target = np.asarray(target, dtype=np.float64)
        if target.ndim == 1 and output.shape[1] == 1:
            target = target[:, None]
        if target.shape != output.shape:
            raise ValueError(
                f"MSELoss: target must have the output's shape {output.shape}, got {target.shape}"
            )
        self._residual = output - target
        self._weights = _normalized_weights(sample_weight, output.shape[0]) / output.shape[1]
        return float(np.sum(self._weights * self._residual ** 2))

    def backward(self) -> Array:
        r""":math:`\partial C / \partial a = 2 s_i (a - y) / (k \sum s)`, shape (n_samples, k)."""
        if getattr(self, "_residual", None) is None:
            raise RuntimeError("MSELoss: call forward before backward")
        return (2.0 * self._weights) * self._residual

    def __repr__(self) -> str:
        return "MSELoss()"


class CrossEntropyLoss:
    r"""Softmax cross-entropy of logits and integer class labels.

    For logits :math:`z_i \in \mathbb{R}^K` (the last linear layer, no
    activation after it) and classes :math:`y_i \in \{0, \dots, K-1\}`:

    .. math::
        p_{ik} = \frac{e^{z_{ik}}}{\sum_j e^{z_{ij}}}, \qquad
        C = -\frac1N \sum_{i=1}^N \log p_{i y_i}, \qquad
        \frac{\partial C}{\partial z_{ik}} = \frac1N \left(p_{ik} - \mathbb{I}[y_i = k]\right).

    The gradient follows from :math:`-\log p_{iy} = \log\sum_j e^{z_{ij}} - z_{iy}`:
    the derivative of the log-sum-exp is the softmax itself. Softmax and loss
    are computed together by :func:`log_softmax`, so logits of :math:`\pm 10^4`
    give a finite loss and no warnings. One column of logits is two classes
    with logits :math:`(0, z)`: :math:`p_{i1} = \sigma(z_i)`, the logistic loss
    (scikit-learn's binary output), computed by :class:`~course_lib.losses.LogisticLoss`
    of section 2.1.10 (labels :math:`2y - 1`); the gradient is then that of :math:`z` alone.

    Examples
    --------
    >>> loss = CrossEntropyLoss()
    >>> round(loss.forward([[0.0, 0.0], [1e4, -1e4]], [1, 1]), 4)  # (log 2 + 2e4) / 2
    10000.3466
    >>> loss.backward()
    array([[ 0.25, -0.25],
           [ 0.5 , -0.5 ]])

    See the book: section 5.1.
    """

    def forward(
        self, output: ArrayLike, target: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        r"""Mean cross-entropy; caches the gradient for :meth:`backward`.

        Parameters
        ----------
        output : array-like of shape (n_samples, n_classes) or (n_samples, 1)
            Logits :math:`z` (no softmax applied); one column is two classes
            with logits :math:`(0, z)`.
        target : array-like of shape (n_samples,)
            Class indices :math:`0, \dots, K-1` (integers).
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        float
        """
        logits = _check_output(self, output)
        labels = self._check_target(target, len(logits), max(logits.shape[1], 2))
        self._weights = _normalized_weights(sample_weight, logits.shape[0])
        if logits.shape[1] == 1:  # logits (0, z): the logistic loss of section 2.1.10
            losses, grad = _LOGISTIC.value_and_gradient(2.0 * labels - 1.0, logits[:, 0])
            self._grad = grad[:, None]
        else:
            log_p = log_softmax(logits)
            rows = np.arange(len(labels))
            losses, self._grad = -log_p[rows, labels], np.exp(log_p)
            self._grad[rows, labels] -= 1.0
        return float(np.sum(self._weights * losses[:, None]))

    def backward(self) -> Array:
        r""":math:`\partial C/\partial z = s_i (p - \mathrm{onehot}(y)) / \sum s`, shape (N, K) (or (N, 1))."""
        if getattr(self, "_grad", None) is None:
            raise RuntimeError("CrossEntropyLoss: call forward before backward")
        return self._grad * self._weights  # a new array: the caller may change it

    @staticmethod
    def _check_target(target: ArrayLike, n_samples: int, n_classes: int) -> NDArray[np.intp]:
        labels = np.asarray(target)
        if labels.shape != (n_samples,):
            raise ValueError(
                f"CrossEntropyLoss: target must be class indices of shape ({n_samples},), got "
                f"shape {labels.shape} (for one-hot rows pass target.argmax(axis=1))"
            )
        integral = labels.dtype.kind in "iu" or (
            labels.dtype.kind == "f" and np.all(np.mod(labels, 1) == 0))
        if not integral:
            raise ValueError("CrossEntropyLoss: target must hold integer class indices")
        if labels.min() < 0 or labels.max() >= n_classes:
            raise ValueError(
                f"CrossEntropyLoss: class indices must lie in 0..{n_classes - 1} "
                f"(one logit per class), got {labels.min()}..{labels.max()}"
            )
        return labels.astype(np.intp)

    def __repr__(self) -> str:
        return "CrossEntropyLoss()"

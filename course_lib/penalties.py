r"""Regularization penalties on the weight vector: value, (sub)gradient, prox.

See the book: section 2.1.6 (regularization) and section 2.1.7 (sparsity of L1).

A regularized linear model minimizes
:math:`\sum_i \ell(y_i, z_i) + \alpha \, \Omega(w)`, where the penalty
:math:`\Omega` sees only the weights :math:`w`, never the bias :math:`b`.
Each penalty offers three operations on ``w`` of shape ``(n_features,)``:

* ``value(w)``: :math:`\Omega(w)`;
* ``gradient(w)``: its gradient (for L1 a subgradient, 0 at :math:`w_j = 0`);
* ``prox(w, step)``: the proximal operator
  :math:`\operatorname{prox}_{\mu\Omega}(v) = \arg\min_u \Omega(u) + \frac{1}{2\mu}\|u - v\|^2`,
  which proximal gradient descent uses for a non-smooth penalty. For L1 it is
  soft thresholding, the operation that sets small weights to exactly zero.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Penalty", "L2Penalty", "L1Penalty", "PENALTIES", "get_penalty"]


class Penalty:
    r"""Base class of a penalty :math:`\Omega(w)` on the weights.

    See the book: section 2.1.6.

    Attributes
    ----------
    name : str
    smooth : bool
        Whether the gradient exists everywhere. Solvers add the gradient of
        a smooth penalty to the loss gradient and apply ``prox`` otherwise.
    smoothness : float
        Lipschitz constant of the gradient (0 for a non-smooth penalty).
    """

    name: str = "penalty"
    smooth: bool = True
    smoothness: float = 0.0

    def value(self, w: ArrayLike) -> float:
        """Penalty value, a float."""
        raise NotImplementedError

    def gradient(self, w: ArrayLike) -> NDArray[np.float64]:
        """(Sub)gradient, shape ``(n_features,)``."""
        raise NotImplementedError

    def prox(self, w: ArrayLike, step: float) -> NDArray[np.float64]:
        """Proximal operator of ``step * penalty`` at ``w``, shape ``(n_features,)``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class L2Penalty(Penalty):
    r"""Squared Euclidean norm :math:`\Omega(w) = \|w\|_2^2 = \sum_j w_j^2` (ridge).

    .. math::
        \nabla \Omega(w) = 2w, \qquad
        \operatorname{prox}_{\mu\Omega}(v) = \frac{v}{1 + 2\mu}, \qquad \mu = \texttt{step}

    Examples
    --------
    >>> penalty = L2Penalty()
    >>> penalty.value([3.0, -4.0]), penalty.gradient([3.0, -4.0])
    (25.0, array([ 6., -8.]))
    >>> penalty.prox([3.0, -4.0], step=0.5)
    array([ 1.5, -2. ])

    See the book: section 2.1.6.
    """

    name = "l2"
    smooth = True
    smoothness = 2.0

    def value(self, w: ArrayLike) -> float:
        w = np.asarray(w, dtype=float)
        return float(w @ w)

    def gradient(self, w: ArrayLike) -> NDArray[np.float64]:
        return 2.0 * np.asarray(w, dtype=float)

    def prox(self, w: ArrayLike, step: float) -> NDArray[np.float64]:
        return np.asarray(w, dtype=float) / (1.0 + 2.0 * step)


class L1Penalty(Penalty):
    r"""Manhattan norm :math:`\Omega(w) = \|w\|_1 = \sum_j |w_j|` (lasso).

    .. math::
        \partial \Omega(w) \ni \operatorname{sign}(w), \qquad
        \operatorname{prox}_{\mu\Omega}(v)_j = \operatorname{sign}(v_j)\max(|v_j| - \mu, 0)

    The prox (soft thresholding, :math:`\mu` = ``step``) maps every
    :math:`|v_j| \le \mu` to exactly 0:
    this is why L1 regularization gives sparse weights.

    Examples
    --------
    >>> penalty = L1Penalty()
    >>> penalty.value([3.0, -4.0, 0.0]), penalty.gradient([3.0, -4.0, 0.0])
    (7.0, array([ 1., -1.,  0.]))
    >>> penalty.prox([3.0, -0.5, 0.2], step=1.0)
    array([ 2., -0.,  0.])

    See the book: section 2.1.7.
    """

    name = "l1"
    smooth = False
    smoothness = 0.0

    def value(self, w: ArrayLike) -> float:
        return float(np.sum(np.abs(w)))

    def gradient(self, w: ArrayLike) -> NDArray[np.float64]:
        return np.sign(np.asarray(w, dtype=float))

    def prox(self, w: ArrayLike, step: float) -> NDArray[np.float64]:
        w = np.asarray(w, dtype=float)
        return np.sign(w) * np.maximum(np.abs(w) - step, 0.0)


#: Registry of penalties by name.
PENALTIES: dict[str, type[Penalty]] = {cls.name: cls for cls in (L2Penalty, L1Penalty)}


def get_penalty(penalty: str | Penalty) -> Penalty:
    """Return a penalty object from its name (``"l2"``, ``"l1"``) or pass one through.

    Parameters
    ----------
    penalty : str or Penalty

    Returns
    -------
    Penalty

    Examples
    --------
    >>> get_penalty("l1")
    L1Penalty()

    See the book: section 2.1.6.
    """
    if isinstance(penalty, Penalty):
        return penalty
    if isinstance(penalty, str) and penalty in PENALTIES:
        return PENALTIES[penalty]()
    raise ValueError(
        f"unknown penalty {penalty!r}; expected one of {sorted(PENALTIES)} or a Penalty object"
    )

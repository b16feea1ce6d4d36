r"""Pointwise loss functions of a score :math:`z`, each with its gradient.

See the book: section 2.1.2 (squared loss), section 2.1.8 (other losses),
section 2.1.9 (margin losses of classification), section 2.1.10 (logistic loss),
section 2.1.12 (softmax cross-entropy of :math:`K` scores) and chapter 3
(the Student-t loss). The package has a module per family: ``regression``,
``margin``, ``softmax`` and ``student_t``; every loss is imported from here.

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

from ._base import Loss
from .margin import (
    HingeLoss,
    LogisticLoss,
    MarginLoss,
    MisclassificationLoss,
    PerceptronLoss,
    SmoothedHingeLoss,
)
from .regression import AbsoluteLoss, HuberLoss, MAPELoss, SquaredLoss
from .softmax import SoftmaxCrossEntropyLoss, log_softmax
from .student_t import StudentTLoss

__all__ = [
    "LOSSES",
    "AbsoluteLoss",
    "HingeLoss",
    "HuberLoss",
    "LogisticLoss",
    "Loss",
    "MAPELoss",
    "MarginLoss",
    "MisclassificationLoss",
    "PerceptronLoss",
    "SmoothedHingeLoss",
    "SoftmaxCrossEntropyLoss",
    "SquaredLoss",
    "StudentTLoss",
    "get_loss",
    "log_softmax",
]


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

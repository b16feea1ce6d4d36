r"""Compiled per-sample losses: the formulas of the compiled SGD epoch, one sample at a time.

The numpy spellings of :mod:`course_lib.losses` are what the book explains;
:func:`loss_and_derivative` computes the same numbers for one sample, compiled
by numba (:mod:`course_lib._compiled`), for the loops of
:mod:`course_lib.linear._sgd_epoch` (the SGD epoch and the objective's one-pass
sum over long rows). (On whole arrays numpy's vectorized ``exp`` and ``log1p``
are faster than this function called per sample, so the losses keep their
numpy spelling, and the objective its numpy blocks on short rows.)
"""

from __future__ import annotations

import math

from .._compiled import njit

#: The losses the loops know, by the code they take.
SQUARED, LOGISTIC = 0, 1


@njit(cache=True, nogil=True)
def loss_and_derivative(loss: int, y: float, z: float) -> tuple[float, float]:
    r""":math:`\ell(y, z)` and :math:`\partial\ell/\partial z` of one sample."""
    if loss == SQUARED:
        residual = z - y
        return residual * residual, 2.0 * residual
    minus_margin = -y * z  # logistic: log(1 + e^{-M}) and -y sigma(-M), without overflow
    small = math.exp(-abs(minus_margin))  # at most 1: one exponential for both
    value = max(minus_margin, 0.0) + math.log1p(small)
    sigma = (1.0 if minus_margin >= 0.0 else small) / (1.0 + small)
    return value, -y * sigma

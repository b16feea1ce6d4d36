"""Finite differences for :mod:`course_lib.gradcheck`: steps, central differences, re-checks.

Every function perturbs one array in place and puts each entry back exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def _steps(point: Array, eps: float, scale_of: str = "array") -> Array:
    """The step of every entry: ``eps`` times the larger of its magnitude and a scale.

    ``scale_of="array"``: the root mean square of the array; ``"column"``: of
    the entry's column (a feature: columns in different units get their own
    steps); ``"entry"``: the entry's own magnitude, down to :math:`10^{-3}` of
    the array's (parameters of very different sizes). A zero scale counts as 1.
    """
    if point.size == 0:
        return np.zeros_like(point)
    if scale_of == "column" and point.ndim == 2:
        scale = np.sqrt(np.mean(point**2, axis=0, keepdims=True))
    else:
        scale = np.full((1,) * point.ndim, np.sqrt(np.mean(point**2)))
    scale = np.where(scale > 0, scale, 1.0)
    if scale_of == "entry":
        scale = 1e-3 * scale
    steps = eps * np.maximum(np.abs(point), scale)
    return np.where(np.isfinite(steps), steps, eps)


def _perturbation_gradient(
    f: Callable[[], float], point: Array, steps: Array, center: float | None = None
) -> tuple[Array, Array]:
    """Central differences of ``f()`` over the entries of ``point`` (C-contiguous), perturbed in place.

    Every entry gets its exact old value back, so ``point`` ends unchanged.
    Returns the gradient and, when ``center = f()`` is given, the gap between
    the two one-sided differences per entry (large at a kink; zeros without ``center``).
    """
    grad, kink = np.empty_like(point), np.zeros(point.shape)
    flat, flat_grad, flat_kink = point.reshape(-1), grad.reshape(-1), kink.reshape(-1)
    flat_steps = np.broadcast_to(steps, point.shape).reshape(-1)
    for j in range(flat.size):
        plus, minus, h_plus, h_minus = _at(f, flat, j, flat_steps[j])
        flat_grad[j] = (plus - minus) / (h_plus + h_minus)
        if center is not None:
            flat_kink[j] = abs((plus - center) / h_plus - (center - minus) / h_minus)
    return grad, kink


def _at(f: Callable[[], float], point: Array, index, h: float) -> tuple[float, float, float, float]:
    """``f()`` with one entry moved by +h and by -h (then restored), and the steps actually taken."""
    old = point[index]
    point[index] = old + h
    plus = f()
    point[index] = old - h
    minus = f()
    point[index] = old
    return plus, minus, (old + h) - old, old - (old - h)


def _one_sided_gap(f: Callable[[], float], point: Array, index: tuple, h: float,
                   center: float) -> float:
    """|forward - backward difference| at one entry with step ``h``."""
    plus, minus, h_plus, h_minus = _at(f, point, index, h)
    return abs((plus - center) / h_plus - (center - minus) / h_minus)


def _central(f: Callable[[], float], point: Array, index: tuple, h: float) -> float:
    """The central difference at one entry with step ``h``."""
    plus, minus, h_plus, h_minus = _at(f, point, index, h)
    return (plus - minus) / (h_plus + h_minus)


def _resolve_small(f: Callable[[], float], point: Array, analytic: Array, numeric: Array,
                   noise: Array, steps: Array, rounding: float, kink: Array,
                   ) -> list[tuple[int, ...]]:
    r"""Re-check, with longer steps, entries whose gradient is below the rounding noise.

    The rounding error of a difference is that of the whole function over the
    step: a feature of scale :math:`10^{-4}` next to one of :math:`10^{6}`
    has a gradient below it, so any answer, a wrong sign too, would pass.
    Such an entry gets steps :math:`10^2, 10^4, 10^6` times longer; a step is
    trusted when halving it changes the difference by little (truncation
    error small) and the difference lies within the first one's noise: a
    longer step that leaves that band measures a secant over a bend (a
    saturated sigmoid that flips within the step), not the derivative, and
    the entry stays unchecked. ``numeric`` and ``noise`` are updated in place;
    returns the entries still below the noise (they could not be checked).
    """
    size = np.maximum(np.abs(analytic), np.abs(numeric))
    unresolved = [tuple(int(i) for i in index)
                  for index in np.argwhere((noise >= 0.1 * size) & ~kink & (size > 0))]
    left = []
    for index in unresolved:
        for factor in (1e2, 1e4, 1e6):
            h = steps[index] * factor
            if not np.isfinite(point[index] + h):
                break
            long, short = _central(f, point, index, h), _central(f, point, index, h / 2)
            if abs(short - numeric[index]) > noise[index]:
                left.append(index)  # a secant over a bend: longer steps only bend more
                break
            error = rounding / h + abs(long - short)
            if error < 0.1 * max(abs(short), abs(analytic[index])):
                numeric[index], noise[index] = short, error
                break
        else:
            left.append(index)
    return left

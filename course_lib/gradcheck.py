r"""Gradient checking: compare a backward pass with central finite differences.

See the book: section 5.1.

Backpropagation is easy to get subtly wrong: a missing transpose or a
forgotten factor 2 still trains, only worse. The remedy is an independent
oracle. For any scalar function :math:`f` of an array :math:`x` the central
difference

.. math:: \frac{\partial f}{\partial x_j} \approx
    \frac{f(x + \varepsilon e_j) - f(x - \varepsilon e_j)}{2\varepsilon}

has error :math:`O(\varepsilon^2)` (the :math:`f'''` term) plus rounding
:math:`O(u |f| / \varepsilon)`, :math:`u \approx 10^{-16}`: with
:math:`\varepsilon = 10^{-6}` both are about :math:`10^{-10}` relative in
float64, so a correct backward agrees to :math:`10^{-8}` or better and a wrong
one misses by far more. It costs two evaluations of :math:`f` per
coordinate, which is why training uses backpropagation and not this.

A layer (or a network) maps an array to an array. To check its backward we
reduce it to a scalar with a fixed random direction :math:`G` of the shape of
the output, :math:`f = \sum_{ij} G_{ij}\,\mathrm{forward}(X)_{ij}`: then
:math:`\partial f / \partial \mathrm{output} = G` is exactly what
``backward(G)`` takes, and what it returns (and puts into ``grads``) must be
:math:`\partial f / \partial X` (and :math:`\partial f / \partial \theta`).

This module sits on the bottom floor: it knows the layer protocol
(``forward``, ``backward``, ``params``, ``grads``, ``layers``) only by duck typing.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._differences import _one_sided_gap, _perturbation_gradient, _resolve_small, _steps

__all__ = ["GradcheckResult", "check_backward", "check_loss_backward", "numerical_gradient",
           "relative_error"]

Array = NDArray[np.float64]


def numerical_gradient(
    f: Callable[[Array], float], x: ArrayLike, *, eps: float = 1e-6
) -> Array:
    r"""Central finite-difference gradient of a scalar function of an array.

    .. math:: g_j = \frac{f(x + h_j e_j) - f(x - h_j e_j)}{2h_j},
        \qquad h_j = \mathrm{eps} \cdot \max(|x_j|, \bar x)

    The step is relative to the scale of the point: :math:`\bar x` is the
    root mean square of ``x`` (1 when ``x`` is all 0), so ``x`` in any units is
    differentiated to the same relative accuracy, and an entry far larger
    than the rest gets a step in proportion. (:func:`check_backward` takes the
    scale of each column of the input separately: features in different units.)

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for ``x`` of the shape of ``x`` below. Every call
        gets a fresh float64 copy of the point, so ``f`` may write into its
        argument; the caller's array is never written into.
    x : array-like of any shape
        The point (integers are converted to float64).
    eps : float, default=1e-6
        The relative step (about :math:`u^{1/3}` of float64, :math:`u` the unit roundoff;
        the best for central differences; use ``3e-3`` for a function computed in float32).

    Returns
    -------
    ndarray of the shape of ``x``
        The approximate gradient :math:`\nabla f(x)`.

    Examples
    --------
    >>> g = numerical_gradient(lambda x: float(np.sum(x ** 3)), np.array([1.0, -2.0]))
    >>> np.round(g, 6)
    array([ 3., 12.])

    See the book: section 5.1.
    """
    point = np.array(x, dtype=np.float64, order="C")  # a copy: we perturb it in place
    return _perturbation_gradient(lambda: float(f(point.copy())), point, _steps(point, eps))[0]


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    r"""Largest difference of two arrays relative to their largest entry.

    .. math:: \frac{\max_j |a_j - b_j|}{\max\left(\max_j |a_j|,\ \max_j |b_j|\right)}

    Dividing by the largest entry (not entry by entry) keeps exact zeros of
    a gradient, e.g. behind a ReLU, from turning rounding noise into a huge
    ratio; the result does not depend on the scale of the function.
    Two all-zero arrays have error 0.

    Parameters
    ----------
    a, b : array-like of the same shape

    Returns
    -------
    float

    Examples
    --------
    >>> relative_error([1.0, 0.0, -2.0], [1.0, 1e-9, -2.0])
    5e-10

    See the book: section 5.1.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
    scale = max(np.max(np.abs(a)), np.max(np.abs(b))) if a.size else 0.0
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def _named_parameters(module: Any, prefix: str = "") -> Iterator[tuple[str, Any, str]]:
    """``(name, owner, key)`` of every parameter: the module's own, then its layers' (recursively).

    A layer's parameter is named by its key (``"W"``), a network's layer's by
    ``"<layer index>.<key>"`` (``"0.W"``, ``"1.0.W"`` in a nested network); a
    block with both ``params`` and ``layers`` has all of them checked.
    """
    for key in getattr(module, "params", {}):
        yield prefix + key, module, key
    for i, layer in enumerate(getattr(module, "layers", ())):
        yield from _named_parameters(layer, f"{prefix}{i}.")


class GradcheckResult(dict):
    """The errors by name (a dict of str to float) and ``kinks``: the coordinates skipped as kinks.

    ``kinks[name]`` lists the indices (tuples) of the entries of that array
    where the function has a kink (the one-sided differences disagree), e.g. a
    ReLU input at exactly 0: there is no derivative to compare with.
    """

    kinks: dict[str, list[tuple[int, ...]]]


def _default_eps(dtype: np.dtype) -> float:
    """The relative step: 1e-6 for float64, the cube root of the unit roundoff otherwise (float32: 5e-3)."""
    return 1e-6 if dtype == np.float64 else _unit_roundoff(dtype) ** (1.0 / 3.0)


def _unit_roundoff(dtype: np.dtype) -> float:
    return float(np.finfo(dtype).eps)


def _error(analytic: Array, numeric: Array, noise: Array, kink: Array) -> float:
    r"""The largest relative error beyond the finite differences' own error, kinks excluded.

    Per entry :math:`\max(|a_j - n_j| - \tau_j, 0) / \max(|a_j|, |n_j|)`, with
    :math:`\tau_j` the rounding and truncation error of the difference at that
    entry: an entry with a small gradient counts as much as a large one (a
    sign error on a feature of scale :math:`10^{-2}` next to one of
    :math:`10^4` is caught), rounding noise does not count.
    """
    excess = np.maximum(np.abs(analytic - numeric) - noise, 0.0)
    size = np.maximum(np.abs(analytic), np.abs(numeric))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(excess > 0, excess / np.where(size > 0, size, 1.0), 0.0)
    ratio = np.where(kink, 0.0, ratio)
    return float(np.max(ratio)) if ratio.size else 0.0


def check_backward(
    module: Any, X: ArrayLike, *, eps: float | None = None, random_state: int = 0
) -> GradcheckResult:
    r"""Compare a layer's or a network's backward pass with finite differences.

    With a fixed random :math:`G` of the output's shape the scalar
    :math:`f(X, \theta) = \sum_{ij} G_{ij}\,\mathrm{forward}(X)_{ij}` has
    :math:`\partial f/\partial\,\mathrm{output} = G`, so ``backward(G)`` must
    return :math:`\partial f/\partial X` and fill ``grads`` with
    :math:`\partial f/\partial\theta`. Both are compared entry by entry with
    central differences (:func:`numerical_gradient`'s relative steps).

    What it guards against:

    * every parameter is perturbed as a float64, C-contiguous copy put in
      its place for the check (a transposed or integer weight matrix is
      perturbed for real; the original object is put back after);
    * the step of each entry is relative to its magnitude (at least
      relative to the scale of its column for the input, to :math:`10^{-3}`
      of its array's for a parameter), and the
      error of each entry is relative to its own size, beyond the expected rounding
      and truncation error of the difference: features of very different
      scales are all checked, and a correct layer on unscaled input passes
      (with saturated sigmoids, :math:`|z| \sim 10^3`, about 1 input in 200
      still gets an error of 1e-6..1e-2: the truncation of a long re-check step);
    * kinks: where the one-sided differences disagree (a ReLU input at
      exactly 0, where no derivative exists) the entry is skipped, listed in
      ``result.kinks`` and named in a warning; move the point to check it;
    * layers that write into their arguments (``grad_out *= ...`` in
      ``backward``, an in-place ``forward``): every call gets a fresh copy of
      :math:`G` and of the input, so the direction and the point stay fixed;
    * float32 layers (the output is float32): the step is :math:`5\cdot 10^{-3}`
      (the cube root of float32's rounding unit) and the noise estimate is
      float32's, so expect errors up to about :math:`10^{-4}`, not :math:`10^{-8}`.

    Parameters
    ----------
    module : layer or network
        Anything with ``forward(X)`` and ``backward(grad_out)``, and
        ``params``/``grads`` dicts (a layer), a list ``layers`` of such
        layers (a network, possibly nested) or both (a block with its own
        parameters around inner layers): every parameter is checked.
    X : array-like of shape (n_samples, n_features)
        The input; not written into.
    eps : float, optional
        Relative finite-difference step; default 1e-6 (float64 output), 5e-3 (float32).
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the direction :math:`G`.

    Returns
    -------
    GradcheckResult (a dict of str to float)
        Relative error per checked array: ``"input"`` and each parameter,
        named by its key (``"W"``) or, in a network, ``"<layer index>.<key>"``
        (``"1.0.W"`` in a nested one);
        about 1e-8 or less for a correct float64 backward, 0 when the
        differences agree to their own accuracy. ``.kinks`` lists the skipped entries.

    Examples
    --------
    >>> class Square:  # y = x^2 elementwise, no parameters
    ...     def forward(self, X):
    ...         self.X = np.asarray(X, dtype=float)
    ...         return self.X ** 2
    ...     def backward(self, grad_out):
    ...         return 2 * self.X * grad_out
    >>> errors = check_backward(Square(), [[1.0, -2.0], [0.5, 3.0]])
    >>> errors["input"] < 1e-8
    True

    See the book: section 5.1.
    """
    X = np.array(X, dtype=np.float64, order="C")  # our copy: perturbed below
    rng = np.random.default_rng(random_state)  # an int, None or a Generator (bottom floor)

    def forward() -> NDArray:  # a fresh copy of X: the module may write into its input
        return np.asarray(module.forward(X.copy()))

    out = forward()
    dtype = out.dtype if np.issubdtype(out.dtype, np.floating) else np.dtype(np.float64)
    eps, G = _default_eps(dtype) if eps is None else eps, rng.normal(size=out.shape)
    # a copy of G: a correct backward may scale grad_out in place, G must stay fixed
    analytic = {"input": np.array(module.backward(G.copy()), dtype=np.float64)}
    named = list(_named_parameters(module))
    analytic.update({name: np.array(owner.grads[key], dtype=np.float64)
                     for name, owner, key in named})

    def f() -> float:
        return float(np.sum(G * np.asarray(forward(), dtype=np.float64)))

    originals = [(owner, key, owner.params[key]) for _, owner, key in named]
    for owner, key, value in originals:  # perturb float64 contiguous copies, for real
        owner.params[key] = np.array(value, dtype=np.float64, order="C")
    try:
        center = f()
        magnitude = float(np.sum(np.abs(G * np.asarray(forward(), dtype=np.float64))))
        points = [("input", X)] + [(name, owner.params[key]) for name, owner, key in named]
        result, kinks, unchecked = GradcheckResult(), {}, {}
        for name, point in points:
            result[name], kinks[name], unchecked[name] = _compare_at(
                f, point, analytic[name], eps, center, 8 * _unit_roundoff(dtype) * magnitude,
                scale_of="column" if name == "input" else "entry")
    finally:
        for owner, key, value in originals:
            owner.params[key] = value
    result.kinks = {name: spots for name, spots in kinks.items() if spots}
    unchecked = {name: spots for name, spots in unchecked.items() if spots}
    if unchecked:
        where = "; ".join(f"{name} at {spots[:5]}" for name, spots in unchecked.items())
        warnings.warn(f"check_backward: entries whose gradient is below the rounding noise of "
                      f"the output (features of very different scales) could not be checked: "
                      f"{where}. Standardize X to check them.", UserWarning, stacklevel=2)
    if result.kinks:
        where = "; ".join(f"{name} at {spots[:5]}" for name, spots in result.kinks.items())
        warnings.warn(f"check_backward: entries on a kink (the one-sided differences disagree, "
                      f"e.g. a ReLU input at exactly 0; no derivative there) were skipped: "
                      f"{where}. Move the point (add small noise to X or the parameters) "
                      "to check them.",
                      UserWarning, stacklevel=2)
    return result


def _compare_at(f: Callable[[], float], point: Array, analytic: Array, eps: float,
                center: float, rounding: float, scale_of: str = "array"
                ) -> tuple[float, list[tuple[int, ...]], list[tuple[int, ...]]]:
    """The error of one array, the indices of its kinks and of the entries not checkable."""
    steps = _steps(point, eps, scale_of)
    numeric, gap = _perturbation_gradient(f, point, steps, center)
    if analytic.shape != numeric.shape:
        raise ValueError(f"the backward pass gave shape {analytic.shape}, expected "
                         f"{numeric.shape}")
    scale = float(np.max(np.abs(analytic))) if analytic.size else 0.0
    noise = rounding / steps + 1e2 * eps**2 * scale  # rounding + truncation of the difference
    kink = gap > 1e-2 * np.maximum(np.abs(numeric), np.abs(analytic)) + 1e2 * noise
    for index in np.argwhere(kink):  # smooth: the gap is h f'' and shrinks with h; a kink's does not
        index = tuple(index)
        kink[index] = _one_sided_gap(f, point, index, steps[index] / 16, center) > gap[index] / 4
    unresolved = _resolve_small(f, point, analytic, numeric, noise, steps, rounding, kink)
    return _error(analytic, numeric, noise, kink), [tuple(int(i) for i in index)
                                                     for index in np.argwhere(kink)], unresolved


def check_loss_backward(
    loss: Any, output: ArrayLike, target: ArrayLike, *, eps: float = 1e-6
) -> float:
    r"""Compare a loss's gradient with respect to the network output with finite differences.

    The loss is a scalar :math:`C(\mathrm{output}, \mathrm{target})`;
    ``loss.backward()`` after ``loss.forward(output, target)`` must return
    :math:`\partial C / \partial\,\mathrm{output}`.

    Parameters
    ----------
    loss : object
        With ``forward(output, target) -> float`` and ``backward() -> ndarray``.
    output : array-like of shape (n_samples, n_outputs)
        Where to check; not written into (every ``forward`` gets a fresh copy,
        of ``target`` too).
    target : array-like
        What ``loss.forward`` takes as the target.
    eps : float, default=1e-6
        Finite-difference step.

    Returns
    -------
    float
        The largest relative error per entry beyond the finite differences'
        own error (as in :func:`check_backward`; kinks skipped).

    Examples
    --------
    >>> class HalfSquares:  # C = sum((output - target)^2) / 2
    ...     def forward(self, output, target):
    ...         self.diff = np.asarray(output) - np.asarray(target)
    ...         return float(np.sum(self.diff ** 2) / 2)
    ...     def backward(self):
    ...         return self.diff
    >>> check_loss_backward(HalfSquares(), [[0.3, -1.0]], [[1.0, 0.0]]) < 1e-8
    True

    See the book: section 5.1.
    """
    output, target = np.array(output, dtype=np.float64, order="C"), np.array(target)

    def f() -> float:  # fresh copies: the loss may write into its arguments
        return float(loss.forward(output.copy(), target.copy()))

    center = f()
    analytic = np.array(loss.backward(), dtype=np.float64)

    rounding = 8 * _unit_roundoff(np.dtype(np.float64)) * max(abs(center), 1e-300)
    error, _, unchecked = _compare_at(f, output, analytic, eps, center, rounding)
    if unchecked:
        warnings.warn(f"check_loss_backward: entries {unchecked[:5]} have a gradient below "
                      "the rounding noise of the loss and could not be checked", UserWarning,
                      stacklevel=2)
    return error

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

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["check_backward", "check_loss_backward", "numerical_gradient", "relative_error"]

Array = NDArray[np.float64]


def numerical_gradient(
    f: Callable[[Array], float], x: ArrayLike, *, eps: float = 1e-6
) -> Array:
    r"""Central finite-difference gradient of a scalar function of an array.

    .. math:: g_j = \frac{f(x + h e_j) - f(x - h e_j)}{2h}

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for ``x`` of the shape of ``x`` below. It gets a
        private copy of ``x``; the caller's array is never written into.
    x : array-like of any shape
        The point.
    eps : float, default=1e-6
        The step :math:`h` (the book's symbol; :math:`\varepsilon` is machine precision).

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
    point = np.array(x, dtype=np.float64)  # a copy: we perturb it in place
    return _perturbation_gradient(lambda: float(f(point)), point, eps)


def _perturbation_gradient(f: Callable[[], float], point: Array, eps: float) -> Array:
    """Central differences of ``f()`` over the entries of ``point``, perturbed in place.

    Every entry gets its exact old value back, so ``point`` ends unchanged.
    """
    grad = np.empty_like(point)
    flat, flat_grad = point.reshape(-1), grad.reshape(-1)  # views
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        plus = f()
        flat[j] = old - eps
        minus = f()
        flat[j] = old
        flat_grad[j] = (plus - minus) / (2.0 * eps)
    return grad


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
    if a.size == 0:
        return 0.0
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def _named_parameters(module: Any) -> Iterator[tuple[str, Any, str]]:
    """``(name, owner, key)`` of every parameter: a layer's own, or each layer's of a network."""
    layers = getattr(module, "layers", None)
    if layers is None:
        for key in getattr(module, "params", {}):
            yield key, module, key
        return
    for i, layer in enumerate(layers):
        for key in getattr(layer, "params", {}):
            yield f"{i}.{key}", layer, key


def check_backward(
    module: Any, X: ArrayLike, *, eps: float = 1e-6, random_state: int = 0
) -> dict[str, float]:
    r"""Compare a layer's or a network's backward pass with finite differences.

    With a fixed random :math:`G` of the output's shape the scalar
    :math:`f(X, \theta) = \sum_{ij} G_{ij}\,\mathrm{forward}(X)_{ij}` has
    :math:`\partial f/\partial\,\mathrm{output} = G`, so ``backward(G)`` must
    return :math:`\partial f/\partial X` and fill ``grads`` with
    :math:`\partial f/\partial\theta`. Both are compared with
    :func:`numerical_gradient` by :func:`relative_error`.

    Parameters
    ----------
    module : layer or network
        Anything with ``forward(X)`` and ``backward(grad_out)``, and either
        ``params``/``grads`` dicts (a layer) or a list ``layers`` of such
        layers (a network). Parameters are perturbed in place and restored
        exactly.
    X : array-like of shape (n_samples, n_features)
        The input; not written into.
    eps : float, default=1e-6
        Finite-difference step.
    random_state : int, default=0
        Seeds the direction :math:`G`.

    Returns
    -------
    dict of str to float
        Relative error per checked array: ``"input"`` and each parameter,
        named by its key (``"W"``) or, in a network, ``"<layer index>.<key>"``.

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
    X = np.array(X, dtype=np.float64)  # our copy: perturbed below
    rng = np.random.default_rng(random_state)
    G = rng.normal(size=np.shape(module.forward(X)))
    analytic = {"input": np.array(module.backward(G), dtype=np.float64)}
    named = list(_named_parameters(module))
    for name, owner, key in named:
        analytic[name] = np.array(owner.grads[key], dtype=np.float64)

    def f() -> float:
        return float(np.sum(G * module.forward(X)))

    errors = {"input": relative_error(analytic["input"], _perturbation_gradient(f, X, eps))}
    for name, owner, key in named:
        numeric = _perturbation_gradient(f, owner.params[key], eps)
        errors[name] = relative_error(analytic[name], numeric)
    return errors


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
        Where to check; not written into.
    target : array-like
        What ``loss.forward`` takes as the target.
    eps : float, default=1e-6
        Finite-difference step.

    Returns
    -------
    float
        :func:`relative_error` of the analytic and the numerical gradient.

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
    output = np.array(output, dtype=np.float64)
    loss.forward(output, target)
    analytic = np.array(loss.backward(), dtype=np.float64)
    numeric = numerical_gradient(lambda out: loss.forward(out, target), output, eps=eps)
    return relative_error(analytic, numeric)

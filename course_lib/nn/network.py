r"""A network as a chain of layers: forward in order, backward in reverse.

See the book: section 4.1 (the network as a computational graph) and
section 5.1 (backpropagation).

:class:`Sequential` computes :math:`f(x) = f_L(\dots f_2(f_1(x)))`. By the
chain rule, :math:`\partial C/\partial x = J_1^T \cdots J_L^T\,\partial C/\partial f`:
``backward`` hands the gradient from each layer to the one before it,
and on the way every layer fills the gradients of its own parameters.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .layers import Layer

__all__ = ["Sequential"]

Array = NDArray[np.float64]


class Sequential:
    r"""Layers applied one after another.

    Parameters
    ----------
    *layers : Layer
        Objects with ``forward``, ``backward``, ``params`` and ``grads``
        (see :class:`Layer`). Consecutive linear layers must
        agree: the ``out_features`` of one is the ``in_features`` of the next.
        Each layer object may appear once, in one network: a layer caches its
        last input, so one object at two places, or in two networks, would
        overwrite its own cache and gradients (a ValueError, at construction
        and at ``forward``; build a separate layer, e.g. ``copy.deepcopy(layer)``
        for the same weights: weight sharing is not supported).

    Attributes
    ----------
    layers : list of Layer

    Examples
    --------
    >>> from course_lib.nn import Linear, ReLU
    >>> net = Sequential(Linear(4, 8, random_state=0), ReLU(), Linear(8, 3, random_state=1))
    >>> out = net.forward(np.ones((5, 4)))
    >>> out.shape, net.backward(np.ones((5, 3))).shape
    ((5, 3), (5, 4))
    >>> net.layers[0].grads["W"].shape
    (4, 8)

    See the book: section 4.1.
    """

    def __init__(self, *layers: Layer) -> None:
        if not layers:
            raise ValueError("Sequential needs at least one layer")
        for i, layer in enumerate(layers):
            if not all(hasattr(layer, name) for name in ("forward", "backward", "params", "grads")):
                raise TypeError(f"layer {i} ({layer!r}) is not a layer: it needs forward, "
                                "backward, params and grads")
        self.layers = list(layers)
        _claim(self)
        _check_widths(self.layers)

    def forward(self, X: ArrayLike) -> Array:
        """Output of the last layer, shape (n_samples, n_outputs); every layer caches its input."""
        _claim(self)  # again: ``layers`` is a list, it may have been changed since
        out = X
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, grad_out: ArrayLike, *, input_grad: bool = True) -> Array | None:
        r"""Backpropagation: gradients of every layer, last to first.

        With :math:`G_L = \partial C/\partial\,\mathrm{output}` each layer
        :math:`l = L, \dots, 1` fills its ``grads`` and returns
        :math:`G_{l-1} = \partial C/\partial\,\mathrm{input}_l`, the
        ``grad_out`` of layer :math:`l - 1`: the chain rule
        :math:`\frac{\partial C}{\partial a^{(l-1)}} = \frac{\partial z^{(l)}}{\partial a^{(l-1)}}
        \frac{\partial a^{(l)}}{\partial z^{(l)}} \frac{\partial C}{\partial a^{(l)}}`
        of section 5.1.5, applied once per layer.

        Parameters
        ----------
        grad_out : array-like of shape (n_samples, n_outputs)
            :math:`\partial C/\partial\,\mathrm{output}`, e.g. ``loss.backward()``.
        input_grad : bool, default=True
            Whether to return :math:`\partial C/\partial X`. Training does not
            need it: ``False`` skips the first layer's input gradient.

        Returns
        -------
        ndarray of shape (n_samples, n_features), or None if ``input_grad=False``
        """
        grad = grad_out
        for layer in reversed(self.layers[1:]):
            grad = layer.backward(grad)
        return self.layers[0].backward(grad, input_grad=input_grad)

    def __call__(self, X: ArrayLike) -> Array:
        return self.forward(X)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Layer:
        return self.layers[index]

    def __repr__(self) -> str:
        inner = ",\n".join(f"  {layer!r}" for layer in self.layers)
        return f"Sequential(\n{inner}\n)"


#: The network each layer belongs to, by the layer's id; networks are held weakly.
_OWNERS: weakref.WeakValueDictionary[int, Sequential] = weakref.WeakValueDictionary()


def _claim(network: Sequential) -> None:
    """Refuse a layer twice in ``network`` or in another live network; then ``network`` owns its layers.

    Two networks sharing a layer would share its cache: ``net1.backward``
    would use the input of ``net2``'s last ``forward``, silent wrong gradients.
    """
    _check_distinct(network.layers)
    for i, layer in enumerate(network.layers):
        owner = _OWNERS.get(id(layer))
        if owner is network:
            continue
        if owner is not None and any(other is layer for other in owner.layers):
            raise ValueError(
                f"layer {i} ({layer!r}) already belongs to another Sequential: a layer "
                "caches its last input, so two networks sharing it would get wrong "
                "gradients. Weight sharing between networks is not supported; build a new "
                "layer (copy.deepcopy(layer) has the same weights) or delete the other network")
        _OWNERS[id(layer)] = network


def _check_distinct(layers: list[Layer]) -> None:
    """The same layer object twice would overwrite its cache and gradients: refuse it."""
    first: dict[int, int] = {}
    for i, layer in enumerate(layers):
        if id(layer) in first:
            raise ValueError(
                f"layer {i} ({layer!r}) is the same object as layer {first[id(layer)]}: a "
                "layer caches its input and gradients, so it cannot appear twice in a "
                "Sequential; create a separate layer for each place")
        first[id(layer)] = i


def _check_widths(layers: list[Layer]) -> None:
    """Consecutive layers with known widths must fit (activations keep the width)."""
    width, source = None, None
    for i, layer in enumerate(layers):
        expected = getattr(layer, "in_features", None)
        if width is not None and expected is not None and expected != width:
            raise ValueError(
                f"shape mismatch between layers: layer {i} {layer!r} expects {expected} "
                f"features, but layer {source} gives {width}"
            )
        if getattr(layer, "out_features", None) is not None:
            width, source = layer.out_features, f"{i} {layer!r}"

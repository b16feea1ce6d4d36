r"""Optimizers: the only code that changes a network's weights.

See the book: section 5.1.1 (compute the loss, its gradient, change the
weights against the gradient) and section 2.1.5 (SGD).

An optimizer is built on a network (or a list of layers) and remembers
every parameter as ``(layer, key)``. After ``backward`` has filled the
layers' ``grads``, ``step()`` moves each parameter :math:`\theta` by its
gradient :math:`g`. The new value is a new array, stored in
``layer.params[key]``: no array that someone else holds is written into.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._compiled import njit

__all__ = ["SGD", "Adam", "Optimizer"]

Array = NDArray[np.float64]


def _parameter_slots(module: Any) -> list[tuple[Any, str]]:
    """``(layer, key)`` of every parameter of a layer, a network or an iterable of layers."""
    if hasattr(module, "layers"):
        layers = module.layers
    elif hasattr(module, "params"):
        layers = [module]
    else:
        layers = list(module)
    slots, seen = [], set()
    for layer in layers:
        if id(layer) in seen:  # one layer listed twice would be stepped twice
            raise ValueError(f"{layer!r} appears twice: every parameter needs exactly one "
                             "optimizer slot")
        seen.add(id(layer))
        slots.extend((layer, key) for key in layer.params)
    return slots


def _check_positive(name: str, value: float, upper: float | None = None) -> None:
    # any real number, numpy scalars included (np.float32(0.01)), but not a bool
    bad = isinstance(value, (bool, np.bool_)) or not isinstance(value, Real) or not value > 0
    if bad or (upper is not None and value >= upper):
        bound = "" if upper is None else f" and below {upper}"
        raise ValueError(f"{name} must be positive{bound}, got {value!r}")


class Optimizer:
    """Base class: ``step()`` updates every parameter from its gradient.

    The optimizer's state (velocity, moments) is one flat vector over all
    parameters, so a step is a few array operations, not a few per
    parameter array: with many small arrays (biases) that is most of the
    time of a step.

    See the book: section 5.1.1.
    """

    def __init__(self, module: Any, learning_rate: float) -> None:
        _check_positive("learning_rate", learning_rate)
        self.learning_rate = float(learning_rate)
        self.slots = _parameter_slots(module)
        self.n_params = sum(layer.params[key].size for layer, key in self.slots)
        self.t = 0

    def step(self) -> None:
        """One update of all parameters from the ``grads`` that ``backward`` filled."""
        self.t += 1
        grads = []
        for layer, key in self.slots:
            grad, param = layer.grads[key], layer.params[key]
            if grad.shape != param.shape:
                raise ValueError(f"{layer!r}: grads[{key!r}] has shape {grad.shape}, "
                                 f"params[{key!r}] has {param.shape}")
            grads.append(grad.ravel())
        delta = self._delta(np.concatenate(grads))
        start = 0
        for layer, key in self.slots:
            param = layer.params[key]
            layer.params[key] = param + delta[start:start + param.size].reshape(param.shape)
            start += param.size

    def _delta(self, grad: Array) -> Array:
        """The change of all parameters, flat, from their flat gradient (ours to overwrite)."""
        raise NotImplementedError


class SGD(Optimizer):
    r"""Stochastic gradient descent with (optionally Nesterov) momentum.

    With velocity :math:`v` (zero at the start), rate :math:`\eta` and momentum :math:`\mu`:

    .. math:: v \leftarrow \mu v - \eta g, \qquad \theta \leftarrow \theta + v

    (with ``momentum=0``: :math:`\theta \leftarrow \theta - \eta g`, the update
    of section 5.1.4). Nesterov's variant steps by :math:`\mu v - \eta g` with
    the new :math:`v`: it looks one step ahead along the velocity. Momentum
    averages the directions of recent steps: noise cancels, a consistent
    direction accumulates up to :math:`1/(1-\mu)` times.

    Parameters
    ----------
    module : Sequential, layer or iterable of layers
    learning_rate : float, default=0.01
    momentum : float in [0, 1), default=0.0
    nesterov : bool, default=False

    Examples
    --------
    >>> from course_lib.nn import Linear
    >>> layer = Linear(1, 1, random_state=0)
    >>> layer.params["W"] = np.array([[1.0]])
    >>> layer.grads = {"W": np.array([[2.0]]), "b": np.array([0.0])}
    >>> opt = SGD(layer, learning_rate=0.1, momentum=0.5)
    >>> opt.step(); layer.params["W"]  # 1 - 0.1 * 2
    array([[0.8]])
    >>> opt.step(); layer.params["W"]  # v = 0.5 * (-0.2) - 0.2
    array([[0.5]])

    See the book: section 5.1.
    """

    def __init__(self, module: Any, learning_rate: float = 0.01, *, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(module, learning_rate)
        if isinstance(momentum, (bool, np.bool_)) or not isinstance(momentum, Real) \
                or not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.velocity = np.zeros(self.n_params)

    def _delta(self, grad: Array) -> Array:
        step = -self.learning_rate * grad
        if self.momentum == 0.0:
            return step
        self.velocity = self.momentum * self.velocity + step
        return self.momentum * self.velocity + step if self.nesterov else self.velocity


class Adam(Optimizer):
    r"""Adam: a step per coordinate scaled by running averages of the gradient.

    With :math:`m, v` zero at the start and step number :math:`t = 1, 2, \dots`:

    .. math::
        m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \qquad
        \theta \leftarrow \theta - \eta_t \frac{m}{\sqrt{v} + \varepsilon}, \qquad
        \eta_t = \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}.

    :math:`\eta_t` corrects the bias of :math:`m, v` toward their zero start
    (Kingma and Ba, 2015, section 2; scikit-learn's form). Each coordinate
    moves by about :math:`\eta` whatever the scale of its gradient.

    Parameters
    ----------
    module : Sequential, layer or iterable of layers
    learning_rate : float, default=0.001
    beta_1, beta_2 : float in (0, 1), default=0.9, 0.999
    epsilon : float, default=1e-8

    Examples
    --------
    >>> from course_lib.nn import Linear
    >>> layer = Linear(1, 1, random_state=0)
    >>> layer.params["W"] = np.array([[1.0]])
    >>> layer.grads = {"W": np.array([[-50.0]]), "b": np.array([0.0])}
    >>> Adam(layer, learning_rate=0.1).step(); layer.params["W"].round(6)  # first step: eta
    array([[1.1]])

    See the book: section 5.1.
    """

    def __init__(self, module: Any, learning_rate: float = 0.001, *, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-8) -> None:
        super().__init__(module, learning_rate)
        _check_positive("beta_1", beta_1, upper=1.0)
        _check_positive("beta_2", beta_2, upper=1.0)
        _check_positive("epsilon", epsilon)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.m, self.v = np.zeros(self.n_params), np.zeros(self.n_params)

    def _delta(self, grad: Array) -> Array:
        rate = (self.learning_rate * math.sqrt(1.0 - self.beta_2 ** self.t)
                / (1.0 - self.beta_1 ** self.t))
        return _adam_delta(grad, self.m, self.v, rate, self.beta_1, self.beta_2, self.epsilon)


@njit(cache=True, nogil=True, error_model="numpy")
def _adam_delta(grad: Array, m: Array, v: Array, rate: float, beta_1: float, beta_2: float,
                epsilon: float) -> Array:
    """Adam's change of every parameter, flat, in one pass (written over ``grad``).

    ``m`` and ``v`` are updated in place. In numpy the same formulas take eleven
    passes over the parameters, and a step of a small network costs twice as
    much (``np.sqrt`` alone is slower than this loop); the order of the
    operations is numpy's, so the numbers are the same to the last bit. The
    new moments are kept in locals: reading ``m[i]`` back after storing it
    would be a load the compiler cannot drop (``m`` might share memory with
    ``grad``), and that doubled the time of the loop.
    """
    keep_1, keep_2 = 1.0 - beta_1, 1.0 - beta_2
    for i in range(grad.size):
        g = grad[i]
        m_i = beta_1 * m[i] + keep_1 * g
        v_i = beta_2 * v[i] + g * g * keep_2
        m[i], v[i] = m_i, v_i
        grad[i] = m_i / (math.sqrt(v_i) + epsilon) * -rate
    return grad

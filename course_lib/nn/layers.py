r"""Layers of a fully connected network: the linear layer and three activations.

See the book: section 4.1 (layers) and section 5.1 (their backward passes).

Every layer follows one protocol, on a batch of ``n_samples`` rows:

* ``forward(X)`` returns the output and caches what ``backward`` needs;
* ``backward(grad_out)`` takes :math:`G = \partial C/\partial\,\mathrm{output}`
  (the gradient of the loss :math:`C` with respect to the layer's output, of
  the output's shape), fills ``grads`` (a dict with the keys of ``params``)
  with :math:`\partial C/\partial\theta` and returns
  :math:`\partial C/\partial X`, which the previous layer takes as its ``grad_out``.

That is the chain rule of section 5.1 organized by layers: each layer knows
only its own local derivative. Layers never change their own parameters:
only the optimizers of :mod:`course_lib.nn.optim` do.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._random import as_generator

__all__ = ["Layer", "Linear", "ReLU", "Sigmoid", "Tanh"]

Array = NDArray[np.float64]


class Layer:
    r"""Base class: ``params`` and ``grads`` (same keys), ``forward``, ``backward``.

    A new layer subclasses it and implements the two methods; it then works
    in :class:`~course_lib.nn.Sequential`, with the optimizers and with
    :func:`course_lib.gradcheck.check_backward`.

    Examples
    --------
    >>> class Square(Layer):  # elementwise z -> z^2, no parameters
    ...     def forward(self, X):
    ...         self._X = np.asarray(X, dtype=float)
    ...         return self._X ** 2
    ...     def backward(self, grad_out, *, input_grad=True):
    ...         return 2 * self._X * grad_out  # dC/dz = dC/d(z^2) * 2z
    >>> from course_lib.gradcheck import check_backward
    >>> check_backward(Square(), [[1.0, -2.0]])["input"] < 1e-8
    True

    See the book: section 4.1.
    """

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}

    def forward(self, X: ArrayLike) -> Array:
        """The output for a batch ``X``; caches what :meth:`backward` needs."""
        raise NotImplementedError

    def backward(self, grad_out: ArrayLike, *, input_grad: bool = True) -> Array | None:
        r"""Fill ``grads``, return the gradient with respect to the input.

        ``grad_out`` is :math:`\partial C/\partial\,\mathrm{output}` for the
        last ``forward``; ``grads`` get :math:`\partial C/\partial\theta`, the
        result is :math:`\partial C/\partial X`. With ``input_grad=False``
        only ``grads`` are filled and ``None`` is returned: the first layer of
        a network needs no gradient with respect to the data, and skipping it
        saves a third of that layer's work.
        """
        raise NotImplementedError

    def __call__(self, X: ArrayLike) -> Array:
        return self.forward(X)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _cached(self, name: str) -> Array:
        value = getattr(self, name, None)
        if value is None:
            raise RuntimeError(f"{self!r}: call forward before backward")
        return value


def _private(X: ArrayLike) -> Array:
    """A float64 array no caller can change: ``X`` itself when its data are certainly immutable, else a copy.

    A layer caches what ``backward`` needs; caching the caller's array would let
    ``X -= 1`` after ``forward`` silently corrupt the next ``backward``. The
    copy is skipped only for a read-only array whose chain of ``.base`` ends in
    a read-only array owning its data (an activation's output, a read-only
    minibatch, views of them): inside a network nothing is copied. Anything
    over a foreign buffer (``sliding_window_view``/``as_strided`` views,
    ``np.frombuffer`` of a bytearray, a memory map) is copied, read-only or not:
    the buffer underneath may still be written.
    """
    array = np.asarray(X, dtype=np.float64)
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    if array.flags.writeable or root.flags.writeable or root.base is not None:
        array = array.copy()
    return array


def _read_only(array: Array) -> Array:
    """Mark an array the layer owns read-only (and return it): it is the layer's cache."""
    array.flags.writeable = False
    return array


def _check_grad_shape(layer: Layer, grad_out: ArrayLike, shape: tuple[int, ...]) -> Array:
    grad = np.asarray(grad_out, dtype=np.float64)
    if grad.shape != shape:
        raise ValueError(
            f"{layer!r}: grad_out must have the shape of the last output {shape}, got {grad.shape}"
        )
    return grad


class Linear(Layer):
    r"""Fully connected (dense) layer :math:`x \mapsto xW + b`.

    On a batch :math:`X` of shape ``(n_samples, in_features)`` it computes
    :math:`Z = XW + b`, :math:`W \in \mathbb{R}^{d \times k}`,
    :math:`b \in \mathbb{R}^{k}` (added to every row), :math:`d` =
    ``in_features``, :math:`k` = ``out_features``.

    Parameters
    ----------
    in_features, out_features : int
        :math:`d` and :math:`k`.
    init : {"glorot", "he"}, default="glorot"
        Weights drawn uniformly from :math:`[-r, r]`: Glorot
        :math:`r = \sqrt{6/(d + k)}` keeps the variance of activations and of
        gradients about constant across tanh layers (it is derived for an
        activation with slope 1 and mean 0 at zero; with the sigmoid, slope
        1/4, gradients still vanish, see section 5.1.2); He
        :math:`r = \sqrt{6/d}` does so for ReLU, which zeroes half of its
        inputs. The bias starts at 0.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the initialization (the package's one rule: ``as_generator``).

    Attributes
    ----------
    params : dict
        ``"W"`` of shape ``(in_features, out_features)``, ``"b"`` of shape ``(out_features,)``.
    grads : dict
        The same keys and shapes, filled by :meth:`backward`.

    Examples
    --------
    >>> layer = Linear(3, 2, random_state=0)
    >>> layer.params["W"].shape, layer.params["b"].shape
    ((3, 2), (2,))
    >>> layer.forward(np.ones((4, 3))).shape
    (4, 2)

    See the book: section 4.1.
    """

    def __init__(
        self, in_features: int, out_features: int, *,
        init: Literal["glorot", "he"] = "glorot",
        random_state: (int | np.random.Generator | np.random.RandomState
                       | None) = None,
    ) -> None:
        super().__init__()
        for name, value in (
            ("in_features", in_features),
            ("out_features", out_features),
        ):
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, np.integer))
                or value < 1
            ):
                raise ValueError(
                    f"{name} must be a positive integer, got {value!r}"
                )
        if init not in ("glorot", "he"):
            raise ValueError(f"init must be 'glorot' or 'he', got {init!r}")
        self.in_features, self.out_features = (
            int(in_features),
            int(out_features),
        )
        fan = in_features + out_features if init == "glorot" else in_features
        bound = np.sqrt(6.0 / fan)
        rng = as_generator(random_state)
        self.params = {
            "W": rng.uniform(
                -bound, bound, size=(self.in_features, self.out_features)
            ),
            "b": np.zeros(self.out_features),
        }
        self.grads = {
            key: np.zeros_like(value) for key, value in self.params.items()
        }
        self._X: Array | None = None

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"

    def forward(self, X: ArrayLike) -> Array:
        r"""Output :math:`Z = XW + b`, shape ``(n_samples, out_features)``; caches :math:`X`.

        The cache is a private copy unless ``X`` is certainly immutable (an
        activation's output: read-only and owning its data, or a view of such
        an array): changing ``X``, or the buffer under a view, after
        ``forward`` does not change ``backward``.
        """
        X = _private(X)
        if X.ndim != 2 or X.shape[1] != self.in_features:
            raise ValueError(
                f"{self!r} expects input of shape (n_samples, "
                f"{self.in_features}), got "
                f"{X.shape}: shape mismatch with the data or the previous layer"
            )
        Z = X @ self.params["W"]
        Z += self.params["b"]
        # A NaN or infinity in a row of X makes that whole row of Z
        # non-finite, so checking Z (k numbers a row, not d) catches it
        if not np.isfinite(Z).all():
            self._X = None
            if not np.isfinite(X).all():
                raise ValueError(
                    f"input of {self!r} contains NaN or infinity (in the "
                    "data, or an earlier layer overflowed: lower the "
                    "learning rate)"
                )
            raise ValueError(
                f"output of {self!r} overflowed (its weights or its input "
                "are too large: lower the learning rate or standardize "
                "the features)"
            )
        self._X = X
        return Z

    def backward(
        self, grad_out: ArrayLike, *, input_grad: bool = True
    ) -> Array | None:
        r"""Gradients of the loss through :math:`Z = XW + b`.

        With :math:`G = \partial C / \partial Z` (shape ``(n_samples, k)``) and
        :math:`Z_{ij} = \sum_l X_{il} W_{lj} + b_j`:

        .. math::
            \frac{\partial C}{\partial W_{lj}} = \sum_i \frac{\partial C}{\partial Z_{ij}}
                \frac{\partial Z_{ij}}{\partial W_{lj}} = \sum_i X_{il} G_{ij}
            \;\Rightarrow\; \nabla_W C = X^T G, \qquad
            \nabla_b C = \sum_i G_{i\cdot}, \qquad
            \nabla_X C = G W^T.

        The bias gets the column sums because it enters every row; in the
        seed's 1-1-1 network these are :math:`\partial z/\partial w = a`,
        :math:`\partial z/\partial b = 1`, :math:`\partial z/\partial a = w`.

        Parameters
        ----------
        grad_out : array-like of shape (n_samples, out_features)
        input_grad : bool, default=True
            Whether to compute and return :math:`\nabla_X C`.

        Returns
        -------
        ndarray of shape (n_samples, in_features), or None if ``input_grad=False``
        """
        X = self._cached("_X")
        G = _check_grad_shape(self, grad_out, (X.shape[0], self.out_features))
        self.grads["W"] = X.T @ G
        self.grads["b"] = G.sum(axis=0)
        return G @ self.params["W"].T if input_grad else None


class _Activation(Layer):
    r"""An elementwise nonlinearity :math:`a = f(z)`; ``backward`` is :math:`G \odot f'(z)`.

    Subclasses give ``_value(z)`` (a new array) and ``_derivative(a)``, the
    derivative written through the output :math:`a` (which is what is
    cached, and returned read-only so that no caller can change the cache).
    """

    def forward(self, X: ArrayLike) -> Array:
        """The output, read-only: it is also the cache of ``backward`` (copy it to change it)."""
        self._out = _read_only(self._value(np.asarray(X, dtype=np.float64)))
        return self._out

    def backward(self, grad_out: ArrayLike, *, input_grad: bool = True) -> Array | None:
        out = self._cached("_out")
        grad = _check_grad_shape(self, grad_out, out.shape)
        return grad * self._derivative(out) if input_grad else None

    _out: Array | None = None

    def _value(self, z: Array) -> Array:
        raise NotImplementedError

    def _derivative(self, a: Array) -> Array:
        raise NotImplementedError


class Sigmoid(_Activation):
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, elementwise.

    ``backward``: :math:`\partial C/\partial z = G \odot \sigma(z)(1 - \sigma(z))`,
    since :math:`\sigma'(z) = e^{-z}/(1 + e^{-z})^2 = \sigma(z)(1 - \sigma(z))`.

    Stable for any :math:`z`: it evaluates :math:`e^{-|z|} \le 1` only, as
    :math:`1/(1 + e^{-|z|})` for :math:`z \ge 0` and
    :math:`e^{-|z|}/(1 + e^{-|z|})` for :math:`z < 0`, so ``exp`` never
    overflows (``Sigmoid()([[-1000.0]])`` is 0, not a warning).

    Examples
    --------
    >>> Sigmoid().forward(np.array([[-1000.0, 0.0, 1000.0]]))
    array([[0. , 0.5, 1. ]])

    See the book: section 4.1 (activations) and section 5.1 (its derivative).
    """

    def _value(self, z: Array) -> Array:
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0, e) / (1.0 + e)

    def _derivative(self, a: Array) -> Array:
        return a * (1.0 - a)


class Tanh(_Activation):
    r"""Hyperbolic tangent :math:`\tanh z`, elementwise.

    ``backward``: :math:`\partial C/\partial z = G \odot (1 - \tanh^2 z)`.

    Examples
    --------
    >>> Tanh().forward(np.array([[0.0, 1000.0]]))
    array([[0., 1.]])

    See the book: section 4.1.
    """

    def _value(self, z: Array) -> Array:
        return np.tanh(z)

    def _derivative(self, a: Array) -> Array:
        return 1.0 - a * a


class ReLU(_Activation):
    r"""Rectified linear unit :math:`\max(0, z)`, elementwise.

    ``backward``: :math:`\partial C/\partial z = G \odot [z > 0]`. At
    :math:`z = 0`, where the derivative does not exist, we take 0 (a
    subgradient): the seed's remark that ReLU can be used although it is
    not differentiable everywhere.

    Examples
    --------
    >>> ReLU().forward(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 3.]])

    See the book: section 4.1.
    """

    def _value(self, z: Array) -> Array:
        return np.maximum(z, 0.0)

    def _derivative(self, a: Array) -> Array:
        return a > 0

r"""The training loop shared by MLPClassifier and MLPRegressor.

See the book: section 5.1 (backpropagation: forward, loss, backward, step).

One epoch: shuffle, then for every minibatch ``network.forward`` ->
``loss.forward`` -> ``loss.backward`` -> ``network.backward`` -> L2 penalty
on the weight gradients -> ``optimizer.step``. Stopping follows
scikit-learn: stop when the epoch loss (or the validation score with
``early_stopping``) has not improved by ``tol`` for more than
``n_iter_no_change`` epochs.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compiled import njit
from .._random import RANDOM_STATE_CONSTRAINT, as_generator
from .._validation import check_sample_weight, python_scalars
from ..optim import DivergenceError
from .layers import Linear, ReLU, Sigmoid, Tanh
from .losses import CrossEntropyLoss, MSELoss
from .network import Sequential
from .optim import SGD, Adam

Array = NDArray[np.float64]


def _weights(sample_weight: ArrayLike | None, X: Array) -> Array | None:
    """Validated sample weights (the linear models' rules), or None."""
    if sample_weight is None:
        return None
    weights = check_sample_weight(sample_weight, X)
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight contains NaN or infinity")
    return weights


#: The largest penalty factor alpha/S whose gradient terms (and their squares, in Adam) fit in float64.
_PENALTY_LIMIT = 1e100


_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "logistic": Sigmoid}


@njit(cache=True, nogil=True, error_model="numpy")
def _add_scaled(grad: Array, W: Array, factor: float) -> None:
    """``grad += factor * W`` in place: one pass, without numpy's temporary ``factor * W``."""
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            grad[i, j] += factor * W[i, j]


class _BaseMLP(BaseEstimator):
    """Network construction and the training loop shared by both estimators.

    A subclass gives ``_make_loss()``, ``_n_network_outputs(targets)``,
    ``_score_validation(X, targets, weights)`` and ``_loss_scale`` (the factor
    between its loss and the ``nn`` loss: 1/2 for the regressor's half squared error).
    """

    _loss_scale: float = 1.0

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "solver": [StrOptions({"sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": RANDOM_STATE_CONSTRAINT,
        "tol": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="neither")],
        "beta_2": [Interval(Real, 0, 1, closed="neither")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "warm_start": ["boolean"],
    }

    def __init__(
        self, hidden_layer_sizes: ArrayLike | int = (100,), activation: str = "relu", *,
        solver: str = "adam", alpha: float = 0.0001, batch_size: int | str = "auto",
        learning_rate_init: float = 0.001, max_iter: int = 200, shuffle: bool = True,
        random_state: int | np.random.Generator | np.random.RandomState | None = None,
        tol: float = 1e-4,
        momentum: float = 0.9, nesterovs_momentum: bool = True, early_stopping: bool = False,
        validation_fraction: float = 0.1, beta_1: float = 0.9, beta_2: float = 0.999,
        epsilon: float = 1e-8, n_iter_no_change: float = 10, warm_start: bool = False,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start

    # -- building -----------------------------------------------------------
    def _build_network(self, n_features: int, n_outputs: int, rng: np.random.Generator) -> None:
        # () is no hidden layer: the linear model of section 4.1's first graph
        hidden = np.atleast_1d(self.hidden_layer_sizes)
        integers = hidden.size == 0 or hidden.dtype.kind in "iu"
        if hidden.ndim != 1 or not integers or not np.all(hidden >= 1):
            raise ValueError(f"hidden_layer_sizes must be positive integers, got "
                             f"{self.hidden_layer_sizes!r}")
        widths = [n_features, *map(int, hidden), n_outputs]
        layers = []
        for i, (d, k) in enumerate(zip(widths[:-1], widths[1:])):
            last = i == len(widths) - 2
            # Glorot's range for every layer, as scikit-learn's (He's, with twice the
            # variance for ReLU, trained 1.5-2.5 points worse in 20 epochs of adam
            # on tabular data: benchmarks/heldout.py)
            layers.append(Linear(d, k, init="glorot", random_state=rng))
            if not last:
                layers.append(_ACTIVATIONS[self.activation]())
        self.network_ = Sequential(*layers)
        self.n_layers_ = len(widths)
        self.n_outputs_ = n_outputs

    def _warm(self) -> bool:
        """Will ``fit`` continue from the fitted network (``warm_start``)?"""
        return bool(self.warm_start) and hasattr(self, "network_")

    def _start(self, n_features: int, n_outputs: int, rng: np.random.Generator) -> None:
        """A new network, or with ``warm_start`` the fitted one (its loss curve continues)."""
        if self._warm():
            widths = (self._linear_layers[0].in_features, self._linear_layers[-1].out_features)
            if widths != (n_features, n_outputs):
                raise ValueError(f"warm_start=True needs the data of the previous fit: "
                                 f"{widths} features and outputs (classes), got "
                                 f"{(n_features, n_outputs)}")
            return
        self._build_network(n_features, n_outputs, rng)
        self.loss_curve_, self.best_loss_ = [], np.inf

    def _make_optimizer(self) -> SGD | Adam:
        if self.solver == "sgd":
            return SGD(self.network_, self.learning_rate_init, momentum=self.momentum,
                       nesterov=self.nesterovs_momentum)
        return Adam(self.network_, self.learning_rate_init, beta_1=self.beta_1,
                    beta_2=self.beta_2, epsilon=self.epsilon)

    @property
    def _linear_layers(self) -> list[Linear]:
        return [layer for layer in self.network_.layers if isinstance(layer, Linear)]

    @property
    def coefs_(self) -> list[Array]:
        """Weight matrices :math:`W` of the linear layers, shapes ``(d_l, d_{l+1})``."""
        check_is_fitted(self, "network_")
        return [layer.params["W"] for layer in self._linear_layers]

    @property
    def intercepts_(self) -> list[Array]:
        """Bias vectors :math:`b` of the linear layers, shapes ``(d_{l+1},)``."""
        check_is_fitted(self, "network_")
        return [layer.params["b"] for layer in self._linear_layers]

    # -- training -----------------------------------------------------------
    def _fit(self, X: Array, targets: NDArray, sample_weight: ArrayLike | None) -> None:
        """Train; a DivergenceError (or weights that overflow) leaves the estimator unfitted."""
        try:
            with python_scalars(self):  # np.int8(64) batches would wrap around
                self._train(X, targets, sample_weight)
        except (DivergenceError, ValueError):
            self._forget()
            raise

    def _forget(self) -> None:
        """Delete every fitted attribute: the estimator is unfitted again."""
        for name in [name for name in vars(self) if name.endswith("_") and not
                     name.startswith("__")] + ["_optimizer", "_rng", "_best"]:
            if name in vars(self):
                delattr(self, name)

    def _train(self, X: Array, targets: NDArray, sample_weight: ArrayLike | None) -> None:
        weights = _weights(sample_weight, X)
        rng = as_generator(self.random_state)
        validation = None
        if self.early_stopping:
            X, targets, weights, validation = self._split_validation(X, targets, weights, rng)
        self._start(X.shape[1], self._n_network_outputs(targets), rng)
        self._optimizer, self._rng = self._make_optimizer(), rng  # partial_fit continues
        self.validation_scores_ = [] if validation else None
        self._best = (-np.inf, None)  # best validation score and its parameters
        stall, n_before = 0, len(self.loss_curve_)
        for _ in range(self.max_iter):
            loss = self._train_epoch(X, targets, weights)
            stall = 0 if self._improved(loss, validation) else stall + 1
            if stall > self.n_iter_no_change:
                break
        else:
            warnings.warn(f"MLP: max_iter={self.max_iter} epochs ran out before the stopping "
                          "rule (tol, n_iter_no_change) was met; increase max_iter",
                          ConvergenceWarning, stacklevel=3)
        self.n_iter_ = len(self.loss_curve_) - n_before
        self.t_ = self.n_iter_ * len(X)
        self.loss_ = self.loss_curve_[-1]
        if validation:
            self.best_validation_score_, best_params = self._best
            self._restore_params(best_params)
        del self._best

    def _partial_fit(self, X: Array, targets: NDArray, sample_weight: ArrayLike | None) -> None:
        """One epoch over ``(X, targets)``, continuing from the current weights and optimizer."""
        weights = _weights(sample_weight, X)
        if not hasattr(self, "network_"):
            rng = as_generator(self.random_state)
            self._build_network(X.shape[1], self._n_network_outputs(targets), rng)
            self.loss_curve_, self.best_loss_, self.n_iter_, self.t_ = [], np.inf, 0, 0
            self._optimizer, self._rng = self._make_optimizer(), rng
            self.validation_scores_ = None
        try:
            with python_scalars(self):
                self.loss_ = self._train_epoch(X, targets, weights)
        except (DivergenceError, ValueError):
            self._forget()
            raise
        self._improved(self.loss_, None)
        self.n_iter_ += 1
        self.t_ += len(X)

    def _train_epoch(self, X: Array, targets: NDArray, weights: Array | None) -> float:
        """One shuffled epoch with the stored optimizer; overflow raises DivergenceError."""
        order = self._rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
        batch_size = min(200 if self.batch_size == "auto" else self.batch_size, len(X))
        try:
            with np.errstate(over="raise", invalid="raise"):  # overflow: an error, not NaN
                return self._epoch(X, targets, weights, order, batch_size, self._make_loss(),
                                   self._optimizer)
        except FloatingPointError as error:
            raise DivergenceError(
                f"training diverged at epoch {len(self.loss_curve_) + 1} ({error}): "
                "lower learning_rate_init or standardize the features") from error

    def _improved(self, loss: float, validation: tuple | None) -> bool:
        """Record an epoch; did it beat the best loss (or validation score) by ``tol``?"""
        self.loss_curve_.append(loss)
        improved = loss < self.best_loss_ - self.tol
        self.best_loss_ = min(self.best_loss_, loss)
        if validation is None:
            return improved
        score = self._score_validation(*validation)
        self.validation_scores_.append(score)
        best_score = self._best[0]
        if score > best_score:  # parameter arrays are never changed in place: no copy
            self._best = (score, [dict(layer.params) for layer in self._linear_layers])
        return score > best_score + self.tol

    def _epoch(self, X: Array, targets: NDArray, weights: Array | None, order: NDArray,
               batch_size: int, loss: MSELoss | CrossEntropyLoss, optimizer: SGD | Adam) -> float:
        """One pass over the shuffled data; returns the mean objective of its batches."""
        total = 0.0
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            batch_weights = None if weights is None else weights[idx]
            factor = self._penalty_factor(batch_weights, len(idx))
            if factor is None:
                continue  # all-zero weights: nothing to learn from this batch
            batch = X[idx]  # a fresh array: read-only, so Linear caches it without a copy
            batch.flags.writeable = False
            value = loss.forward(self.network_.forward(batch), targets[idx], batch_weights)
            grad = loss.backward()
            if self._loss_scale != 1.0:
                grad *= self._loss_scale  # a fresh array from loss.backward
            self.network_.backward(grad, input_grad=False)
            value = self._loss_scale * value + self._add_penalty(factor)
            optimizer.step()
            total += value * len(idx)
        return total / len(order)

    def _penalty_factor(self, batch_weights: Array | None, n_rows: int) -> float | None:
        r"""The penalty factor :math:`\alpha/S` of a batch, :math:`S` its total weight.

        Computed as :math:`(\alpha/m) / \sum_i (s_i/m)`, :math:`m` the largest
        weight of the batch, so that :math:`S` never overflows (weights of
        :math:`10^{306}`). ``None`` for a batch of zero weight. A factor
        above 1e100 (weights tiny next to alpha) would overflow the gradient
        terms: a ValueError naming sample_weight, not a divergence blamed on
        the learning rate.
        """
        if batch_weights is None:
            return self.alpha / n_rows
        largest = float(batch_weights.max())
        if largest <= 0:
            return None
        relative = float((batch_weights / largest).sum())
        with np.errstate(over="ignore"):
            factor = self.alpha / largest / relative
        if factor > _PENALTY_LIMIT:
            raise ValueError(
                f"sample_weight is too small for alpha={self.alpha:g}: a batch of {n_rows} "
                f"rows has total weight S={largest * relative:.3g}, and the penalty "
                f"alpha / S reaches {factor:.3g} (it would overflow in training); multiply "
                "sample_weight by a large constant or lower alpha (either weakens the "
                "penalty, whose factor is alpha / S as in scikit-learn)")
        return factor

    def _add_penalty(self, factor: float) -> float:
        r"""Add :math:`\alpha W / S` (``factor`` is :math:`\alpha/S`) to each ``grads["W"]``.

        Returns the penalty :math:`\frac{\alpha}{2S}\sum\|W\|_F^2`.
        """
        if self.alpha == 0:
            return 0.0
        penalty = 0.0
        for layer in self._linear_layers:  # grads: fresh arrays from backward
            W = layer.params["W"]
            penalty += np.vdot(W, W)
            _add_scaled(layer.grads["W"], W, factor)
        return 0.5 * factor * penalty

    def _split_validation(self, X, targets, weights, rng):
        stratify = targets if isinstance(self, ClassifierMixin) else None
        seed = int(rng.integers(2**31 - 1))
        arrays = (X, targets) if weights is None else (X, targets, weights)
        parts = train_test_split(*arrays, test_size=self.validation_fraction,
                                 random_state=seed, stratify=stratify)
        if len(parts[1]) < 2:
            raise ValueError("the validation set is too small: increase validation_fraction "
                             "or use early_stopping=False")
        w_train, w_val = (None, None) if weights is None else (parts[4], parts[5])
        if w_val is not None and w_val.max() > 0:  # the scores are weighted means: their
            w_val = w_val / w_val.max()  # sums of weights of 1e306 overflowed (nan scores)
        return parts[0], parts[2], w_train, (parts[1], parts[3], w_val)

    def _restore_params(self, saved: list[dict[str, Array]] | None) -> None:
        for layer, params in zip(self._linear_layers, saved or []):
            layer.params = params

    def _output(self, X: ArrayLike) -> Array:
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.forward(X)

r"""Multilayer perceptrons as scikit-learn estimators: MLPClassifier, MLPRegressor.

See the book: section 4.1 (the fully connected network) and section 5.1
(training it by backpropagation).

The network is a :class:`~course_lib.nn.Sequential` of ``Linear``
layers with the chosen activation between them; the last layer has no
activation. Training minimizes, by minibatch SGD or Adam (the optimizers of
:mod:`course_lib.nn.optim`), the mean loss of a batch plus an L2 penalty on
the weights (not the biases), with scikit-learn's scaling of ``alpha``:

.. math:: Q = \frac1S \sum_{i \in \mathrm{batch}} s_i\,\ell_i
    + \frac{\alpha}{2S} \sum_{\mathrm{layers}} \|W\|_F^2, \qquad S = \sum_{i \in \mathrm{batch}} s_i

with :math:`\ell` the softmax cross-entropy of the logits (classifier) or
half the squared error averaged over the outputs (regressor), as in
scikit-learn's ``MLPClassifier`` / ``MLPRegressor``: the hyperparameters
have the same names, defaults and meaning, and from the same weights one
epoch gives the same loss and the same step (tested). Differences: the
biases start at 0, and ``"logistic"`` layers start in Glorot's wider range;
for several regression targets see :class:`MLPRegressor`.
Not here: ``solver="lbfgs"``, learning-rate schedules, sparse input.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    unique_labels,
)
from sklearn.utils.validation import validate_data

from .._validation import label_text, labels_text
from ._mlp_base import _BaseMLP
from .losses import CrossEntropyLoss, MSELoss, class_logits, log_softmax

__all__ = ["MLPClassifier", "MLPRegressor"]

Array = NDArray[np.float64]


_PARAMETERS = r"""
    Parameters
    ----------
    hidden_layer_sizes : array-like of int or int, default=(100,)
        Widths of the hidden layers: ``(128, 64)`` is two hidden layers.
    activation : {"relu", "tanh", "logistic"}, default="relu"
        Activation after every hidden layer (:class:`~course_lib.nn.ReLU`,
        :class:`~course_lib.nn.Tanh`, :class:`~course_lib.nn.Sigmoid`).
        Weights start uniform on :math:`[-r, r]`, Glorot's
        :math:`r = \sqrt{6/(d_{in} + d_{out})}`, in every layer, as scikit-learn
        for ReLU and tanh (for ``"logistic"`` it uses :math:`\sqrt 2` instead of
        :math:`\sqrt 6`); the biases start at 0 (scikit-learn draws them from the
        same range). He's wider :math:`r = \sqrt{6/d_{in}}` (see
        :class:`~course_lib.nn.Linear`) is the usual choice for deep ReLU stacks;
        on tabular data it trained 1.5-2.5 points worse in 20 epochs of adam.
    solver : {"sgd", "adam"}, default="adam"
        :class:`~course_lib.nn.SGD` (with ``momentum``) or :class:`~course_lib.nn.Adam`.
    alpha : float, default=0.0001
        Strength of the L2 penalty :math:`\frac{\alpha}{2S}\sum\|W\|_F^2` (as in scikit-learn).
    batch_size : int or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``; larger values
        are clipped to ``n_samples`` (full-batch training).
    learning_rate_init : float, default=0.001
        Step size :math:`\eta` of the optimizer (constant).
    max_iter : int, default=200
        Maximum number of epochs (passes over the data); reaching it issues a
        ``ConvergenceWarning``.
    shuffle : bool, default=True
        Reshuffle the samples every epoch.
    random_state : int, numpy.random.Generator, RandomState instance or None, default=None
        Seeds the initialization, the shuffling and the validation split (one
        rule for the whole package: ``course_lib._random.as_generator``).
    tol : float, default=1e-4
        Training stops when the epoch loss (or, with ``early_stopping``, the
        validation score) has not improved by ``tol`` for more than
        ``n_iter_no_change`` consecutive epochs.
    momentum : float in [0, 1), default=0.9
        Momentum of ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        Nesterov's momentum for ``solver="sgd"``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for the
        classifier), stop when its score stops improving and keep the
        weights of the best epoch.
    validation_fraction : float in (0, 1), default=0.1
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Parameters of ``solver="adam"``.
    n_iter_no_change : int or inf, default=10
        Epochs without improvement tolerated before stopping.
    warm_start : bool, default=False
        Continue from the weights of the previous ``fit`` (with a fresh optimizer);
        the data must have the same features and (classifier) the same classes.
"""

_ATTRIBUTES = r"""
    Attributes
    ----------
    network_ : Sequential
        The trained network (``Linear`` and activation layers).
    coefs_, intercepts_ : list of ndarray
        :math:`W` and :math:`b` of every linear layer.
    loss_curve_ : list of float
        Mean objective :math:`Q` over the batches of each epoch.
    loss_, best_loss_ : float
        Loss of the last epoch and the lowest one.
    validation_scores_ : list of float or None
        The validation score per epoch when ``early_stopping=True``.
    best_validation_score_ : float
        Only with ``early_stopping=True``.
    n_iter_ : int
        Epochs run.
    t_ : int
        Training samples seen.
    n_layers_, n_outputs_, n_features_in_ : int
"""


def _without_early_stopping(estimator: _BaseMLP) -> bool:
    # partial_fit sees one chunk at a time: there is no held-out set to stop on
    if estimator.early_stopping:
        raise AttributeError("partial_fit is not available with early_stopping=True")
    return True


class MLPClassifier(ClassifierMixin, _BaseMLP):
    __doc__ = r"""Multilayer perceptron classifier: softmax cross-entropy on the logits.

    The last linear layer outputs one logit per class, :math:`p =
    \operatorname{softmax}(z)`; for two classes one logit :math:`z` of the
    second, :math:`p = \operatorname{softmax}(0, z) = (1 - \sigma(z), \sigma(z))`,
    as in scikit-learn. Any labels (strings, integers) are accepted and
    returned by ``predict``.
""" + _PARAMETERS + _ATTRIBUTES + r"""    classes_ : ndarray of shape (n_classes,)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> X = (X - X.mean(axis=0)) / X.std(axis=0)
    >>> clf = MLPClassifier((16,), learning_rate_init=0.01, max_iter=300, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95, clf.predict_proba(X[:2]).shape
    (True, (2, 3))

    See the book: section 4.1.
    """

    _loss_scale = 1.0

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
            ) -> MLPClassifier:
        r"""Train the network on labels ``y`` (any hashable labels).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights :math:`s_i`: each batch loss is the weighted
            mean, as in scikit-learn (weight 2 = the row taken twice, up to
            how rows fall into minibatches).

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, dtype=np.float64, reset=not self._warm())
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if self._warm() and not np.array_equal(classes, self.classes_):
            raise ValueError("warm_start can only be used where `y` has the same classes as "
                             f"in the previous call to fit. Previously got "
                             f"{labels_text(self.classes_)}, `y` has {labels_text(classes)}")
        self.classes_ = classes
        if len(self.classes_) < 2:
            raise ValueError(f"MLPClassifier needs samples of at least 2 classes, got 1 class "
                             f"({label_text(self.classes_[0])})")
        self._fit(X, codes, sample_weight)
        return self

    @available_if(_without_early_stopping)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
                    classes: ArrayLike | None = None) -> MLPClassifier:
        """One epoch of training on ``(X, y)``, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        classes : array-like of shape (n_classes,)
            All labels that will ever appear; required on the first call.

        Returns
        -------
        self
        """
        if (classes is not None and getattr(self, "classes_", None) is not None
                and not np.array_equal(self.classes_, unique_labels(classes))):
            raise ValueError(f"classes={labels_text(unique_labels(classes))} is not the same as "
                             f"on the first call to partial_fit: {labels_text(self.classes_)}")
        first = _check_partial_fit_first_call(self, classes)
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first)
        check_classification_targets(y)
        if len(self.classes_) < 2:
            raise ValueError("MLPClassifier needs at least 2 classes, got 1 class "
                             f"({label_text(self.classes_[0])})")
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"y has labels {labels_text(unknown)} not in "
                             f"classes={labels_text(self.classes_)} of the first partial_fit call")
        self._partial_fit(X, np.searchsorted(self.classes_, y), sample_weight)
        return self

    def _make_loss(self) -> CrossEntropyLoss:
        return CrossEntropyLoss()

    def _n_network_outputs(self, targets: NDArray) -> int:
        return 1 if len(self.classes_) == 2 else len(self.classes_)

    def _score_validation(self, X: Array, codes: NDArray, weights: Array | None) -> float:
        predicted = class_logits(self.network_.forward(X)).argmax(axis=1)
        return float(accuracy_score(codes, predicted, sample_weight=weights))

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """Log-probabilities of the classes, shape (n_samples, n_classes) (stable log-softmax)."""
        return log_softmax(class_logits(self._output(X)))

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities :math:`\\operatorname{softmax}(z)`, shape (n_samples, n_classes)."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X: ArrayLike) -> NDArray:
        """The most probable class of each row, shape (n_samples,)."""
        logits = class_logits(self._output(X))  # first: it checks the model is fitted
        return self.classes_[logits.argmax(axis=1)]


class MLPRegressor(RegressorMixin, _BaseMLP):
    __doc__ = r"""Multilayer perceptron regressor: squared error, linear output layer.

    The loss is :math:`\ell_i = \frac{1}{2k}\sum_j (\hat y_{ij} - y_{ij})^2`
    (half of :class:`~course_lib.nn.MSELoss`, as in scikit-learn); ``y`` may
    have several columns. With :math:`k > 1` outputs scikit-learn reports this
    mean but steps along the gradient of the sum over the outputs (:math:`k`
    times larger); we step along the gradient of the loss we report.
""" + _PARAMETERS + _ATTRIBUTES + r"""
    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-2, 2, size=(400, 1))
    >>> y = np.sin(2 * X[:, 0])
    >>> reg = MLPRegressor((32,), activation="tanh", learning_rate_init=0.01,
    ...                    max_iter=500, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95, reg.predict(X[:3]).shape
    (True, (3,))

    See the book: section 4.1.
    """

    _loss_scale = 0.5

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
            ) -> MLPRegressor:
        r"""Train the network on real targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, k)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights :math:`s_i`: each batch loss is the weighted
            mean, as in scikit-learn (weight 2 = the row taken twice, up to
            how rows fall into minibatches).

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        self._fit(X, y.reshape(len(y), -1), sample_weight)
        return self

    @available_if(_without_early_stopping)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
                    ) -> MLPRegressor:
        """One epoch of training on ``(X, y)``, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, k)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        first = not hasattr(self, "network_")
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True,
                             reset=first)
        self._partial_fit(X, y.reshape(len(y), -1), sample_weight)
        return self

    def _make_loss(self) -> MSELoss:
        return MSELoss()

    def _n_network_outputs(self, targets: NDArray) -> int:
        return targets.shape[1]

    def _score_validation(self, X: Array, targets: Array, weights: Array | None) -> float:
        return float(r2_score(targets, self.network_.forward(X), sample_weight=weights))

    def predict(self, X: ArrayLike) -> Array:
        """Predictions, shape (n_samples,) for one target, else (n_samples, k)."""
        out = self._output(X)
        return out[:, 0] if out.shape[1] == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

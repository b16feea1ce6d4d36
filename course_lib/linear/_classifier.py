r"""What the linear classifiers share: hyperparameters, labels, fit, scores, predictions.

See the book: sections 2.1.9-2.1.12.

The binary classifiers map ``classes_[0]``, ``classes_[1]`` to :math:`y = -1, +1`;
softmax regression maps the :math:`K` classes to :math:`0, \dots, K-1`. All keep
scikit-learn's layout: ``coef_`` of shape ``(1, n_features)`` for a binary
classifier and ``(n_classes, n_features)`` for softmax, ``intercept_`` of shape
``(1,)`` or ``(n_classes,)``, ``decision_function`` of shape ``(n_samples,)``
for two classes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_sample_weight, encode_classes, fit_method
from ..losses import Loss
from ._base import COMMON_CONSTRAINTS, LinearModel
from ._data import as_float

Array = NDArray[np.float64]

#: The core's hyperparameter constraints without ``loss``: each classifier has its own.
CONSTRAINTS = {key: value for key, value in COMMON_CONSTRAINTS.items() if key != "loss"}


class _LinearClassifier(ClassifierMixin, LinearModel):
    """fit / decision_function / predict shared by the linear classifiers."""

    _loss: type[Loss]
    _auto_solver: str
    _penalty = "l2"
    _max_classes: int | None = 2

    def __init__(
        self, alpha: float = 0.5, *, solver: str = "auto", fit_intercept: bool = True,
        learning_rate: str | float = "auto", max_iter: int = 1000, batch_size: int = 32,
        tol: float = 1e-4, random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.alpha, self.solver, self.fit_intercept = alpha, solver, fit_intercept
        self.learning_rate, self.max_iter, self.batch_size = learning_rate, max_iter, batch_size
        self.tol, self.random_state = tol, random_state

    def _resolve(self) -> tuple[Loss, str]:
        return self._loss(), self._auto_solver if self.solver == "auto" else self.solver

    _sgd_cap_per_curvature = True  # logistic: 0.08

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = self._max_classes is None
        return tags

    @fit_method()
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None):
        r"""Fit on ``X`` (n_samples, n_features) and labels ``y`` (n_samples,); return self.

        The labels may be of any type (numbers, strings, booleans). ``sample_weight``
        (n_samples,), optional: non-negative weights :math:`s_i` of the samples'
        losses (weight 2 is the same as the sample taken twice, 0 as dropping it).
        """
        # X's NaN and infinities: refused by the solvers' first pass over X
        # (FeatureScaling.measure), not by a pass of its own
        X, y = validate_data(self, X, y, dtype="numeric", ensure_all_finite=False)
        (X,) = as_float(X)
        weights = check_sample_weight(sample_weight, X)
        encoded = encode_classes(self, y, weights, self._max_classes)
        self._fit_linear(X, self._target(encoded), weights)
        self._to_sklearn_layout()
        return self

    def _target(self, encoded: NDArray[np.intp]) -> Array:
        return 2.0 * encoded - 1.0  # classes_[0] -> -1, classes_[1] -> +1

    def _to_sklearn_layout(self) -> None:
        # The core fits w of shape (D,) and a float b; scikit-learn stores one row.
        self.coef_, self.intercept_ = self.coef_[None, :], np.array([self.intercept_])

    def _scores(self, X: ArrayLike) -> Array:
        check_is_fitted(self)
        (X,) = as_float(validate_data(self, X, dtype="numeric", reset=False))
        return X @ self.coef_.T + self.intercept_

    def decision_function(self, X: ArrayLike) -> Array:
        r"""Scores :math:`z = \langle w, x\rangle + b` of ``classes_[1]``, shape (n_samples,).

        ``X`` is an array-like of shape (n_samples, n_features).
        """
        return self._scores(X)[:, 0]

    def predict(self, X: ArrayLike) -> NDArray:
        """Labels (n_samples,) of ``X`` (n_samples, n_features), of the type of ``classes_``.

        A binary classifier answers ``classes_[1]`` where the score is positive,
        softmax regression the class of the largest score.
        """
        scores = self._scores(X)  # first: it checks that the model is fitted
        if scores.shape[1] == 1:
            return self.classes_[(scores[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

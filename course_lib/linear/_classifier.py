r"""What the binary linear classifiers share: labels to -1/+1, fit, scores, predictions.

See the book: section 2.1.9.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from ..losses import Loss, SquaredLoss
from ._base import COMMON_CONSTRAINTS, SGD_MAX_LEARNING_RATE, LinearModel
from ._data import as_float, check_sample_weight

Array = NDArray[np.float64]

#: The core's hyperparameter constraints without ``loss``: each classifier has its own.
CONSTRAINTS = {key: value for key, value in COMMON_CONSTRAINTS.items() if key != "loss"}

_BINARY_ONLY = (
    "Only binary classification is supported: {name} is a binary classifier, but y has "
    "{count} classes ({classes}): wrap it in a "
    "OneVsRestClassifier, or use SoftmaxRegression (sections 2.1.11-2.1.12)"
)


class _LinearClassifier(ClassifierMixin, LinearModel):
    """fit / decision_function / predict shared by the binary classifiers below."""

    _loss: type[Loss]
    _auto_solver: str
    _penalty = "l2"

    def _resolve(self) -> tuple[Loss, str]:
        return self._loss(), self._auto_solver if self.solver == "auto" else self.solver

    def _sgd_learning_rate(self, scaling, objective, y: Array, streaming: bool) -> float:
        # The core caps the "auto" step at 0.01 for the squared loss (curvature
        # 2); what keeps the noise of SGD small is step * curvature, so a
        # flatter loss (logistic: 1/4) may take a proportionally longer step.
        rate = super()._sgd_learning_rate(scaling, objective, y, streaming)
        smoothness = objective.loss.smoothness
        if self.learning_rate != "auto" or not smoothness:
            return rate
        cap = SGD_MAX_LEARNING_RATE * SquaredLoss.smoothness / smoothness
        return min(cap, 1.0 / scaling.mean_curvature(objective))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> "_LinearClassifier":
        r"""Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two distinct labels of any type (numbers, strings, booleans).
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights :math:`s_i` of the samples' losses (weight 2
            is the same as the sample taken twice, 0 as dropping it).

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, dtype="numeric")
        check_classification_targets(y)
        (X,) = as_float(X)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        weights = check_sample_weight(sample_weight, X)
        present = self.classes_ if weights is None else np.unique(y[weights > 0])
        if len(self.classes_) > 2:
            raise ValueError(_BINARY_ONLY.format(
                name=type(self).__name__, count=len(self.classes_),
                classes=", ".join(map(repr, self.classes_[:5].tolist()))))
        if len(present) < 2:
            raise ValueError(
                f"y has only one class ({present[0]!r}) with positive sample weight: "
                "a classifier needs samples of two classes"
            )
        self._fit_linear(X, 2.0 * encoded - 1.0, weights)
        return self

    def decision_function(self, X: ArrayLike) -> Array:
        r"""Scores :math:`z = \langle w, x\rangle + b` of ``classes_[1]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self._decision_function(X)

    def predict(self, X: ArrayLike) -> NDArray:
        """Labels: ``classes_[1]`` where the score is positive, ``classes_[0]`` elsewhere.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels of the type of the ``y`` given to ``fit``.
        """
        positive = self.decision_function(X) > 0  # first: it checks that the model is fitted
        return self.classes_[positive.astype(int)]

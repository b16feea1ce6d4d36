r"""Many classes from binary classifiers: one-vs-rest and one-vs-one.

See the book: section 2.1.11.

A binary classifier answers "class :math:`+1` or :math:`-1`" with a score
:math:`z`. For :math:`K > 2` classes two schemes combine several of them:

* **one-vs-rest** trains :math:`K` classifiers, the :math:`k`-th separating
  class :math:`k` from all the others, and answers
  :math:`a(x) = \arg\max_k z_k(x)`;
* **one-vs-one** (all-vs-all) trains one classifier per *unordered* pair
  :math:`i < j` on the objects of these two classes only,
  :math:`K(K-1)/2` of them (the seed's :math:`i \ne j` would train each pair
  twice), and lets them vote.

Both wrap any binary classifier, ours or scikit-learn's: it is cloned
(:func:`sklearn.base.clone`) for every sub-problem, trained on labels 0/1
(1 is "class :math:`k`", resp. "class :math:`j`") and scored by its
``decision_function`` or, when it has none, by its ``predict_proba[:, 1]``,
as in :mod:`sklearn.multiclass`.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_sample_weight, encode_classes, fit_method, label_text

__all__ = ["OneVsRestClassifier", "OneVsOneClassifier"]

Array = NDArray[np.float64]


def _score(estimator, X: Array) -> Array:
    """Score of the label 1 of a fitted binary classifier, shape ``(n_samples,)``."""
    if hasattr(estimator, "decision_function"):
        return np.ravel(estimator.decision_function(X))
    return estimator.predict_proba(X)[:, 1]


def _positive(estimator, X: Array) -> NDArray[np.bool_]:
    """Where the fitted binary classifier (trained on labels 0/1) answers 1."""
    return np.asarray(estimator.predict(X)) == 1


class _MulticlassMeta(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """What both schemes share: parameter, validation, the binary fits."""

    _parameter_constraints: dict = {"estimator": [HasMethods(["fit", "predict"])]}

    def __init__(self, estimator: BaseEstimator) -> None:
        self.estimator = estimator

    @fit_method(nested=False)
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None):
        """Fit the binary classifiers on ``X`` (n_samples, n_features), ``y`` (n_samples,).

        ``y`` has at least two distinct labels of any type; ``sample_weight``
        (n_samples,), optional, is passed (the rows each one sees) to every
        binary classifier's ``fit``. Returns self.
        """
        X, y = validate_data(self, X, y, dtype="numeric")
        weights = check_sample_weight(sample_weight, X)
        encoded = encode_classes(self, y, weights)
        self.estimators_ = []
        for classes, positive, negative in self._problems(len(self.classes_)):
            rows = slice(None) if classes is None else np.isin(encoded, classes)  # all: no copy
            self.estimators_.append(self._fit_binary(
                X[rows], (encoded[rows] == positive).astype(int),
                None if weights is None else weights[rows], positive, negative))
        return self

    def _fit_binary(
        self, X: Array, labels: NDArray, weights: Array | None, positive: int, negative: str
    ) -> BaseEstimator:
        estimator = clone(self.estimator)
        try:
            if weights is None:
                return estimator.fit(X, labels)
            return estimator.fit(X, labels, sample_weight=weights)
        except ValueError as error:
            # The user knows their labels, not the 0/1 of the sub-problem.
            raise ValueError(
                f"{type(self).__name__}: the binary classifier of class "
                f"{label_text(self.classes_[positive])} (label 1) vs {negative} (label 0) "
                f"failed: {error}"
            ) from error

    def _check_X(self, X: ArrayLike) -> Array:
        check_is_fitted(self)
        return validate_data(self, X, dtype="numeric", reset=False)

    def predict(self, X: ArrayLike) -> NDArray:
        r"""Labels (n_samples,) of ``X`` (n_samples, n_features): the class of the best score.

        For two classes, the single binary classifier's answer.
        """
        if len(getattr(self, "classes_", ())) == 2:
            return self.classes_[_positive(self.estimators_[0], self._check_X(X)).astype(int)]
        best = np.argmax(self.decision_function(X), axis=1)  # first: checks it is fitted
        return self.classes_[best]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags


class OneVsRestClassifier(_MulticlassMeta):
    r"""One-vs-rest: :math:`K` binary classifiers, the answer is the class of the largest score.

    Classifier :math:`k` is trained on all objects with labels
    :math:`[y_i = k]` and gives a score :math:`z_k(x)`; the prediction is
    :math:`a(x) = \arg\max_k z_k(x)` (the first of equal maxima). The scores
    of different classifiers are compared directly although each was trained
    on its own problem, and nothing fixes their scale: :math:`(c\,\omega_k, c\,\omega_{0k})`
    with any :math:`c > 0` gives the same binary answers but a different
    argmax (the book measures this in section 2.1.11; a calibrated base
    classifier or a jointly trained softmax regression avoids it). With two
    classes one classifier suffices (class ``classes_[1]`` vs
    ``classes_[0]``), as in scikit-learn.

    Parameters
    ----------
    estimator : binary classifier
        Any estimator with ``fit`` and ``predict`` and either
        ``decision_function`` or ``predict_proba`` (ours or scikit-learn's);
        cloned for every class, never fitted itself.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted (any type: numbers, strings).
    estimators_ : list of n_classes estimators (one when n_classes == 2)
        ``estimators_[k]`` separates ``classes_[k]`` (label 1) from the rest (label 0).
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.linear import LogisticRegression
    >>> X = np.array([[0.0, 0.0], [0.2, 0.1], [3.0, 0.0], [3.1, 0.2], [0.0, 3.0], [0.1, 3.2]])
    >>> y = ["a", "a", "b", "b", "c", "c"]
    >>> model = OneVsRestClassifier(LogisticRegression(alpha=0.1)).fit(X, y)
    >>> len(model.estimators_), model.predict([[2.9, 0.1], [0.0, 2.5]]).tolist()
    (3, ['b', 'c'])

    See the book: section 2.1.11.
    """

    def _problems(self, n_classes: int) -> list[tuple[list[int] | None, int, str]]:
        # (the classes whose rows it sees, None for all; the class of label 1; label 0)
        if n_classes == 2:
            return [(None, 1, label_text(self.classes_[0]))]
        return [(None, k, "the rest") for k in range(n_classes)]

    def decision_function(self, X: ArrayLike) -> Array:
        r"""Scores :math:`z_k(x)` of ``X`` (n_samples, n_features), shape (n_samples, n_classes).

        Column :math:`k` is the score of ``classes_[k]``; with two classes, the
        single column (n_samples,) of the score of ``classes_[1]``.
        """
        X = self._check_X(X)
        scores = np.column_stack([_score(estimator, X) for estimator in self.estimators_])
        return scores[:, 0] if len(self.classes_) == 2 else scores


class OneVsOneClassifier(_MulticlassMeta):
    r"""One-vs-one: a binary classifier per pair of classes :math:`i < j`, then a vote.

    Classifier :math:`(i, j)` is trained on the objects of classes
    :math:`i` and :math:`j` only (label 1 for :math:`j`); there are
    :math:`K(K-1)/2` of them, in the order :math:`(0,1), (0,2), \dots, (K-2, K-1)`.
    Each votes for the class it predicts. Votes tie often (three classes
    voting in a cycle), so, as in scikit-learn, the decision function adds to
    the votes :math:`v_k` the classifiers' total confidence in class :math:`k`,
    squashed into :math:`(-\tfrac13, \tfrac13)`:

    .. math::
        d_k(x) = v_k(x) + \frac{c_k}{3(|c_k| + 1)}, \qquad
        c_k = \sum_{j > k} \big(-z_{kj}(x)\big) + \sum_{i < k} z_{ik}(x),

    so it never overturns a difference of one vote and breaks ties by
    confidence; the prediction is :math:`\arg\max_k d_k(x)`. With two classes
    there is one pair, and ``decision_function`` is its score.

    Parameters
    ----------
    estimator : binary classifier
        As in :class:`OneVsRestClassifier`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    estimators_ : list of n_classes * (n_classes - 1) / 2 estimators
        ``estimators_[m]`` is the classifier of the m-th pair of ``pairs_``.
    pairs_ : list of tuple (i, j), i < j
        Indices into ``classes_``; class ``classes_[j]`` has label 1.
    n_features_in_ : int

    Examples
    --------
    >>> from course_lib.linear import LogisticRegression
    >>> X = [[0.0, 0.0], [0.2, 0.1], [3.0, 0.0], [3.1, 0.2], [0.0, 3.0], [0.1, 3.2]]
    >>> model = OneVsOneClassifier(LogisticRegression(alpha=0.1)).fit(X, [0, 0, 1, 1, 2, 2])
    >>> model.pairs_, model.predict([[2.9, 0.1], [0.0, 2.5]]).tolist()
    ([(0, 1), (0, 2), (1, 2)], [1, 2])

    See the book: section 2.1.11.
    """

    def _problems(self, n_classes: int) -> list[tuple[list[int] | None, int, str]]:
        self.pairs_ = list(combinations(range(n_classes), 2))
        return [([i, j], j, label_text(self.classes_[i])) for i, j in self.pairs_]

    def _votes_and_confidences(self, X: ArrayLike) -> tuple[NDArray, Array]:
        X = self._check_X(X)
        votes = np.column_stack([_positive(estimator, X) for estimator in self.estimators_])
        scores = np.column_stack([_score(estimator, X) for estimator in self.estimators_])
        return votes, scores

    def decision_function(self, X: ArrayLike) -> Array:
        r"""Votes plus squashed confidences :math:`d_k(x)` (see the class), (n_samples, n_classes).

        ``X`` of shape (n_samples, n_features). For two classes, shape
        (n_samples,): the score of ``classes_[1]`` of the single pair.
        """
        votes, scores = self._votes_and_confidences(X)
        if len(self.classes_) == 2:
            return scores[:, 0]
        n_classes = len(self.classes_)
        total_votes = np.zeros((len(votes), n_classes))
        confidence = np.zeros((len(votes), n_classes))
        for m, (i, j) in enumerate(self.pairs_):
            total_votes[:, j] += votes[:, m]
            total_votes[:, i] += ~votes[:, m]
            confidence[:, j] += scores[:, m]
            confidence[:, i] -= scores[:, m]
        return total_votes + confidence / (3.0 * (np.abs(confidence) + 1.0))

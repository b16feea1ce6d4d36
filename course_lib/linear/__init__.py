"""Linear models: one core (score z = Xw + b, loss + alpha * penalty), several solvers.

See the book: section 2.1. The estimators are built from public pieces the
book explains one by one: :func:`center_data` and the bias (2.1.2),
:func:`solve_normal` and :func:`solve_lstsq` (2.1.3), :class:`LinearObjective`
for gradient descent and SGD (2.1.4-2.1.5), :func:`lasso_cd` (2.1.7), and the
classifiers with margin losses (2.1.9-2.1.10), the one-vs-rest and one-vs-one
schemes (2.1.11) and softmax regression (2.1.12).

>>> from course_lib.linear import LinearRegression, Ridge, Lasso
>>> from course_lib.linear import Perceptron, LinearSVC, LogisticRegression
>>> from course_lib.linear import OneVsRestClassifier, OneVsOneClassifier, SoftmaxRegression
"""

from ._objective import LinearObjective
from ._closed_form import (
    IllConditionedError,
    center_data,
    centered_gram,
    lasso_cd,
    solve_lstsq,
    solve_normal,
)
from .classification import LinearSVC, LogisticRegression, Perceptron
from .multiclass import OneVsOneClassifier, OneVsRestClassifier
from .regression import Lasso, LinearRegression, Ridge
from .softmax import SoftmaxRegression

__all__ = [
    "LinearRegression", "Ridge", "Lasso",
    "Perceptron", "LinearSVC", "LogisticRegression",
    "OneVsRestClassifier", "OneVsOneClassifier", "SoftmaxRegression",
    "center_data", "centered_gram", "solve_normal", "solve_lstsq", "lasso_cd",
    "LinearObjective", "IllConditionedError",
]

r"""Quality metrics: how close predictions are to the true answers.

See the book: section 1.1 (MAE), section 2.1.8 (MAE, MAPE) and section 2.1.10
(log-loss). For precision, recall and ROC curves use :mod:`sklearn.metrics`.

Every function takes ``y_true`` (the true answers) and ``y_pred`` (the
predictions) of shape ``(n_samples,)`` or ``(n_samples, n_outputs)`` and
returns a Python float. Several outputs are
averaged uniformly, as scikit-learn's ``multioutput="uniform_average"`` does.
Bad input (different lengths, empty arrays, NaN or infinity, strings where
numbers are due, continuous values where labels are due) raises a
``ValueError`` that names the problem; the checks are scikit-learn's own
(``check_array``, ``check_consistent_length``, ``type_of_target``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils.multiclass import type_of_target, unique_labels

from ._validation import label_text, labels_text

__all__ = ["mae", "mse", "rmse", "mape", "r2", "accuracy", "log_loss"]


def _as_array(values: ArrayLike, name: str) -> NDArray:
    """Shape checks with our own messages: 1-D or 2-D, at least one sample."""
    array = np.asarray(values)
    if array.ndim == 0 or array.ndim > 2:
        raise ValueError(
            f"{name} must be of shape (n_samples,) or (n_samples, n_outputs), "
            f"got shape {array.shape}"
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} is empty: a metric needs at least one sample")
    return array


def _check_pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[NDArray, NDArray]:
    """Both arrays shape-checked, and of the same length (scikit-learn's check)."""
    y_true, y_pred = _as_array(y_true, "y_true"), _as_array(y_pred, "y_pred")
    check_consistent_length(y_true, y_pred)
    return y_true, y_pred


def _check_same_shape(y_true: NDArray, y_pred: NDArray) -> None:
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred have different shapes: {y_true.shape} and {y_pred.shape}"
        )


def _check_targets(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[NDArray, NDArray]:
    """Validate a pair of numeric target arrays and return them as float arrays.

    scikit-learn's ``check_array`` refuses strings, complex numbers, NaN and infinity.
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    y_true, y_pred = (
        check_array(array, ensure_2d=False, dtype="numeric", input_name=name).astype(np.float64)
        for array, name in ((y_true, "y_true"), (y_pred, "y_pred"))
    )
    _check_same_shape(y_true, y_pred)
    return y_true, y_pred


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean absolute error.

    .. math:: \mathrm{MAE}(y, \hat y) = \frac{1}{N} \sum_{i=1}^N |y_i - \hat y_i|

    The mean of absolute deviations, in the units of ``y``: every error
    counts in proportion to its size.

    Examples
    --------
    >>> mae([3.0, 5.0, 2.0], [2.5, 5.0, 4.0])
    0.8333333333333334
    >>> mae([[1.0, 10.0], [3.0, 30.0]], [[1.0, 11.0], [3.0, 29.0]])  # two outputs: mean of 0 and 1
    0.5

    See the book: section 1.1.
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def mse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean squared error.

    .. math:: \mathrm{MSE}(y, \hat y) = \frac{1}{N} \sum_{i=1}^N (y_i - \hat y_i)^2

    In squared units of ``y``; one error of 10 costs as much as a hundred errors of 1.

    Examples
    --------
    >>> mse([3.0, 5.0, 2.0], [2.5, 5.0, 4.0])  # (0.25 + 0 + 4) / 3
    1.4166666666666667

    See the book: section 2.1.2.
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    return float(np.mean((y_true - y_pred) ** 2))


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Root mean squared error, :math:`\sqrt{\mathrm{MSE}}`, in the units of ``y``.

    With several outputs it is the mean over outputs of each output's RMSE,
    as in scikit-learn's ``root_mean_squared_error``.

    Examples
    --------
    >>> rmse([0.0, 0.0], [3.0, 4.0])  # sqrt((9 + 16) / 2)
    3.5355339059327378

    See the book: section 2.1.2.
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    per_output = np.sqrt(np.mean((y_true - y_pred) ** 2, axis=0))
    return float(np.mean(per_output))


def mape(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean absolute percentage error, as a fraction (0.1 means 10%).

    .. math::
        \mathrm{MAPE}(y, \hat y) = \frac{1}{N} \sum_{i=1}^N
        \left| \frac{\hat y_i - y_i}{y_i} \right|

    The ratio is undefined for :math:`y_i = 0`, so such input raises an error
    instead of the huge finite number scikit-learn returns there.

    Raises
    ------
    ValueError
        If some ``y_true`` is zero, besides the usual shape and NaN checks.

    Examples
    --------
    >>> mape([100.0, 200.0], [110.0, 150.0])
    0.175

    See the book: section 2.1.8.
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    if np.any(y_true == 0):
        raise ValueError(
            "MAPE is undefined when y_true contains zeros "
            f"({np.count_nonzero(y_true == 0)} found); use MAE or drop those samples"
        )
    return float(np.mean(np.abs((y_pred - y_true) / y_true)))


def r2(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Coefficient of determination.

    .. math::
        R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2}

    1 is a perfect fit, 0 is as good as predicting the mean, negative is worse.
    With several outputs it is the mean of the per-output values.

    Raises
    ------
    ValueError
        If ``y_true`` (or one of its outputs) is constant: the denominator is
        zero and :math:`R^2` is undefined.

    Examples
    --------
    >>> r2([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])  # 1 - 1 / 2: RSS = 1, total sum of squares 2
    0.5

    See the book: section 2.1.2.
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    total = np.sum((y_true - y_true.mean(axis=0)) ** 2, axis=0)
    if np.any(total == 0):
        raise ValueError("R^2 is undefined when y_true is constant (zero variance)")
    residual = np.sum((y_true - y_pred) ** 2, axis=0)
    return float(np.mean(1.0 - residual / total))


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Share of correct answers of a classifier.

    .. math:: \mathrm{accuracy} = \frac{1}{N} \sum_{i=1}^N \mathbb{I}[y_i = \hat y_i]

    Labels may be of any type (numbers, strings). For multilabel targets of
    shape ``(n_samples, n_labels)`` a sample counts as correct only if all its
    labels match (subset accuracy, as in scikit-learn).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        True labels.
    y_pred : array-like of the same shape
        Predicted labels.

    Returns
    -------
    float
        A number between 0 and 1.

    Examples
    --------
    >>> accuracy(["cat", "dog", "dog"], ["cat", "cat", "dog"])
    0.6666666666666666

    See the book: section 1.2.
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    kinds = {}
    with np.errstate(invalid="ignore"):  # NaN is reported by type_of_target itself
        for array, name in ((y_true, "y_true"), (y_pred, "y_pred")):
            kinds[name] = type_of_target(array, input_name=name)
    for name, kind in kinds.items():
        if kind not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(
                f"accuracy compares class labels, but {name} is {kind!r} "
                "(e.g. continuous values: round them to classes, or use a regression metric)"
            )
    if len({kind == "multilabel-indicator" for kind in kinds.values()}) > 1:
        raise ValueError(f"accuracy can't compare {kinds['y_true']} y_true with "
                         f"{kinds['y_pred']} y_pred")
    unique_labels(y_true, y_pred)  # refuses a mix of string and number labels
    _check_same_shape(y_true, y_pred)
    correct = y_true == y_pred
    if correct.ndim == 2:
        correct = correct.all(axis=1)
    return float(np.mean(correct))


def log_loss(y_true: ArrayLike, y_prob: ArrayLike, *, labels: ArrayLike | None = None) -> float:
    r"""Mean negative log-likelihood of the true labels under predicted probabilities.

    .. math:: \mathrm{LogLoss} = -\frac{1}{N} \sum_{i=1}^N \log p_{i, y_i}

    For two classes with :math:`p_i` the probability of the second one this is
    :math:`-\frac1N\sum_i \bigl(y_i \log p_i + (1 - y_i)\log(1 - p_i)\bigr)`,
    :math:`y_i \in \{0, 1\}`: the loss logistic regression minimizes.
    Probabilities are clipped to :math:`[\varepsilon, 1 - \varepsilon]`
    (:math:`\varepsilon` the float64 machine epsilon), as scikit-learn's
    ``log_loss`` does, so a confident mistake costs about 36, not infinity.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels of any type (numbers, strings).
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probabilities of the classes in sorted order (the columns of
        ``predict_proba``); a 1-D array is the probability of the second class.
    labels : array-like, optional
        All class labels, when ``y_true`` does not contain every one of them.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If probabilities are outside :math:`[0, 1]`, rows do not sum to 1,
        the number of columns differs from the number of classes, or fewer
        than two classes are known; besides the usual shape and NaN checks.

    Examples
    --------
    >>> round(log_loss(["spam", "ham", "spam"], [0.9, 0.2, 0.6]), 6)  # P(spam)
    0.279777

    See the book: section 2.1.10.
    """
    y_true, y_prob = _check_pair(y_true, y_prob)
    if y_true.ndim != 1:
        raise ValueError(f"y_true must be of shape (n_samples,), got shape {y_true.shape}")
    y_prob = check_array(y_prob, ensure_2d=False, dtype="numeric", input_name="y_prob")
    y_prob = y_prob.astype(np.float64)
    with np.errstate(invalid="ignore"):  # NaN labels are reported by type_of_target
        kind = type_of_target(y_true, input_name="y_true")
    if kind not in ("binary", "multiclass"):
        raise ValueError(f"log_loss needs class labels, but y_true is {kind!r}")
    classes = unique_labels(y_true if labels is None else labels)
    if len(classes) < 2:
        raise ValueError(
            f"y_true has only one label ({label_text(classes[0])}): pass all classes as "
            "labels=[...]"
        )
    missing = np.setdiff1d(np.unique(y_true), classes)
    if missing.size:
        raise ValueError(f"y_true has labels {labels_text(missing)} that are not in labels")
    if y_prob.ndim == 1:
        y_prob = np.column_stack([1.0 - y_prob, y_prob])
    if y_prob.shape[1] != len(classes):
        raise ValueError(
            f"y_prob has {y_prob.shape[1]} columns but there are {len(classes)} classes "
            f"{labels_text(classes, shown=len(classes))}"
        )
    if np.any((y_prob < 0) | (y_prob > 1)):
        raise ValueError("y_prob must hold probabilities: values between 0 and 1")
    if not np.allclose(y_prob.sum(axis=1), 1.0, rtol=0, atol=1e-6):
        raise ValueError("the rows of y_prob must sum to 1 (probabilities of all classes)")
    eps = np.finfo(np.float64).eps
    chosen = y_prob[np.arange(len(y_true)), np.searchsorted(classes, y_true)]
    return float(-np.mean(np.log(np.clip(chosen, eps, 1 - eps))))

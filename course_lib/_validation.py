"""The estimators' plumbing, written once: sample weights, class labels, a fit that fails clean.

Every estimator of the package checks its input the same way and says the
same thing about bad input: this module is where that happens. It sits on
the bottom floor (it imports only numpy and scikit-learn), so ``linear/``,
``probabilistic/`` and ``nn/`` can all use it.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight

__all__ = ["Number", "check_sample_weight", "encode_classes", "fit_method", "forget_fit",
           "label_text", "labels_text"]


class Number(Interval):
    """scikit-learn's Interval that also refuses booleans (``max_iter=True``).

    Numpy scalars (``np.float32(0.1)``, ``np.int64(5)``) pass, as Python numbers do.
    """

    def is_satisfied_by(self, val) -> bool:
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


def check_sample_weight(sample_weight: ArrayLike | None, X: NDArray) -> NDArray | None:
    """Validated weights (float, one per row of ``X``, >= 0, positive sum), or None.

    Examples
    --------
    >>> check_sample_weight([1, -2], np.zeros((2, 1)))
    Traceback (most recent call last):
    ...
    ValueError: sample_weight has negative values; weights must be >= 0
    >>> check_sample_weight([1e-320, 0.0], np.zeros((2, 1)))
    Traceback (most recent call last):
    ...
    ValueError: sample_weight are all below 2.23e-308 (subnormal floats, largest 1e-320): they have lost their precision; multiply them by a constant (and alpha by the same constant: the same model)
    """
    if sample_weight is None:
        return None
    weights = _check_sample_weight(sample_weight, X, dtype=np.float64)
    if np.any(weights < 0):
        raise ValueError("sample_weight has negative values; weights must be >= 0")
    largest = float(weights.max(initial=0.0))  # not the sum: it may overflow for huge weights
    if not largest > 0:
        raise ValueError("sample_weight sums to zero: there is nothing to fit")
    if largest < np.finfo(float).tiny:  # 1 / weight and the products with X overflow
        raise ValueError(
            f"sample_weight are all below {np.finfo(float).tiny:.3g} (subnormal floats, "
            f"largest {largest:.3g}): they have lost their precision; multiply them by a "
            "constant (and alpha by the same constant: the same model)")
    return weights


def label_text(value: object) -> str:
    """A label as the user wrote it: ``'cat'`` or ``7``, not ``np.str_('cat')`` or ``np.int64(7)``.

    Every error message of the package that names a user's label goes through here.

    >>> label_text(np.str_("cat")), label_text(np.int64(7)), label_text(np.array([2.5])[0])
    ("'cat'", '7', '2.5')
    """
    return repr(value.item() if isinstance(value, np.generic) else value)


def labels_text(values: ArrayLike, shown: int = 5) -> str:
    """Labels as a Python list, ``['cat', 'dog']``, the first ``shown`` of them and ``…``.

    >>> labels_text(np.array(["cow"])), labels_text(np.arange(8))
    ("['cow']", '[0, 1, 2, 3, 4, …]')
    """
    values = np.ravel(np.asarray(values, dtype=object))
    more = ", …" if len(values) > shown else ""
    return f"[{', '.join(map(label_text, values[:shown]))}{more}]"


def _sorted_labels(y: NDArray) -> tuple[NDArray, NDArray[np.intp]]:
    """The sorted distinct labels and each label's index among them."""
    small_integers = y.dtype.kind == "i" or (y.dtype.kind == "u" and y.dtype.itemsize < 8)
    if small_integers and y.size and int(y.max()) - int(y.min()) < 4 * y.size:
        # integers in a short range: counted, not sorted (3x faster than np.unique)
        low = int(y.min())
        offset = y.astype(np.intp) - low
        present = np.bincount(offset) > 0
        index = np.cumsum(present) - 1
        return (np.flatnonzero(present) + low).astype(y.dtype), index[offset]
    classes = np.unique(y)
    return classes, np.searchsorted(classes, y)  # unique's own inverse sorts again: 5x slower


def encode_classes(
    estimator: object, y: ArrayLike, weights: NDArray | None, max_classes: int | None = None
) -> NDArray[np.intp]:
    """Set ``estimator.classes_`` (sorted labels of any type) and return ``y`` as 0..K-1.

    Refuses a single class, more than ``max_classes`` classes (naming the
    estimator and what to do instead), and classes whose every sample has
    weight 0 (there is nothing to learn about them).

    Examples
    --------
    >>> class Model: pass
    >>> model = Model()
    >>> encode_classes(model, ["b", "a", "b"], None).tolist(), model.classes_.tolist()
    ([1, 0, 1], ['a', 'b'])
    """
    y = np.asarray(y)
    check_classification_targets(y)
    classes, encoded = _sorted_labels(y)
    name = type(estimator).__name__
    if len(classes) < 2:
        raise ValueError(f"y has only one class ({label_text(classes[0])}): {name} needs "
                         "samples of at least two classes")
    if max_classes is not None and len(classes) > max_classes:
        raise ValueError(
            f"Only binary classification is supported: {name} is a binary classifier, but y "
            f"has {len(classes)} classes {labels_text(classes)}: wrap "
            "it in a OneVsRestClassifier, or use SoftmaxRegression (sections 2.1.11-2.1.12)")
    if weights is not None:
        missing = np.setdiff1d(classes, y[weights > 0])
        if missing.size:
            raise ValueError(
                f"classes {labels_text(missing)} have only samples of zero weight: drop them "
                "from y or give them positive sample_weight")
    estimator.classes_ = classes
    return encoded


def forget_fit(estimator: object) -> None:
    """Delete every fitted attribute (public ones end in ``_``; ``_scaling`` is private)."""
    for name in [name for name in vars(estimator) if name.endswith("_") or name == "_scaling"]:
        if not name.startswith("__"):
            delattr(estimator, name)


@functools.cache
def _param_names(cls: type) -> tuple[str, ...]:
    """The hyperparameters' names (``get_params`` reads them from ``__init__`` every call)."""
    return tuple(cls._get_param_names())


@contextlib.contextmanager
def python_scalars(estimator) -> Iterator[None]:
    """Numpy scalar hyperparameters are Python numbers inside the block (restored after).

    ``batch_size=np.int8(64)`` passes the parameter check, but arithmetic on
    it wraps around (``64 * 16`` is out of bounds for int8). ``get_params``
    is unchanged afterwards. A context, not a decorator: no extra frame, so
    warnings keep pointing at the caller of ``fit``.
    """
    values = {name: getattr(estimator, name, None) for name in _param_names(type(estimator))}
    numpy_scalars = {name: value for name, value in values.items() if isinstance(value, np.generic)}
    for name, value in numpy_scalars.items():
        setattr(estimator, name, value.item())
    try:
        yield
    finally:
        for name, value in numpy_scalars.items():
            setattr(estimator, name, value)


def fit_method(nested: bool = True) -> Callable[[Callable], Callable]:
    """Decorate ``fit``: scikit-learn checks the hyperparameters, and an error leaves no model.

    A fit that raises (bad input, ``DivergenceError``) deletes the fitted
    attributes, also those of an earlier successful fit, so that
    ``check_is_fitted`` raises instead of a stale model answering.
    ``nested=False`` lets a meta-estimator's inner estimators check theirs.
    """

    def decorate(fit: Callable) -> Callable:
        checked = _fit_context(prefer_skip_nested_validation=nested)(fit)

        @functools.wraps(fit)
        def wrapper(self, *args, **kwargs):
            try:
                with python_scalars(self):
                    return checked(self, *args, **kwargs)
            except BaseException:
                forget_fit(self)
                raise

        return wrapper

    return decorate

r"""Data preparation of the linear core: input checks and the solvers' change of coordinates.

See the book: sections 2.1.4-2.1.5 (why gradient methods want standardized features).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils import assert_all_finite

from .._compiled import njit
from .._validation import check_sample_weight
from ..losses import Loss, SquaredLoss

if TYPE_CHECKING:
    from ._objective import LinearObjective

Array = NDArray[np.float64]

#: Columns whose mean is within this share of their spread and whose spread
#: is within this share of 1 count as standardized: the solvers take them as
#: they are (a Jacobi preconditioner off by a few per cent is as good).
_STANDARDIZED = 0.05


def check_fit_data(X: Array, y: Array, sample_weight: ArrayLike | None, loss: Loss) -> Array | None:
    """Refuse targets the loss cannot take and a ``y`` that overflows; return the checked weights.

    ``X`` is checked (overflow; NaN and infinities too, which the classifiers'
    validation leaves to this) where it is first read: by :meth:`FeatureScaling.measure`
    (without weights from the sums of squares it computes anyway, with weights
    by a pass of its own) or :func:`check_features`.
    """
    loss.check_target(y)
    check_magnitude(y, "y", len(y))
    return check_sample_weight(sample_weight, X)


class FeatureScaling:
    r"""The affine change of coordinates in which gd and sgd work: :math:`\tilde x = (x - m) / s`.

    :math:`m` is the (weighted) mean of the features when there is a bias
    (0 otherwise); :math:`s_j` the square root of the diagonal of the
    Hessian, relative to the loss curvature: the spread of feature :math:`j`
    plus the curvature the L2 penalty adds. This is Jacobi (diagonal)
    preconditioning: features in metres or in millimetres, at 1e6 or 1e-6,
    give the same iterates. The model is the same, only its parameters
    :math:`u = s \odot w`, :math:`c = b + \langle m, w \rangle` are better
    conditioned.

    The same moments of ``y`` set the step of SGD for losses whose gradient
    does not grow with the residual (absolute, MAPE): without them the step
    would depend on the units of ``y``.

    Parameters
    ----------
    weight : float
        Total sample weight the moments were measured on.
    mean, second_moment : ndarray of shape (n_features + 1,)
        Weighted mean and mean squared deviation from it of the columns of
        ``X`` and, last, of ``y``.
    """

    def __init__(self, weight: float, mean: Array, second_moment: Array) -> None:
        if not np.all(np.isfinite(second_moment)):
            raise ValueError(_overflow_message("X"))
        self.weight, self.moments = weight, (mean, second_moment)
        self.mean, self.second_moment = mean[:-1], second_moment[:-1]
        self.target_mean, self.target_spread = float(mean[-1]), float(np.sqrt(second_moment[-1]))
        self.scale = np.ones_like(self.mean)

    @classmethod
    def measure(
        cls, X: Array, y: Array, sample_weight: Array | None, fit_intercept: bool
    ) -> FeatureScaling:
        """Moments of ``X`` and ``y`` (about 0 without a bias; weights or None); checks ``X``.

        Without weights the sums of squares also check ``X`` (:func:`check_features`).
        """
        if sample_weight is not None:
            check_features(X, len(y))
        weights = np.ones(len(X)) if sample_weight is None else sample_weight
        total = float(weights.sum())
        means, seconds = [], []
        for values in (X, y[:, None]):
            with np.errstate(over="ignore", invalid="ignore"):
                sums, squares = column_sums(values, sample_weight)
                if values is X and sample_weight is None:
                    check_features(X, len(y), float(squares.sum()))
                mean = sums / total if fit_intercept else np.zeros(values.shape[1])
                raw = squares / total
                second = raw - mean**2
                # Subtracting the squared mean loses digits when it dominates:
                # then measure about the mean (a second pass, only on such data).
                if np.any(mean**2 > 1e-3 * raw):
                    second = column_sums(values, sample_weight, mean)[1] / total
            means.append(mean)
            seconds.append(np.maximum(second, 0.0))
        return cls(total, np.concatenate(means), np.concatenate(seconds))

    def merge(self, other: FeatureScaling) -> FeatureScaling:
        """Moments of both data sets together (Chan's parallel update)."""
        (mean_a, second_a), (mean_b, second_b) = self.moments, other.moments
        weight = self.weight + other.weight
        delta = mean_b - mean_a
        mean = mean_a + delta * other.weight / weight
        second = (self.weight * second_a + other.weight * second_b) / weight
        second += delta**2 * self.weight * other.weight / weight**2
        return FeatureScaling(weight, mean, second)

    def fix_scale(self, objective: LinearObjective) -> None:
        """Set :math:`s` for this objective and hand it to the objective.

        Columns already centred and scaled (within :data:`_STANDARDIZED`) are
        taken as they are, :math:`m = 0`, :math:`s = 1`: the preconditioning
        is as good, and the solvers then work on ``X`` itself, without a copy.
        """
        extra = 0.0
        if objective.penalty_scale and objective.penalty.smooth and objective.loss.smoothness:
            ratio = objective.penalty.smoothness / objective.loss.smoothness
            extra = objective.penalty_scale * ratio
        scale = np.sqrt(self.second_moment + extra)
        self.scale = np.where(scale > 0, scale, 1.0)
        # a column of zeros (StandardScaler's output for a constant one) fits any scale
        varying = self.second_moment > 0
        if (np.all(np.abs(self.mean) <= _STANDARDIZED * self.scale)
                and np.all(np.abs(self.scale[varying] - 1.0) <= _STANDARDIZED)):
            self.mean, self.scale = np.zeros_like(self.mean), np.ones_like(self.scale)
        objective.scale = self.scale

    def transform(self, X: Array) -> Array:
        """The solver's features :math:`(X - m) / s`: ``X`` itself when :math:`m = 0, s = 1`."""
        if not (np.any(self.mean) or np.any(self.scale != 1.0)):
            return X
        Xs = np.subtract(X, self.mean)
        Xs /= self.scale
        return Xs

    def to_solver(self, coef: Array, intercept: float, fit_intercept: bool) -> Array:
        u = coef * self.scale
        return np.append(u, intercept + self.mean @ coef) if fit_intercept else u

    def from_solver(
        self, objective: LinearObjective, theta: Array
    ) -> tuple[Array, float | Array]:
        """Weights and bias in the user's units: ``(D,)`` and float, or ``(D, K)`` and ``(K,)``."""
        u, c = objective.split(theta)
        if u.ndim == 2:  # K score columns: the same change of coordinates per column
            coef = u / self.scale[:, None]
            return coef, (c - self.mean @ coef) if objective.fit_intercept else c
        coef = u / self.scale
        return coef, (c - float(self.mean @ coef)) if objective.fit_intercept else 0.0

    def mean_curvature(self, objective: LinearObjective) -> float:
        r"""Mean over samples of the curvature of one sample's objective in solver coordinates.

        :math:`\sigma\,(\sum_j \mathrm{spread}_j / s_j^2 + [\text{bias}])` plus the
        largest curvature of the penalty share: it bounds the curvature of an
        average minibatch, which is what a safe SGD step must stay under.
        """
        loss_smoothness = objective.loss.smoothness or SquaredLoss.smoothness
        rows = float(np.sum(self.second_moment / self.scale**2)) + float(objective.fit_intercept)
        return loss_smoothness * rows + objective.penalty_curvature()


def column_sums(
    values: Array, sample_weight: Array | None, shift: Array | None = None,
) -> tuple[Array, Array]:
    r"""Per column :math:`\sum_i v_i (x_{ij} - c_j)` and :math:`\sum_i v_i (x_{ij} - c_j)^2`.

    :math:`v` the weights (1 without), :math:`c` the ``shift`` (0 without):
    about the mean, the second sum keeps the digits the raw one loses.
    """
    if values.flags.c_contiguous and values.shape[1] > 1:
        weights = np.ones(len(values)) if sample_weight is None else sample_weight
        origin = np.zeros(values.shape[1]) if shift is None else shift
        return _row_pass_sums(values, weights, origin)
    if shift is not None:
        values = values - shift
    if sample_weight is None:  # numpy's fastest spellings: 2x those with weights
        return values.sum(axis=0), np.einsum("ij,ij->j", values, values)
    return values.T @ sample_weight, np.einsum("i,ij,ij->j", sample_weight, values, values)


@njit(cache=True, nogil=True)
def _row_pass_sums(values: Array, weights: Array, shift: Array) -> tuple[Array, Array]:
    """:func:`column_sums` in one pass over the rows, four at a time (numpy makes two passes).

    Four rows per load and store of the sums: as fast as one matrix-vector
    product with ``values`` (measured on 2000 x 500 and 1000 x 1000); the
    shift costs no copy of ``values``.
    """
    n_rows, n_columns = values.shape
    sums, squares = np.zeros(n_columns), np.zeros(n_columns)
    whole = n_rows - n_rows % 4
    for i in range(0, whole, 4):
        for j in range(n_columns):
            c = shift[j]
            a, b = values[i, j] - c, values[i + 1, j] - c
            e, d = values[i + 2, j] - c, values[i + 3, j] - c
            wa, wb = weights[i] * a, weights[i + 1] * b
            we, wd = weights[i + 2] * e, weights[i + 3] * d
            sums[j] += (wa + wb) + (we + wd)
            squares[j] += (wa * a + wb * b) + (we * e + wd * d)
    for i in range(whole, n_rows):
        for j in range(n_columns):
            centred = values[i, j] - shift[j]
            weighted = weights[i] * centred
            sums[j] += weighted
            squares[j] += weighted * centred
    return sums, squares


def as_float(*arrays: ArrayLike) -> list[Array]:
    """The validated numeric arrays as float64 (validation refuses strings, as sklearn does)."""
    return [np.asarray(array, dtype=np.float64) for array in arrays]


def _overflow_message(name: str) -> str:
    return (
        f"{name} has values so large that their squares overflow float64: "
        f"rescale {name} (for instance divide it by a power of ten) before fitting"
    )


def check_magnitude(
    values: Array, name: str, n_terms: int, squares: float | None = None
) -> None:
    """Refuse NaN and infinite values, and values whose squares, summed over ``n_terms``, overflow float64.

    ``squares``: the sum of the squares of ``values``, if already known (else
    computed here for C-contiguous values). A finite sum within the limit is
    the whole check (NaN or infinity would make it NaN or infinite); values
    that fail it, or have no such sum, are searched entry by entry.
    """
    limit = np.sqrt(np.finfo(np.float64).max / max(n_terms, 1))
    if squares is None and values.flags.c_contiguous:
        flat = values.reshape(-1)
        with np.errstate(over="ignore", invalid="ignore"):
            squares = float(flat @ flat)
    if squares is not None and squares <= limit**2:
        return  # no |value| exceeds the root of the sum of squares
    assert_all_finite(values, input_name=name)  # scikit-learn's message
    largest = max(float(np.max(values, initial=0.0)), -float(np.min(values, initial=0.0)))
    if largest > limit:
        raise ValueError(_overflow_message(name) + f" (largest |{name}| = {largest:.3g})")


def check_features(X: Array, n_samples: int, squares: float | None = None) -> None:
    r""":func:`check_magnitude` of ``X`` with ``n_terms = n_samples * (D + 1)``, the entries of :math:`(X \mid \mathbf 1)`."""
    check_magnitude(X, "X", n_samples * (X.shape[1] + 1), squares)


def gram_spectrum(X: Array, fit_intercept: bool, sample_weight: Array | None = None) -> Array:
    r"""Eigenvalues (ascending) of :math:`\frac1N A^T \operatorname{diag}(v) A` (:math:`v` the weights).

    :math:`A = (X \mid \mathbf 1)` with the bias, :math:`X` without.

    Times the loss smoothness the largest one bounds :math:`\lambda_{\max}`, the
    largest eigenvalue of the Hessian of the mean loss (gradient descent with step
    :math:`1/\lambda_{\max}` never diverges); their ratio is the condition number that
    sets how fast it converges. Costs one :math:`D \times D` Gram matrix.
    """
    return np.linalg.eigvalsh(weighted_gram(X, fit_intercept, sample_weight))


def weighted_gram(X: Array, fit_intercept: bool, sample_weight: Array | None = None) -> Array:
    r""":math:`\frac1N A^T \operatorname{diag}(v) A` (:math:`v` the weights).

    :math:`A = (X \mid \mathbf 1)` with the bias, :math:`X` without.
    """
    n_samples = X.shape[0]
    # B^T B with B = diag(sqrt(v)) X: BLAS computes one triangle of a symmetric product
    root = X if sample_weight is None else X * np.sqrt(sample_weight)[:, None]
    n_features = X.shape[1]
    gram = np.empty((n_features + fit_intercept,) * 2)
    np.matmul(root.T, root, out=gram[:n_features, :n_features])
    if fit_intercept:
        column = X.T @ sample_weight if sample_weight is not None else X.sum(axis=0)
        gram[:n_features, -1] = gram[-1, :n_features] = column
        gram[-1, -1] = n_samples if sample_weight is None else float(sample_weight.sum())
    gram /= n_samples
    return gram

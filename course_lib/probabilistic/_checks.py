"""Checks and helpers shared by the noise models: residuals, weights, seeds, the unbounded case."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight

Array = NDArray[np.float64]

#: The scale of an all-zero vector of residuals when no ``resolution`` is given:
#: the smallest positive float (every density is then finite at 0).
SCALE_FLOOR = float(np.finfo(float).tiny)

_EPS = float(np.finfo(float).eps)


class UnboundedLikelihoodWarning(UserWarning):
    r"""The likelihood grows without bound as the scale goes to 0: no maximum-likelihood scale.

    It happens when the residuals are exactly 0 (a perfect fit), or, for
    Student-t, when at least a fraction :math:`\nu/(\nu+1)` of them (by weight) is.
    The fitted scale is then the rounding level of the data (see
    :meth:`ContinuousNoise.fit`), finite and documented, not the
    maximum of the likelihood.
    """


def _positive(value: float, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not np.isfinite(value) or not value > 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def _residuals(r: ArrayLike) -> Array:
    r = np.asarray(r, dtype=float)
    if not np.all(np.isfinite(r)):
        raise ValueError("residuals contain NaN or infinity")
    return r


def normalized_weights(sample_weight: ArrayLike | None, n_samples: int) -> Array:
    """Non-negative weights divided by their largest: a maximum-likelihood fit depends on ratios only.

    So weights times any constant (1e-320 or 1e306 included) give the same fit,
    and no sum of weights overflows or underflows. Raises a ValueError naming
    ``sample_weight`` when they are negative, not finite or all 0.
    """
    weights = _check_sample_weight(sample_weight, np.empty((n_samples, 0)),
                                   ensure_non_negative=True)
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight contains NaN or infinity")
    largest = float(weights.max()) if weights.size else 0.0
    if not largest > 0:
        raise ValueError("sample_weight sums to 0: there is nothing to fit")
    if largest < SCALE_FLOOR:
        raise ValueError(
            f"sample_weight are all below {SCALE_FLOOR:.3g} (subnormal floats, largest "
            f"{largest:.3g}): they have lost their precision; multiply them by a constant "
            "(only their ratios matter)")
    return weights / largest


def _rng(random_state):
    """A numpy Generator passes through; anything else goes to scikit-learn's check_random_state."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    return check_random_state(random_state)


def _uniform_source(random_state: int | np.random.Generator | np.random.RandomState | None):
    """``draw(shape)`` of uniform numbers on [0, 1) from any accepted ``random_state``."""
    rng = _rng(random_state)
    return rng.random if isinstance(rng, np.random.Generator) else rng.random_sample


def _fit_data(r: ArrayLike, sample_weight: ArrayLike | None) -> tuple[Array, Array]:
    """Finite 1-D residuals and non-negative weights, largest 1."""
    r = _residuals(r).ravel()
    if r.size == 0:
        raise ValueError("cannot fit a scale to an empty array of residuals")
    return r, normalized_weights(sample_weight, r.size)


_UNBOUNDED = (
    "{name} noise: the likelihood is unbounded (it grows without limit as the scale "
    "goes to 0, because the residuals are exactly 0: a perfect fit, or for Student-t "
    "too many zero residuals); there is no maximum-likelihood scale, so the scale is "
    "set to the rounding level of the data, {scale:.3g}"
)

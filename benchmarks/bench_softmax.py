"""SoftmaxRegression against scikit-learn's multinomial LogisticRegression, raw and standardized.

Run: ``python benchmarks/bench_softmax.py`` (or ``make bench``). 40 000 x 40
dense data, 8 classes, C = 1 (alpha = 1 / (2 C)), default tolerances, one
BLAS thread on both sides, median of alternating fits; on raw data (offsets,
unequal scales) and on the same data after ``StandardScaler``. Exits with
status 1 if a row fails :func:`_timing.passes` (ratio over its target, or our
objective :math:`-\\sum_i \\log P(y_i \\mid x_i) + \\alpha\\|W\\|_F^2` worse
than scikit-learn's by more than 1e-6 relative). Targets: <= 1 x on
standardized data, <= 0.2 x on raw data. Both sides run L-BFGS-B (scipy).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.special import logsumexp, softmax
from sklearn import linear_model as sk
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import finish, paired_median_times, standardized

from course_lib.linear import SoftmaxRegression

N_SAMPLES, N_FEATURES, N_CLASSES, REPEATS = 40_000, 40, 8, 7
THREADS = 1
C = 1.0
ALPHA = 1 / (2 * C)


def make_data(
    n_samples: int = N_SAMPLES, n_features: int = N_FEATURES, n_classes: int = N_CLASSES,
    seed: int = 0, strength: float = 0.3,
) -> tuple[np.ndarray, np.ndarray]:
    """Features with offsets and scales from 0.1 to 100; labels from a softmax model."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n_samples, n_features))
    X = Z * np.logspace(-1, 2, n_features) + 3 * rng.normal(size=n_features)
    P = softmax(Z @ (strength * rng.normal(size=(n_features, n_classes))), axis=1)
    y = (P.cumsum(axis=1) < rng.random((n_samples, 1))).sum(axis=1)  # one draw per row
    return X, np.minimum(y, n_classes - 1)


def objective(coef, intercept, X: np.ndarray, y: np.ndarray) -> float:
    """The shared objective: -sum_i log P(y_i | x_i) + alpha * ||W||_F^2, W of shape (K, D)."""
    Z = X @ coef.T + intercept
    return float(np.sum(logsumexp(Z, axis=1) - Z[np.arange(len(y)), y])
                 + ALPHA * np.sum(coef ** 2))


def main() -> int:
    X_raw, y = make_data()
    rows = []
    for data, X in (("raw", X_raw), ("std", standardized(X_raw))):
        theirs, ours = sk.LogisticRegression(C=C), SoftmaxRegression(alpha=ALPHA)
        times = paired_median_times(lambda: ours.fit(X, y), lambda: theirs.fit(X, y), REPEATS)
        reference = objective(theirs.coef_, theirs.intercept_, X, y)
        coef = np.asarray(ours.coef_)
        coef = coef.T if coef.shape[0] == N_FEATURES else coef
        rows.append({
            "name": "SoftmaxRegression lbfgs", "data": data, "ours": times[0],
            "reference": times[1], "target": 1.0 if data == "std" else 0.2,
            "algorithm": "L-BFGS-B (scipy)",
            "reference_name": "scikit-learn LogisticRegression, lbfgs (scipy L-BFGS-B)",
            "objective_gap": (objective(coef, ours.intercept_, X, y) - reference) / reference,
            "quality": f"итераций: {ours.n_iter_} и {int(np.max(theirs.n_iter_))}",
        })
    print(f"{N_SAMPLES} x {N_FEATURES} dense float64, {N_CLASSES} classes, C={C} "
          f"(alpha={ALPHA}), median of >= {REPEATS} alternating fits, {THREADS} BLAS thread")
    return finish("softmax", f"{N_SAMPLES} × {N_FEATURES}, {N_CLASSES} классов", rows, THREADS)


if __name__ == "__main__":
    with threadpool_limits(THREADS):
        status = main()
    sys.exit(status)

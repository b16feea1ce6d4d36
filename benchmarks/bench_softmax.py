"""Fit time of course_lib's SoftmaxRegression against scikit-learn's multinomial LogisticRegression.

Run: ``python benchmarks/bench_softmax.py`` (or ``make bench``). On 50 000 x 50
dense data with 10 classes, prints the median of several alternating fits for
each side and the ratio ours / sklearn; exits with status 1 if the ratio misses
its target or our objective is worse:

* SoftmaxRegression (solver "auto" = L-BFGS on standardized features)
  <= 2 x sklearn's ``LogisticRegression()`` (lbfgs, multinomial for three and
  more classes), goal <= 1 x, both at their default tolerance (tol=1e-4) and
  the same regularization (alpha = 1 / (2 C), C = 1), with our objective
  :math:`-\\sum_i \\log P(y_i \\mid x_i) + \\alpha\\|W\\|_F^2` no worse than
  scikit-learn's.

BLAS runs on ``BENCH_THREADS`` threads (default 1) on both sides, as in
``bench_logistic.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
from scipy.special import logsumexp, softmax
from sklearn import linear_model as sk
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import paired_median_times, record, report  # noqa: E402

from course_lib.linear import SoftmaxRegression  # noqa: E402

N_SAMPLES, N_FEATURES, N_CLASSES, REPEATS = 50_000, 50, 10, 5
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
C = 1.0
ALPHA = 1 / (2 * C)


def make_data() -> tuple[np.ndarray, np.ndarray]:
    """Features with non-zero means; labels drawn from a softmax model with 10 classes."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES)) + rng.normal(size=N_FEATURES)
    W = 0.3 * rng.normal(size=(N_FEATURES, N_CLASSES))
    P = softmax((X - X.mean(axis=0)) @ W + 0.3 * rng.normal(size=N_CLASSES), axis=1)
    y = (P.cumsum(axis=1) < rng.random((N_SAMPLES, 1))).sum(axis=1)  # one draw per row
    return X, np.minimum(y, N_CLASSES - 1)


def objective(model, X: np.ndarray, y: np.ndarray) -> float:
    """The shared objective: -sum_i log P(y_i | x_i) + alpha * ||W||_F^2."""
    Z = X @ model.coef_.T + model.intercept_
    return float(np.sum(logsumexp(Z, axis=1) - Z[np.arange(len(y)), y])
                 + ALPHA * np.sum(model.coef_ ** 2))


def main() -> int:
    X, y = make_data()
    theirs = sk.LogisticRegression(C=C)
    ours = SoftmaxRegression(alpha=ALPHA)
    name, target = "SoftmaxRegression (lbfgs)", 2.0
    times = paired_median_times(lambda: ours.fit(X, y), lambda: theirs.fit(X, y), REPEATS)
    rows = [(name, *times, target)]

    print(f"{N_SAMPLES} x {N_FEATURES} dense float64, {N_CLASSES} classes, C={C} "
          f"(alpha={ALPHA}), median of {REPEATS} alternating fits, {THREADS} BLAS thread(s)")
    ok = report(rows)
    reference, value = objective(theirs, X, y), objective(ours, X, y)
    print(f"sklearn lbfgs: objective {reference:.6f} in {int(np.max(theirs.n_iter_))} iterations")
    no_worse = value <= reference
    ok &= no_worse
    print(f"{name}: objective {value:.6f} ({value - reference:+.3g} vs sklearn) in "
          f"{ours.n_iter_} iterations  {'ok' if no_worse else 'MISSED'}")
    record("softmax", f"{N_SAMPLES} × {N_FEATURES}, {N_CLASSES} классов", [
        {"name": name, "ours": times[0], "reference": times[1], "target": target,
         "reference_name": "scikit-learn LogisticRegression (lbfgs, multinomial)",
         "quality": f"цель {value - reference:+.2g} к scikit-learn"}])
    ratio = times[0] / times[1]
    print(f"goal ours/sklearn <= 1: {'met' if ratio <= 1 else 'not met'} ({ratio:.2f})")
    return 0 if ok else 1


if __name__ == "__main__":
    with threadpool_limits(THREADS):
        status = main()
    sys.exit(status)

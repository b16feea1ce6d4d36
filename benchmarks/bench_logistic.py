"""Fit time of course_lib's LogisticRegression against scikit-learn's on 100 000 x 50 dense data.

Run: ``python benchmarks/bench_logistic.py`` (or ``make bench``). Prints the
median of several alternating fits for each side and the ratio ours / sklearn;
exits with status 1 if a ratio misses its target or our objective is worse:

* LogisticRegression (solver "auto" = L-BFGS on standardized features)
  <= 2 x sklearn's ``LogisticRegression()`` (lbfgs), goal <= 1 x, both at their
  default tolerance (tol=1e-4) and the same regularization (alpha = 1 / (2 C),
  C = 1), with our objective no worse than scikit-learn's;
* Newton's method is printed for comparison (no target).

BLAS runs on ``BENCH_THREADS`` threads (default 1) on both sides, as in
``bench_linear.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn import linear_model as sk
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import paired_median_times, record, report  # noqa: E402

from course_lib.linear import LogisticRegression  # noqa: E402

N_SAMPLES, N_FEATURES, REPEATS = 100_000, 50, 7
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
C = 1.0
ALPHA = 1 / (2 * C)


def make_data() -> tuple[np.ndarray, np.ndarray]:
    """Correlated-free features with non-zero means; labels drawn from a logistic model."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES)) + rng.normal(size=N_FEATURES)
    w = 0.3 * rng.normal(size=N_FEATURES)
    y = (rng.random(N_SAMPLES) < expit((X - X.mean(axis=0)) @ w + 0.3)).astype(int)
    return X, y


def objective(model, X: np.ndarray, y: np.ndarray) -> float:
    """The shared objective: sum of logistic losses + alpha * ||w||^2."""
    coef, intercept = np.ravel(model.coef_), float(np.ravel(model.intercept_)[0])
    margin = (2 * y - 1) * (X @ coef + intercept)
    return float(np.logaddexp(0.0, -margin).sum() + ALPHA * coef @ coef)


def main() -> int:
    X, y = make_data()
    theirs = sk.LogisticRegression(C=C)
    pairs = [
        ("LogisticRegression (lbfgs)", LogisticRegression(alpha=ALPHA), 2.0),
        ("LogisticRegression newton", LogisticRegression(alpha=ALPHA, solver="newton"), None),
    ]
    rows, objectives = [], []
    for name, ours, target in pairs:
        times = paired_median_times(lambda: ours.fit(X, y), lambda: theirs.fit(X, y), REPEATS)
        rows.append((name, *times, target))
        objectives.append((name, objective(ours, X, y), ours.n_iter_))

    print(f"{N_SAMPLES} x {N_FEATURES} dense float64, C={C} (alpha={ALPHA}), median of "
          f"{REPEATS} alternating fits, {THREADS} BLAS thread(s)")
    ok = report(rows)
    reference = objective(theirs, X, y)
    print(f"sklearn lbfgs: objective {reference:.6f} in {int(theirs.n_iter_[0])} iterations")
    for name, value, n_iter in objectives:
        no_worse = value <= reference
        ok &= no_worse or name.endswith("newton")
        print(f"{name}: objective {value:.6f} ({value - reference:+.3g} vs sklearn) in "
              f"{n_iter} iterations  {'ok' if no_worse else 'MISSED'}")
    record("logistic", f"{N_SAMPLES} × {N_FEATURES}", [
        {"name": name, "ours": ours_s, "reference": theirs_s, "target": target,
         "reference_name": "scikit-learn LogisticRegression (lbfgs)",
         "quality": f"цель {value - reference:+.2g} к scikit-learn"}
        for (name, ours_s, theirs_s, target), (_, value, _) in zip(rows, objectives)])
    ratio = rows[0][1] / rows[0][2]
    print(f"goal ours/sklearn <= 1: {'met' if ratio <= 1 else 'not met'} ({ratio:.2f})")
    return 0 if ok else 1


if __name__ == "__main__":
    with threadpool_limits(THREADS):
        status = main()
    sys.exit(status)

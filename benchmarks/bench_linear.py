"""Fit time of course_lib.linear against scikit-learn on 100 000 x 60 dense data.

Run: ``python benchmarks/bench_linear.py`` (or ``make bench``). Prints the
median of several fits for each side and the ratio ours / sklearn; exits
with status 1 if a ratio misses its target:

* LinearRegression(solver="normal") <= 0.6 x sklearn LinearRegression
  (one X^T X product plus Cholesky vs. an SVD-based lstsq);
* LinearRegression(solver="lstsq") and Ridge <= 1.25 x sklearn;
* Lasso <= 2 x sklearn Lasso, at an objective no worse than sklearn's own
  tolerance (tol * ||y - mean y||^2 with sklearn's default tol=1e-4).

BLAS runs on ``BENCH_THREADS`` threads (default 1) on both sides: on a
shared, busy machine multithreaded OpenBLAS spin-waits and a 30 ms product
can take a second, which drowns the comparison in noise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
from sklearn import linear_model as sk
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import paired_median_times, record, report  # noqa: E402

from course_lib.linear import Lasso, LinearRegression, Ridge  # noqa: E402

N_SAMPLES, N_FEATURES, REPEATS = 100_000, 60, 9
THREADS = int(os.environ.get("BENCH_THREADS", "1"))


def make_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES)) + rng.normal(size=N_FEATURES)
    w = np.where(np.arange(N_FEATURES) < 20, rng.normal(size=N_FEATURES), 0.0)
    return X, X @ w + 1.0 + rng.normal(size=N_SAMPLES)


def lasso_objective(model, X: np.ndarray, y: np.ndarray, alpha: float) -> float:
    residual = y - X @ model.coef_ - model.intercept_
    return float(residual @ residual + alpha * np.abs(model.coef_).sum())


def main() -> int:
    X, y = make_data()
    alpha_ridge, alpha_lasso = 10.0, 2000.0
    alpha_sk_lasso = alpha_lasso / (2 * N_SAMPLES)
    pairs = [
        ("LinearRegression normal", LinearRegression(solver="normal"), sk.LinearRegression(), 0.6),
        ("LinearRegression lstsq", LinearRegression(solver="lstsq"), sk.LinearRegression(), 1.25),
        ("Ridge (normal)", Ridge(alpha=alpha_ridge), sk.Ridge(alpha=alpha_ridge), 1.25),
        ("Ridge lstsq (no target)", Ridge(alpha=alpha_ridge, solver="lstsq"),
         sk.Ridge(alpha=alpha_ridge), None),
        ("Lasso (cd)", Lasso(alpha=alpha_lasso), sk.Lasso(alpha=alpha_sk_lasso), 2.0),
    ]
    rows = []
    for name, ours, theirs, target in pairs:
        times = paired_median_times(lambda: ours.fit(X, y), lambda: theirs.fit(X, y), REPEATS)
        rows.append((name, *times, target))
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-3)

    print(f"{N_SAMPLES} x {N_FEATURES} dense float64, median of {REPEATS} alternating fits, "
          f"{THREADS} BLAS thread(s)")
    ok = report(rows)
    ours, theirs = pairs[-1][1], pairs[-1][2]
    slack = 1e-4 * float(np.sum((y - y.mean()) ** 2))
    obj_ours = lasso_objective(ours, X, y, alpha_lasso)
    obj_theirs = lasso_objective(theirs, X, y, alpha_lasso)
    objective_ok = obj_ours <= obj_theirs + slack
    print(f"Lasso objective: ours {obj_ours:.6f}, sklearn {obj_theirs:.6f}, "
          f"difference {obj_ours - obj_theirs:+.3g} (allowed {slack:.3g})  "
          f"{'ok' if objective_ok else 'MISSED'}; zeros ours {np.sum(ours.coef_ == 0)}, "
          f"sklearn {np.sum(theirs.coef_ == 0)}")
    quality = {"Lasso (cd)": f"цель {obj_ours - obj_theirs:+.2g} к scikit-learn (допуск {slack:.3g})"}
    record("linear", f"{N_SAMPLES} × {N_FEATURES}", [
        {"name": name, "ours": ours_s, "reference": theirs_s, "target": target,
         "reference_name": f"scikit-learn {type(pair[2]).__name__}",
         "quality": quality.get(name, "веса совпадают с точностью 1e-3")}
        for (name, ours_s, theirs_s, target), pair in zip(rows, pairs)])
    return 0 if ok and objective_ok else 1


if __name__ == "__main__":
    with threadpool_limits(THREADS):
        status = main()
    sys.exit(status)

"""Fit time of course_lib.linear against scikit-learn on 100 000 x 60 dense data.

Run: ``python benchmarks/bench_linear.py`` (or ``make bench``). Prints the
median of several fits for each side and the ratio ours / sklearn; exits
with status 1 if a ratio misses its target:

* LinearRegression(solver="normal") <= 0.6 x sklearn LinearRegression
  (one X^T X product plus Cholesky vs. an SVD-based lstsq);
* LinearRegression(solver="lstsq") and Ridge <= 1.25 x sklearn;
* Lasso <= 2 x sklearn Lasso;
* every row: our objective (squared error + penalty) no worse than
  scikit-learn's by more than 1e-6 relative (:func:`_timing.passes`).

BLAS runs on one thread on both sides: on a
shared, busy machine multithreaded OpenBLAS spin-waits and a 30 ms product
can take a second, which drowns the comparison in noise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn import linear_model as sk
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import finish, paired_median_times  # noqa: E402

from course_lib.linear import Lasso, LinearRegression, Ridge  # noqa: E402

N_SAMPLES, N_FEATURES, REPEATS = 100_000, 60, 9
THREADS = 1


def make_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES)) + rng.normal(size=N_FEATURES)
    w = np.where(np.arange(N_FEATURES) < 20, rng.normal(size=N_FEATURES), 0.0)
    return X, X @ w + 1.0 + rng.normal(size=N_SAMPLES)


def objective(model, X: np.ndarray, y: np.ndarray, alpha: float, l1: bool) -> float:
    """The book's objective: ||y - Xw - b||^2 + alpha * (||w||_1 or ||w||_2^2)."""
    residual = y - X @ model.coef_ - model.intercept_
    penalty = np.abs(model.coef_).sum() if l1 else model.coef_ @ model.coef_
    return float(residual @ residual + alpha * penalty)


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
    algorithms = {
        "LinearRegression normal": ("XᵀX и разложение Холецкого", "МНК через SVD (scipy gelsd)"),
        "LinearRegression lstsq": ("МНК через SVD (scipy gelsd)", "МНК через SVD (scipy gelsd)"),
        "Ridge (normal)": ("XᵀX + αI, разложение Холецкого", "разложение Холецкого (solver auto)"),
        "Ridge lstsq (no target)": ("SVD расширенной матрицы [X; √α I]",
                                    "разложение Холецкого (solver auto)"),
        "Lasso (cd)": ("покоординатный спуск по матрице Грама", "покоординатный спуск (Cython)"),
    }
    rows = []
    for name, ours, theirs, target in pairs:
        times = paired_median_times(lambda: ours.fit(X, y), lambda: theirs.fit(X, y), REPEATS)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-3)
        alpha = alpha_lasso if name.startswith("Lasso") else (
            alpha_ridge if name.startswith("Ridge") else 0.0)
        value = objective(ours, X, y, alpha, l1=name.startswith("Lasso"))
        reference = objective(theirs, X, y, alpha, l1=name.startswith("Lasso"))
        rows.append({
            "name": name, "data": "raw", "ours": times[0], "reference": times[1],
            "target": target, "algorithm": algorithms[name][0],
            "reference_name": f"scikit-learn {type(theirs).__name__}, {algorithms[name][1]}",
            "objective_gap": (value - reference) / reference,
            "quality": "веса совпадают с точностью 1e-3",
        })
    print(f"{N_SAMPLES} x {N_FEATURES} dense float64, median of >= {REPEATS} alternating fits, "
          f"{THREADS} BLAS thread")
    return finish("linear", f"{N_SAMPLES} × {N_FEATURES}", rows, THREADS)


if __name__ == "__main__":
    with threadpool_limits(THREADS):
        status = main()
    sys.exit(status)

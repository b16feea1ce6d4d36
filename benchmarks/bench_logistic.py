"""LogisticRegression against scikit-learn on 100 000 x 40 data, raw and standardized.

Run: ``python benchmarks/bench_logistic.py`` (or ``make bench``). Every
comparison runs twice: on raw data (offsets, unequal scales) and on the same
data standardized by ``StandardScaler`` (what a careful user gives
scikit-learn). Median of alternating fits, one BLAS thread on both sides,
default tolerances on both, C = 1 (alpha = 1 / (2 C)). Exits with status 1
if any row fails :func:`_timing.passes`: ratio above its target, or our
objective worse than the reference's by more than 1e-6 relative (accuracy
more than 1 point lower where the two sides minimize different objectives).

* L-BFGS: ours <= 1 x scikit-learn's lbfgs on standardized data, <= 0.2 x on
  raw data (we precondition internally, scikit-learn does not). Standardized,
  the same L-BFGS-B iterations with scikit-learn's gradient rule; then ours
  checks that the objective is within ``tol`` of its minimum, which
  scikit-learn does not (the excess of the local quadratic model, half the
  squared Newton decrement: by conjugate gradients, at most as many steps as
  the first Gram matrix costs (none here: D^2 is small against N), then, if
  they do not confirm tol, from a Gram matrix over every
  k-th row, 4, 16, 64... rows per parameter, all of them only if that estimate
  is too large; without the
  check our solver stopped 0.3-7 % above the optimum on flat problems,
  silently), and takes one Newton step from that estimate where the expected
  decrease is not negligible.
* Newton (ours, exact Hessian) vs scikit-learn's ``newton-cholesky``: the same
  algorithm, no target (printed for comparison).
* SGD, per epoch: ``LogisticRegression(solver="sgd")`` (minibatches of 32)
  <= 3 x ``SGDClassifier(loss="log_loss")`` (one sample at a time, Cython);
  accuracy after 5 epochs within 1 point. The epoch is one compiled loop
  (numba, :mod:`course_lib.linear._sgd_epoch`) taking the steps of the Python
  ``sgd`` of section 2.1.5; in numpy calls it cost 2-8 x, growing as the data
  shrink. Other shapes: ``benchmarks/heldout.py``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn import linear_model as sk
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import finish, paired_median_times, per_epoch_times, standardized  # noqa: E402

from course_lib.linear import LogisticRegression  # noqa: E402

N_SAMPLES, N_FEATURES, REPEATS, EPOCHS = 100_000, 40, 7, 5
THREADS = 1
C = 1.0
ALPHA = 1 / (2 * C)


def make_data(
    n_samples: int = N_SAMPLES, n_features: int = N_FEATURES, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Features with offsets and scales from 0.1 to 100; labels from a logistic model."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n_samples, n_features))
    X = Z * np.logspace(-1, 2, n_features) + 3 * rng.normal(size=n_features)
    y = (rng.random(n_samples) < expit(Z @ (0.3 * rng.normal(size=n_features)) + 0.3))
    return X, y.astype(int)


def objective(model, X: np.ndarray, y: np.ndarray) -> float:
    """The shared objective: sum of logistic losses + alpha * ||w||^2."""
    coef, intercept = np.ravel(model.coef_), float(np.ravel(model.intercept_)[0])
    margin = (2 * y - 1) * (X @ coef + intercept)
    return float(np.logaddexp(0.0, -margin).sum() + ALPHA * coef @ coef)


def second_order_rows(X, y, data: str) -> list[dict]:
    rows = []
    for name, ours, theirs, target, algorithms in [
        ("LogisticRegression lbfgs", LogisticRegression(alpha=ALPHA), sk.LogisticRegression(C=C),
         1.0 if data == "std" else 0.2, ("L-BFGS-B (scipy)", "lbfgs (scipy L-BFGS-B)")),
        ("LogisticRegression newton", LogisticRegression(alpha=ALPHA, solver="newton"),
         sk.LogisticRegression(C=C, solver="newton-cholesky"), None,
         ("метод Ньютона, точный гессиан, Холецкий", "newton-cholesky")),
    ]:
        ours_s, theirs_s = paired_median_times(lambda: ours.fit(X, y), lambda: theirs.fit(X, y),
                                               REPEATS)
        reference = objective(theirs, X, y)
        rows.append({
            "name": name, "data": data, "ours": ours_s, "reference": theirs_s, "target": target,
            "algorithm": algorithms[0], "reference_name": f"scikit-learn {algorithms[1]}",
            "objective_gap": (objective(ours, X, y) - reference) / reference,
            "quality": f"итераций: {ours.n_iter_} и {int(np.max(theirs.n_iter_))}",
        })
    return rows


def sgd_fits(X, y) -> tuple:
    """``epochs -> fitted model`` of both sides: the same objective, a fixed number of epochs."""
    def ours(epochs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a fixed number of epochs: no convergence claimed
            return LogisticRegression(alpha=ALPHA, solver="sgd", max_iter=epochs, tol=0,
                                      random_state=0).fit(X, y)

    def theirs(epochs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sk.SGDClassifier(loss="log_loss", alpha=2 * ALPHA / len(y), max_iter=epochs,
                                    tol=None, random_state=0).fit(X, y)

    return ours, theirs


def sgd_row(X, y, data: str) -> dict:
    ours, theirs = sgd_fits(X, y)
    ours_s, theirs_s = per_epoch_times(ours, theirs, EPOCHS, REPEATS)
    accuracy = ours(EPOCHS).score(X, y), theirs(EPOCHS).score(X, y)
    return {
        "name": "LogisticRegression sgd, per epoch", "data": data, "ours": ours_s,
        "reference": theirs_s, "target": 3.0,
        "algorithm": "SGD по мини-батчам, B = 32 (цикл numba)",
        "reference_name": "scikit-learn SGDClassifier(log_loss), B = 1 (Cython)",
        "accuracy_gap": accuracy[1] - accuracy[0],
        "quality": f"точность после {EPOCHS} эпох: {accuracy[0]:.3f} и {accuracy[1]:.3f}",
    }


def main() -> int:
    X_raw, y = make_data()
    rows = []
    for data, X in (("raw", X_raw), ("std", standardized(X_raw))):
        rows += second_order_rows(X, y, data)
        rows.append(sgd_row(X, y, data))
    print(f"{N_SAMPLES} x {N_FEATURES} dense float64, C={C} (alpha={ALPHA}), median of "
          f">= {REPEATS} alternating fits, {THREADS} BLAS thread")
    return finish("logistic", f"{N_SAMPLES} × {N_FEATURES}", rows, THREADS)


if __name__ == "__main__":
    with threadpool_limits(THREADS):
        status = main()
    sys.exit(status)

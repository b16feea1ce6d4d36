"""LogisticRegression(solver="sgd") against SGDClassifier(log_loss) per epoch, on several shapes.

Run: ``python benchmarks/sgd_shapes.py [case ...]`` (cases: ``bench`` 100 000 x 40,
``small`` 20 000 x 20, ``big`` 200 000 x 100, ``digits`` (digits 0-4 against 5-9),
``cancer`` (breast cancer); all by default). Not part of ``make bench`` and writes no
results: it checks that the ratio of ``bench_logistic.py`` is not an accident of one
shape. Each case runs raw and standardized, with the timing of ``bench_logistic.py``
(:func:`_timing.per_epoch_times`: medians of alternating fits, one BLAS thread).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import per_epoch_times, standardized
from bench_logistic import make_data, sgd_fits

REPEATS = 7


CASES = {
    "bench": make_data,  # the data of bench_logistic.py
    "small": lambda: make_data(20_000, 20, seed=1),
    "big": lambda: make_data(200_000, 100, seed=2),
    "digits": lambda: (load_digits().data, (load_digits().target >= 5).astype(int)),
    "cancer": lambda: (load_breast_cancer().data, load_breast_cancer().target),
}


def compare(X: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Seconds per epoch of ours and scikit-learn's, and both accuracies after the run."""
    epochs = 5 if len(y) >= 100_000 else 10 if len(y) >= 10_000 else 50
    ours, theirs = sgd_fits(X, y)
    ours_s, theirs_s = per_epoch_times(ours, theirs, epochs, REPEATS)
    return ours_s, theirs_s, ours(epochs).score(X, y), theirs(epochs).score(X, y)


def main(names: list[str]) -> None:
    print(f"{'case':<8}{'shape':>14}{'data':>6}{'ours, ms':>10}{'sklearn, ms':>13}{'ratio':>7}"
          f"{'accuracy':>16}")
    for name in names:
        X, y = CASES[name]()
        for data, Xk in (("raw", X), ("std", standardized(X))):
            ours_s, theirs_s, ours_acc, theirs_acc = compare(Xk, y)
            print(f"{name:<8}{f'{X.shape[0]} x {X.shape[1]}':>14}{data:>6}{ours_s * 1e3:>10.2f}"
                  f"{theirs_s * 1e3:>13.2f}{ours_s / theirs_s:>7.2f}"
                  f"{ours_acc:>8.3f}{theirs_acc:>8.3f}", flush=True)


if __name__ == "__main__":
    with threadpool_limits(1):
        main(sys.argv[1:] or list(CASES))

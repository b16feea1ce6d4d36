"""The two paths of ``LinearObjective.__call__``: numpy's blocks against the compiled pass.

Run: ``python benchmarks/objective_paths.py``. One evaluation of the mean loss
and its gradient (no penalty's share: the same on both paths) on standard
normal data, one BLAS thread, medians of alternating calls. The ratio is the
blocks' time over the pass's: above 1 the compiled pass is faster. Section
2.1.4 quotes it, and ``_ONE_PASS_FEATURES`` (the fewest features for which
``__call__`` takes the pass) rests on it. Not a ``make bench`` row: both paths
are ours, there is no reference to hold a target against.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import paired_median_times

from course_lib.linear._objective import _COMPILED_LOSSES, LinearObjective
from course_lib.losses import get_loss

SHAPES = [(3000, 1000), (1000, 1000), (5000, 500), (20000, 100), (20000, 20)]


def path_times(loss_name: str, n_samples: int, n_features: int) -> tuple[float, float]:
    """Median seconds of one evaluation by blocks and by the compiled pass."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, n_features))
    theta = rng.standard_normal(n_features + 1) / np.sqrt(n_features)
    y = np.where(rng.random(n_samples) < 0.5, -1.0, 1.0)  # the classifiers' labels
    objective = LinearObjective(get_loss(loss_name), None, 0.0, n_samples, True)
    code = _COMPILED_LOSSES[type(objective.loss)]
    return paired_median_times(
        lambda: objective._sum_by_blocks(theta, X, y, None, np.zeros_like(theta)),
        lambda: objective._sum_in_one_pass(code, theta, X, y, None, np.zeros_like(theta)),
        repeats=15,
    )


def main() -> None:
    print(f"{'shape':<14}{'loss':<10}{'blocks, ms':>12}{'pass, ms':>10}{'ratio':>8}")
    with threadpool_limits(1):
        for n_samples, n_features in SHAPES:
            for loss_name in ("logistic", "squared"):
                blocks, one_pass = path_times(loss_name, n_samples, n_features)
                print(f"{f'{n_samples} x {n_features}':<14}{loss_name:<10}"
                      f"{1e3 * blocks:>12.3f}{1e3 * one_pass:>10.3f}{blocks / one_pass:>8.2f}")


if __name__ == "__main__":
    main()

"""The goals of the benchmarks on other sizes and data than theirs: a held-out check.

Run: ``python benchmarks/heldout.py [case ...]`` (``make heldout``; some ten
minutes). Not part of ``make bench``: it checks that the ratios of
``bench_*.py`` are not an accident of one shape. A run of every case stores its
rows under ``"heldout"`` in ``results.json`` (the appendix shows them). Cases: synthetic data
of the benchmarks' kind at other sizes (``small`` 20 000 x 20, ``wide``
5 000 x 200, ``square`` 1 000 x 1 000, ``wide-1000`` 3 000 x 1 000 (standardized
only), ``softmax-small`` 10 000 x 20 with 4 classes) and real data
bundled with scikit-learn (``cancer``, ``digits2`` (0-4 against 5-9),
``digits``, ``wine``). Each case runs raw and standardized (``StandardScaler``;
see ``STANDARDIZED_ONLY``), one BLAS thread on both sides, medians of
alternating fits, default settings (C = 1), and holds every goal of the
benchmarks:

* L-BFGS (logistic and softmax): ours <= 1 x scikit-learn on standardized data,
  <= 0.2 x on raw data, with our objective no worse than scikit-learn's by more
  than 1e-6 relative. Where scikit-learn's default stops above our objective by
  more than that (it has no check of its excess: on digits with ten
  classes it stopped 0.02 % above our objective at C = 1; on raw digits, at its
  max_iter = 100, 7 %), the ratio is taken at
  equal objective (only where the default ratio misses the goal): the side
  that stopped higher (usually scikit-learn) is re-run with ``tol`` 10, 100,
  ... times smaller until the two objectives are within 1e-6 (at most nine
  times); every re-run's times and remaining gap are printed, and the row
  keeps the ratio at defaults as ``default_ratio``.
* SGD, per epoch: ``LogisticRegression(solver="sgd")`` <= 3 x ``SGDClassifier``;
  Perceptron per epoch <= 3 x scikit-learn's; accuracy within 1 point.
* MLP (adam, 20 epochs): <= 0.7 x scikit-learn's, test accuracy within 1 point
  (the mean over ten random starts).

Exits with status 1 if any row misses its goal.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn import linear_model as sk
from sklearn import neural_network as sk_nn
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import (
    MAX_ACCURACY_GAP,
    MAX_OBJECTIVE_GAP,
    RESULTS,
    machine,
    paired_median_times,
    per_epoch_times,
    standardized,
)
from bench_logistic import ALPHA, make_data, sgd_fits
from bench_logistic import objective as logistic_objective
from bench_perceptron import perceptron_fits
from bench_softmax import make_data as softmax_data
from bench_softmax import objective as softmax_objective

from course_lib.linear import LogisticRegression, SoftmaxRegression
from course_lib.nn import MLPClassifier

#: Cases run on standardized data only: on raw 3 000 x 1 000 data scikit-learn's
#: re-runs with smaller tol went on for more than six minutes.
STANDARDIZED_ONLY = {"wide-1000"}
REPEATS, C = 5, 1.0  # C = 1 / (2 ALPHA), as in the benchmarks
SEEDS = tuple(range(10))  # of the networks' starts (see mlp_row)


CASES = {
    "small": lambda: make_data(20_000, 20, seed=1),
    "wide": lambda: make_data(5_000, 200, seed=3),
    # as many samples as features, and three times as many: where the check costs most
    "square": lambda: make_data(1_000, 1_000, seed=5),
    "wide-1000": lambda: make_data(3_000, 1_000, seed=6),
    "cancer": lambda: load_breast_cancer(return_X_y=True),
    "digits2": lambda: (load_digits().data, (load_digits().target >= 5).astype(int)),
    "softmax-small": lambda: softmax_data(10_000, 20, 4, seed=4, strength=0.5),
    "digits": lambda: load_digits(return_X_y=True),
    "wine": lambda: load_wine(return_X_y=True),
}


def objective(model, X: np.ndarray, y: np.ndarray) -> float:
    """Sum of log losses + alpha ||W||^2, the objective of both sides (the benchmarks' own)."""
    if len(np.unique(y)) == 2:
        return logistic_objective(model, X, y)
    return softmax_objective(np.asarray(model.coef_), model.intercept_, X, y)


def lbfgs_row(
    X: np.ndarray, y: np.ndarray, goal: float
) -> tuple[float, float, str, float, bool]:
    """Ratio, objective gap, a note, the ratio at both sides' defaults, and whether equal.

    Where the default ratio misses ``goal`` and the two objectives differ by
    more than :data:`MAX_OBJECTIVE_GAP` (relative), the side that stopped
    higher is re-run with ``tol`` 10, 100... times smaller (at most nine
    times) until the two are within it: a side that stops short is only
    slower at equal objective. The ratio is then the one of the last re-run;
    the note gives every re-run, and the last value says whether the
    objectives met.
    """
    model = LogisticRegression if len(np.unique(y)) == 2 else SoftmaxRegression
    ours, theirs = model(alpha=ALPHA), sk.LogisticRegression(C=C)

    def timed() -> tuple[float, float, float, float]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scikit-learn's max_iter on raw data
            times = paired_median_times(lambda: ours.fit(X, y), lambda: theirs.fit(X, y),
                                        REPEATS)
        return (*times, objective(ours, X, y), objective(theirs, X, y))

    ours_s, theirs_s, mine, reference = timed()
    gap = (mine - reference) / abs(reference)  # against scikit-learn's defaults
    default = ours_s / theirs_s
    note = (f"{ours_s * 1e3:.1f} / {theirs_s * 1e3:.1f} мс, итераций {ours.n_iter_} / "
            f"{int(np.max(theirs.n_iter_))}")
    tols = [1e-4, 1e-4]  # ours, scikit-learn's
    equal = abs(mine - reference) <= MAX_OBJECTIVE_GAP * abs(mine)
    for _ in range(9 if default > goal else 0):
        if equal:
            break
        side = 1 if reference > mine else 0  # the side above the other goes on
        tols[side] /= 10
        if side:
            theirs = sk.LogisticRegression(C=C, tol=tols[1], max_iter=100_000)
        else:
            ours = model(alpha=ALPHA, tol=tols[0], max_iter=100_000)
        ours_s, theirs_s, mine, reference = timed()
        excess = (reference - mine) / abs(mine)
        equal = abs(excess) <= MAX_OBJECTIVE_GAP
        where = ("цели равны" if equal else
                 f"цель эталона {'выше' if excess > 0 else 'ниже'} нашей на {abs(excess):.1e}")
        note += (f"; tol {tols[0]:g} / {tols[1]:g}: {ours_s * 1e3:.1f} / "
                 f"{theirs_s * 1e3:.1f} мс, {where}")
    return ours_s / theirs_s, gap, note, default, equal


def per_epoch_row(ours, theirs, X: np.ndarray, y: np.ndarray) -> tuple[float, float, str]:
    epochs = 5 if len(y) >= 10_000 else 50  # small data: 50 passes are few updates
    ours_s, theirs_s = per_epoch_times(ours, theirs, epochs, REPEATS)
    gap = theirs(epochs).score(X, y) - ours(epochs).score(X, y)
    return ours_s / theirs_s, gap, f"{ours_s * 1e3:.3g} / {theirs_s * 1e3:.3g} мс за эпоху"


def mlp_row(X: np.ndarray, y: np.ndarray) -> tuple[float, float, str]:
    """Time ratio (seed 0) and the test accuracy gap averaged over ten seeds.

    Two networks trained from different random starts differ by several
    points on noisy data (on 750 test rows of 3 000 x 1 000: a standard
    deviation of 2 points); the mean over seeds compares the training, not
    the draws. Over three seeds its standard error was still about a point,
    as large as the goal: a mean of +1.1 there was -0.4 +- 0.6 over twelve.
    """
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    params = {"hidden_layer_sizes": (64, 32), "batch_size": 64, "max_iter": 20,
              "n_iter_no_change": np.inf}
    gaps = []
    for seed in SEEDS:
        ours = MLPClassifier(**params, random_state=seed)
        theirs = sk_nn.MLPClassifier(**params, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits = [lambda model=model: model.fit(X_train, y_train) for model in (ours, theirs)]
            if seed == SEEDS[0]:  # leaves both fitted
                times = paired_median_times(*fits, REPEATS)
            else:
                fits[0](), fits[1]()
        gaps.append(theirs.score(X_test, y_test) - ours.score(X_test, y_test))
    points = -100 * np.array(gaps)  # ours minus scikit-learn's, in points
    note = (f"{times[0] * 1e3:.0f} / {times[1] * 1e3:.0f} мс; разрыв по {len(SEEDS)} "
            f"начальным состояниям {points.mean():+.1f} ± {points.std(ddof=1) / np.sqrt(len(SEEDS)):.1f}, "
            f"от {points.min():+.1f} до {points.max():+.1f}")
    return times[0] / times[1], float(np.mean(gaps)), note


def main(names: list[str]) -> int:
    failed, table = 0, []
    print(f"{'case':<14}{'comparison':<30}{'data':>5}{'ratio':>7}{'goal':>6}{'gap':>10}  note")
    for name in names:
        X, y = CASES[name]()
        binary = len(np.unique(y)) == 2
        kinds = [("std", standardized(X))]
        if name not in STANDARDIZED_ONLY:
            kinds.insert(0, ("raw", X))
        for data, Xk in kinds:
            goal = 1.0 if data == "std" else 0.2
            ratio, gap, note, default, equal = lbfgs_row(Xk, y, goal)
            checks = [("lbfgs", ratio, gap, note, goal, MAX_OBJECTIVE_GAP, default, equal)]
            others = []
            if binary:
                others.append(("sgd, per epoch", per_epoch_row(*sgd_fits(Xk, y), Xk, y), 3.0))
                others.append(("perceptron, per epoch",
                               per_epoch_row(*perceptron_fits(Xk, y), Xk, y), 3.0))
            if data == "std" and len(y) >= 1000:
                others.append(("MLP 64-32, adam", mlp_row(Xk, y), 0.7))
            # rows without a re-run: the ratio at defaults is the ratio
            checks += [(what, row[0], row[1], row[2], limit_ratio, MAX_ACCURACY_GAP, row[0],
                        None) for what, row, limit_ratio in others]
            for what, ratio, gap, note, goal, limit, default, equal in checks:
                ok = ratio <= goal and gap <= limit
                failed += not ok
                table.append({"case": name, "shape": f"{X.shape[0]} × {X.shape[1]}",
                              "comparison": what, "data": data,
                              "ratio": float(f"{ratio:.3g}"),
                              "default_ratio": float(f"{default:.3g}"),
                              "equal_objective": equal,
                              "goal": goal, "ok": bool(ok), "note": note,
                              ("objective_gap" if limit == MAX_OBJECTIVE_GAP
                               else "accuracy_gap"): gap})
                print(f"{name:<14}{what:<30}{data:>5}{ratio:>7.2f}{goal:>6}{gap:>+10.1e}  "
                      f"{'ok' if ok else 'MISSED'}  {note}", flush=True)
    print(f"{failed} rows missed their goal" if failed else "every row holds its goal")
    if set(names) == set(CASES):  # the appendix shows a whole run only
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
        results["heldout"] = {"rows": table, "machine": machine()}
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True)
                           + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    with threadpool_limits(1):
        status = main(sys.argv[1:] or list(CASES))
    sys.exit(status)

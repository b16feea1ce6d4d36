"""Exercise 2.1.10-best-threshold: typical mistakes, and the reference against brute force over
every threshold through scikit-learn's confusion matrix."""

import numpy as np
from sklearn.metrics import confusion_matrix

from course_lib.exercises import EXERCISES, solution


def _by(cost, p, y, cost_fn, cost_fp):
    candidates = np.unique(p)
    return float(candidates[int(np.argmin([cost(p, y, t, cost_fn, cost_fp) for t in candidates]))])


def _cost(p, y, t, cost_fn, cost_fp, *, strict=False):
    predicted = p > t if strict else p >= t
    return cost_fn * np.sum(~predicted & (y == 1)) + cost_fp * np.sum(predicted & (y == 0))


MISTAKES = {
    "2.1.10-best-threshold": {
        "строгое неравенство p > t": lambda p, y, fn, fp: _by(
            lambda *a: _cost(*a, strict=True), p, y, fn, fp),
        "цены перепутаны": lambda p, y, fn, fp: _by(_cost, p, y, fp, fn),
        "доля ошибок вместо цены": lambda p, y, fn, fp: _by(_cost, p, y, 1.0, 1.0),
        "порог Байеса вместо подбора": lambda p, y, fn, fp: fp / (fp + fn),
    },
}


def test_best_threshold_is_the_brute_force_minimum_of_the_confusion_matrix_cost():
    for case in EXERCISES["2.1.10-best-threshold"].cases():
        p, y, cost_fn, cost_fp = case.args.values()
        costs = {}
        for t in np.unique(p):
            tn, fp, fn, tp = confusion_matrix(y, (p >= t).astype(int), labels=[0, 1]).ravel()
            costs[t] = (cost_fn * fn + cost_fp * fp) / len(y)
        best = min(costs.values())
        answer = solution("2.1.10-best-threshold")(p, y, cost_fn, cost_fp)
        assert costs[answer] == best
        assert answer == min(t for t, c in costs.items() if c == best)

"""Training time of course_lib.nn.MLPClassifier against scikit-learn's MLPClassifier.

Run: ``python benchmarks/bench_mlp.py`` (or ``make bench``). Both sides
train the same network on the same data for the same number of epochs:
digits (sklearn.datasets.load_digits) with 75% of the images, each taken
10 times with jitter (a random shift by up to one pixel and Gaussian noise),
standardized; 64 -> 128 ReLU -> 10, Adam, batch 128, alpha=1e-4, exactly 20
epochs (no early stopping, no tol-based stop). Prints the median of several
alternating fits, the ratio ours / sklearn and the accuracy of both on the
held-out 25% of the images; exits with status 1 if

* the time ratio is above 0.7, or
* our test accuracy trails scikit-learn's by more than 1 point.

When PyTorch happens to be installed, the same training loop in PyTorch
(CPU, float64) is timed too, for information only: it is never a dependency.

BLAS runs on one thread on every side: with small
matrices on a shared machine extra threads mostly spin-wait.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn import neural_network as sk
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import paired_median_times, record, report  # noqa: E402

from course_lib.nn import MLPClassifier  # noqa: E402

COPIES, EPOCHS, REPEATS, TARGET, GOAL = 10, 20, 5, 0.7, 0.7
THREADS = 1  # on every side, as in every benchmark
PARAMS = {"hidden_layer_sizes": (128,), "activation": "relu", "solver": "adam",
          "batch_size": 128, "alpha": 1e-4, "learning_rate_init": 1e-3, "max_iter": EPOCHS,
          "n_iter_no_change": np.inf, "early_stopping": False, "random_state": 0}


def jitter(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each 8x8 image shifted by -1..1 pixel in each direction, plus noise of sd 1 (of 16)."""
    shifted = np.empty_like(images)
    for i, (dy, dx) in enumerate(rng.integers(-1, 2, size=(len(images), 2))):
        shifted[i] = np.roll(images[i].reshape(8, 8), (dy, dx), axis=(0, 1)).ravel()
    return shifted + rng.normal(scale=1.0, size=images.shape)


def make_data() -> tuple[np.ndarray, ...]:
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    rng = np.random.default_rng(0)
    X_train = np.concatenate([jitter(X_train, rng) for _ in range(COPIES)])
    y_train = np.tile(y_train, COPIES)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def torch_seconds(X: np.ndarray, y: np.ndarray) -> float | None:
    """Median time of the same training loop in PyTorch (CPU, float64), or None without it."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(THREADS)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y).long()

    def fit() -> None:
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 128), torch.nn.ReLU(),
                                  torch.nn.Linear(128, 10)).double()
        optimizer = torch.optim.Adam(net.parameters(), lr=PARAMS["learning_rate_init"])
        loss_fn = torch.nn.CrossEntropyLoss()
        for _ in range(EPOCHS):
            for batch in torch.randperm(len(Xt)).split(PARAMS["batch_size"]):
                optimizer.zero_grad()
                loss_fn(net(Xt[batch]), yt[batch]).backward()
                optimizer.step()

    fit()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fit()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    X_train, X_test, y_train, y_test = make_data()
    ours, theirs = MLPClassifier(**PARAMS), sk.MLPClassifier(**PARAMS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)  # max_iter is the plan
        times = paired_median_times(lambda: ours.fit(X_train, y_train),
                                    lambda: theirs.fit(X_train, y_train), REPEATS)
    assert ours.n_iter_ == theirs.n_iter_ == EPOCHS
    print(f"digits x{COPIES} with jitter: {X_train.shape[0]} x {X_train.shape[1]} float64, "
          f"64-128-10 relu, adam, batch 128, {EPOCHS} epochs; median of >= {REPEATS} alternating "
          f"fits, {THREADS} BLAS thread(s)")
    ok = report([("MLPClassifier (adam)", *times, TARGET)])
    print(f"goal: ratio <= {GOAL}  {'reached' if times[0] / times[1] <= GOAL else 'not reached'}")
    acc_ours, acc_theirs = ours.score(X_test, y_test), theirs.score(X_test, y_test)
    accuracy_ok = acc_theirs - acc_ours <= 0.01
    print(f"test accuracy: ours {acc_ours:.4f}, sklearn {acc_theirs:.4f}, difference "
          f"{acc_ours - acc_theirs:+.4f} (ours may trail by 0.01)  "
          f"{'ok' if accuracy_ok else 'MISSED'}")
    seconds = torch_seconds(X_train, y_train)
    record("mlp", f"{X_train.shape[0]} × {X_train.shape[1]}, 64-128-10, {EPOCHS} эпох", [
        {"name": "MLPClassifier (adam)", "ours": times[0], "reference": times[1], "target": TARGET,
         "reference_name": "scikit-learn MLPClassifier (adam)", "threads": THREADS,
         "algorithm": "numpy float64, Adam step compiled (numba)", "accuracy_gap": acc_theirs - acc_ours, "data": "std",
         "quality": f"точность {acc_ours:.3f} против {acc_theirs:.3f}"},
        *([{"name": "MLPClassifier (adam)", "ours": times[0], "reference": seconds, "target": None,
            "reference_name": "PyTorch (CPU, float64)", "quality": "тот же цикл обучения",
            "threads": THREADS, "algorithm": "numpy float64, Adam step compiled (numba)", "data": "std"}]
          if seconds is not None else [])])
    if seconds is not None:
        print(f"PyTorch (CPU, float64, same loop, no weight decay): {seconds:.4f} s, "
              f"ours / torch {times[0] / seconds:.2f}")
    else:
        print("PyTorch not installed: skipped (optional)")
    return 0 if ok and accuracy_ok else 1


if __name__ == "__main__":
    with threadpool_limits(THREADS):
        status = main()
    sys.exit(status)

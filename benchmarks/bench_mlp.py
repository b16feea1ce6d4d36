"""Training time of course_lib.nn.MLPClassifier against scikit-learn's MLPClassifier.

Run: ``python benchmarks/bench_mlp.py`` (or ``make bench``). Both sides
train the same network on the same data for the same number of epochs:
digits (sklearn.datasets.load_digits) with 75% of the images, each taken
10 times with jitter (a random shift by up to one pixel and Gaussian noise),
raw (pixel units, 0 to 16 plus the noise) and standardized; 64 -> 128 ReLU ->
10, Adam, batch 128, alpha=1e-4, exactly 20 epochs (no early stopping, no
tol-based stop). Prints the median of several alternating fits, the ratio
ours / sklearn and the accuracy of both on the held-out 25% of the images;
exits with status 1 if, on either data,

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

from _timing import finish, paired_median_times  # noqa: E402

from course_lib.nn import MLPClassifier  # noqa: E402

COPIES, EPOCHS, REPEATS, TARGET = 10, 20, 5, 0.7
THREADS = 1  # on every side, as in every benchmark
ALGORITHM = "numpy float64, шаг Adam скомпилирован (numba)"
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
    """Jittered training images and the untouched test images, in pixel units."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    rng = np.random.default_rng(0)
    X_train = np.concatenate([jitter(X_train, rng) for _ in range(COPIES)])
    return X_train, X_test, np.tile(y_train, COPIES), y_test


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


def comparison(data: str, X_train, X_test, y_train, y_test) -> dict[str, object]:
    """The row of one kind of data: median times of alternating fits, test accuracies."""
    ours, theirs = MLPClassifier(**PARAMS), sk.MLPClassifier(**PARAMS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)  # max_iter is the plan
        ours_s, theirs_s = paired_median_times(lambda: ours.fit(X_train, y_train),
                                               lambda: theirs.fit(X_train, y_train), REPEATS)
    assert ours.n_iter_ == theirs.n_iter_ == EPOCHS
    accuracy = ours.score(X_test, y_test), theirs.score(X_test, y_test)
    return {"name": "MLPClassifier (adam)", "data": data, "ours": ours_s, "reference": theirs_s,
            "target": TARGET, "reference_name": "scikit-learn MLPClassifier (adam)",
            "algorithm": ALGORITHM, "accuracy_gap": accuracy[1] - accuracy[0],
            "quality": f"точность {accuracy[0]:.3f} против {accuracy[1]:.3f}"}


def main() -> int:
    X_train, X_test, y_train, y_test = make_data()
    scaler = StandardScaler().fit(X_train)  # the test images scaled as the training ones
    kinds = {"raw": (X_train, X_test), "std": (scaler.transform(X_train), scaler.transform(X_test))}
    print(f"digits x{COPIES} with jitter: {X_train.shape[0]} x {X_train.shape[1]} float64, "
          f"64-128-10 relu, adam, batch 128, {EPOCHS} epochs; median of >= {REPEATS} alternating "
          f"fits, {THREADS} BLAS thread(s); the gap is sklearn's test accuracy - ours")
    rows = {data: comparison(data, X, X_test_kind, y_train, y_test)
            for data, (X, X_test_kind) in kinds.items()}
    seconds = torch_seconds(kinds["std"][0], y_train)
    if seconds is not None:  # for information: no target, no quality rule
        rows["torch"] = {"name": "MLPClassifier (adam)", "data": "std", "ours": rows["std"]["ours"],
                     "reference": seconds, "target": None, "algorithm": ALGORITHM,
                     "reference_name": "PyTorch (CPU, float64)", "quality": "тот же цикл обучения"}
    else:
        print("PyTorch not installed: skipped (optional)")
    return finish("mlp", f"{X_train.shape[0]} × {X_train.shape[1]}, 64-128-10, {EPOCHS} эпох",
                  list(rows.values()), THREADS)


if __name__ == "__main__":
    with threadpool_limits(THREADS):
        status = main()
    sys.exit(status)

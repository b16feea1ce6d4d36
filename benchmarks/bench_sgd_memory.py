"""Peak memory of streaming SGD does not grow with the number of rows.

Run: ``python benchmarks/bench_sgd_memory.py`` (or ``make bench``).

The data live on disk as ``numpy.memmap`` files under ``benchmarks/_data/``
(gitignored; generated on the first run and reused): 10 features, not the
60 of ``bench_linear.py``, so that 10^7 rows take 0.8 GB instead of 4.8 GB.
``LinearRegression(solver="sgd").partial_fit`` is fed consecutive chunks of
the file; ``tracemalloc`` records the peak of memory allocated by Python and
numpy (pages of the mapped file belong to the OS page cache, not to us).
The run fails (exit status 1) if the peak grows by more than 50 MB from
10^5 to 10^7 rows, or if the fitted weights miss the true ones.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import record  # noqa: E402

from course_lib.linear import LinearRegression  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "_data"
N_FEATURES, N_MAX, CHUNK, BATCH_SIZE = 10, 10_000_000, 100_000, 256
TRUE_COEF, TRUE_INTERCEPT = np.linspace(-2.0, 2.0, N_FEATURES), 0.5
MAX_GROWTH_MB = 50.0


def data_files() -> tuple[np.memmap, np.memmap]:
    """Open (creating on the first run) X of shape (N_MAX, N_FEATURES) and y on disk."""
    DATA_DIR.mkdir(exist_ok=True)
    x_path, y_path = DATA_DIR / f"X_{N_MAX}x{N_FEATURES}.f64", DATA_DIR / f"y_{N_MAX}.f64"
    if not (y_path.exists() and y_path.stat().st_size == 8 * N_MAX):
        rng = np.random.default_rng(0)
        X = np.memmap(x_path, dtype=np.float64, mode="w+", shape=(N_MAX, N_FEATURES))
        y = np.memmap(y_path, dtype=np.float64, mode="w+", shape=(N_MAX,))
        for start in range(0, N_MAX, 1_000_000):  # generated in chunks: never all in memory
            block = rng.normal(size=(1_000_000, N_FEATURES))
            X[start : start + 1_000_000] = block
            y[start : start + 1_000_000] = (
                block @ TRUE_COEF + TRUE_INTERCEPT + rng.normal(size=1_000_000)
            )
        X.flush(), y.flush()
        del X, y
    X = np.memmap(x_path, dtype=np.float64, mode="r", shape=(N_MAX, N_FEATURES))
    return X, np.memmap(y_path, dtype=np.float64, mode="r", shape=(N_MAX,))


def stream(X: np.memmap, y: np.memmap, n_rows: int) -> tuple[float, float, LinearRegression]:
    """Fit on the first n_rows chunk by chunk; return peak MB, seconds and the model."""
    model = LinearRegression(solver="sgd", batch_size=BATCH_SIZE)
    tracemalloc.start()
    start_time = time.perf_counter()
    for start in range(0, n_rows, CHUNK):
        model.partial_fit(X[start : start + CHUNK], y[start : start + CHUNK])
    seconds = time.perf_counter() - start_time
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak, seconds, model


def main() -> int:
    X, y = data_files()
    # a first call compiles numba's loops and fills caches: traced, those would
    # inflate the 10^5 baseline the growth is measured from
    LinearRegression(solver="sgd", batch_size=BATCH_SIZE).partial_fit(X[:CHUNK], y[:CHUNK])
    results = {}
    for n_rows in (100_000, N_MAX):
        peak, seconds, model = stream(X, y, n_rows)
        error = float(np.max(np.abs(model.coef_ - TRUE_COEF)))
        results[n_rows] = peak, error
        print(f"{n_rows:>10} rows x {N_FEATURES}: peak {peak:7.2f} MB traced, "
              f"{seconds:6.1f} s, max |coef - true| = {error:.4f}, "
              f"intercept {model.intercept_:.4f} (true {TRUE_INTERCEPT})")
    growth = results[N_MAX][0] - results[100_000][0]
    ok = growth <= MAX_GROWTH_MB and results[N_MAX][1] < 0.01
    record("sgd_memory", f"10⁵ и 10⁷ × {N_FEATURES}, файл на диске", [
        {"name": "partial_fit: пик памяти, МБ", "unit": "МБ", "ours": results[N_MAX][0],
         "reference": results[100_000][0], "target": None,
         "algorithm": "потоковый SGD (partial_fit) на 10⁷ строк",
         "reference_name": "он же на 10⁵ строк (рост ≤ 50 МБ)", "threads": 1,
         "quality": f"max |w − w*| = {results[N_MAX][1]:.4f} после 10⁷ строк"}])
    print(f"peak growth from 1e5 to 1e7 rows: {growth:+.2f} MB (target <= {MAX_GROWTH_MB} MB)"
          f"  {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # one BLAS thread, as in every benchmark
        status = main()
    sys.exit(status)

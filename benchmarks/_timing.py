"""Shared helpers of the benchmarks: interleaved median timings and the report."""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def _seconds(fit: Callable[[], object]) -> float:
    start = time.perf_counter()
    fit()
    return time.perf_counter() - start


def paired_median_times(
    ours: Callable[[], object], theirs: Callable[[], object], repeats: int = 7
) -> tuple[float, float]:
    """Median wall times of two fits, run alternately after one warm-up each.

    Alternating makes both sides share the same background load of the machine.
    At least ``repeats`` pairs; fast fits get as many as fit in about
    :data:`PAIRS_SECONDS` (at most :data:`MAX_PAIRS`): a fit of a few
    milliseconds is moved by the machine's noise by tens of per cent, and the
    median of many pairs is what stays put.
    """
    warm_up = _seconds(ours) + _seconds(theirs)
    pairs = max(repeats, min(MAX_PAIRS, int(PAIRS_SECONDS / max(warm_up, 1e-9))))
    times = [(_seconds(ours), _seconds(theirs)) for _ in range(pairs)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


#: Fast fits are paired until about this many seconds are spent...
PAIRS_SECONDS = 0.5
#: ...but at most this many pairs.
MAX_PAIRS = 100


def report(rows: list[tuple[str, float, float, float | None]]) -> bool:
    """Print ``name, ours, sklearn, target`` rows with the ratio; return True if all pass."""
    ok = True
    print(f"{'benchmark':<28}{'ours, s':>10}{'sklearn, s':>12}{'ratio':>8}{'target':>10}")
    for name, ours, theirs, target in rows:
        ratio = ours / theirs
        passed = target is None or ratio <= target
        ok &= passed
        goal = "-" if target is None else f"<= {target}"
        flag = "" if target is None else ("ok" if passed else "MISSED")
        print(f"{name:<28}{ours:>10.4f}{theirs:>12.4f}{ratio:>8.2f}{goal:>10}  {flag}")
    return ok


# --------------------------------------------------------------------------
# results.json: what the appendix «Производительность» renders

RESULTS = Path(__file__).resolve().parent / "results.json"


def machine() -> dict[str, object]:
    """CPU, cores, BLAS and its threads, versions and date: what a reader needs to compare."""
    import numpy
    import sklearn
    from threadpoolctl import threadpool_info

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    blas = sorted(  # threadpoolctl's order varies from run to run
        f"{pool.get('internal_api')} {pool.get('version')}, потоков: {pool.get('num_threads')}"
        for pool in threadpool_info() if pool.get("user_api") == "blas")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "blas": "; ".join(blas) or "unknown",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
        "date": datetime.date.today().isoformat(),
    }


def record(benchmark: str, shape: str, rows: list[dict[str, object]]) -> None:
    """Store one benchmark's rows in results.json (other benchmarks' rows are kept).

    Each row: ``name``, ``ours`` and ``reference`` median seconds (or another unit named
    by ``unit``), ``reference_name``, ``target`` (ratio bound or None), ``quality`` (text).
    """
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    for row in rows:
        if row.get("ours") is not None and row.get("reference"):
            row["ratio"] = round(float(row["ours"]) / float(row["reference"]), 3)
    results.setdefault("benchmarks", {})[benchmark] = {
        "shape": shape, "rows": rows, "machine": machine(),
    }
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")


# --------------------------------------------------------------------------
# The one pass/fail rule of every comparison

#: Our objective may exceed the reference's by at most this share of it...
MAX_OBJECTIVE_GAP = 1e-6
#: ...and our accuracy may trail the reference's by at most this (1 point).
MAX_ACCURACY_GAP = 0.01


def passes(row: dict[str, object]) -> bool:
    """A row passes when its ratio is within its target and its quality is no worse.

    Quality: the relative objective gap ``(ours - reference) / |reference|`` is at
    most :data:`MAX_OBJECTIVE_GAP`, or, where the two sides do not minimize the
    same objective, our accuracy trails by at most :data:`MAX_ACCURACY_GAP`.
    """
    ratio = float(row["ours"]) / float(row["reference"])
    target = row.get("target")
    gap, accuracy_gap = row.get("objective_gap"), row.get("accuracy_gap")
    return ((target is None or ratio <= float(target))
            and (gap is None or float(gap) <= MAX_OBJECTIVE_GAP)
            and (accuracy_gap is None or float(accuracy_gap) <= MAX_ACCURACY_GAP))


def finish(benchmark: str, shape: str, rows: list[dict[str, object]], threads: int) -> int:
    """Print the rows, store them in results.json; exit status 1 if any row fails :func:`passes`."""
    ok = True
    print(f"{'comparison':<44}{'data':>8}{'ours, s':>10}{'ref, s':>10}{'ratio':>8}"
          f"{'target':>8}{'gap':>10}")
    for row in rows:
        row["threads"] = threads
        passed = passes(row)
        ok &= passed
        gap = row.get("objective_gap")
        gap = row.get("accuracy_gap") if gap is None else gap
        target = row.get("target")
        print(f"{row['name']:<44}{row.get('data', '-'):>8}{row['ours']:>10.4f}"
              f"{row['reference']:>10.4f}{row['ours'] / row['reference']:>8.2f}"
              f"{'-' if target is None else target:>8}"
              f"{'-' if gap is None else format(gap, '+.1e'):>10}  {'ok' if passed else 'MISSED'}")
    record(benchmark, shape, rows)
    return 0 if ok else 1


def per_epoch_times(
    ours: Callable[[int], object], theirs: Callable[[int], object], epochs: int, repeats: int
) -> tuple[float, float]:
    """Median seconds per epoch of each side: (fit of ``epochs`` - fit of 1) / (epochs - 1).

    The difference removes what a fit costs once (validation, copies), so the
    comparison is of the epochs themselves.
    """
    many = paired_median_times(lambda: ours(epochs), lambda: theirs(epochs), repeats)
    one = paired_median_times(lambda: ours(1), lambda: theirs(1), repeats)
    return ((many[0] - one[0]) / (epochs - 1), (many[1] - one[1]) / (epochs - 1))


def standardized(X):
    """What a careful user hands scikit-learn: ``StandardScaler().fit_transform(X)``."""
    from sklearn.preprocessing import StandardScaler

    return StandardScaler().fit_transform(X)

"""Shared helpers of the benchmarks: interleaved median timings and the report."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def _seconds(fit: Callable[[], object]) -> float:
    start = time.perf_counter()
    fit()
    return time.perf_counter() - start


def paired_median_times(
    ours: Callable[[], object], theirs: Callable[[], object], repeats: int = 7
) -> tuple[float, float]:
    """Median wall times of two fits, run alternately after one warm-up each.

    Alternating makes both sides share the same background load of the machine.
    """
    ours(), theirs()
    pairs = [(_seconds(ours), _seconds(theirs)) for _ in range(repeats)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


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

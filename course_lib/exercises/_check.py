"""The verdict: run a reader's function on every case and compare with the reference."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Case:
    """One input of an exercise: keyword arguments in the order of the signature."""

    label: str
    args: dict[str, Any]

    def describe(self) -> str:
        """``"один объект: X формы (1, 3), eta = 0.1"`` — what a reader needs to reproduce it."""
        parts = [f"{name} формы {value.shape}" if isinstance(value, np.ndarray)
                 else f"{name} = {value!r}" for name, value in self.args.items()]
        return f"{self.label}: {', '.join(parts)}"


@dataclass(frozen=True)
class Exercise:
    """A code exercise: the statement, a reference solution and how to test a reader's one.

    ``score``, when given, is the objective the answer minimizes, ``score(*args, answer)``:
    any answer whose score is as low as the reference's is accepted (a problem may have
    several minimizers, e.g. any median minimizes MAE). Otherwise the answer must equal the
    reference's output: ``exact`` for labels and shapes, else within ``rtol``/``atol``.
    """

    id: str
    section: str
    statement: str
    reference: Callable[..., Any]
    make_cases: Callable[[np.random.Generator], list[Case]]
    rtol: float = 1e-6
    atol: float = 1e-9
    exact: bool = False
    score: Callable[..., float] | None = None
    seed: int = field(default=0)

    def cases(self) -> list[Case]:
        """Fixed edge cases and seeded random ones: the same list on every call."""
        return self.make_cases(np.random.default_rng(self.seed))


def _call(function: Callable[..., Any], case: Case) -> Any:
    """Call on a deep copy: a solution that writes into its input cannot spoil the next case."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*copy.deepcopy(list(case.args.values())))


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value + 0.0, precision=4, threshold=8, edgeitems=3)  # no -0.
    if isinstance(value, float | np.floating):
        return f"{value:.6g}"
    return repr(value)


def _as_numeric(value: Any) -> np.ndarray | None:
    if isinstance(value, str | bytes):
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def compare(expected: Any, got: Any, exercise: Exercise, values: bool = True) -> str | None:
    """None when ``got`` matches ``expected``; otherwise a Russian description of the difference.

    With ``values=False`` only the structure is compared: type, length and shape.
    """
    if got is None:
        return "функция вернула None (нет return?)"
    if isinstance(expected, tuple):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            return f"ожидался кортеж из {len(expected)} значений, получено {_show(got)}"
        for number, (part, got_part) in enumerate(zip(expected, got), start=1):
            problem = compare(part, got_part, exercise, values)
            if problem:
                return f"значение {number} из {len(expected)}: {problem}"
        return None
    array, wanted = _as_numeric(got), np.asarray(expected)
    if array is None:
        return f"ожидалось число или массив, получено {_show(got)} ({type(got).__name__})"
    if array.shape != wanted.shape:
        return f"ожидалась форма {wanted.shape}, получена {array.shape}"
    if not np.all(np.isfinite(array)) and np.all(np.isfinite(wanted)):
        return f"получены NaN или бесконечности: {_show(array)}"
    if not values:
        return None
    same = (np.array_equal(array, wanted) if exercise.exact
            else np.allclose(array, wanted, rtol=exercise.rtol, atol=exercise.atol))
    return None if same else f"ожидалось {_show(expected)}, получено {_show(got)}"


def judge(exercise: Exercise, case: Case, solution: Callable[..., Any]) -> str | None:
    """None when the solution is right on this case; otherwise what went wrong."""
    expected = _call(exercise.reference, case)
    try:
        got = _call(solution, case)
    except Exception as error:  # noqa: BLE001 -- a reader's error is a verdict, not a crash
        return f"функция упала: {type(error).__name__}: {error}"
    if exercise.score is None:
        return compare(expected, got, exercise)
    problem = compare(expected, got, exercise, values=False)
    if problem:
        return problem
    args = list(case.args.values())
    best, mine = exercise.score(*args, expected), exercise.score(*args, _as_numeric(got))
    if mine > best + exercise.rtol * abs(best) + exercise.atol:
        return (f"ответ {_show(got)} не минимизирует цель: её значение {mine:.6g}, "
                f"а минимум {best:.6g} (например, при {_show(expected)})")
    return None


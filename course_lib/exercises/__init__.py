"""Self-checking exercises: a reader writes a function, one call says whether it is right.

See the book: every section ends with «Упражнения». ``check`` runs the reader's
function on fixed edge cases and seeded random ones, compares with a reference
solution and prints a short verdict in Russian naming the first failing case.
Teachers list everything with ``python -m course_lib.exercises``.

>>> from course_lib.exercises import check
>>> import numpy as np
>>> check("1.1-best-constant-asymmetric", lambda y: float(np.quantile(y, 0.75, method="inverted_cdf")))
Верно: пройдены все проверки (6 из 6).
True
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from ._check import Case, Exercise, judge

__all__ = ["EXERCISES", "Case", "Exercise", "check", "solution"]


def _collect() -> dict[str, Exercise]:
    """The ``EXERCISES`` lists of every public submodule, ordered by section number."""
    exercises = [exercise
                 for module in pkgutil.iter_modules(__path__)
                 if not module.name.startswith("_")
                 for exercise in importlib.import_module(f"{__name__}.{module.name}").EXERCISES]
    exercises.sort(key=lambda exercise: tuple(int(n) for n in exercise.section.split(".")))
    return {exercise.id: exercise for exercise in exercises}


#: Every exercise by id (``"2.1.4-gd-step"``), in the order of the book.
EXERCISES: dict[str, Exercise] = _collect()


def check(exercise_id: str, solution: Callable[..., Any]) -> bool:
    """Run ``solution`` on every case of the exercise, print the verdict, return whether it passed.

    Never raises on the reader's side: an exception inside ``solution``, ``None``, a wrong
    shape or type, NaN or a wrong value all become a verdict that names the case.

    Parameters
    ----------
    exercise_id : str
        A key of :data:`EXERCISES`, e.g. ``"2.1.4-gd-step"``.
    solution : callable
        The reader's function, with the signature given in the statement.

    Returns
    -------
    bool
        True when every case agrees with the reference solution.

    Examples
    --------
    >>> import numpy as np
    >>> check("1.1-best-constant-asymmetric", lambda y: float(np.median(y)))  # the MAE answer
    Пока неверно. Проверка 2 из 6 (три объекта с выбросом: y формы (3,)): ответ 2 не минимизирует цель: её значение 98.3333, а минимум 65.6667 (например, при 100)
    False

    See the book: «Упражнения» at the end of every section.
    """
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        print(f"Нет упражнения {exercise_id!r}; есть: {', '.join(EXERCISES)}.")
        return False
    if not callable(solution):
        print(f"Нужно передать функцию, а передан {type(solution).__name__}.")
        return False
    cases = exercise.cases()
    for number, case in enumerate(cases, start=1):
        problem = judge(exercise, case, solution)
        if problem:
            print(f"Пока неверно. Проверка {number} из {len(cases)} ({case.describe()}): {problem}")
            return False
    print(f"Верно: пройдены все проверки ({len(cases)} из {len(cases)}).")
    return True


def solution(exercise_id: str) -> Callable[..., Any]:
    """The reference solution of an exercise (shown in the book behind «Показать»).

    >>> solution("1.1-best-constant-asymmetric").__name__
    'best_constant_asymmetric'
    """
    return EXERCISES[exercise_id].reference

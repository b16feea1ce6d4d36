"""Self-checking exercises: a reader writes a function, one call says whether it is right.

See the book: every section ends with «Упражнения». ``check`` runs the reader's
function on fixed edge cases and seeded random ones, compares with a reference
solution and prints a short verdict in Russian naming the first failing case.
Teachers list everything with ``python -m course_lib.exercises``.

Debugging a failing case: a verdict prints the inputs of the case when they
are small (a few numbers); otherwise it names them, and
``EXERCISES["2.1.4-gd-step"].cases()[k].args`` (``k`` = the case number minus 1)
is the dict of the arguments of case ``k + 1``, to call your function on by hand.
A function that runs longer than ``TIME_LIMIT`` seconds (10) on a case gets the
verdict «не закончила работу», and an answer whose conversion to numbers,
comparison or printing takes longer than ``TIME_LIMIT`` more gets the verdict «не
удалось проверить»; a function that raises gets the exception and the line of
your code that raised.

>>> from course_lib.exercises import check
>>> import numpy as np
>>> check("1.1-best-constant-asymmetric", lambda y: float(np.quantile(y, 0.75, method="inverted_cdf")))  # doctest: +NORMALIZE_WHITESPACE
Верно: пройдены все проверки (6 из 6).
True
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from ._check import TIME_LIMIT, Case, Exercise, Verdict, judge, say

# Documented (and referenced by check's signature) as course_lib.exercises.Verdict.
Verdict.__module__ = __name__

__all__ = ["EXERCISES", "TIME_LIMIT", "Case", "Exercise", "Verdict", "check", "solution"]


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


def check(exercise_id: str, solution: Callable[..., Any]) -> Verdict:
    """Run ``solution`` on every case of the exercise, print the verdict, return whether it passed.

    Never raises and never hangs: an exception inside ``solution`` (also ``sys.exit`` and
    ``KeyboardInterrupt``; the verdict names the line of your code that raised), ``None``,
    a wrong shape or type, strings, complex numbers, NaN or a wrong value all become a
    verdict that names the case; a function still running after ``TIME_LIMIT`` = 10
    seconds on one case gets the verdict «не закончила работу» (it runs in a separate
    thread, so this works in Jupyter on every system). Everything done with what it
    returned or raised (conversion to numbers: ``__float__``, ``__array__``, ``__len__``;
    comparison; printing: ``__repr__``, ``__str__``) runs in that thread too, with
    another ``TIME_LIMIT`` seconds: a conversion that never ends gets a verdict as well.

    To debug a failing case: the verdict prints its inputs in full when they are small
    (a few numbers); otherwise ``EXERCISES[exercise_id].cases()[k].args`` is the dict of
    the arguments of case ``k + 1``. An answer that prints like the right one but is
    outside the tolerance gets the largest difference and the tolerance.

    Parameters
    ----------
    exercise_id : str
        A key of :data:`EXERCISES`, e.g. ``"2.1.4-gd-step"``.
    solution : callable
        The reader's function, with the signature given in the statement.

    Returns
    -------
    Verdict
        True (``bool(verdict)``) when every case agrees with the reference
        solution. In a notebook it shows nothing more: the printed verdict is the
        answer, with no bare ``True``/``False`` echoed under it.

    Examples
    --------
    >>> check("2.1.4-max-learning-rate", lambda X: 1.0)  # a constant, not 2 / lambda_max  # doctest: +NORMALIZE_WHITESPACE
    Пока неверно. Проверка 1 из 4 (один признак: X формы (3, 1)): ожидалось
        0.418861, получено 1; наибольшее расхождение 0.581: получено 1, верно
        0.41886116991581029; допуск |ответ − верное| ≤ 1e-09 + 1e-06·|верное|
    Входные данные проверки 1: X = np.array([[0.0], [1.0], [2.0]])
    False

    See the book: «Упражнения» at the end of every section.
    """
    exercise = _find(exercise_id)
    if exercise is None:
        return Verdict(False)
    if not callable(solution):
        say(f"Нужно передать функцию, а передан {type(solution).__name__}.")
        return Verdict(False)
    cases = exercise.cases()
    for number, case in enumerate(cases, start=1):
        try:
            problem = judge(exercise, case, solution)
        except Exception as error:  # noqa: BLE001 -- check never raises, whatever the answer
            problem = f"ответ не удалось проверить: {type(error).__name__}"
        if problem:
            say(f"Пока неверно. Проверка {number} из {len(cases)} ({case.describe()}): {problem}")
            if not problem.startswith("функция вернула None"):
                say(_inputs(exercise, case, number))
            return Verdict(False)
    say(f"Верно: пройдены все проверки ({len(cases)} из {len(cases)}).")
    return Verdict(True)


def _find(exercise_id: Any) -> Exercise | None:
    """The exercise, or None after printing what went wrong (never raises)."""
    if not isinstance(exercise_id, str):
        say(f"Номер упражнения — строка, например {next(iter(EXERCISES))!r}; "
              f"передан {type(exercise_id).__name__}.")
        return None
    exercise_id = str.__str__(exercise_id)  # a plain str: a subclass's __hash__ is not called
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        say(f"Нет упражнения {exercise_id!r}; есть: {', '.join(EXERCISES)}.")
    return exercise


def _inputs(exercise: Exercise, case: Case, number: int) -> str:
    """The case's inputs in full when small, else how to get them."""
    if case.is_small():
        return f"Входные данные проверки {number}: {case.inputs()}"
    return (f"Входные данные проверки {number} велики для печати; получите их так: "
            f"from course_lib.exercises import EXERCISES; "
            f"args = EXERCISES[{exercise.id!r}].cases()[{number - 1}].args")


def solution(exercise_id: str) -> Callable[..., Any] | None:
    """The reference solution of an exercise (shown in the book behind «Показать»).

    An unknown id prints what exists and returns None (never raises).

    >>> solution("2.1.4-gd-step").__name__
    'gd_step'
    >>> solution("2.1.4-gd-stpe") is None  # doctest: +ELLIPSIS
    Нет упражнения '2.1.4-gd-stpe'; есть: ...
    True
    """
    exercise = _find(exercise_id)
    return None if exercise is None else exercise.reference

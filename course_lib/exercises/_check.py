"""The verdict: run a reader's function on every case and compare with the reference.

Nothing a reader's function does may hang or crash ``check``: it runs in a
separate thread with a time limit (``TIME_LIMIT`` seconds per case), every
exception (``SystemExit`` and ``KeyboardInterrupt`` included) becomes a
verdict naming the line of the reader's code that raised, and any returned
object (strings, complex numbers, ``10**400``, objects that cannot be
converted or printed) gets a verdict in Russian. Converting, comparing and
printing what the function returned (or raised) runs in that thread too,
with another ``TIME_LIMIT`` seconds: a ``__float__``, ``__array__``,
``__len__``, ``__repr__`` or an exception's ``__str__`` that never ends gets
a verdict as well.
"""

from __future__ import annotations

import copy
import os
import sysconfig
import threading
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Seconds a reader's function may run on one case before the verdict «не закончила работу»;
#: checking its answer (conversion to numbers, comparison, printing) gets as many again.
TIME_LIMIT = 10.0

#: Inputs with at most this many numbers in all are printed in full in a verdict.
SMALL_INPUT = 12


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

    def is_small(self) -> bool:
        """At most ``SMALL_INPUT`` numbers in all: the verdict can print them in full."""
        return sum(np.size(value) for value in self.args.values()) <= SMALL_INPUT

    def inputs(self) -> str:
        """``"X = [[1.0, 2.0]], eta = 0.1"``: every argument in full (Python syntax)."""
        return ", ".join(f"{name} = {_full(value)}" for name, value in self.args.items())


def _full(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    return repr(value)


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


class _Outcome:
    """One case in the worker thread: the reader's function has ``returned`` (or raised),
    its answer has been ``judged`` into ``problem`` (None: right), ``answer`` says what
    it gave (for the verdict of a check that does not end)."""

    def __init__(self) -> None:
        self.returned, self.judged = threading.Event(), threading.Event()
        self.problem: str | None = None
        self.answer = "ответ"


def _work(outcome: _Outcome, exercise: Exercise, case: Case, args: list[Any], expected: Any,
          solution: Callable[..., Any]) -> None:
    """Call the reader's function and judge what it gave, all in the worker thread.

    Everything that touches the reader's objects happens here: the call, and then
    converting, comparing and printing the answer (a ``__float__``, ``__array__``,
    ``__len__``, ``__repr__`` or an exception's ``__str__`` may loop forever or raise
    anything). The main thread only reads the finished verdict, a plain string; the
    reader's objects are also freed here (a ``__del__`` cannot block the main thread).
    """
    try:
        try:
            with np.errstate(all="ignore"):
                got = solution(*args)
        except BaseException as error:  # noqa: BLE001 -- SystemExit, KeyboardInterrupt too
            outcome.answer = f"функция упала с исключением {type(error).__name__}"
            outcome.returned.set()
            outcome.problem = _raised(error)
            outcome.judged.set()  # before the exception is freed: its __del__ may block
        else:
            outcome.answer = f"функция вернула объект {type(got).__name__}"
            outcome.returned.set()
            with np.errstate(all="ignore"):
                outcome.problem = _verdict(exercise, case, expected, got)
    except BaseException as error:  # noqa: BLE001 -- e.g. SystemExit from a reader's __float__
        outcome.problem = _unchecked(error, outcome.answer)
    finally:
        outcome.returned.set()
        outcome.judged.set()


def _unchecked(error: BaseException, answer: str) -> str:
    """``SystemExit`` or ``KeyboardInterrupt`` from, e.g., a reader's ``__float__``."""
    try:
        return (f"{answer}, но его не удалось проверить: {type(error).__name__}: "
                f"{_message(error)}{_reader_line(error)}")
    except BaseException:  # noqa: BLE001
        return f"{answer}, но его не удалось проверить"


def _run_limited(exercise: Exercise, case: Case, expected: Any,
                 solution: Callable[..., Any], limit: float) -> str | None:
    """Run and judge ``solution`` on a copy of the case in a daemon thread; the verdict.

    The function gets ``limit`` seconds, and checking its answer (or its
    exception) another ``limit`` seconds. Why a thread: ``signal.alarm`` works
    only in the main thread and not on Windows, and a subprocess would need to
    pickle the reader's function, which fails for a function defined in a
    notebook cell. A thread works in a Jupyter kernel on every system. Its
    limit: Python cannot stop a thread, so a function (or a conversion) that
    loops forever keeps running in the background (as a daemon it does not
    keep the interpreter alive); the verdict says so and suggests restarting
    the kernel.
    """
    outcome, args = _Outcome(), copy.deepcopy(list(case.args.values()))
    thread = threading.Thread(target=_work,
                              args=(outcome, exercise, case, args, expected, solution),
                              name="course_lib.exercises.check", daemon=True)
    del args  # the thread owns the copy (the function may have put its objects in it)
    background = "работать в фоне — если компьютер тормозит, перезапустите ядро (Kernel → Restart)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        thread.start()
        try:
            returned = outcome.returned.wait(limit)
            judged = returned and outcome.judged.wait(limit)
        except KeyboardInterrupt:  # the reader pressed «stop» while waiting
            return "проверка прервана (KeyboardInterrupt): функция не успела ответить"
    if not returned:
        return (f"функция не закончила работу за {limit:g} с (бесконечный цикл?); она "
                f"продолжает {background}")
    if not judged:
        return (f"{outcome.answer}, но его не удалось проверить за {limit:g} с: превращение в "
                "число, сравнение или печать не закончились (бесконечный цикл в __float__, "
                f"__array__, __len__, __iter__, __repr__ или __str__?); проверка продолжает "
                f"{background}")
    return outcome.problem


def _show(value: Any) -> str:
    """A short printout of any object; never raises."""
    try:
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            return np.array2string(value + 0.0, precision=4, threshold=8, edgeitems=3)  # no -0.
        if isinstance(value, float | np.floating):
            return f"{value:.6g}"
        if isinstance(value, int) and abs(value) > 10**20:  # 10**400: not 400 digits
            digits = str(abs(value))
            return f"{'-' if value < 0 else ''}{digits[0]}.{digits[1:4]}e{len(digits) - 1}"
        return _short(repr(value), 200)
    except BaseException as error:  # noqa: BLE001 -- a reader's object may break repr
        return f"<объект {type(value).__name__}, который не печатается: {type(error).__name__}>"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _contains(array: np.ndarray, kinds: str) -> bool:
    """An object array holding items of these dtype kinds: strings ``"USa"``, complex ``"c"``."""
    return array.dtype == object and any(np.asarray(item).dtype.kind in kinds
                                         for item in array.ravel())


def _as_numeric(value: Any) -> tuple[np.ndarray | None, str | None]:
    """The answer as a float array, or None and the reason in Russian."""
    # No warnings.catch_warnings here: it is not thread-safe, and this runs in the
    # worker thread. An imaginary part is refused by dtype, never dropped by astype.
    try:
        raw = np.asarray(value)
        if raw.dtype.kind in "USa" or _contains(raw, "USa"):
            return None, (f"ожидались числа, а получены строки: {_show(value)} — "
                          "уберите кавычки или преобразуйте в float")
        if raw.dtype.kind == "c" or _contains(raw, "c"):
            return None, (f"получено комплексное число: {_show(value)} — ответ должен "
                          "быть вещественным (корень или логарифм отрицательного числа?)")
        return raw.astype(float), None
    except OverflowError:
        return None, (f"число {_show(value)} не помещается в float (по модулю больше 1.8e308): "
                      "где-то переполнение")
    except Exception as error:  # noqa: BLE001 -- __float__ of a reader's object may raise anything
        return None, (f"ожидалось число или массив, получено {_show(value)} "
                      f"({type(value).__name__}), его не удалось превратить в число: "
                      f"{type(error).__name__}: {_message(error)}")


def _message(error: BaseException) -> str:
    try:
        return _short(str(error), 300)
    except BaseException:  # noqa: BLE001 -- a reader's exception may break str
        return "<сообщение не печатается>"


def _difference(array: np.ndarray, wanted: np.ndarray, exercise: Exercise) -> str:
    """The largest difference, where it is and the tolerance: for answers that print alike."""
    diff = np.abs(array - wanted)
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))
    place = f" (в элементе {where})" if where else ""
    tolerance = ("нужно точное совпадение" if exercise.exact else
                 f"допуск |ответ − верное| ≤ {exercise.atol:g} + {exercise.rtol:g}·|верное|")
    return (f"наибольшее расхождение {float(np.max(diff)):.3g}{place}: "
            f"получено {float(array[where]):.17g}, верно {float(wanted[where]):.17g}; {tolerance}")


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
    (array, reason), wanted = _as_numeric(got), np.asarray(expected)
    if array is None:
        return reason
    if array.shape != wanted.shape:
        return f"ожидалась форма {wanted.shape}, получена {array.shape}"
    if not np.all(np.isfinite(array)) and np.all(np.isfinite(wanted)):
        return f"получены NaN или бесконечности: {_show(array)}"
    if not values:
        return None
    same = (np.array_equal(array, wanted) if exercise.exact
            else np.allclose(array, wanted, rtol=exercise.rtol, atol=exercise.atol))
    if same:
        return None
    shown_expected, shown_got = _show(expected), _show(array if array.ndim else float(array))
    if shown_expected == shown_got or wanted.dtype.kind not in "biuf":
        return _difference(array, wanted.astype(float), exercise)
    # Rounded prints may look alike (2 and 2.00001, 5-digit arrays): the
    # largest difference and the tolerance tell how far off the answer is.
    return (f"ожидалось {shown_expected}, получено {_show(got)}; "
            f"{_difference(array, wanted.astype(float), exercise)}")


def _reader_line(error: BaseException) -> str:
    """Where the reader's code raised: the last frame outside Python, numpy and course_lib."""
    frames = traceback.extract_tb(error.__traceback__)
    paths = sysconfig.get_paths()
    library = (os.path.dirname(os.path.dirname(__file__)), os.path.dirname(np.__file__),
               os.path.dirname(os.__file__), paths["purelib"], paths["platlib"])
    own = [frame for frame in frames if not os.path.abspath(frame.filename).startswith(library)]
    frame = (own or frames or [None])[-1]
    if frame is None:
        return ""
    code = f": {frame.line.strip()}" if frame.line else ""
    return f" (строка {frame.lineno} вашего кода, функция {frame.name}{code})"


def _raised(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return ("функция вызвала sys.exit() (или exit()): в решении не нужно завершать "
                "программу, верните ответ через return" + _reader_line(error))
    if isinstance(error, KeyboardInterrupt):
        return "функция была прервана (KeyboardInterrupt)" + _reader_line(error)
    return f"функция упала: {type(error).__name__}: {_message(error)}{_reader_line(error)}"


def _verdict(exercise: Exercise, case: Case, expected: Any, got: Any) -> str | None:
    """None when ``got`` is right; otherwise what is wrong. Runs in the worker thread."""
    if exercise.score is None:
        return compare(expected, got, exercise)
    problem = compare(expected, got, exercise, values=False)
    if problem:
        return problem
    args = list(case.args.values())  # the pristine inputs: the reader's copy may be changed
    best, mine = exercise.score(*args, expected), exercise.score(*args, _as_numeric(got)[0])
    if mine > best + exercise.rtol * abs(best) + exercise.atol:
        return (f"ответ {_show(got)} не минимизирует цель: её значение {mine:.6g}, "
                f"а минимум {best:.6g} (например, при {_show(expected)})")
    return None


def judge(exercise: Exercise, case: Case, solution: Callable[..., Any],
          limit: float | None = None) -> str | None:
    """None when the solution is right on this case; otherwise what went wrong."""
    expected = _call(exercise.reference, case)
    return _run_limited(exercise, case, expected, solution,
                        TIME_LIMIT if limit is None else limit)


class Verdict:
    """What :func:`check` found: true when the solution passed every case.

    It behaves as a bool (``if check(...)``, ``assert check(...)``, ``== True``) and
    reads as one (``repr`` is ``True`` or ``False``), but a notebook displays nothing
    for it: ``check`` has already printed the verdict in words.
    """

    def __init__(self, passed: bool) -> None:
        self.passed = bool(passed)

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other: object) -> bool:
        return self.passed == (other.passed if isinstance(other, Verdict) else other)

    def __hash__(self) -> int:
        return hash(self.passed)

    def __repr__(self) -> str:
        return repr(self.passed)

    def _ipython_display_(self) -> None:
        """IPython calls this instead of echoing ``True``/``False``: show nothing."""


def say(text: str, width: int = 80) -> None:
    """Print a verdict, each line wrapped to ``width`` columns (the book's page)."""
    import textwrap

    print(textwrap.fill(text, width, subsequent_indent="    ", break_long_words=False,
                        break_on_hyphens=False))

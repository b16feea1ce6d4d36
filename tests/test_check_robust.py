"""exercises.check never hangs and never raises (issue 25, rule 7).

Every kind of misbehaving reader's function gets a Russian verdict: endless
loops (a time limit), sys.exit, KeyboardInterrupt, strings, complex numbers,
10**400, objects whose __float__ or __repr__ raise; answers that print alike
show the largest difference; failing cases show their inputs or how to get them.
"""

import contextlib
import io
import sys
import threading
import time

import numpy as np
import pytest

import course_lib.exercises._check as check_module
from course_lib.exercises import EXERCISES, check, solution
from test_exercises import verdict  # check's return value and its printed text

SCALAR_ID = "2.1.4-max-learning-rate"  # returns one number
ARRAY_ID = "2.1.9-margins"  # returns an array
IDS = [SCALAR_ID, ARRAY_ID, "2.1.4-gd-step"]




class _BadFloat:
    def __float__(self):
        raise RuntimeError("no float for you")


class _BadRepr(_BadFloat):
    def __repr__(self):
        raise RuntimeError("no repr either")


def _exit(*args):
    sys.exit(3)


def _interrupt(*args):
    raise KeyboardInterrupt


def _reference_as(kind):
    """A solution returning the right answer converted by ``kind``."""
    def wrong(*args):
        answer = solution(ARRAY_ID)(*args)
        return kind(answer)
    return wrong


MISBEHAVING = {
    "sys.exit": (_exit, "sys.exit"),
    "KeyboardInterrupt": (_interrupt, "KeyboardInterrupt"),
    "strings": (lambda *a: np.array(["1", "2"]), "строки"),
    "list of numeric strings": (_reference_as(lambda r: [str(v) for v in np.ravel(r)]),
                                "строки"),
    "complex with the right real part": (_reference_as(lambda r: r + 1e-3j), "комплексн"),
    "10**400": (lambda *a: 10**400, "не помещается в float"),
    "__float__ raises": (lambda *a: _BadFloat(), "RuntimeError"),
    "__repr__ raises": (lambda *a: _BadRepr(), "не печатается"),
    "a set": (lambda *a: {1, 2}, "ожидалось число или массив"),
}


@pytest.mark.parametrize("exercise_id", IDS)
@pytest.mark.parametrize("name", MISBEHAVING)
def test_every_misbehaving_answer_gets_a_russian_verdict(exercise_id, name):
    function, expected = MISBEHAVING[name]
    passed, text = verdict(exercise_id, function)
    assert passed is False
    assert text.startswith("Пока неверно."), text
    if exercise_id == ARRAY_ID or name in ("sys.exit", "KeyboardInterrupt"):
        assert expected in text, text


def test_an_endless_loop_gets_a_verdict_after_the_time_limit(monkeypatch):
    monkeypatch.setattr(check_module, "TIME_LIMIT", 0.3)

    def forever(*args):
        while True:
            time.sleep(0.01)

    start = time.perf_counter()
    passed, text = verdict(SCALAR_ID, forever)
    assert passed is False and time.perf_counter() - start < 5
    assert "не закончила работу за 0.3 с" in text and "бесконечный цикл" in text


def test_the_time_limit_is_stated_in_seconds():
    assert check_module.TIME_LIMIT == 10.0
    assert "TIME_LIMIT" in check.__module__ or "TIME_LIMIT" in check_module.__doc__


def test_a_list_of_ids_and_unknown_ids_get_verdicts():
    passed, text = verdict([SCALAR_ID], np.mean)
    assert passed is False and "строка" in text
    passed, text = verdict({"id": 1}, np.mean)
    assert passed is False and "строка" in text
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert solution("unknown") is None
        assert solution(["unknown"]) is None
    assert "Нет упражнения 'unknown'" in out.getvalue()


def test_answers_that_print_alike_show_the_largest_difference_and_the_tolerance():
    reference = solution(ARRAY_ID)

    def almost(*args):
        out = reference(*args)
        return out + 1e-5 * (out != 0)  # outside rtol=1e-6, the same to 4 digits

    passed, text = verdict(ARRAY_ID, almost)
    assert passed is False
    assert "наибольшее расхождение 1e-05" in text and "допуск" in text, text


NEAR_MISSES = {  # scalar and array answers just outside the tolerance that print alike
    "scalar": ("3.1.4-laplace-scale", lambda r: np.mean(np.abs(r)) * (1 + 3e-6)),
    "array": ("4.1.1-log-sigmoid",
              lambda z: -np.logaddexp(0.0, -np.asarray(z, dtype=float)) * (1 + 1e-7) - 1e-9),
}


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_near_miss_scalars_and_arrays_show_the_largest_difference_and_the_tolerance(name):
    exercise_id, answer = NEAR_MISSES[name]
    passed, text = verdict(exercise_id, answer)
    assert passed is False
    assert "наибольшее расхождение" in text and "допуск |ответ − верное|" in text, text


def test_small_inputs_are_printed_in_full():
    _, text = verdict(ARRAY_ID, lambda X, y, w, b: X @ w + b)  # the labels forgotten
    assert ("X = np.array([[1.0, 2.0], [1.0, 2.0]]), y = np.array([1.0, -1.0]), "
            "w = np.array([1.0, -1.0]), b = 3.0") in text, text


def test_large_inputs_say_how_to_get_them():
    exercise = EXERCISES["2.1.4-gd-step"]
    big = next(k for k, case in enumerate(exercise.cases()) if not case.is_small())
    reference = exercise.reference
    calls = []

    def wrong_on_big(X, y, w, b, eta):
        calls.append(1)
        w_new, b_new = reference(X, y, w, b, eta)
        return (w_new + (len(calls) > big), b_new)

    passed, text = verdict("2.1.4-gd-step", wrong_on_big)
    assert passed is False
    assert f"EXERCISES['2.1.4-gd-step'].cases()[{big}].args" in text, text
    args = EXERCISES["2.1.4-gd-step"].cases()[big].args  # and the advice works
    assert set(args) == {"X", "y", "w", "b", "eta"}


def test_an_exception_names_the_readers_line():
    def buggy(X):
        spread = X.std(axis=0)
        return spread.mean_absolute()  # no such method

    _, text = verdict(SCALAR_ID, buggy)
    assert "AttributeError" in text
    assert "return spread.mean_absolute()" in text and "строка" in text, text


def test_the_reference_still_passes_and_the_thread_sees_a_copy():
    for exercise_id in IDS:
        assert verdict(exercise_id, solution(exercise_id))[0] is True


# -- F10: everything done with the reader's objects runs under the time limit ---------------

RELEASE = threading.Event()  # ends the endless methods below once a test is over


def _endless(*args, **kwargs):
    while not RELEASE.is_set():  # busy, as `while True: pass` in a reader's __float__
        pass


@pytest.fixture
def short_limit(monkeypatch):
    monkeypatch.setattr(check_module, "TIME_LIMIT", 0.3)
    RELEASE.clear()
    yield 0.3
    RELEASE.set()


def _verdict_in_time(exercise_id, function, seconds=8.0):
    """``verdict`` run in a thread: a hang or an escaping exception fails the test cleanly."""
    result = {}

    def run():
        try:
            result["verdict"] = verdict(exercise_id, function)
        except BaseException as error:  # noqa: BLE001 -- SystemExit, KeyboardInterrupt too
            result["error"] = error

    start = time.perf_counter()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"check gave no verdict within {seconds} s"
    assert "error" not in result, f"check raised {result.get('error')!r}"
    return (*result["verdict"], time.perf_counter() - start)


class _Endlessly:
    """An answer every method of which that check could call never returns."""

    __float__ = __int__ = __index__ = __complex__ = __array__ = _endless
    __len__ = __iter__ = __getitem__ = __repr__ = __str__ = __format__ = _endless
    __eq__ = __ne__ = __lt__ = __gt__ = __bool__ = __abs__ = __hash__ = _endless


class _EndlessFloat:
    __float__ = _endless


class _EndlessArray:
    __array__ = _endless


class _EndlessLen:
    __len__ = _endless

    def __getitem__(self, index):
        return 0.0


class _EndlessRepr(_BadFloat):
    __repr__ = _endless


class _EndlessIter(list):
    __iter__ = _endless


class _EndlessMessage(Exception):
    __str__ = _endless


def _raise_endless_message(*args):
    raise _EndlessMessage


ENDLESS = {  # (exercise, the reader's function)
    "__float__": (SCALAR_ID, lambda *a: _EndlessFloat()),
    "__array__": (ARRAY_ID, lambda *a: _EndlessArray()),
    "__len__": (ARRAY_ID, lambda *a: _EndlessLen()),
    "__repr__": (SCALAR_ID, lambda *a: _EndlessRepr()),
    "every method": (ARRAY_ID, lambda *a: _Endlessly()),
    "__iter__ of a list": ("2.1.4-gd-step", lambda X, y, w, b, eta: _EndlessIter([w, b])),
    "__float__ in a tuple": ("2.1.4-gd-step", lambda *a: (solution("2.1.4-gd-step")(*a)[0],
                                                          _EndlessFloat())),
    "__float__, score-based": ("1.1-best-constant-asymmetric", lambda y: _EndlessFloat()),
    "an exception's __str__": (SCALAR_ID, _raise_endless_message),
}


@pytest.mark.parametrize("name", ENDLESS)
def test_an_answer_whose_conversion_never_ends_gets_a_verdict(short_limit, name):
    exercise_id, function = ENDLESS[name]
    passed, text, seconds = _verdict_in_time(exercise_id, function)
    assert passed is False and seconds < 4 * short_limit + 2, (seconds, text)
    assert text.startswith("Пока неверно.") and "не удалось проверить за 0.3 с" in text, text
    assert "Kernel → Restart" in text, text


class _ExitingFloat:
    def __float__(self):
        sys.exit(3)


class _InterruptingFloat:
    def __float__(self):
        raise KeyboardInterrupt


class _EndlessDel:
    __del__ = _endless

    def __float__(self):
        return 1.0


class _ErrorWithEndlessDel(Exception):
    __del__ = _endless


def _raise_error_with_endless_del(*args):
    raise _ErrorWithEndlessDel("no answer")


@pytest.mark.parametrize("answer", [_ExitingFloat, _InterruptingFloat, _EndlessDel, None])
def test_an_answer_that_exits_or_blocks_its_deletion_gets_a_verdict(short_limit, answer):
    function = _raise_error_with_endless_del if answer is None else lambda *a: answer()
    passed, text, _ = _verdict_in_time(SCALAR_ID, function)
    assert passed is False and text.startswith("Пока неверно."), text
    if answer is None:
        assert "функция упала: _ErrorWithEndlessDel: no answer" in text, text
    elif answer is not _EndlessDel:
        assert f"функция вернула объект {answer.__name__}, но его не удалось проверить" in text
        assert ("SystemExit" if answer is _ExitingFloat else "KeyboardInterrupt") in text, text


class _EndlessId(str):
    __hash__ = __eq__ = _endless  # (not __repr__: pytest prints the arguments of a failure)


def test_an_exercise_id_of_a_str_subclass_is_used_as_a_plain_string(short_limit):
    passed, _, _ = _verdict_in_time(_EndlessId(SCALAR_ID), solution(SCALAR_ID))
    assert passed is True
    passed, text, _ = _verdict_in_time(_EndlessId("2.1.4-no-such"), solution(SCALAR_ID))
    assert passed is False and "Нет упражнения '2.1.4-no-such'" in text, text


def test_a_huge_exception_message_is_shortened():
    def raises(*args):
        raise ValueError("ab " * 10**6)

    passed, text = verdict(SCALAR_ID, raises)
    assert passed is False and "ValueError: ab ab" in text and len(text) < 1000, len(text)


def test_a_complex_number_inside_an_object_array_is_refused():
    def answer(*args):
        out = np.empty(len(solution(ARRAY_ID)(*args)), dtype=object)
        out[:] = [np.array(v + 1e-3j) for v in solution(ARRAY_ID)(*args)]
        return out

    passed, text = verdict(ARRAY_ID, answer)
    assert passed is False and "комплексн" in text, text

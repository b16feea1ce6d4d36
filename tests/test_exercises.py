"""course_lib.exercises: every exercise accepts its reference and rejects wrong solutions.

The references are checked against independent oracles (course_lib's estimators,
scikit-learn, brute force), so a wrong reference cannot pass by agreeing with itself.
"""

import contextlib
import importlib
import io
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from scipy.special import expit
from sklearn.metrics import log_loss as sk_log_loss

from course_lib.exercises import EXERCISES, Verdict, check, solution
from course_lib.exercises import linear as linear_exercises
from course_lib.gradcheck import numerical_gradient
from course_lib.linear import LinearObjective, Ridge
from course_lib.losses import HingeLoss, MarginLoss, PerceptronLoss, SquaredLoss
from course_lib.optim import iterate_minibatches
from course_lib.penalties import L2Penalty


def verdict(exercise_id, function):
    """check's return value and the text it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        passed = check(exercise_id, function)
    assert isinstance(passed, Verdict) and repr(passed) == repr(bool(passed))
    text = out.getvalue()
    assert all(len(line) <= 80 for line in text.splitlines()), text  # fits the page
    return bool(passed), text.replace("\n    ", " ")  # the verdict unwrapped


def with_ones(X):
    return np.column_stack([X, np.ones(len(X))])


def _sgd_epoch(X, y, w, b, eta, batch_size, seed, *, shuffle=True, divisor=None, drop_last=False,
               update_inside=True):
    order = np.random.default_rng(seed).permutation(len(y)) if shuffle else np.arange(len(y))
    grad_w_sum, grad_b_sum = np.zeros_like(w), 0.0
    for start in range(0, len(y), batch_size):
        batch = order[start:start + batch_size]
        if drop_last and len(batch) < batch_size:
            break
        r = X[batch] @ w + b - y[batch]
        n = divisor or len(batch)
        grad_w, grad_b = 2 * X[batch].T @ r / n, 2 * r.sum() / n
        if update_inside:
            w, b = w - eta * grad_w, b - eta * grad_b
        else:
            grad_w_sum, grad_b_sum = grad_w_sum + grad_w, grad_b_sum + grad_b
    if not update_inside:
        w, b = w - eta * grad_w_sum, b - eta * grad_b_sum
    return w, b


def _max_rate_of(gram_of):
    return lambda X: float(2 / np.linalg.eigvalsh(gram_of(X))[-1])


def _hinge_grad(X, y, w, b, alpha, *, threshold=1.0, inclusive=False, factor=2.0):
    M = y * (X @ w + b)
    active = M <= threshold if inclusive else M < threshold
    return -X[active].T @ y[active] + factor * alpha * w, float(-y[active].sum())


def _log_loss_grad(X, y, w, b, *, sign=-1.0):
    residual = y - 1 / (1 + np.exp(-(X @ w + b)))
    return sign * X.T @ residual, float(sign * residual.sum())


# Typical mistakes, written for each exercise: every one must be rejected.
MISTAKES = {
    "1.1-best-constant-asymmetric": {
        "медиана": lambda y: float(np.median(y)),
        "цены перепутаны (квантиль 0,25)": lambda y: float(np.sort(y)[int(np.ceil(0.25 * len(y))) - 1]),
        "среднее": lambda y: float(np.mean(y)),
    },
    "2.1.4-gd-step": {
        "градиент суммы": lambda X, y, w, b, eta: (w - eta * 2 * X.T @ (X @ w + b - y),
                                                   b - eta * 2 * (X @ w + b - y).sum()),
        "сдвиг не обновляется": lambda X, y, w, b, eta: (w - eta * 2 * X.T @ (X @ w + b - y) / len(y), b),
        "шаг против антиградиента": lambda X, y, w, b, eta: (w + eta * 2 * X.T @ (X @ w + b - y) / len(y),
                                                             b + eta * 2 * (X @ w + b - y).mean()),
    },
    "2.1.4-max-learning-rate": {
        "без столбца единиц": _max_rate_of(lambda X: 2 * X.T @ X / len(X)),
        "гессиан суммы": _max_rate_of(lambda X: 2 * with_ones(X).T @ with_ones(X)),
        "1/λ_max": lambda X: 0.5 * solution("2.1.4-max-learning-rate")(X),
    },
    "2.1.5-sgd-epoch": {
        "без перемешивания": lambda *a: _sgd_epoch(*a, shuffle=False),
        "деление на B, а не на размер батча": lambda X, y, w, b, eta, B, s: _sgd_epoch(
            X, y, w, b, eta, B, s, divisor=B),
        "последний короткий батч потерян": lambda *a: _sgd_epoch(*a, drop_last=True),
        "обновление после цикла": lambda *a: _sgd_epoch(*a, update_inside=False),
    },
    "2.1.6-ridge": {
        "штраф на сдвиг": lambda X, y, alpha: (
            lambda t: (t[:-1], float(t[-1])))(np.linalg.solve(
                with_ones(X).T @ with_ones(X) + alpha * np.eye(X.shape[1] + 1), with_ones(X).T @ y)),
        "без сдвига": lambda X, y, alpha: (
            np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ y), 0.0),
    },
    "2.1.9-margins": {
        "без метки": lambda X, y, w, b: X @ w + b,
        "без сдвига": lambda X, y, w, b: y * (X @ w),
        "расстояние вместо отступа": lambda X, y, w, b: y * (X @ w + b) / np.linalg.norm(w),
    },
    "2.1.9-perceptron-update": {
        "строгое неравенство": lambda x, y, w, b, eta: (
            (w + eta * y * x, b + eta * y) if y * (x @ w + b) < 0 else (w, b)),
        "шаг всегда": lambda x, y, w, b, eta: (w + eta * y * x, b + eta * y),
        "сдвиг не обновлён": lambda x, y, w, b, eta: (
            (w + eta * y * x, b) if y * (x @ w + b) <= 0 else (w, b)),
        "знак": lambda x, y, w, b, eta: (
            (w - eta * y * x, b - eta * y) if y * (x @ w + b) <= 0 else (w, b)),
    },
    "2.1.9-hinge-subgradient": {
        "порог перцептрона M < 0": lambda X, y, w, b, a: _hinge_grad(X, y, w, b, a, threshold=0.0),
        "M <= 1 на изломе": lambda X, y, w, b, a: _hinge_grad(X, y, w, b, a, inclusive=True),
        "штраф без двойки": lambda X, y, w, b, a: _hinge_grad(X, y, w, b, a, factor=1.0),
    },
    "2.1.10-log-loss-gradient": {
        "знак": lambda X, y, w, b: _log_loss_grad(X, y, w, b, sign=1.0),
        "метки ±1 в формуле для 0/1": lambda X, y, w, b: _log_loss_grad(X, 2 * y - 1, w, b),
        "сдвиг забыт": lambda X, y, w, b: (_log_loss_grad(X, y, w, b)[0], 0.0),
    },
    "4.1.1-forward-pass": {
        "без активации": lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2,
        "ReLU и на выходе": lambda X, W1, b1, W2, b2: np.maximum(
            np.maximum(X @ W1 + b1, 0) @ W2 + b2, 0),
        "сигмоида вместо ReLU": lambda X, W1, b1, W2, b2: (1 / (1 + np.exp(-(X @ W1 + b1)))) @ W2 + b2,
        "забыт первый сдвиг": lambda X, W1, b1, W2, b2: np.maximum(X @ W1, 0) @ W2 + b2,
    },
    "4.1.1-n-parameters": {
        "без сдвигов": lambda sizes: int(sum(d * k for d, k in zip(sizes[:-1], sizes[1:]))),
        "сдвиг на входе слоя": lambda sizes: int(sum(d * (k + 1) for d, k in zip(sizes[:-1], sizes[1:]))),
        "произведение ширин": lambda sizes: int(np.prod(sizes)),
    },
    "4.1.1-log-sigmoid": {
        "наивная формула": lambda z: np.log(1 / (1 + np.exp(-z))),
        "log1p переполняется": lambda z: -np.log1p(np.exp(-z)),
        "знак": lambda z: -np.logaddexp(0.0, z),
    },
}


# Later chapters keep their mistakes and oracle tests in tests/test_exercises_<topic>.py,
# each with its own MISTAKES dict; the generic checks below run over all of them.
for _path in sorted(pathlib.Path(__file__).parent.glob("test_exercises_*.py")):
    _topic = importlib.import_module(_path.stem).MISTAKES
    assert not set(_topic) & set(MISTAKES), f"{_path.name} repeats exercise ids"
    MISTAKES |= _topic


def test_every_exercise_has_typical_mistakes():
    assert set(MISTAKES) == set(EXERCISES)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_reference_passes(exercise_id):
    passed, text = verdict(exercise_id, solution(exercise_id))
    assert passed is True
    assert text.startswith("Верно") and str(len(EXERCISES[exercise_id].cases())) in text


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_exercise_has_enough_cases(exercise_id):
    assert len(EXERCISES[exercise_id].cases()) >= 3


def perturbed(function):
    def bend(value):
        if isinstance(value, tuple):
            return tuple(bend(v) for v in value)
        return np.asarray(value) * (1 + 1e-3) + 1e-3
    return lambda *args: bend(function(*args))


def generic_wrong(exercise_id):
    def raises(*args):
        raise RuntimeError("oops")

    return {
        "константа": lambda *args: 0.0,
        "исключение": raises,
        "None": lambda *args: None,
        "NaN": lambda *args: np.nan,
        "строка": lambda *args: "42",
        "чуть сдвинутый эталон": perturbed(solution(exercise_id)),
    }


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_wrong_solutions_are_rejected_with_a_named_case(exercise_id):
    wrong = generic_wrong(exercise_id) | MISTAKES[exercise_id]
    for name, function in wrong.items():
        passed, text = verdict(exercise_id, function)
        assert passed is False, f"{name!r} was accepted"
        assert text.startswith("Пока неверно. Проверка "), text
        assert "формы" in text or "=" in text, text  # the case is named by its inputs


def test_verdict_names_the_problem():
    assert "функция вернула None" in verdict("2.1.4-gd-step", lambda *a: None)[1]
    assert "RuntimeError: oops" in verdict("2.1.4-gd-step", generic_wrong("2.1.4-gd-step")["исключение"])[1]
    assert "NaN" in verdict("2.1.4-gd-step", lambda X, y, w, b, eta: (w * np.nan, b))[1]
    text = verdict("2.1.4-gd-step", lambda X, y, w, b, eta: (w[:-1], b))[1]
    assert "ожидалась форма (2,), получена (1,)" in text
    text = verdict("2.1.4-gd-step", lambda *a: a[2])[1]
    assert "ожидался кортеж из 2 значений" in text
    assert "не минимизирует цель" in verdict("1.1-best-constant-asymmetric", np.mean)[1]


def test_output_is_deterministic_and_bad_calls_do_not_raise():
    first = verdict("2.1.5-sgd-epoch", lambda *a: _sgd_epoch(*a, shuffle=False))
    assert verdict("2.1.5-sgd-epoch", lambda *a: _sgd_epoch(*a, shuffle=False)) == first
    assert verdict("no-such-exercise", np.mean)[0] is False
    assert verdict("2.1.4-gd-step", 42) == (False, "Нужно передать функцию, а передан int.\n")


def test_a_solution_writing_into_its_input_does_not_spoil_the_check():
    def destructive(X, y, w, b, eta):
        value = solution("2.1.4-gd-step")(X, y, w, b, eta)
        X[:] = 0.0
        y[:] = 0.0
        return value

    assert verdict("2.1.4-gd-step", destructive)[0] is True


def test_score_exercises_accept_any_minimizer():
    # when 3N/4 is whole, every point between the two order statistics around it is a minimizer
    upper = lambda y: float(np.sort(y)[3 * len(y) // 4]) if len(y) % 4 == 0 else solution(  # noqa: E731
        "1.1-best-constant-asymmetric")(y)
    assert verdict("1.1-best-constant-asymmetric", upper)[0] is True


# ---------------------------------------------------- the references against independent oracles

def regression_data(seed=0, n=60, d=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(3.0, 2.0, (n, d))
    return X, X @ rng.normal(0, 2, d) + 5 + rng.normal(0, 1, n)


def test_gd_step_and_minibatch_gradient_match_the_linear_objective():
    X, y = regression_data(1)
    w, b, eta = np.array([0.5, -1.0, 2.0, 0.0]), 1.5, 0.01
    objective = LinearObjective(SquaredLoss(), None, 0.0, len(y), True)
    _, grad = objective(np.append(w, b), X, y)
    w_new, b_new = solution("2.1.4-gd-step")(X, y, w, b, eta)
    np.testing.assert_allclose(np.append(w_new, b_new), np.append(w, b) - eta * grad, rtol=1e-12)
    grad_w, grad_b = linear_exercises.minibatch_gradient(X[:7], y[:7], w, b)  # sgd_epoch's helper
    np.testing.assert_allclose(np.append(grad_w, grad_b), objective(np.append(w, b), X[:7], y[:7])[1],
                               rtol=1e-12)


def test_max_learning_rate_separates_convergence_from_divergence():
    rng = np.random.default_rng(2)
    X = rng.normal(4.0, 1.0, (80, 3)) * [1.0, 3.0, 0.5]
    y = X @ [1.0, -2.0, 3.0] + 1.0
    eta_max = solution("2.1.4-max-learning-rate")(X)
    step = solution("2.1.4-gd-step")

    def final_error(eta):
        w, b = np.zeros(3), 0.0
        for _ in range(3000):
            w, b = step(X, y, w, b, eta)
        return float(np.mean((X @ w + b - y) ** 2))

    assert final_error(0.98 * eta_max) < final_error(0.0) * 0.5
    assert final_error(1.02 * eta_max) > 1e6


def test_sgd_epoch_matches_iterate_minibatches_with_the_same_seed():
    X, y = regression_data(3, n=23)
    w, b = np.zeros(4), 0.0
    objective = LinearObjective(SquaredLoss(), None, 0.0, len(y), True)
    theta = np.zeros(5)
    for X_b, y_b in iterate_minibatches(X, y, 5, rng=np.random.default_rng(7)):
        theta = theta - 0.001 * objective(theta, X_b, y_b)[1]
    w, b = solution("2.1.5-sgd-epoch")(X, y, w, b, 0.001, 5, 7)
    np.testing.assert_allclose(np.append(w, b), theta, rtol=1e-12)


def test_ridge_matches_course_lib_ridge():
    X, y = regression_data(4)
    model = Ridge(alpha=30.0, solver="normal").fit(X, y)
    w, b = solution("2.1.6-ridge")(X, y, 30.0)
    np.testing.assert_allclose(w, model.coef_, rtol=1e-9)
    assert b == pytest.approx(model.intercept_, rel=1e-9)


def classification_data(seed=0, n=40, d=3):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1.5, (n, d)), np.where(rng.random(n) < 0.5, -1.0, 1.0)


def test_margins_match_margin_loss():
    X, y = classification_data(7)
    w, b = np.array([0.5, -1.0, 2.0]), 0.3
    np.testing.assert_allclose(solution("2.1.9-margins")(X, y, w, b), MarginLoss.margin(y, X @ w + b))


def test_perceptron_update_is_a_step_on_the_perceptron_loss():
    """One object, no penalty: the step is -eta times the subgradient LinearObjective computes."""
    X, y = classification_data(8, n=30)
    objective = LinearObjective(PerceptronLoss(), None, 0.0, 1, True)
    w, b, steps = np.zeros(3), 0.0, 0
    for x_i, y_i in zip(X, y):
        theta = np.append(w, b)
        expected = theta - 0.5 * objective(theta, x_i[None, :], np.array([y_i]))[1]
        w, b = solution("2.1.9-perceptron-update")(x_i, y_i, w, b, 0.5)
        np.testing.assert_allclose(np.append(w, b), expected, rtol=1e-12)
        steps += not np.allclose(np.append(w, b), theta)
    assert 0 < steps < len(y)  # both branches ran


def test_hinge_subgradient_matches_hinge_objective_and_finite_differences():
    X, y = classification_data(9)
    w, b, alpha = np.array([0.4, -0.7, 0.2]), -0.1, 1.5
    theta = np.append(w, b)
    objective = LinearObjective(HingeLoss(), L2Penalty(), alpha, len(y), True)
    grad_w, grad_b = solution("2.1.9-hinge-subgradient")(X, y, w, b, alpha)
    np.testing.assert_allclose(np.append(grad_w, grad_b), len(y) * objective(theta, X, y)[1], rtol=1e-12)
    total = lambda t: len(y) * objective(t, X, y)[0]  # noqa: E731  (no margin is exactly 1 here)
    np.testing.assert_allclose(np.append(grad_w, grad_b), numerical_gradient(total, theta), rtol=1e-6)


def test_log_loss_gradient_is_the_gradient_of_scikit_learn_log_loss():
    X, y_pm = classification_data(10, n=50)
    y = (y_pm + 1) / 2
    w, b = np.array([0.3, -0.2, 0.5]), 0.2
    theta = np.append(w, b)
    total = lambda t: len(y) * sk_log_loss(y, expit(X @ t[:-1] + t[-1]))  # noqa: E731
    grad_w, grad_b = solution("2.1.10-log-loss-gradient")(X, y, w, b)
    np.testing.assert_allclose(np.append(grad_w, grad_b), numerical_gradient(total, theta), rtol=1e-6)


def test_forward_pass_matches_course_lib_network():
    from course_lib.nn import Linear, ReLU, Sequential

    rng = np.random.default_rng(10)
    net = Sequential(Linear(3, 6, random_state=0), ReLU(), Linear(6, 2, random_state=1))
    for layer in (net[0], net[2]):
        layer.params["b"] = rng.normal(size=layer.out_features)
    X = rng.normal(size=(25, 3))
    got = solution("4.1.1-forward-pass")(X, net[0].params["W"], net[0].params["b"],
                                         net[2].params["W"], net[2].params["b"])
    np.testing.assert_allclose(got, net.forward(X), rtol=1e-12)


@pytest.mark.parametrize("hidden", [(), (5,), (7, 3)])
def test_n_parameters_counts_what_scikit_learn_and_course_lib_fit(hidden):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier

    from course_lib.nn import MLPClassifier

    rng = np.random.default_rng(11)
    X, y = rng.normal(size=(30, 4)), np.arange(30) % 3
    sizes = [4, *hidden, 3]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for model in (SkMLPClassifier(hidden, max_iter=1), MLPClassifier(hidden, max_iter=1)):
            model.fit(X, y)
            count = sum(W.size + b.size for W, b in zip(model.coefs_, model.intercepts_))
            assert solution("4.1.1-n-parameters")(sizes) == count


def test_log_sigmoid_matches_scipy_and_the_log_softmax_of_zero_and_z():
    from scipy.special import log_expit

    from course_lib.nn import Sigmoid, log_softmax

    z = np.linspace(-800, 800, 161)
    got = solution("4.1.1-log-sigmoid")(z)
    np.testing.assert_allclose(got, log_expit(z), rtol=1e-12, atol=1e-300)
    # log_softmax rounds log(1 + e^-z) to 0 for large z: equal up to an absolute 1e-15
    np.testing.assert_allclose(got, log_softmax(np.column_stack([np.zeros_like(z), z]))[:, 1],
                               rtol=1e-12, atol=1e-15)
    moderate = np.linspace(-20, 20, 41)
    np.testing.assert_allclose(solution("4.1.1-log-sigmoid")(moderate),
                               np.log(Sigmoid().forward(moderate[:, None])[:, 0]), atol=1e-15)


@pytest.mark.parametrize("exercise_id", [i for i, e in EXERCISES.items() if e.score is not None])
def test_score_references_are_minimizers_by_brute_force(exercise_id):
    """Both objectives are convex and piecewise linear in c: the minimum is at a data point."""
    exercise = EXERCISES[exercise_id]
    for case in exercise.cases():
        (y,) = case.args.values()
        best = min(exercise.score(y, c) for c in y)
        assert exercise.score(y, exercise.reference(y)) == pytest.approx(best, rel=1e-12)


def test_teachers_listing():
    out = subprocess.run([sys.executable, "-m", "course_lib.exercises"], capture_output=True,
                         text=True, check=True).stdout
    assert all(exercise_id in out for exercise_id in EXERCISES)
    assert out.index("Раздел 1.1") < out.index("Раздел 2.1.4") < out.index("Раздел 2.1.6")
    assert out.index("Раздел 2.1.6") < out.index("Раздел 4.1.1")


def test_a_verdict_is_a_bool_that_a_notebook_does_not_echo():
    yes, no = Verdict(True), Verdict(False)
    assert yes and not no and yes == True and no == False  # noqa: E712
    assert repr(yes) == "True" and repr(no) == "False" and yes == Verdict(1)
    assert yes._ipython_display_() is None  # IPython shows nothing for it

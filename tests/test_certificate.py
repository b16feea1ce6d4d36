"""The stopping certificate of L-BFGS: the local quadratic model's excess (LinearObjective.quadratic_model).

L-BFGS stops when :math:`\\frac12 \\nabla^T L^{-1} \\nabla \\le` tol x the objective of the
best constant model (its yardstick; it starts at zero, as scikit-learn), with
:math:`L \\preceq H` the measured curvature (for a binary loss the Newton
decrement). The bound must be at most the older :math:`\\|\\nabla\\|^2 / (2\\mu)`, valid
for a subset of rows, and the fits it certifies must be within tol (times that
objective) of the optimum on real data of every kind: raw and standardized, weak
and strong penalties, two and ten classes.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn import linear_model as sk
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from test_solver_rules import (
    constant_objective,
    logistic_objective,
    softmax_objective,
)

from course_lib.linear import (
    LinearObjective,
    LogisticRegression,
    SoftmaxRegression,
    _second_order,
)
from course_lib.losses import get_loss
from course_lib.penalties import get_penalty

TOL = 1e-4
DATASETS = {
    "cancer": lambda: load_breast_cancer(return_X_y=True),
    "digits-binary": lambda: (load_digits().data, (load_digits().target >= 5).astype(int)),
    "digits": lambda: load_digits(return_X_y=True),
    "wine": lambda: load_wine(return_X_y=True),
    "iris": lambda: load_iris(return_X_y=True),
    # many features per sample: the check runs conjugate gradients first
    "wide": lambda: make_classification(2000, 150, n_informative=30, random_state=0),
}


def problem(name, standardize, alpha):
    X, y = DATASETS[name]()
    if standardize:
        X = StandardScaler().fit_transform(X)
    model = LogisticRegression(alpha=alpha) if len(np.unique(y)) == 2 else SoftmaxRegression(
        alpha=alpha)
    return X, y, model


@pytest.mark.parametrize("alpha", [0.005, 0.5, 50.0])
@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("name", list(DATASETS))
def test_certified_lbfgs_is_within_tol_of_the_optimum(name, standardize, alpha):
    X, y, model = problem(name, standardize, alpha)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X, y)
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    binary = isinstance(model, LogisticRegression)
    objective = logistic_objective if binary else softmax_objective
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oracle = sk.LogisticRegression(C=1 / (2 * alpha), solver="newton-cg", tol=1e-12,
                                       max_iter=10_000).fit(X, y)
    best = min(objective(oracle.coef_, oracle.intercept_, X, y, alpha),
               objective(np.asarray(model.coef_), model.intercept_, X, y, alpha))
    excess = ((objective(np.asarray(model.coef_), model.intercept_, X, y, alpha) - best)
              / constant_objective(y))
    assert warned or excess <= TOL, f"converged silently {excess:.2g} above the optimum"



@pytest.mark.parametrize("alpha", [0.01, 1.0])
@pytest.mark.parametrize("name", ["cancer", "digits-binary", "wine", "digits"])
def test_the_bound_is_at_most_the_gradient_bound_and_grows_with_fewer_rows(name, alpha):
    X, y = DATASETS[name]()
    X = StandardScaler().fit_transform(X)
    model = (LogisticRegression if len(np.unique(y)) == 2 else SoftmaxRegression)(alpha=alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_params(max_iter=5).fit(X, y)  # a point on the way, not the optimum
    captured = {}
    original = _second_order._uncertified

    def capture(objective, data, theta, value, gradient, tol, **kwargs):
        captured.update(objective=objective, data=data, theta=theta, gradient=gradient)
        return original(objective, data, theta, value, gradient, tol, **kwargs)

    _second_order._uncertified = capture
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
    finally:
        _second_order._uncertified = original
    objective, data = captured["objective"], captured["data"]
    rng = np.random.default_rng(0)
    for size in (1e-3, 1e-1):
        theta = captured["theta"] + size * rng.normal(size=captured["theta"].shape)
        gradient = objective(theta, *data)[1]
        bound, step = objective.quadratic_model(theta, gradient, *data)
        mu = objective.min_curvature(theta, *data)
        assert 0 < bound <= float(gradient @ gradient) / (2 * mu) * (1 + 1e-9)
        half = objective.quadratic_model(theta, gradient, *data, stride=2)[0]
        assert half >= bound * (1 - 1e-9)
        if objective.n_outputs is None:  # the Newton step of the exact Hessian
            hessian = _second_order.objective_hessian(objective, theta, *data)
            np.testing.assert_allclose(hessian @ step, -gradient, rtol=0,
                                       atol=1e-8 * np.abs(gradient).max())
            # the decrement: half of -gradient . step
            assert bound == pytest.approx(-0.5 * float(gradient @ step), rel=1e-8)
        else:
            assert step is None



def captured_point(model, X, y, sample_weight=None):
    """The objective, data and a point on the way of ``model``'s L-BFGS."""
    captured = {}
    original = _second_order._uncertified

    def capture(objective, data, theta, value, gradient, tol, **kwargs):
        captured.setdefault("point", (objective, data, theta))
        return original(objective, data, theta, value, gradient, tol, **kwargs)

    _second_order._uncertified = capture
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            # a point on the way, not the optimum
            model.set_params(max_iter=5).fit(X, y, sample_weight=sample_weight)
    finally:
        _second_order._uncertified = original
    return captured["point"]


@pytest.mark.parametrize("rows", [400, 100])  # also fewer rows than features
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_conjugate_gradients_bound_the_decrement_and_reach_it(fit_intercept, weighted, rows):
    X, y = DATASETS["wide"]()
    X, y = X[:rows] * np.linspace(0.5, 3.0, X.shape[1]), y[:rows]  # unequal scales
    weights = np.random.default_rng(1).uniform(0.2, 3.0, len(y)) if weighted else None
    model = LogisticRegression(alpha=0.3, fit_intercept=fit_intercept)
    objective, data, theta = captured_point(model, X, y, weights)
    assert len(data) == (3 if weighted else 2)
    gradient = objective(theta, *data)[1]
    hessian = _second_order.objective_hessian(objective, theta, *data)
    newton_step = np.linalg.solve(hessian, -gradient)
    decrement = -0.5 * float(gradient @ newton_step)  # the exact model's excess
    steps = objective.krylov_model(theta, gradient, *data)
    estimates = [item for _, item in zip(range(3 * len(theta)), steps)]
    assert len(estimates) > 3
    assert min(excess for excess, *_ in estimates) >= decrement * (1 - 1e-9)
    # from below, under each upper one (to rounding: conjugate gradients lose orthogonality)
    assert max(lower for *_, lower in estimates) <= decrement * (1 + 1e-3)
    assert all(lower <= excess * (1 + 1e-4) for excess, *_, lower in estimates)
    excess, step, line, lower = estimates[-1]
    assert lower == pytest.approx(decrement, rel=1e-6)
    assert excess == pytest.approx(decrement, rel=1e-6)
    np.testing.assert_allclose(step, newton_step, rtol=0, atol=1e-6 * np.abs(newton_step).max())
    for t in (0.5, 1.0):  # the line, from the scores: the objective itself
        assert line(t) == pytest.approx(objective(theta + t * step, *data)[0], rel=1e-12)
    assert objective.quadratic_model(theta, gradient, *data)[0] == pytest.approx(decrement, rel=1e-8)


def test_conjugate_gradients_need_a_penalty():
    X, y = DATASETS["wide"]()
    objective, data, theta = captured_point(LogisticRegression(alpha=0.0), X, y)
    gradient = objective(theta, *data)[1]
    assert list(objective.krylov_model(theta, gradient, *data)) == []


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_conjugate_gradients_reach_the_softmax_decrement(fit_intercept):
    X, y = DATASETS["wine"]()
    objective, data, theta = captured_point(
        SoftmaxRegression(alpha=0.3, fit_intercept=fit_intercept), X, y)
    gradient = objective(theta, *data)[1]
    # the Hessian by central differences of the gradient (exact for a quadratic)
    h = 1e-5
    columns = [(objective(theta + h * e, *data)[1] - objective(theta - h * e, *data)[1]) / (2 * h)
               for e in np.eye(len(theta))]
    hessian = np.array(columns)
    hessian = (hessian + hessian.T) / 2
    # adding one number to every bias changes nothing: a flat direction
    newton_step = -np.linalg.pinv(hessian, rcond=1e-10) @ gradient
    decrement = -0.5 * float(gradient @ newton_step)
    steps = objective.krylov_model(theta, gradient, *data)
    estimates = [item for _, item in zip(range(3 * len(theta)), steps)]
    assert min(excess for excess, *_ in estimates) >= decrement * (1 - 1e-6)
    # from below, under each upper one (to rounding: conjugate gradients lose orthogonality)
    assert max(lower for *_, lower in estimates) <= decrement * (1 + 1e-3)
    assert all(lower <= excess * (1 + 1e-4) for excess, *_, lower in estimates)
    excess, step, line, lower = estimates[-1]
    assert lower == pytest.approx(decrement, rel=1e-5)
    assert excess == pytest.approx(decrement, rel=1e-5)
    assert line(1.0) == pytest.approx(objective(theta + step, *data)[0], rel=1e-12)
    np.testing.assert_allclose(hessian @ step, -gradient, rtol=0,
                               atol=1e-5 * np.abs(gradient).max())
    # the cautious Gram estimate of several columns is never below it
    assert objective.quadratic_model(theta, gradient, *data)[0] >= decrement * (1 - 1e-6)


def test_wide_data_are_checked_by_conjugate_gradients(monkeypatch):
    X, y = DATASETS["wide"]()
    krylov, used = LinearObjective.krylov_model, []

    def counting(self, *args):
        for item in krylov(self, *args):
            used.append(item[0])
            yield item

    def no_gram(*args, **kwargs):
        raise AssertionError("a Gram matrix was computed where conjugate gradients suffice")

    monkeypatch.setattr(LinearObjective, "krylov_model", counting)
    monkeypatch.setattr(LinearObjective, "quadratic_model", no_gram)
    model = LogisticRegression(alpha=0.5).fit(StandardScaler().fit_transform(X), y)
    assert used and model.n_iter_ < 50


def test_a_strong_penalty_makes_the_conjugate_gradient_bound_tight():
    # the residual lies where the curvature is near mu: half of |r|^2 / mu would be too little
    X, y = DATASETS["wide"]()
    X, y = StandardScaler().fit_transform(X[:100]), y[:100]
    objective, data, theta = captured_point(LogisticRegression(alpha=100.0), X, y)
    gradient = objective(theta, *data)[1]
    hessian = _second_order.objective_hessian(objective, theta, *data)
    decrement = 0.5 * float(gradient @ np.linalg.solve(hessian, gradient))
    steps = objective.krylov_model(theta, gradient, *data)
    before, first = next(steps)[0], next(steps)[0]  # step 0: |g~|^2 / mu, before any product
    assert decrement <= first <= 1.1 * decrement and decrement <= before


@pytest.mark.parametrize("name", ["cancer", "digits", "wide"])
def test_lbfgs_never_counts_more_iterations_than_max_iter(name):
    X, y, model = problem(name, standardize=False, alpha=0.5)
    for max_iter in (3, 10, 30):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            assert model.set_params(max_iter=max_iter).fit(X, y).n_iter_ <= max_iter


def test_lbfgs_may_end_at_the_end_of_the_step_the_check_certifies(monkeypatch):
    # Wide data: the upper estimate at the point is above the allowed excess,
    # but less the decrease its step measures it is within: L-BFGS takes the
    # step and ends there (one conjugate-gradient step sooner).
    rng = np.random.default_rng(3)
    X = rng.normal(size=(800, 300))
    y = (rng.random(800) < expit(X @ (0.3 * rng.normal(size=300)) + 0.3)).astype(int)
    checks, original = [], _second_order._uncertified

    def recording(objective, data, theta, value, gradient, tol, **kwargs):
        check = original(objective, data, theta, value, gradient, tol, **kwargs)
        checks.append((objective, data, theta, value, gradient, check, kwargs))
        return check

    monkeypatch.setattr(_second_order, "_uncertified", recording)
    model = LogisticRegression(alpha=0.5).fit(X, y)
    objective, data, theta, value, gradient, check, kwargs = checks[-1]
    assert check.factor is None and check.reached is not None
    end = theta + check.step
    assert check.reached == pytest.approx(objective(end, *data)[0], rel=1e-12)
    assert model.loss_curve_[-1] == check.reached < value
    allowed = TOL * kwargs["reference"]
    upper = next(_second_order._estimates(objective, data, theta, gradient, allowed,
                                          after_step=True))[0]
    assert upper > allowed  # the point itself: not certified by this estimate
    assert upper - (value - check.reached) <= allowed
    # without a step left the same point is not certified at once
    assert original(objective, data, theta, value, gradient, TOL,
                    reference=kwargs["reference"]).reached is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oracle = sk.LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12).fit(X, y)
    ours = logistic_objective(model.coef_, model.intercept_, X, y, 0.5)
    best = min(ours, logistic_objective(oracle.coef_, oracle.intercept_, X, y, 0.5))
    assert (ours - best) / constant_objective(y) <= TOL


@pytest.mark.parametrize("name", ["wide", "digits-binary"])
def test_a_point_the_model_proves_uncertified_may_still_end_at_a_certified_step(name):
    # The optimum with its bias moved: the bias's share of the model's excess
    # alone (step 0's lower estimate) is above the allowed excess, so the point
    # itself cannot be certified; the model's step puts the bias back, and its
    # end is. (Before, L-BFGS restarted there without its memory.)
    X, y, model = problem(name, standardize=True, alpha=0.5)
    objective, data, _ = captured_point(model, X, y)  # (the model stops after 5 iterations)
    model.set_params(max_iter=100).fit(X, y)
    optimum = np.append(model.coef_.ravel(), model.intercept_)  # standardized: the solver's own
    reference = objective.constant_value(objective.initial(X.shape[1], data[1]), *data)
    allowed = TOL * reference
    # the bias's excess is about half its curvature times the shift squared: 4 x allowed
    curvature = objective.loss.curvature_floor(data[1], objective.scores(optimum, data[0]))
    theta = optimum.copy()
    theta[-1] += np.sqrt(8 * allowed / float(np.mean(curvature)))
    value, gradient = objective(theta, *data)
    first = next(_second_order._estimates(objective, data, theta, gradient, allowed))
    assert first[3] > allowed and first[1] is None  # proven uncertified: no step offered
    check = _second_order._uncertified(objective, data, theta, value, gradient, TOL,
                                       reference=reference, may_step=True)
    assert check.factor is None and check.reached is not None
    assert check.reached == pytest.approx(objective(theta + check.step, *data)[0], rel=1e-12)
    # certified within the allowed excess, and the fit itself within it of the optimum
    assert check.reached - objective(optimum, *data)[0] <= 2 * allowed
    without_step = _second_order._uncertified(objective, data, theta, value, gradient, TOL,
                                              reference=reference)
    assert without_step.factor is not None and without_step.reached is None


def test_conjugate_gradients_give_up_a_bound_that_cannot_arrive_in_time():
    # raw 3000 x 300 data: the bound fell 590 -> 29 in 7 steps (6.9e-5 allowed) and
    # 26 steps ran before the Gram matrix decided anyway
    out_of_reach = _second_order._out_of_reach
    assert out_of_reach(69.0, 102.0, 6.9e-5, 23)  # 0.68 a step: 36 steps needed
    assert not out_of_reach(102.0, 257.0, 6.9e-5, 24)  # 0.40 a step: 16 are enough
    assert not out_of_reach(3.2e-4, np.inf, 6.9e-5, 5)  # no rate yet after step 0
    assert not out_of_reach(3.0e-4, 2.0e-4, 6.9e-5, 5)  # rising (rounding): no rate


@pytest.mark.parametrize("name", list(DATASETS))
def test_lbfgs_on_standardized_data_takes_scikit_learns_steps(name):
    # From theta = 0 on standardized features L-BFGS makes scikit-learn's very
    # iterates (same objective, same coordinates, same start); the check and its
    # step can only lower the objective. From the best constant it took up to
    # two more iterations (wine: 17 against 15).
    X, y, model = problem(name, standardize=True, alpha=0.5)
    model.fit(X, y)
    reference = sk.LogisticRegression(C=1.0).fit(X, y)
    objective = logistic_objective if len(np.unique(y)) == 2 else softmax_objective
    ours = objective(np.asarray(model.coef_), model.intercept_, X, y, 0.5)
    theirs = objective(reference.coef_, reference.intercept_, X, y, 0.5)
    assert model.n_iter_ - int(np.max(reference.n_iter_)) in (0, 1)  # 1: the check's step
    assert ours <= theirs * (1 + 1e-12), (ours - theirs) / theirs


def test_steps_chasing_a_step_end_after_the_point_is_proven_uncertified_are_bounded(
        monkeypatch):
    # Raw 1 000 x 1 000 data (offsets, scales 0.1 to 100): at the first stop of
    # L-BFGS the lower estimate proves the point uncertified, and conjugate
    # gradients chased a certified step's end in vain for 363 steps (98 ms, more
    # than a Gram matrix) where L-BFGS going on took 98 iterations (38 ms). Now
    # no more steps than the solver's iterations so far; the result is the same.
    rng = np.random.default_rng(5)
    Z = rng.normal(size=(1000, 1000))
    X = Z * np.logspace(-1, 2, 1000) + 3 * rng.normal(size=1000)
    y = (rng.random(1000) < expit(Z @ (0.3 * rng.normal(size=1000)) + 0.3)).astype(int)
    checks, original = [], _second_order._uncertified

    def recording(objective, data, theta, value, gradient, tol, **kwargs):
        steps = []
        krylov = objective.krylov_model

        def counted(*args):
            for item in krylov(*args):
                steps.append(item[3])  # the lower estimate of each step
                yield item

        objective.krylov_model = counted
        try:
            check = original(objective, data, theta, value, gradient, tol, **kwargs)
        finally:
            del objective.krylov_model
        allowed = tol * kwargs["reference"]
        checks.append((kwargs["iterations"], steps, allowed, check))
        return check

    monkeypatch.setattr(_second_order, "_uncertified", recording)
    model = LogisticRegression(alpha=0.5).fit(X, y)
    iterations, steps, allowed, check = checks[0]
    assert check.factor is not None  # the first stop: not certified ...
    assert steps[-1] > allowed  # ... and proven so by the lower estimate
    assert len(steps) <= iterations + 1  # step 0 and at most one step per iteration
    assert checks[-1][3].factor is None  # certified in the end
    # the same fit without the bound: the same iterations and weights
    monkeypatch.setattr(_second_order, "_uncertified",
                        lambda *args, **kwargs: original(*args, **{**kwargs, "iterations": None}))
    unbounded = LogisticRegression(alpha=0.5).fit(X, y)
    assert model.n_iter_ == unbounded.n_iter_
    np.testing.assert_array_equal(model.coef_, unbounded.coef_)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_conjugate_gradients_on_long_rows_take_numpys_steps(fit_intercept, weighted):
    # 520 features: each product in one compiled pass, the bias's share as the target
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 520)) * np.linspace(0.5, 2.0, 520)
    y = np.where(X[:, :5].sum(axis=1) + rng.normal(size=300) > 0, 1.0, -1.0)
    data = (X, y, rng.uniform(0.2, 3.0, 300)) if weighted else (X, y)
    objective = LinearObjective(get_loss("logistic"), get_penalty("l2"), 3.0, 300, fit_intercept)
    assert objective._one_pass_loss(X) is not None
    theta = rng.normal(size=520 + fit_intercept) * 0.05
    gradient = objective(theta, *data)[1]
    one_pass = [item for _, item in zip(range(8), objective.krylov_model(theta, gradient, *data))]
    objective._one_pass_loss = lambda X: None  # numpy's two products a step
    blocks = [item for _, item in zip(range(8), objective.krylov_model(theta, gradient, *data))]
    assert len(one_pass) == len(blocks) == 8
    for (excess, step, line, lower), (excess2, step2, line2, lower2) in zip(one_pass, blocks):
        assert excess == pytest.approx(excess2, rel=1e-10)
        assert lower == pytest.approx(lower2, rel=1e-10, abs=1e-15)
        np.testing.assert_allclose(step, step2, rtol=1e-9, atol=1e-12 * np.abs(step2).max())
        assert line(1.0) == pytest.approx(line2(1.0), rel=1e-12)

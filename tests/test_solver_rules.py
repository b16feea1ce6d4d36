"""The solvers' promises (issue 25, rules 2, 8, 9) and the fast paths of the performance issue.

* A reported convergence is true: no ConvergenceWarning means the objective
  is within ``tol`` (relative to the best constant model) of the optimum.
* Default steps do not diverge, for every loss x penalty x solver.
* The perceptron's epoch is compiled but makes the book's updates, and it
  stops on data no line separates; Newton with ``tol=0`` does not spin.
"""

import time
import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from test_linear_classification import separable_data

from course_lib.linear import (
    Lasso,
    LinearObjective,
    LinearRegression,
    LogisticRegression,
    Perceptron,
    Ridge,
    SoftmaxRegression,
    _objective,
)
from course_lib.linear._data import column_sums
from course_lib.linear._objective import times
from course_lib.linear._perceptron import perceptron_epoch
from course_lib.losses import (
    LOSSES,
    PerceptronLoss,
    SoftmaxCrossEntropyLoss,
    get_loss,
)
from course_lib.optim import DivergenceError, inverse_sqrt_decay, sgd
from course_lib.penalties import get_penalty

TOL = 1e-4


def fit_recording(model, X, y):
    """Fit; return whether a ConvergenceWarning was raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    return any(issubclass(w.category, ConvergenceWarning) for w in caught)


# -- rule 2: a reported convergence is true ---------------------------------

def binary_data(kind, n=6000, d=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_t(2, size=(n, d)) if kind == "heavy" else rng.normal(size=(n, d))
    w = rng.normal(size=d) / np.sqrt(d) * 3
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, (rng.random(n) < expit(Z @ w)).astype(int)


def multiclass_data(kind, n=4000, d=20, k=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_t(2, size=(n, d)) if kind == "heavy" else rng.normal(size=(n, d))
    Z = (X - X.mean(axis=0)) / X.std(axis=0) @ rng.normal(size=(d, k))
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    return X, (P.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)


def constant_objective(y):
    """The objective of the best constant model (sum of losses, no weights): where tol is measured."""
    shares = np.bincount(y) / len(y)
    shares = shares[shares > 0]
    return -len(y) * float(shares @ np.log(shares))


def logistic_objective(coef, intercept, X, y, alpha):
    """Sum of logistic losses + alpha ||w||^2, from any coef shape."""
    coef, intercept = np.ravel(coef), float(np.ravel(intercept)[0])
    margin = (2 * y - 1) * (X @ coef + intercept)
    return float(np.logaddexp(0.0, -margin).sum() + alpha * coef @ coef)


def softmax_objective(coef, intercept, X, y, alpha):
    """Sum of cross-entropies + alpha ||W||_F^2; coef of shape (D, K) or (K, D)."""
    W = coef if coef.shape[0] == X.shape[1] else coef.T
    Z = X @ W + intercept
    log_p = Z - np.logaddexp.reduce(Z, axis=1, keepdims=True)
    return float(-log_p[np.arange(len(y)), y].sum() + alpha * np.sum(W**2))


@pytest.mark.parametrize("kind", ["normal", "heavy"])
@pytest.mark.parametrize("solver", ["lbfgs", "newton", "gd", "sgd"])
def test_logistic_silent_convergence_is_within_tol(solver, kind):
    X, y = binary_data(kind)
    alpha = 0.5
    warned = fit_recording(model := LogisticRegression(alpha=alpha, solver=solver,
                                                       random_state=0), X, y)
    oracle = sk.LogisticRegression(C=1 / (2 * alpha), tol=1e-12, max_iter=10_000).fit(X, y)
    best = logistic_objective(oracle.coef_, oracle.intercept_, X, y, alpha)
    excess = ((logistic_objective(model.coef_, model.intercept_, X, y, alpha) - best)
              / constant_objective(y))
    assert warned or excess <= TOL, f"converged silently {excess:.2g} above the optimum"


@pytest.mark.parametrize("kind", ["normal", "heavy"])
@pytest.mark.parametrize("solver", ["lbfgs", "gd", "sgd"])
def test_softmax_silent_convergence_is_within_tol(solver, kind):
    X, y = multiclass_data(kind)
    alpha = 0.5
    warned = fit_recording(model := SoftmaxRegression(alpha=alpha, solver=solver,
                                                      random_state=0), X, y)
    oracle = sk.LogisticRegression(C=1 / (2 * alpha), tol=1e-12, max_iter=10_000).fit(X, y)
    best = softmax_objective(oracle.coef_, oracle.intercept_, X, y, alpha)
    excess = (softmax_objective(np.asarray(model.coef_), model.intercept_, X, y, alpha)
              - best) / constant_objective(y)
    assert warned or excess <= TOL, f"converged silently {excess:.2g} above the optimum"


def threshold_classes(n=4000, seed=8):
    """Classes nearly separable by thresholds on features of scales 1, 10, 0.1, 1."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1, 10, 0.1, 1]
    return X, np.where(X[:, 0] > 2.3, 2, np.where(X[:, 3] > 0.5, 1, 0))


@pytest.mark.parametrize("alpha", [1e-4, 1e-3])
@pytest.mark.parametrize("binary", [False, True])
def test_lbfgs_silent_convergence_is_within_tol_of_the_objective_on_flat_problems(alpha, binary):
    # The gradient rule alone stopped 0.34 % above the optimum (alpha=1e-4).
    X, y = threshold_classes()
    if binary:
        y = (y == 1).astype(int)
    estimator, objective = ((LogisticRegression, logistic_objective) if binary
                            else (SoftmaxRegression, softmax_objective))
    warned = fit_recording(model := estimator(alpha=alpha), X, y)
    oracle = sk.LogisticRegression(C=1 / (2 * alpha), solver="newton-cg", tol=1e-10,
                                   max_iter=10_000).fit(X, y)
    best = objective(oracle.coef_, oracle.intercept_, X, y, alpha)
    excess = ((objective(np.asarray(model.coef_), model.intercept_, X, y, alpha) - best)
              / constant_objective(y))
    assert warned or excess <= TOL, f"converged silently {excess:.2g} above the optimum"


def separated_classes(scale):
    """Classes with an empty band between them (as in the classification tests), X * scale."""
    X, y = separable_data(gap=2.0)
    return X * scale, y


@pytest.mark.parametrize("alpha", [1e-6, 1e-4, 1e-2])
@pytest.mark.parametrize("scale", [1.0, 1e3])
@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_second_order_silent_convergence_on_separated_classes(solver, scale, alpha):
    # Newton's gradient rule alone stopped at 0.023 with the optimum at 2e-10
    # (alpha=1e-6, scale 1e3); L-BFGS stalled 7 % above it, silently.
    X, y = separated_classes(scale)
    warned = fit_recording(model := LogisticRegression(alpha=alpha, solver=solver), X, y)
    oracle = sk.LogisticRegression(C=1 / (2 * alpha), solver="newton-cg", tol=1e-14,
                                   max_iter=10_000).fit(X, y)
    tight = LogisticRegression(alpha=alpha, solver="newton", tol=0.0).fit(X, y)
    best = min(logistic_objective(m.coef_, m.intercept_, X, y, alpha) for m in (oracle, tight))
    # each solver's documented yardstick: Newton the objective, L-BFGS the best constant's
    yardstick = best if solver == "newton" else constant_objective(y)
    excess = (logistic_objective(model.coef_, model.intercept_, X, y, alpha) - best) / yardstick
    assert warned or excess <= TOL, f"converged silently {excess:.2g} above the optimum"


@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_no_minimum_is_never_reported_as_converged(solver):
    X, y = separated_classes(1.0)
    with pytest.warns(ConvergenceWarning, match="no minimum"):
        LogisticRegression(alpha=0.0, solver=solver).fit(X, y)


@pytest.mark.parametrize("seed", [5, 6, 7])
@pytest.mark.parametrize("estimator", [LinearRegression, Ridge])
def test_huber_gd_silent_convergence_is_within_its_bound(estimator, seed):
    # Most residuals beyond delta: the objective is far flatter than the squared
    # loss's, and a curvature of 1 everywhere stopped 16 times outside the bound.
    from scipy.optimize import minimize

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(400, 3)) * [1, 10, 0.1]
    y = X @ [3, -0.2, 40] + 5 + rng.standard_t(2, size=400) * 50
    alpha = 0.0 if estimator is LinearRegression else 1.0

    def objective(theta):
        r = np.abs(y - X @ theta[:-1] - theta[-1])
        return float(np.where(r <= 1, 0.5 * r * r, r - 0.5).sum() + alpha * theta[:-1] @ theta[:-1])

    kwargs = {} if estimator is LinearRegression else {"alpha": alpha}
    warned = fit_recording(model := estimator(loss="huber", solver="gd", **kwargs), X, y)
    best = minimize(objective, np.r_[0, 0, 0, np.median(y)], method="L-BFGS-B",
                    options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 10_000}).fun
    start = min(objective(np.r_[0, 0, 0, c]) for c in np.linspace(y.min(), y.max(), 4001))
    excess = (objective(np.r_[model.coef_, model.intercept_]) - best) / start
    assert warned or excess <= TOL / 4, f"converged silently {excess:.2g} above the optimum"


@pytest.mark.parametrize("alpha", [1.0, 1e3])
@pytest.mark.parametrize("seed", [8, 9])
def test_lasso_cd_silent_convergence_is_within_tol_of_the_objective(alpha, seed):
    # A gap below tol * ||y - mean y||^2 says little when R^2 ~ 1: 17 % above the optimum.
    rng = np.random.default_rng(seed)
    X = rng.standard_t(2, size=(3000, 8)) * np.logspace(-3, 2, 8)
    y = X @ rng.normal(size=8) * 10 + 1000 + rng.normal(size=3000) * 5

    def objective(m):
        return float(np.sum((y - X @ m.coef_ - m.intercept_) ** 2) + alpha * np.abs(m.coef_).sum())

    warned = fit_recording(model := Lasso(alpha=alpha, solver="cd"), X, y)
    best = objective(Lasso(alpha=alpha, solver="cd", tol=1e-12, max_iter=100_000).fit(X, y))
    assert warned or objective(model) - best <= TOL * best, (objective(model), best)


@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_rare_positives_are_not_left_at_the_start(solver):
    """5 positives in 50 000: the first gradient is tiny, yet the start is not the optimum."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50_000, 4))
    y = np.zeros(50_000, dtype=int)
    y[rng.choice(50_000, 5, replace=False)] = 1
    X[y == 1] += 2.0
    alpha = 1e-3
    model = LogisticRegression(alpha=alpha, solver=solver)
    assert not fit_recording(model, X, y)
    oracle = sk.LogisticRegression(C=1 / (2 * alpha), tol=1e-12, max_iter=10_000).fit(X, y)
    ours, theirs = model.predict_proba(X)[:, 1], oracle.predict_proba(X)[:, 1]
    np.testing.assert_allclose(ours[y == 1], theirs[y == 1], rtol=0.05)


# -- rule 8: default steps do not diverge -------------------------------------

def _regression_sets():
    rng = np.random.default_rng(0)
    X_small = rng.normal(size=(50, 3))
    X_units = rng.normal(size=(200, 4)) * [1e3, 1e-3, 1, 10] + 5
    return {
        "small, y near 100": (X_small, 100 + X_small @ [1.0, 2.0, 3.0] + rng.normal(size=50)),
        "diabetes": load_diabetes(return_X_y=True),
        "mixed units, t noise": (X_units, X_units @ [1e-3, 1e3, 1, 0.1]
                                 + rng.standard_t(3, size=200)),
    }


REGRESSION_SETS = _regression_sets()


@pytest.mark.parametrize("data", REGRESSION_SETS)
@pytest.mark.parametrize("solver", ["gd", "sgd"])
@pytest.mark.parametrize("loss", ["squared", "absolute", "huber", "mape"])
@pytest.mark.parametrize("estimator", [LinearRegression, Ridge, Lasso])
def test_default_step_never_diverges(estimator, loss, solver, data):
    X, y = REGRESSION_SETS[data]
    model = estimator(loss=loss, solver=solver, random_state=0)
    try:
        fit_recording(model, X, y)
    except DivergenceError as error:  # pragma: no cover - the failure being tested
        pytest.fail(f"the default step diverged: {error}")
    assert np.all(np.isfinite(model.coef_))
    constant = get_loss(loss).value(y, np.full_like(y, get_loss(loss).baseline(y))).mean()
    assert get_loss(loss).value(y, model.predict(X)).mean() <= 2 * constant


# -- rule 9 and the compiled perceptron ---------------------------------------

def reference_epoch(objective, X, y, weight, order, theta, batch_size, learning_rate):
    """The book's update, batch by batch in numpy (the loop before it was compiled)."""
    theta = theta.copy()
    for start in range(0, len(y), batch_size):
        rows = order[start:start + batch_size]
        w, b = objective.split(theta)
        wrong = (y[rows] * (X[rows] @ w + b) <= 0) & (weight[rows] > 0)
        if objective.penalty_scale or wrong.any():
            theta -= learning_rate * objective(theta, X[rows], y[rows], weight[rows])[1]
    return theta


@pytest.mark.parametrize("batch_size", [1, 7])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_compiled_perceptron_epoch_makes_the_books_updates(batch_size, alpha, fit_intercept):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 3)), np.sign(rng.normal(size=200))
    weight, order = rng.uniform(0, 2, size=200), rng.permutation(200)
    weight[:10] = 0.0
    scale = np.array([1.0, 2.0, 0.5])
    objective = LinearObjective(PerceptronLoss(), get_penalty("l2") if alpha else None, alpha,
                                200.0, fit_intercept, scale=scale)
    theta0 = rng.normal(size=3 + fit_intercept)
    expected = reference_epoch(objective, X, y, weight, order, theta0, batch_size, 0.7)
    theta = np.append(theta0, 0.0) if not fit_intercept else theta0.copy()
    shrink = np.full(3, 2 * alpha / 200) / scale**2
    errors, loss = perceptron_epoch(X, y, weight, order, theta, batch_size, 0.7, shrink,
                                    fit_intercept)
    np.testing.assert_allclose(theta[: len(expected)], expected, rtol=1e-12, atol=1e-12)
    # the pocket's count and the loss of the weights after the pass
    end = theta[: len(expected)]
    w, b = objective.split(end)
    margin = y * (X @ w + b)
    assert errors == np.count_nonzero((margin <= 0) & (weight > 0))
    value = loss / len(y) + objective.penalty_share(end)
    assert value == pytest.approx(objective(end, X, y, weight)[0], rel=1e-12)


def test_perceptron_stops_on_overlapping_classes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 5))
    y = (X[:, 0] + rng.normal(size=20_000) > 0).astype(int)
    start = time.perf_counter()
    with pytest.warns(ConvergenceWarning, match="n_iter_no_change=5"):
        model = Perceptron(solver="sgd", random_state=0).fit(X, y)
    assert model.n_iter_ < 100 and time.perf_counter() - start < 30
    assert model.errors_ < 0.4 * len(y)


def test_newton_with_zero_tol_stops_at_rounding_level():
    X, y = binary_data("normal", n=2000, d=5)
    model = LogisticRegression(solver="newton", tol=0.0).fit(X, y)
    reference = LogisticRegression(solver="newton", tol=1e-12).fit(X, y)
    assert model.n_iter_ < 30
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-10)


# -- the fused loss evaluation ----------------------------------------------

@pytest.mark.parametrize("loss", [get_loss(name) for name in sorted(LOSSES)]
                         + [SoftmaxCrossEntropyLoss(3)], ids=repr)
def test_value_and_gradient_equal_value_and_gradient(loss):
    rng = np.random.default_rng(0)
    if isinstance(loss, SoftmaxCrossEntropyLoss):
        y, z = rng.integers(0, 3, size=50), rng.normal(size=(50, 3)) * 30
    elif loss.name in ("perceptron", "hinge", "logistic", "misclassification"):
        y, z = np.sign(rng.normal(size=50)), rng.normal(size=50) * 30
        z[:3] = [0.0, 800.0, -800.0]
    else:
        y, z = rng.uniform(1, 5, size=50), rng.normal(size=50) * 3
    try:
        expected = loss.value(y, z), loss.gradient(y, z)
    except (NotImplementedError, ValueError):
        pytest.skip(f"{loss!r} has no gradient")
    value, gradient = loss.value_and_gradient(y, z)
    np.testing.assert_allclose(value, expected[0], rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(gradient, expected[1], rtol=1e-13, atol=1e-300)


#: One loss of each kind the core's objective takes: residual, margin, K score columns.
OBJECTIVE_LOSSES = [get_loss("squared"), get_loss("logistic"), SoftmaxCrossEntropyLoss(3)]


def target_for(loss, rng, n):
    """``n`` targets the loss takes: real numbers, labels -1/+1 or classes 0..2."""
    return {"squared": rng.normal(size=n), "logistic": rng.choice([-1.0, 1.0], n)}.get(
        loss.name, rng.integers(0, 3, size=n).astype(float))


@pytest.mark.parametrize("loss", OBJECTIVE_LOSSES, ids=repr)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_objective_by_blocks_of_rows_equals_the_formula(loss, fit_intercept):
    # X is read in blocks of rows (one pass from memory): 2.5 blocks, weights, scales,
    # against the formula on all rows at once.
    from course_lib.linear._objective import block_rows

    rng = np.random.default_rng(1)
    n_features, k = 7, getattr(loss, "n_outputs", None)
    n = int(2.5 * block_rows(np.empty((1, n_features))))
    X = rng.normal(size=(n, n_features)) * [1, 2, 3, 0.1, 5, 1, 1]
    y = target_for(loss, rng, n)
    weights = rng.uniform(0.0, 2.0, size=n)
    scale = rng.uniform(0.5, 2.0, size=n_features)
    objective = LinearObjective(loss, get_penalty("l2"), 3.0, float(weights.sum()),
                                fit_intercept, scale=scale)
    theta = rng.normal(size=n_features * (k or 1) + fit_intercept * (k or 1))
    for w in (None, weights):
        value, gradient = objective(theta, X, y, w)
        u, b = objective.split(theta)
        z = X @ u + b
        s = np.ones(n) if w is None else w
        shape = (-1, 1) if k else (-1,)
        expected_value = (s * loss.value(y, z)).mean() + objective.penalty_share(theta)
        dz = s.reshape(shape) * loss.gradient(y, z)
        s_column = scale.reshape((-1,) + shape[1:])
        expected_w = (X.T @ dz / n + 2 * 3.0 / weights.sum() * u / s_column**2).ravel()
        expected = np.append(expected_w, dz.sum(axis=0) / n) if fit_intercept else expected_w
        assert value == pytest.approx(expected_value, rel=1e-13)
        np.testing.assert_allclose(gradient, expected, rtol=1e-11, atol=1e-14)


def test_an_early_unconverged_stop_does_not_blame_max_iter():
    # MAPE + L1 on diabetes: the subgradient iterates end above the start after
    # 20 iterations; "stopped at max_iter=1000" sent the reader the wrong way.
    X, y = load_diabetes(return_X_y=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = Lasso(loss="mape").fit(X, y)
    messages = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert model.n_iter_ < model.max_iter and len(messages) == 1
    assert "max_iter" not in messages[0] and "above its starting value" in messages[0]


# -- the step limit of SGD, checked only where it can bind --------------------

def test_smallest_safe_step_is_the_heaviest_rows_and_bounds_every_batch():
    rng = np.random.default_rng(0)
    X, weight = rng.standard_t(2, size=(300, 4)), rng.uniform(0.1, 3.0, size=300)
    objective = LinearObjective(get_loss("logistic"), get_penalty("l2"), alpha=1.0,
                                n_samples=300, fit_intercept=True)
    floor = objective.smallest_safe_step(X, weight)
    heaviest = int(np.argmax(weight * (np.sum(X**2, axis=1) + 1)))
    curvature = 0.25 * weight[heaviest] * (X[heaviest] @ X[heaviest] + 1) + 2 / 300
    assert floor == pytest.approx(1 / curvature, rel=1e-12)
    for size in (1, 2, 7, 32):
        for _ in range(50):
            rows = rng.choice(300, size=size, replace=False)
            assert objective.safe_step(X[rows], None, weight[rows]) >= floor * (1 - 1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_batch_smoothness_is_gowers_constant_of_b_nice_sampling(weighted):
    # L_B bounds E_S[H_S^2] <= L_B H for the squared loss, H_S the Hessian of
    # the mean objective on B rows drawn without replacement (exactly: pairs
    # of rows are in S with probability B(B-1)/(N(N-1))); B = 1 and B = N are its ends.
    rng = np.random.default_rng(3)
    n, d = 12, 3
    X = rng.standard_t(3, size=(n, d))
    weight = rng.uniform(0.2, 3.0, size=n) if weighted else None
    objective = LinearObjective(get_loss("squared"), get_penalty("l2"), alpha=0.7,
                                n_samples=n, fit_intercept=True)
    A, v = np.column_stack([X, np.ones(n)]), np.ones(n) if weight is None else weight
    penalty = np.diag(np.append(objective.penalty_diagonal(d), 0.0))  # not on the bias
    rows = [2 * v[i] * np.outer(A[i], A[i]) + penalty for i in range(n)]
    hessian = sum(rows) / n
    top = float(np.linalg.eigvalsh(A.T @ (v[:, None] * A) / n)[-1])
    # the rows' and the whole's smoothness as bounds: loss part + the penalty's largest
    heaviest = 2 * float(np.max(v * np.sum(A**2, axis=1))) + penalty.max()
    whole = 2 * top + penalty.max()
    inverse_root = np.linalg.inv(np.linalg.cholesky(hessian))
    for batch in range(1, n + 1):
        constant = objective.batch_smoothness(top, X, weight, batch)
        pairs = sum(rows[i] @ rows[j] for i in range(n) for j in range(n) if i != j)
        second = (sum(h @ h for h in rows) * batch / n
                  + pairs * batch * (batch - 1) / (n * (n - 1))) / batch**2
        needed = np.linalg.eigvalsh(inverse_root @ second @ inverse_root.T)[-1]
        assert needed <= constant * (1 + 1e-12)
        share = (n - batch) / (batch * (n - 1))
        assert constant == pytest.approx((1 - share) * whole + share * heaviest, rel=1e-12)
    assert objective.batch_smoothness(top, X, weight, 1) == pytest.approx(heaviest, rel=1e-12)
    assert objective.batch_smoothness(top, X, weight, n) == pytest.approx(whole, rel=1e-12)


def test_sgd_auto_step_is_one_over_twice_the_batch_smoothness(monkeypatch):
    # digits: standardized rare pixels make long rows, so 1/(2 L_B) is below the
    # cap 0.01; L_B computed here from its formula in the solver's coordinates.
    from sklearn.datasets import load_digits

    from course_lib.linear import _base

    X, y = load_digits(return_X_y=True)
    first_steps = []

    def recording(*args, learning_rate, **kwargs):
        first_steps.append(learning_rate(0))
        return sgd(*args, learning_rate=learning_rate, **kwargs)

    monkeypatch.setattr(_base, "sgd", recording)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        LinearRegression(solver="sgd", max_iter=2, random_state=0).fit(X, y)
    spread = X.std(axis=0)
    A = np.column_stack([(X - X.mean(axis=0)) / np.where(spread > 0, spread, 1.0),
                         np.ones(len(X))])
    n, batch = len(X), 32
    whole = 2 * np.linalg.eigvalsh(A.T @ A / n)[-1]
    heaviest = 2 * np.max(np.sum(A**2, axis=1))
    share = (n - batch) / (batch * (n - 1))
    smoothness = (1 - share) * whole + share * heaviest
    assert 1 / (2 * smoothness) < 0.01  # the cap does not decide here
    assert first_steps == [pytest.approx(1 / (2 * smoothness), rel=1e-9)]


def test_sgd_on_wide_data_takes_the_step_of_a_batch_not_of_its_rows_summed():
    # 400 standardized features, B = 32: the mean curvature of a row (the trace
    # bound, 1/(D + 1) per unit of loss curvature) is ~12 times 2 L_B of 32
    # nearly orthogonal rows; with a step from it (and per-batch cuts) 50
    # epochs ended 3.25 points of training accuracy below scikit-learn's
    # SGDClassifier, at 8.3 times the optimum's objective (now 2.6: the cap 0.08).
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 400))
    y = (rng.random(400) < expit(X @ (0.3 * rng.normal(size=400)))).astype(int)
    optimum = LogisticRegression(alpha=0.5, tol=1e-8).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = LogisticRegression(alpha=0.5, solver="sgd", max_iter=50, tol=0,
                                  random_state=0).fit(X, y)
    theirs = sk.SGDClassifier(loss="log_loss", alpha=1 / 400, max_iter=50, tol=None,
                              random_state=0).fit(X, y)
    assert theirs.score(X, y) - ours.score(X, y) <= 0.01

    def objective(model):
        coef = np.ravel(model.coef_)
        margins = (2 * y - 1) * (X @ coef + np.ravel(model.intercept_)[0])
        return np.logaddexp(0.0, -margins).sum() + 0.5 * coef @ coef

    assert objective(ours) < 3.0 * objective(optimum)


@pytest.mark.parametrize("weighted", [False, True])
def test_skipping_the_step_check_where_it_cannot_bind_changes_no_iterate(weighted):
    X, y = binary_data("normal", n=1500, d=5)
    X[0] = 4.5  # a long row: it cuts the first steps, and its safe step is the floor
    weight = np.random.default_rng(1).uniform(0.2, 2.0, size=len(y)) if weighted else None
    data = (X, 2.0 * y - 1) if weight is None else (X, 2.0 * y - 1, weight)
    objective = LinearObjective(get_loss("logistic"), get_penalty("l2"), alpha=1.0,
                                n_samples=len(y), fit_intercept=True)
    cuts = []

    def recording(*batch):
        cuts.append(objective.safe_step(*batch))
        return cuts[-1]

    def run(**limit):  # the Python loop: the compiled one is checked against it elsewhere
        return sgd(objective, np.zeros(6), data, learning_rate=inverse_sqrt_decay(0.08),
                   batch_size=1, max_epochs=6, tol=None, random_state=0,
                   prox=lambda x, step: x, **limit).x

    skipping = run(step_limit=recording, always_safe=objective.smallest_safe_step(X, weight))
    n_skipping = len(cuts)
    checking = run(step_limit=recording, always_safe=0.0)
    assert n_skipping < 0.9 * (len(cuts) - n_skipping)  # steps below the floor: no check
    np.testing.assert_array_equal(skipping, checking)
    assert min(cuts) < 0.08  # the first epoch's step: some batches cut it


@pytest.mark.parametrize("n", [8, 256, 257, 5000])
def test_logistic_value_and_gradient_agree_on_minibatches_and_full_batches(n):
    # Two spellings (fewest calls for minibatches, exp/log1p for many rows): one answer.
    rng = np.random.default_rng(n)
    loss = get_loss("logistic")
    y = rng.choice([-1.0, 1.0], n)
    z = np.concatenate([[-800.0, -40.0, 0.0, 40.0, 800.0], rng.normal(size=n - 5) * 30])
    value, gradient = loss.value_and_gradient(y, z)
    np.testing.assert_allclose(value, np.logaddexp(0.0, -y * z), rtol=1e-15, atol=0)
    np.testing.assert_allclose(gradient, -y * expit(-y * z), rtol=1e-15, atol=0)


def test_lbfgs_refinement_asks_for_less_than_the_gradient_it_has():
    # The restart tightened the previous gtol, not the current gradient: scipy
    # returned at once (nit=0), the unchanged gradient read as "stalled", and a fit
    # 6e-6 above the optimum warned that it could not certify tol=1e-4.
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    y = (y == 2).astype(int)
    warned = fit_recording(model := LogisticRegression(alpha=1e-4), X, y)
    oracle = sk.LogisticRegression(C=1 / 2e-4, solver="newton-cholesky", tol=1e-14,
                                   max_iter=1000).fit(X, y)
    best = logistic_objective(oracle.coef_, oracle.intercept_, X, y, 1e-4)
    excess = ((logistic_objective(model.coef_, model.intercept_, X, y, 1e-4) - best)
              / constant_objective(y))
    assert not warned and excess <= TOL, (warned, excess)


# -- L-BFGS starts where scikit-learn's does ---------------------------------

@pytest.mark.parametrize("loss", OBJECTIVE_LOSSES, ids=repr)
@pytest.mark.parametrize("weighted", [False, True])
def test_constant_value_is_the_objective_at_zero_weights(loss, weighted):
    # The yardstick of L-BFGS's check without a product with X: the same number.
    rng = np.random.default_rng(4)
    n, k = 300, getattr(loss, "n_outputs", None)
    X = rng.normal(size=(n, 5)) * 3 + 1
    y = target_for(loss, rng, n)
    weights = rng.uniform(0.0, 2.0, size=n) if weighted else None
    objective = LinearObjective(loss, get_penalty("l2"), 2.0, float(n), True,
                                scale=rng.uniform(0.5, 2.0, size=5))
    theta = np.zeros(6 * (k or 1))
    theta[-(k or 1):] = rng.normal(size=k or 1)  # the bias alone
    data = (X, y) if weights is None else (X, y, weights)
    assert objective.constant_value(theta, *data) == pytest.approx(
        objective(theta, *data)[0], rel=1e-13)
    theta[0] = 0.5
    with pytest.raises(ValueError, match="zero weights"):
        objective.constant_value(theta, *data)


@pytest.mark.parametrize("columns", [None, 3])
def test_zero_weights_score_without_a_product(columns):
    # L-BFGS starts at theta = 0: its first scores are the bias alone
    X = np.random.default_rng(5).normal(size=(7, 4))
    V = np.zeros(4) if columns is None else np.zeros((4, columns))
    scores = times(X, V)
    assert scores.shape == (X @ V).shape and not scores.any()
    V[1] = 2.0
    np.testing.assert_allclose(times(X, V), X @ V, rtol=1e-15)


@pytest.mark.parametrize("loss", OBJECTIVE_LOSSES, ids=repr)
@pytest.mark.parametrize("n", [50, 600])  # 600: three blocks of rows
def test_the_objective_remembers_the_scores_of_its_last_point_only(loss, n, monkeypatch):
    # The check after L-BFGS starts from the scores of the last evaluation
    # (one product with X fewer): never from those of another point or data.
    monkeypatch.setattr(_objective, "_BLOCK_BYTES", 1)  # blocks of 256 rows
    rng = np.random.default_rng(6)
    k = getattr(loss, "n_outputs", None) or 1
    X, y = rng.normal(size=(n, 4)), target_for(loss, rng, n)
    objective = LinearObjective(loss, get_penalty("l2"), 1.0, float(n), True)
    W, b = rng.normal(size=(4, k)), rng.normal(size=k)
    theta = np.append(W.ravel(), b)
    expected = (X @ W + b)[:, 0] if k == 1 else X @ W + b
    objective(theta, X, y)
    products = []
    monkeypatch.setattr(_objective, "times", lambda *args: products.append(args) or X @ W)
    np.testing.assert_allclose(objective.scores(theta, X), expected, rtol=1e-13)
    assert not products  # remembered
    objective.scores(theta, X.copy())
    assert len(products) == 1  # other data: computed
    monkeypatch.undo()
    moved = theta.copy()
    moved[0] += 1.0
    shifted = expected + np.outer(X[:, 0], np.eye(k)[0]).reshape(expected.shape)
    np.testing.assert_allclose(objective.scores(moved, X), shifted, rtol=1e-13)
    theta[0] += 1.0  # the caller's array changed in place: not the remembered point
    np.testing.assert_allclose(objective.scores(theta, X), shifted, rtol=1e-13)


def test_the_gram_check_starts_from_the_remembered_scores(monkeypatch):
    # all rows: the scores of the last evaluation; every k-th row: a product
    rng = np.random.default_rng(8)
    X, y = rng.normal(size=(300, 4)), rng.choice([-1.0, 1.0], 300)
    objective = LinearObjective(get_loss("logistic"), get_penalty("l2"), 1.0, 300.0, True)
    theta = 0.1 * rng.normal(size=5)
    gradient = objective(theta, X, y)[1]
    products, original = [], _objective.times
    monkeypatch.setattr(_objective, "times", lambda *args: products.append(args) or original(*args))
    objective.quadratic_model(theta, gradient, X, y)
    assert not products
    objective.quadratic_model(theta, gradient, X, y, stride=3)
    assert len(products) == 1


@pytest.mark.parametrize("layout", ["C", "F", "strided", "one column"])
@pytest.mark.parametrize("weighted", [False, True])
def test_column_sums_in_every_layout(layout, weighted):
    # one compiled pass over C-ordered rows, numpy for the rest: the same sums
    rng = np.random.default_rng(7)
    X = rng.normal(size=(301, 6)) * 3 + 1
    X = {"C": X, "F": np.asfortranarray(X), "strided": X[:, ::2],
         "one column": X[:, :1]}[layout]
    weights = rng.uniform(0.0, 2.0, size=len(X)) if weighted else None
    v = np.ones(len(X)) if weights is None else weights
    for shift in (None, X.mean(axis=0) + 0.1):  # about the mean, where the second sum keeps digits
        sums, squares = column_sums(X, weights, shift)
        centred = X if shift is None else X - shift
        np.testing.assert_allclose(sums, v @ centred, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(squares, v @ centred**2, rtol=1e-12)

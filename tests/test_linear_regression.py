"""Tests of course_lib.linear regressors against scikit-learn and the book's claims."""

import warnings

import numpy as np
import pytest
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from course_lib.linear import Lasso, LinearRegression, Ridge
from course_lib.optim import DivergenceError

ITERATIVE = ("gd", "sgd")


def make_data(n=500, d=6, noise=0.5, correlation=0.1, intercept=3.0, seed=0):
    """Standardized, mildly correlated features; y = Xw + b + noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) @ (np.eye(d) + correlation * rng.normal(size=(d, d)))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w = rng.normal(size=d)
    return X, X @ w + intercept + noise * rng.normal(size=n)


def mse(model, X, y):
    return float(np.mean((model.predict(X) - y) ** 2))


# -- scikit-learn's estimator contract, every solver ------------------------
def expected_failures(estimator):
    """Checks that test a property the solver does not claim, with the reason."""
    if estimator.solver == "normal" and not getattr(estimator, "alpha", 0):
        return {"check_sample_weight_equivalence_on_dense_data":
                "15 x 30 data: X^T X is singular and solver='normal' refuses it"}
    return {}


@parametrize_with_checks(
    [LinearRegression(solver=s) for s in ("auto", "lstsq", "normal", "gd", "sgd")]
    + [Ridge(solver=s) for s in ("auto", "normal", "lstsq", "gd", "sgd")]
    + [Lasso(solver=s) for s in ("auto", "gd", "sgd")]
    + [LinearRegression(solver="gd", loss="huber"), LinearRegression(solver="sgd", loss="absolute"),
       LinearRegression(loss="absolute")],
    expected_failed_checks=expected_failures,
)
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # ConvergenceWarning on tiny data
        check(estimator)


# -- agreement with scikit-learn ----------------------------------------------
# Tolerances: direct solvers agree to rounding; gd to its stopping rule; sgd
# carries minibatch noise. Coefficients are O(1), so atol is relative too.
TOLERANCE = {"lstsq": 1e-9, "normal": 1e-9, "cd": 1e-3, "gd": 2e-3, "sgd": 5e-2}


@pytest.mark.parametrize("solver", ["lstsq", "normal", "gd", "sgd"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression_matches_sklearn(solver, fit_intercept):
    X, y = make_data()
    ours = LinearRegression(solver=solver, fit_intercept=fit_intercept, random_state=0).fit(X, y)
    ref = sk.LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=TOLERANCE[solver])
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=TOLERANCE[solver])


@pytest.mark.parametrize("solver", ["normal", "lstsq", "gd", "sgd"])
@pytest.mark.parametrize("alpha", [0.1, 50.0])
def test_ridge_matches_sklearn(solver, alpha):
    X, y = make_data()
    ours = Ridge(alpha=alpha, solver=solver, random_state=0).fit(X, y)
    ref = sk.Ridge(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=TOLERANCE[solver])
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=TOLERANCE[solver])


@pytest.mark.parametrize("solver", ["cd", "gd", "sgd"])
def test_lasso_matches_sklearn_with_alpha_over_2n(solver):
    X, y = make_data(d=10)
    X[:, 5:] = np.random.default_rng(1).normal(size=(len(y), 5))  # 5 useless features
    alpha = 150.0
    ours = Lasso(alpha=alpha, solver=solver, tol=1e-6, random_state=0).fit(X, y)
    ref = sk.Lasso(alpha=alpha / (2 * len(y)), tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=TOLERANCE[solver])
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=TOLERANCE[solver])
    if solver != "sgd":  # cd and proximal gd give exact zeros where sklearn has them
        np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
        assert np.count_nonzero(ours.coef_ == 0) >= 3


def test_lasso_default_tol_objective_close_to_sklearn():
    X, y = make_data(n=2000, d=20)
    alpha, n = 100.0, len(y)

    def objective(model):
        return np.sum((y - model.predict(X)) ** 2) + alpha * np.abs(model.coef_).sum()

    ours, ref = Lasso(alpha=alpha).fit(X, y), sk.Lasso(alpha=alpha / (2 * n)).fit(X, y)
    # The duality-gap rule bounds the excess by tol * ||y - mean y||^2.
    assert objective(ours) <= objective(ref) + 1e-4 * np.sum((y - y.mean()) ** 2)


@pytest.mark.parametrize("solver, atol", [("gd", 0.01), ("sgd", 0.1)])
def test_absolute_loss_matches_quantile_regressor(solver, atol):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 5))
    y = X @ rng.normal(size=5) + 3.0 + rng.laplace(size=1000)
    ours = LinearRegression(solver=solver, loss="absolute", random_state=0).fit(X, y)
    ref = sk.QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=atol)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=atol)


def test_mape_loss_is_weighted_median_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 3))
    y = np.exp(0.3 * X @ np.array([1.0, -1.0, 0.5])) * 10  # positive, skewed targets
    ours = LinearRegression(solver="gd", loss="mape").fit(X, y)
    ref = sk.QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs")
    ref.fit(X, y, sample_weight=1.0 / np.abs(y))

    def mape(model):
        return np.mean(np.abs(model.predict(X) - y) / y)

    assert mape(ours) <= mape(ref) * 1.001
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=0.05)


def test_huber_loss_reaches_the_optimum_of_its_objective():
    from scipy.optimize import minimize

    from course_lib.losses import HuberLoss

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = X @ np.array([1.0, 2.0, -1.0]) + rng.standard_t(df=2, size=400)
    ours = LinearRegression(solver="gd", loss="huber", tol=1e-8).fit(X, y)
    loss = HuberLoss()

    def objective(theta):
        return loss.value(y, X @ theta[:3] + theta[3]).mean()

    ref = minimize(objective, np.zeros(4), method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(np.append(ours.coef_, ours.intercept_), ref.x, atol=1e-3)


# -- the book's claims --------------------------------------------------------
@pytest.mark.parametrize(
    "estimator",
    [LinearRegression(solver="gd"), LinearRegression(solver="sgd", random_state=0)],
    ids=["gd", "sgd"],
)
def test_defaults_reach_least_squares_mse_within_one_percent(estimator):
    X, y = make_data(n=5000, d=20)
    best = mse(sk.LinearRegression().fit(X, y), X, y)
    estimator.fit(X, y)
    assert mse(estimator, X, y) <= 1.01 * best
    assert estimator.n_iter_ == len(estimator.loss_curve_) < estimator.max_iter
    assert estimator.loss_curve_[-1] < estimator.loss_curve_[0]


@pytest.mark.parametrize("solver", ["gd", "sgd"])
def test_divergence_raises_instead_of_returning_nan(solver):
    X, y = make_data()
    model = LinearRegression(solver=solver, learning_rate=10.0, random_state=0)
    with pytest.raises(DivergenceError, match="learning rate .* too large"):
        model.fit(X * 100, y)
    assert not hasattr(model, "coef_")


def test_moderately_too_large_step_is_a_divergence_not_a_fit():
    # lr = 0.5 on standardized diabetes: the objective grows ~20x per step, so
    # it is still far below the blow-up limit when the stopping rule fires.
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = LinearRegression(solver="gd", learning_rate=0.5)
    with pytest.raises(DivergenceError, match="diverged at iteration"):
        model.fit(X, y)
    assert not hasattr(model, "coef_")


def test_collinear_features_lstsq_minimum_norm_and_normal_refuses():
    X, y = make_data(d=4)
    X = np.column_stack([X, X[:, 0] + X[:, 1], 2 * X[:, 2]])  # rank 4 of 6 columns
    ours = LinearRegression(solver="lstsq").fit(X, y)
    Xc = X - X.mean(axis=0)
    np.testing.assert_allclose(ours.coef_, np.linalg.pinv(Xc) @ (y - y.mean()), atol=1e-9)
    np.testing.assert_allclose(ours.coef_, sk.LinearRegression().fit(X, y).coef_, atol=1e-9)
    with pytest.raises(ValueError, match="singular.*solver='lstsq'.*Ridge"):
        LinearRegression(solver="normal").fit(X, y)
    with pytest.raises(ValueError, match="n_samples=3, n_features=6"):  # wide X
        LinearRegression(solver="normal").fit(X[:3], y[:3])
    ridge = Ridge(alpha=1.0, solver="normal").fit(X, y)  # regularization fixes it
    np.testing.assert_allclose(ridge.coef_, sk.Ridge(alpha=1.0).fit(X, y).coef_, atol=1e-9)


# -- streaming ------------------------------------------------------------------
def test_partial_fit_streaming_from_memmap_matches_fit(tmp_path):
    X, y = make_data(n=4000, d=5)
    X_disk = np.memmap(tmp_path / "X.dat", dtype=np.float64, mode="w+", shape=X.shape)
    X_disk[:] = X
    X_disk.flush()
    X_disk = np.memmap(tmp_path / "X.dat", dtype=np.float64, mode="r", shape=X.shape)
    streamed = LinearRegression(solver="sgd")
    for _ in range(10):  # ten passes over the "file", 500 rows at a time
        for start in range(0, len(y), 500):
            streamed.partial_fit(X_disk[start : start + 500], y[start : start + 500])
    fitted = LinearRegression(solver="sgd", random_state=0).fit(X, y)
    exact = sk.LinearRegression().fit(X, y)
    np.testing.assert_allclose(streamed.coef_, fitted.coef_, atol=0.02)
    np.testing.assert_allclose(streamed.coef_, exact.coef_, atol=0.02)
    np.testing.assert_allclose(streamed.intercept_, exact.intercept_, atol=0.02)
    assert streamed.n_samples_seen_ == 10 * len(y) and streamed.n_iter_ == 80


def test_partial_fit_only_for_sgd_and_checks_features():
    assert not hasattr(LinearRegression(solver="lstsq"), "partial_fit")
    X, y = make_data()
    model = Ridge(solver="sgd").partial_fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :3], y)


# -- plumbing and bad input -----------------------------------------------------
def test_pipeline_and_grid_search():
    X, y = make_data(n=300)
    X = X * 50 + 7  # unscaled: the pipeline standardizes
    search = GridSearchCV(
        make_pipeline(StandardScaler(), Ridge()),
        {"ridge__alpha": [0.1, 10.0, 1000.0], "ridge__solver": ["normal", "gd"]},
        cv=3,
    ).fit(X, y)
    assert search.best_params_["ridge__alpha"] in (0.1, 10.0)
    assert search.best_score_ > 0.8


def test_fit_does_not_modify_caller_data():
    X, y = make_data()
    X_copy, y_copy = X.copy(), y.copy()
    models = (LinearRegression(solver="normal"), Ridge(solver="gd"), Lasso(), Lasso(solver="sgd"))
    for model in models:
        model.fit(X, y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_closed_form_attributes():
    X, y = make_data()
    model = LinearRegression().fit(X, y)
    assert model.n_iter_ == 1 and not hasattr(model, "loss_curve_")
    assert model.coef_.shape == (X.shape[1],) and isinstance(model.intercept_, float)


@pytest.mark.parametrize(
    "X, y, message",
    [
        ([[1.0, np.nan], [2.0, 3.0]], [1.0, 2.0], "NaN"),
        ([[1.0, np.inf], [2.0, 3.0]], [1.0, 2.0], "infinity"),
        ([[1.0, 2.0], [2.0, 3.0]], [1.0, np.nan], "NaN"),
        ([[1.0, 2.0], [2.0, 3.0]], [1.0, 2.0, 3.0], "inconsistent numbers of samples"),
        (np.empty((0, 2)), np.empty(0), "0 sample"),
        ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], "Expected 2D array"),
    ],
)
def test_bad_input_raises_clear_value_error(X, y, message):
    with pytest.raises(ValueError, match=message):
        LinearRegression().fit(X, y)


@pytest.mark.parametrize(
    "model, message",
    [
        (LinearRegression(solver="cholesky"), "'solver' parameter of LinearRegression must be"),
        (Lasso(solver="normal"), "'solver' parameter of Lasso must be a str among"),
        (LinearRegression(solver="normal", loss="huber"), "needs solver='gd', 'sgd' or 'auto'"),
        (Ridge(alpha=-1.0), "'alpha' parameter of Ridge must be a float in the range"),
        (LinearRegression(solver="gd", learning_rate=0.0), "'learning_rate' parameter"),
        (LinearRegression(solver="sgd", batch_size=0), "'batch_size' parameter"),
        (LinearRegression(loss="l2"), "'loss' parameter"),
        (LinearRegression(solver="gd", loss="mape"), "undefined when y contains zeros"),
    ],
)
def test_bad_parameters_raise_clear_value_error(model, message):
    X, y = make_data(n=20, d=2)
    y[0] = 0.0
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


@pytest.mark.parametrize("offset", [30.0, 1e4])
@pytest.mark.parametrize(
    "model", [LinearRegression(solver="normal"), Lasso(alpha=1.0, tol=1e-10)], ids=["normal", "cd"]
)
def test_gram_solvers_handle_features_with_large_means(model, offset):
    # Means far above the spread cancel digits in X^T X - N mean mean^T.
    X, y = make_data()
    X = X + offset
    ref = (sk.LinearRegression() if isinstance(model, LinearRegression)
           else sk.Lasso(alpha=1.0 / (2 * len(y)), tol=1e-12)).fit(X, y)
    model.fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=1e-6 * offset * X.shape[1])


@pytest.mark.parametrize("loss", ["squared", "huber", "absolute"])
@pytest.mark.parametrize("solver", ["gd", "sgd"])
def test_iterative_solvers_converge_on_features_far_from_zero(loss, solver):
    # Features centered at 100: without internal centering the bias direction
    # is ill-conditioned and GD stalls at max_iter.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3)) + 100.0
    y = X @ np.array([1.5, -2.0, 0.5]) + 3.0 + rng.normal(scale=0.5, size=400)
    best = sk.LinearRegression().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning either
        ours = LinearRegression(solver=solver, loss=loss, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.coef_, best.coef_, atol=0.1)
    residual = lambda model: np.mean(np.abs(y - model.predict(X)))  # noqa: E731
    assert residual(ours) <= 1.02 * residual(best)


@pytest.mark.parametrize("c", [1e-8, 1e-4, 1e4, 1e8])
@pytest.mark.parametrize("solver", ["sgd", "gd"])
@pytest.mark.parametrize("alpha", [3.0, 30.0])
def test_absolute_loss_ridge_is_equivariant_in_the_units_of_y(alpha, solver, c):
    # |r| is of degree 1, w^2 of degree 2: y * c with alpha / c is the same problem times c.
    # The SGD step once took the penalty's curvature (in units of 1/y) for the loss's.
    rng = np.random.default_rng(2)
    X = rng.normal(size=(150, 3)) * [1, 5, 0.2]
    y = X @ [1.5, -0.3, 4.0] + 2 + rng.standard_t(4, size=150)
    base = Ridge(alpha=alpha, loss="absolute", solver=solver, random_state=0).fit(X, y)
    scaled = Ridge(alpha=alpha / c, loss="absolute", solver=solver, random_state=0).fit(X, y * c)
    np.testing.assert_allclose(scaled.coef_, base.coef_ * c, rtol=1e-6)
    assert scaled.intercept_ == pytest.approx(base.intercept_ * c, rel=1e-6)


@pytest.mark.parametrize("estimator", ["LinearRegression", "Ridge", "Lasso"])
@pytest.mark.parametrize("c", [1e-8, 1e-3, 1e3, 1e8])
def test_partial_fit_is_equivariant_in_the_scale_of_the_weights(estimator, c):
    # Raw weights multiplied each step: weights * 1e-3 left the model barely trained.
    import course_lib.linear as linear

    rng = np.random.default_rng(11)
    X = rng.normal(size=(300, 3)) * [2, 0.5, 30]
    y = X @ [1, -2, 0.1] + 10 + rng.standard_t(3, size=300)
    w = rng.uniform(0.1, 3, 300)
    alpha = {} if estimator == "LinearRegression" else {"alpha": 1.0}
    base = getattr(linear, estimator)(solver="sgd", **alpha)
    other = getattr(linear, estimator)(solver="sgd", **{k: v * c for k, v in alpha.items()})
    for rows in (slice(0, 100), slice(100, 200), slice(200, 300)):  # three chunks
        base.partial_fit(X[rows], y[rows], sample_weight=w[rows])
        other.partial_fit(X[rows], y[rows], sample_weight=w[rows] * c)
    np.testing.assert_allclose(other.coef_, base.coef_, rtol=1e-9)
    np.testing.assert_allclose(other.intercept_, base.intercept_, rtol=1e-9)
    # and the weights of the first chunk set the unit: it trains as with weights near 1
    unweighted = getattr(linear, estimator)(solver="sgd", **alpha)
    for rows in (slice(0, 100), slice(100, 200), slice(200, 300)):
        unweighted.partial_fit(X[rows], y[rows])
    np.testing.assert_allclose(base.coef_, unweighted.coef_, rtol=0.2, atol=0.05)


def test_a_curvature_out_of_range_is_named_not_a_learning_rate_the_user_never_set():
    # StudentTLoss(scale=3e-161): its curvature overflows, the automatic step is 0,
    # and the error said only "learning_rate must be a positive number, got 0.0".
    from course_lib.losses import StudentTLoss

    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 2))
    y = X @ [2.0, -1.0] + 0.5 + rng.standard_t(2, size=300) * 0.3
    with pytest.raises(ValueError, match="rescale y"):
        LinearRegression(loss=StudentTLoss(df=2, scale=0.3e-160)).fit(X, y * 1e-160)

"""Tests of course_lib.probabilistic (noise and label models) and course_lib.losses.StudentTLoss.

Oracles: scipy.stats (log-densities, quantiles, scale fits with loc fixed at 0),
closed forms (RSS/N, mean |r|), finite differences, scikit-learn's log_loss.
"""

import warnings

import numpy as np
import pytest
import scipy.stats as st
from scipy.optimize import minimize_scalar
from scipy.special import expit, gammaln
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, QuantileRegressor
from sklearn.metrics import log_loss
from sklearn.utils.estimator_checks import parametrize_with_checks

from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.losses import (
    AbsoluteLoss,
    LogisticLoss,
    Loss,
    SoftmaxCrossEntropyLoss,
    SquaredLoss,
    StudentTLoss,
)
from course_lib.probabilistic import (
    NOISE_MODELS,
    SCALE_FLOOR,
    Bernoulli,
    Categorical,
    GaussianNoise,
    LaplaceNoise,
    MLERegression,
    StudentTNoise,
    UnboundedLikelihoodWarning,
)

RNG = np.random.default_rng(0)
RESIDUALS = np.concatenate([RNG.standard_t(3, size=500) * 2.0, [0.0, 1e-8, -40.0, 300.0]])

NOISES = [
    (GaussianNoise(scale=1.7), st.norm(scale=1.7)),
    (GaussianNoise(scale=0.01), st.norm(scale=0.01)),
    (LaplaceNoise(scale=1.7), st.laplace(scale=1.7)),
    (LaplaceNoise(scale=250.0), st.laplace(scale=250.0)),
    (StudentTNoise(df=3.0, scale=1.7), st.t(3.0, scale=1.7)),
    (StudentTNoise(df=0.7, scale=0.2), st.t(0.7, scale=0.2)),
    (StudentTNoise(df=40.0, scale=5.0), st.t(40.0, scale=5.0)),
]
IDS = [repr(noise) for noise, _ in NOISES]


# -- continuous noise models ---------------------------------------------------


@pytest.mark.parametrize("noise, oracle", NOISES, ids=IDS)
def test_logpdf_pdf_nll_match_scipy(noise, oracle):
    np.testing.assert_allclose(noise.logpdf(RESIDUALS), oracle.logpdf(RESIDUALS), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(noise.pdf(RESIDUALS), oracle.pdf(RESIDUALS), rtol=1e-12, atol=1e-300)
    assert noise.nll(RESIDUALS) == pytest.approx(-oracle.logpdf(RESIDUALS).sum(), rel=1e-12)
    grid = RESIDUALS.reshape(4, -1)  # elementwise: the shape is kept
    assert noise.logpdf(grid).shape == grid.shape


@pytest.mark.parametrize("noise, oracle", NOISES, ids=IDS)
def test_negative_log_density_is_the_loss_times_factor_plus_offset(noise, oracle):
    losses = noise.loss.value(RESIDUALS, np.zeros_like(RESIDUALS))
    np.testing.assert_allclose(noise.loss_factor * losses + noise.loss_offset,
                               -oracle.logpdf(RESIDUALS), rtol=1e-12, atol=1e-12)


def test_each_noise_names_its_loss_of_chapter_2():
    assert isinstance(GaussianNoise(2.0).loss, SquaredLoss)
    assert GaussianNoise(2.0).loss_factor == 1 / 8
    assert isinstance(LaplaceNoise(2.0).loss, AbsoluteLoss)
    assert LaplaceNoise(2.0).loss_factor == 0.5
    loss = StudentTNoise(df=4.0, scale=2.0).loss
    assert isinstance(loss, StudentTLoss) and (loss.df, loss.scale) == (4.0, 2.0)
    assert sorted(NOISE_MODELS) == ["gaussian", "laplace", "student_t"]
    assert all(NOISE_MODELS[name].name == name for name in NOISE_MODELS)


@pytest.mark.parametrize("noise, oracle", NOISES, ids=IDS)
def test_ppf_matches_scipy_and_inverts_the_cdf(noise, oracle):
    q = np.array([1e-6, 0.025, 0.3, 0.5, 0.8, 0.975, 1 - 1e-6])
    np.testing.assert_allclose(noise.ppf(q), oracle.ppf(q), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(oracle.cdf(noise.ppf(q)), q, rtol=1e-9)
    for bad in (0.0, 1.0, -0.1, np.nan):
        with pytest.raises(ValueError, match="between 0 and 1"):
            noise.ppf([0.5, bad])


def test_gaussian_and_laplace_scales_are_the_closed_forms_and_scipy_fits():
    r = RESIDUALS
    gaussian, laplace = GaussianNoise().fit(r), LaplaceNoise(scale=9.0).fit(r)
    assert gaussian.scale == pytest.approx(np.sqrt(np.sum(r**2) / len(r)), rel=1e-14)  # RSS/N
    assert gaussian.scale == pytest.approx(st.norm.fit(r, floc=0)[1], rel=1e-12)
    assert laplace.scale == pytest.approx(np.mean(np.abs(r)), rel=1e-14)
    assert laplace.scale == pytest.approx(st.laplace.fit(r, floc=0)[1], rel=1e-12)
    assert type(gaussian) is GaussianNoise and type(laplace) is LaplaceNoise


@pytest.mark.parametrize("df", [0.8, 3.0, 30.0])
def test_student_t_scale_maximizes_the_likelihood(df):
    r = RESIDUALS
    fitted = StudentTNoise(df=df, scale=123.0).fit(r)
    assert fitted.df == df  # df kept, only the scale fitted
    # The fixed point of EM: sigma^2 = mean(w_i r_i^2).
    assert fitted.scale**2 == pytest.approx(np.mean(fitted.weights(r) * r**2), rel=1e-12)
    best = minimize_scalar(lambda s: StudentTNoise(df, np.exp(s)).nll(r),
                           bracket=(-3, 3), tol=1e-12)
    assert np.log(fitted.scale) == pytest.approx(best.x, abs=1e-6)
    assert fitted.nll(r) <= StudentTNoise(df, np.exp(best.x)).nll(r) + 1e-9
    _, loc, scipy_scale = st.t.fit(r, fix_df=df, floc=0)
    assert loc == 0 and fitted.scale == pytest.approx(scipy_scale, rel=1e-3)
    assert fitted.nll(r) <= -st.t.logpdf(r, df, scale=scipy_scale).sum() + 1e-9


@pytest.mark.parametrize("noise", [GaussianNoise(), LaplaceNoise(), StudentTNoise(df=2.0)], ids=repr)
def test_fit_weights_count_repetitions_and_scale_equivariance(noise):
    r = RESIDUALS[:50]
    counts = np.arange(50) % 3  # 0 drops a residual, 2 takes it twice
    weighted = noise.fit(r, sample_weight=counts).scale
    assert weighted == pytest.approx(noise.fit(np.repeat(r, counts)).scale, rel=1e-12)
    assert noise.fit(1e200 * r).scale == pytest.approx(1e200 * noise.fit(r).scale, rel=1e-12)
    assert noise.fit(1e-200 * r).scale == pytest.approx(1e-200 * noise.fit(r).scale, rel=1e-12)


@pytest.mark.parametrize("noise", [GaussianNoise(), LaplaceNoise(), StudentTNoise(df=3.0)], ids=repr)
def test_perfect_fit_gets_the_floor_scale_and_finite_densities(noise):
    with pytest.warns(UnboundedLikelihoodWarning, match="likelihood is unbounded"):
        fitted = noise.fit(np.zeros(5))
    assert fitted.scale == SCALE_FLOOR
    assert np.isfinite(fitted.logpdf(0.0)) and fitted.logpdf(0.0) > 700
    with pytest.warns(UnboundedLikelihoodWarning):  # the rounding level of the data
        assert noise.fit(np.zeros(5), resolution=3.0).scale == 3.0 * np.finfo(float).eps


def test_student_t_scale_is_the_rounding_level_when_most_residuals_are_zero():
    # (nu + 1) * #nonzero <= N: the likelihood grows without bound as sigma -> 0.
    with pytest.warns(UnboundedLikelihoodWarning):
        fitted = StudentTNoise(df=1.0).fit([0.0, 0.0, 1.0, -2.0])
    assert fitted.scale == 2.0 * np.finfo(float).eps
    assert np.all(np.isfinite(fitted.logpdf([0.0, 0.0, 1.0, -2.0])))
    assert StudentTNoise(df=1.0).fit([0.0, 3.0, 1.0, -2.0]).scale > 0.1


@pytest.mark.parametrize(
    "noise, variance",
    [(GaussianNoise(2.0), 4.0), (LaplaceNoise(2.0), 8.0), (StudentTNoise(df=6.0, scale=2.0), 6.0)],
    ids=repr,
)
def test_samples_have_the_moments_and_distribution_of_the_model(noise, variance):
    draws = noise.sample(200_000, random_state=0)
    assert draws.shape == (200_000,)
    assert abs(np.mean(draws)) < 4 * np.sqrt(variance / 200_000)
    assert np.var(draws) == pytest.approx(variance, rel=0.03)
    oracle = {GaussianNoise: st.norm(scale=2.0), LaplaceNoise: st.laplace(scale=2.0),
              StudentTNoise: st.t(6.0, scale=2.0)}[type(noise)]
    assert st.kstest(draws[:20_000], oracle.cdf).pvalue > 1e-3


def test_sampling_is_seeded_and_takes_generators_and_shapes():
    noise = StudentTNoise(df=3.0)
    np.testing.assert_array_equal(noise.sample(5, random_state=1), noise.sample(5, random_state=1))
    assert not np.array_equal(noise.sample(5, random_state=1), noise.sample(5, random_state=2))
    a = noise.sample((2, 3), random_state=np.random.default_rng(4))
    np.testing.assert_array_equal(a, noise.sample((2, 3), random_state=np.random.default_rng(4)))
    assert a.shape == (2, 3)


@pytest.mark.parametrize("make", [GaussianNoise, LaplaceNoise, lambda s: StudentTNoise(3.0, s)])
@pytest.mark.parametrize("scale", [0.0, -1.0, np.nan, np.inf, True])
def test_bad_scale_is_refused(make, scale):
    with pytest.raises(ValueError, match="scale must be a positive"):
        make(scale)


@pytest.mark.parametrize("df", [0.0, -2.0, np.nan])
def test_bad_df_is_refused(df):
    with pytest.raises(ValueError, match="df must be a positive"):
        StudentTNoise(df=df)
    with pytest.raises(ValueError, match="df must be a positive"):
        StudentTLoss(df=df)
    with pytest.raises(ValueError, match="scale must be a positive"):
        StudentTLoss(scale=df)


@pytest.mark.parametrize("noise", [GaussianNoise(), LaplaceNoise(), StudentTNoise()], ids=repr)
def test_bad_residuals_and_weights_are_refused(noise):
    with pytest.raises(ValueError, match="NaN or infinity"):
        noise.logpdf([0.0, np.nan])
    with pytest.raises(ValueError, match="NaN or infinity"):
        noise.fit([1.0, np.inf])
    with pytest.raises(ValueError, match="empty"):
        noise.fit([])
    with pytest.raises(ValueError, match="sums to 0|non-zero"):
        noise.fit([1.0, 2.0], sample_weight=[0.0, 0.0])
    with pytest.raises(ValueError, match="[Nn]egative"):
        noise.fit([1.0, 2.0], sample_weight=[1.0, -1.0])


# -- StudentTLoss ----------------------------------------------------------------


@pytest.mark.parametrize("df, scale", [(1.0, 1.0), (3.0, 0.5), (25.0, 4.0)])
def test_student_t_loss_gradient_and_hessian_by_finite_differences(df, scale):
    loss = StudentTLoss(df=df, scale=scale)
    y = RNG.normal(size=40)
    z = y + RNG.standard_t(2, size=40) * scale * 3
    grad = numerical_gradient(lambda t: float(np.sum(loss.value(y, t))), z)
    assert relative_error(loss.gradient(y, z), grad) < 1e-7
    hess = numerical_gradient(lambda t: float(np.sum(loss.gradient(y, t))), z)
    assert relative_error(loss.hessian(y, z), hess) < 1e-6
    assert np.all(np.abs(loss.hessian(y, z)) <= loss.smoothness * (1 + 1e-12))
    assert loss.hessian([0.0], [0.0])[0] == pytest.approx(loss.smoothness, rel=1e-14)


def test_student_t_loss_is_the_t_negative_log_density_up_to_constants():
    df, scale = 2.5, 1.7
    loss, r = StudentTLoss(df=df, scale=scale), RESIDUALS
    c = gammaln(df / 2) + 0.5 * np.log(df * np.pi) - gammaln((df + 1) / 2)
    np.testing.assert_allclose(loss.value(r, 0.0) + np.log(scale) + c,
                               -st.t.logpdf(r, df, scale=scale), rtol=1e-12, atol=1e-12)
    # IRLS weights: the gradient is (nu + 1) * weight * (z - y)
    np.testing.assert_allclose(loss.gradient(r, 0.0), (df + 1) * loss.weight(r, 0.0) * -r, rtol=1e-14)


def test_student_t_loss_tends_to_the_scaled_squared_loss_for_large_df():
    r = np.linspace(-3, 3, 13)
    loss = StudentTLoss(df=1e8, scale=2.0)
    np.testing.assert_allclose(loss.value(r, 0.0), r**2 / 8, rtol=1e-6, atol=1e-12)


def test_student_t_loss_is_finite_for_extreme_residuals_and_redescending():
    loss = StudentTLoss(df=3.0, scale=1.0)
    r = np.array([1e160, -1e300, 1e10, 0.0])
    for values in (loss.value(r, 0.0), loss.gradient(r, 0.0), loss.hessian(r, 0.0), loss.weight(r, 0.0)):
        assert np.all(np.isfinite(values))
    assert loss.value(1e300, 0.0) == pytest.approx(2 * (2 * np.log(1e300) - np.log(3.0)), rel=1e-12)
    # the pull of an outlier decreases to 0: |l'(r)| is largest at r = sqrt(nu) sigma
    grid = np.linspace(0, 100, 10001)
    assert grid[np.argmax(np.abs(loss.gradient(grid, 0.0)))] == pytest.approx(np.sqrt(3.0), abs=0.01)
    assert isinstance(loss, Loss) and repr(loss) == "StudentTLoss(df=3.0, scale=1.0)"
    assert loss.baseline([0.0, 1.0, 100.0]) == 1.0


# -- label models ----------------------------------------------------------------


def test_bernoulli_nll_is_log_loss_times_n_and_the_logistic_loss():
    z = RNG.normal(scale=3.0, size=300)
    y = (RNG.random(300) < expit(z)).astype(int)
    bern = Bernoulli()
    assert bern.nll(y, z) == pytest.approx(log_loss(y, expit(z)) * len(y), rel=1e-10)
    np.testing.assert_allclose(bern.logpmf(y, z), -LogisticLoss().value(2 * y - 1, z), rtol=1e-15)
    assert isinstance(bern.loss, LogisticLoss)
    np.testing.assert_allclose(bern.proba(z), expit(z))


def test_categorical_nll_is_log_loss_times_n_and_the_softmax_loss():
    Z = RNG.normal(scale=2.0, size=(200, 4))
    y = np.arange(200) % 4
    cat = Categorical()
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert cat.nll(y, Z) == pytest.approx(log_loss(y, P, labels=range(4)) * len(y), rel=1e-10)
    np.testing.assert_allclose(cat.logpmf(y, Z), -SoftmaxCrossEntropyLoss(4).value(y, Z), rtol=1e-15)
    np.testing.assert_allclose(cat.proba(Z), P, rtol=1e-12)
    assert isinstance(Categorical(n_classes=4).loss, SoftmaxCrossEntropyLoss)
    assert Categorical(n_classes=4).loss.n_outputs == 4


def test_label_models_are_finite_for_extreme_scores():
    assert Bernoulli().nll([1, 0, 1, 0], [1e4, -1e4, -1e4, 1e4]) == pytest.approx(2e4, rel=1e-15)
    assert Bernoulli().nll([1], [1e308]) == 0.0
    Z = np.array([[1e4, 0.0, -1e4], [-1e300, 1e300, 0.0]])
    assert Categorical().nll([0, 0], Z) == pytest.approx(2e300, rel=1e-15)
    assert Categorical().nll([0], Z[:1]) == 0.0


def test_label_sampling_frequencies_follow_the_probabilities():
    z = np.full(40_000, np.log(3.0))  # P(y = 1) = 3/4
    assert np.mean(Bernoulli().sample(z, random_state=0)) == pytest.approx(0.75, abs=0.01)
    Z = np.tile(np.log([0.1, 0.6, 0.3]), (40_000, 1))
    counts = np.bincount(Categorical().sample(Z, random_state=np.random.default_rng(0)), minlength=3)
    np.testing.assert_allclose(counts / 40_000, [0.1, 0.6, 0.3], atol=0.01)


def test_label_models_refuse_bad_input():
    with pytest.raises(ValueError, match="must be 0 or 1"):
        Bernoulli().nll([0, 2], [0.0, 1.0])
    with pytest.raises(ValueError, match="must be 0 or 1"):
        Bernoulli().nll([-1, 1], [0.0, 1.0])
    with pytest.raises(ValueError, match="one length"):
        Bernoulli().nll([0, 1, 1], [0.0, 1.0])
    with pytest.raises(ValueError, match="NaN"):
        Bernoulli().nll([0, 1], [0.0, np.nan])
    with pytest.raises(ValueError, match="integers 0..2"):
        Categorical().nll([0, 3], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        Categorical().nll([0, 1], np.zeros(2))
    with pytest.raises(ValueError, match="expected n_classes=4"):
        Categorical(n_classes=4).nll([0, 1], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="n_classes=K"):
        _ = Categorical().loss
    with pytest.raises(ValueError, match="integer >= 2"):
        Categorical(n_classes=1)


# -- MLERegression -----------------------------------------------------------------

W_TRUE, B_TRUE = np.array([1.5, -2.0, 0.0, 0.7]), 3.0


def simulate(noise, n, seed):
    """y = <x, w> + b + noise on features of different scales."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1.0, 10.0, 0.1, 3.0]
    return X, X @ W_TRUE + B_TRUE + noise.sample(n, random_state=rng)


@parametrize_with_checks([MLERegression(noise=name) for name in NOISE_MODELS])
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)  # tiny data
        check(estimator)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gaussian_weights_are_least_squares_and_scale_is_rss_over_n(fit_intercept):
    X, y = simulate(GaussianNoise(2.0), 300, seed=1)
    s = np.random.default_rng(2).uniform(0, 3, size=300)
    for weights in (None, s):
        model = MLERegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=weights)
        oracle = LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=weights)
        np.testing.assert_allclose(model.coef_, oracle.coef_, rtol=1e-10, atol=1e-10)
        assert model.intercept_ == pytest.approx(oracle.intercept_, abs=1e-10)
        rss = np.average((y - oracle.predict(X)) ** 2, weights=weights)  # RSS / N, weighted
        assert model.scale_**2 == pytest.approx(rss, rel=1e-10)
        assert isinstance(model.noise_, GaussianNoise) and model.noise_.scale == model.scale_
    assert model.n_iter_ == 1


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_laplace_weights_are_least_absolute_deviations(fit_intercept):
    X, y = simulate(LaplaceNoise(1.0), 300, seed=3)
    s = np.random.default_rng(4).integers(0, 4, size=300).astype(float)
    for weights in (None, s):
        model = MLERegression("laplace", fit_intercept=fit_intercept).fit(X, y, sample_weight=weights)
        oracle = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs",
                                   fit_intercept=fit_intercept).fit(X, y, sample_weight=weights)
        ours = np.average(np.abs(y - model.predict(X)), weights=weights)
        theirs = np.average(np.abs(y - oracle.predict(X)), weights=weights)
        assert ours == pytest.approx(theirs, rel=1e-9)  # the LAD optimum (weights may tie)
        np.testing.assert_allclose(model.coef_, oracle.coef_, atol=1e-6)
        assert model.scale_ == pytest.approx(ours, rel=1e-12)  # b = mean |r|
        # and LAD beats least squares on its own objective
        ls = LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=weights)
        assert ours < np.average(np.abs(y - ls.predict(X)), weights=weights)


def joint_nll(params, X, y, df):
    """-log L of the Student-t model at (coef, intercept, log scale)."""
    coef, b, log_scale = params[:-2], params[-2], params[-1]
    return StudentTNoise(df, np.exp(log_scale)).nll(y - X @ coef - b)


@pytest.mark.parametrize("df", [1.0, 3.0, 10.0])
def test_student_t_fit_is_a_stationary_point_of_the_joint_likelihood(df):
    X, y = simulate(StudentTNoise(df=df, scale=0.5), 400, seed=5)
    model = MLERegression("student_t", df=df).fit(X, y)
    params = np.concatenate([model.coef_, [model.intercept_, np.log(model.scale_)]])
    gradient = numerical_gradient(lambda p: joint_nll(p, X, y, df), params, eps=1e-6)
    assert np.max(np.abs(gradient * np.append(X.std(axis=0), [1.0, 1.0]))) < 1e-4
    assert model.noise_.df == df and 1 < model.n_iter_ < model.max_iter
    assert model.log_likelihood(X, y) == pytest.approx(-joint_nll(params, X, y, df), rel=1e-12)
    # it is also better than the Gaussian and Laplace fits on t data
    for other in ("gaussian", "laplace"):
        assert model.log_likelihood(X, y) > MLERegression(other).fit(X, y).log_likelihood(X, y)


def test_student_t_weights_minimize_the_student_t_loss_in_the_linear_core():
    # At the fitted scale, gradient descent of course_lib.linear on sum StudentTLoss
    # (a different algorithm from IRLS) reaches the same weights.
    from course_lib.linear import LinearRegression as CoreLinearRegression

    X, y = simulate(StudentTNoise(df=3.0, scale=0.5), 400, seed=5)
    model = MLERegression("student_t", df=3.0).fit(X, y)
    core = CoreLinearRegression(loss=StudentTLoss(df=3.0, scale=model.scale_), solver="gd",
                                tol=1e-10, max_iter=20_000).fit(X, y)
    np.testing.assert_allclose((model.coef_ - core.coef_) * X.std(axis=0), 0.0, atol=1e-6)
    assert model.intercept_ == pytest.approx(core.intercept_, abs=1e-6)


def test_student_t_is_robust_to_outliers_where_gaussian_is_not():
    X, y = simulate(GaussianNoise(0.5), 500, seed=6)
    y = y.copy()
    y[:25] += 60.0  # 5 % gross outliers
    # errors of the weights in units of y per standard deviation of the feature
    errors = {name: np.max(np.abs(MLERegression(name).fit(X, y).coef_ - W_TRUE) * X.std(axis=0))
              for name in ("gaussian", "student_t")}
    assert errors["student_t"] < 0.1
    assert errors["gaussian"] > 10 * errors["student_t"]
    model = MLERegression("student_t").fit(X, y)
    assert model.scale_ == pytest.approx(0.5, rel=0.1)  # the noise, not the outliers
    assert np.all(model.noise_.weights(y - model.predict(X))[:25] < 0.01)


def test_student_t_sample_weight_counts_repetitions():
    X, y = simulate(StudentTNoise(df=2.0), 120, seed=7)
    counts = np.arange(120) % 3
    weighted = MLERegression("student_t", df=2.0).fit(X, y, sample_weight=counts)
    repeated = MLERegression("student_t", df=2.0).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-6, atol=1e-8)
    assert weighted.scale_ == pytest.approx(repeated.scale_, rel=1e-6)


@pytest.mark.parametrize(
    "noise", [GaussianNoise(2.0), LaplaceNoise(1.0), StudentTNoise(df=3.0, scale=1.0)], ids=repr)
def test_predictive_interval_covers_its_level_of_fresh_data(noise):
    X, y = simulate(noise, 2000, seed=8)
    model = MLERegression(noise.name, df=3.0).fit(X, y)
    X_new, y_new = simulate(noise, 20_000, seed=9)
    for level, low, high in ((0.95, 0.93, 0.97), (0.5, 0.47, 0.53)):
        lower, upper = model.predict_interval(X_new, level=level)
        coverage = np.mean((lower <= y_new) & (y_new <= upper))
        assert low <= coverage <= high
        np.testing.assert_allclose(upper - model.predict(X_new), model.noise_.ppf(0.5 + level / 2))
        np.testing.assert_allclose(model.predict(X_new) - lower, upper - model.predict(X_new))


def test_log_likelihood_matches_scipy():
    X, y = simulate(LaplaceNoise(1.0), 200, seed=10)
    X_new, y_new = simulate(LaplaceNoise(1.0), 50, seed=11)
    oracles = {"gaussian": lambda r, m: st.norm.logpdf(r, scale=m.scale_),
               "laplace": lambda r, m: st.laplace.logpdf(r, scale=m.scale_),
               "student_t": lambda r, m: st.t.logpdf(r, 4.0, scale=m.scale_)}
    weights = np.linspace(0, 2, 50)
    for name, logpdf in oracles.items():
        model = MLERegression(name, df=4.0).fit(X, y)
        r = y_new - model.predict(X_new)
        assert model.log_likelihood(X_new, y_new) == pytest.approx(logpdf(r, model).sum(), rel=1e-12)
        assert model.log_likelihood(X_new, y_new, sample_weight=weights) == pytest.approx(
            weights @ logpdf(r, model), rel=1e-12)


@pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")
def test_perfect_fit_is_finite():
    X = np.arange(12.0).reshape(6, 2)
    y = X @ [1.0, 2.0] + 0.5
    for name in NOISE_MODELS:
        model = MLERegression(name).fit(X, y)
        np.testing.assert_allclose(model.predict(X), y, atol=1e-6)
        assert model.scale_ > 0 and np.isfinite(model.log_likelihood(X[:1], model.predict(X[:1])))


def test_bad_input_is_refused():
    X, y = simulate(GaussianNoise(), 30, seed=12)
    with pytest.raises(ValueError, match="gaussian.*laplace|laplace.*gaussian") as error:
        MLERegression(noise="cauchy").fit(X, y)
    assert "student_t" in str(error.value) and "cauchy" in str(error.value)
    with pytest.raises(ValueError, match="df"):
        MLERegression("student_t", df=0.0).fit(X, y)
    model = MLERegression().fit(X, y)
    for level in (0.0, 1.0, 1.5, -0.2, True, "95%"):
        with pytest.raises(ValueError, match="level must be"):
            model.predict_interval(X, level=level)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.log_likelihood(X, y[:-1])
    with pytest.raises(ValueError, match="NaN"):
        model.log_likelihood(X, np.where(np.arange(30) == 3, np.nan, y))
    with pytest.raises(ValueError, match="sums to 0|non-zero"):
        MLERegression().fit(X, y, sample_weight=np.zeros(30))
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])


def test_student_t_warns_when_it_stops_at_max_iter():
    X, y = simulate(StudentTNoise(df=1.0), 200, seed=13)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        model = MLERegression("student_t", df=1.0, max_iter=2).fit(X, y)
    assert model.n_iter_ == 2

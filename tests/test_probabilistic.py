"""Tests of course_lib.probabilistic (noise and label models) and course_lib.losses.StudentTLoss.

Oracles: scipy.stats (log-densities, quantiles, scale fits with loc fixed at 0),
closed forms (RSS/N, mean |r|), finite differences, scikit-learn's log_loss.
"""

import numpy as np
import pytest
import scipy.stats as st
from scipy.optimize import minimize_scalar
from scipy.special import expit, gammaln
from sklearn.metrics import log_loss

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
    StudentTNoise,
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
    fitted = noise.fit(np.zeros(5))
    assert fitted.scale == SCALE_FLOOR
    assert np.isfinite(fitted.logpdf(0.0)) and fitted.logpdf(0.0) > 700


def test_student_t_scale_is_zero_when_most_residuals_are_zero():
    # (nu + 1) * #nonzero <= N: the likelihood grows without bound as sigma -> 0.
    assert StudentTNoise(df=1.0).fit([0.0, 0.0, 1.0, -2.0]).scale == SCALE_FLOOR
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

"""Robustness of course_lib.probabilistic (issue 25, rules 1 and 3) and statsmodels as an oracle.

Rule 1: y, a column of X or all sample weights times a constant give the
transformed model. Rule 3: Student-t's constant is stable for every df, an
unbounded likelihood (zero residuals) warns and stays finite, extreme weights
are handled. Oracles no one here wrote: statsmodels' TLinearModel (fixed df),
QuantReg(q=0.5), Logit and MNLogit.
"""

import warnings

import numpy as np
import pytest
import scipy.stats as st

from course_lib.linear import LogisticRegression, SoftmaxRegression
from course_lib.probabilistic import (
    NOISE_MODELS,
    Bernoulli,
    Categorical,
    MLERegression,
    StudentTNoise,
    UnboundedLikelihoodWarning,
    t_log_normalizer,
)

from course_lib.probabilistic.graphical import DiscreteBayesNet

sm = pytest.importorskip("statsmodels.api")

RNG = np.random.default_rng(3)
X = RNG.normal(size=(80, 3)) * [1.0, 10.0, 0.1]
Y = X @ [1.0, -0.2, 5.0] + 0.3 + RNG.standard_t(3, size=80) * 0.7


# columns of units 1e3, 1 and 1e-3: times 1e10 they span 13 orders of magnitude
X_WIDE = RNG.normal(size=(50, 3)) * [1e3, 1.0, 1e-3]
Y_WIDE = X_WIDE @ [1e-3, -1.0, 1e3] + 5.0 + RNG.laplace(size=50)
DATA = {"moderate": (X, Y), "wide": (X_WIDE, Y_WIDE)}


def _fit(noise, X, y, sample_weight=None, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning may hide a wrong answer
        return MLERegression(noise, **kwargs).fit(X, y, sample_weight)


FACTORS = [1e-10, 1e-7, 1e-3, 1e4, 1e8, 1e10]


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("noise", sorted(NOISE_MODELS))
@pytest.mark.parametrize("factor", FACTORS)
def test_y_times_a_constant_scales_the_model(noise, factor, data):
    X, Y = DATA[data]
    base, scaled = _fit(noise, X, Y), _fit(noise, X, factor * Y)
    np.testing.assert_allclose(scaled.coef_, factor * base.coef_, rtol=1e-6, atol=1e-9 * factor)
    assert scaled.intercept_ == pytest.approx(factor * base.intercept_, rel=1e-6)
    assert scaled.scale_ == pytest.approx(factor * base.scale_, rel=1e-6)


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("noise", sorted(NOISE_MODELS))
@pytest.mark.parametrize("factor", FACTORS)
@pytest.mark.parametrize("column", [0, 2])
def test_a_column_times_a_constant_divides_its_weight(noise, factor, column, fit_intercept, data):
    X, Y = DATA[data]
    base = _fit(noise, X, Y, fit_intercept=fit_intercept)
    X_scaled = X.copy()
    X_scaled[:, column] *= factor
    scaled = _fit(noise, X_scaled, Y, fit_intercept=fit_intercept)
    expected = base.coef_.copy()
    expected[column] /= factor
    np.testing.assert_allclose(scaled.coef_, expected, rtol=1e-6)
    assert scaled.intercept_ == pytest.approx(base.intercept_, rel=1e-6, abs=1e-12)
    assert scaled.scale_ == pytest.approx(base.scale_, rel=1e-6)


@pytest.mark.parametrize("noise", sorted(NOISE_MODELS))
@pytest.mark.parametrize("factor", [*FACTORS, 1e-300, 1e300, 1e306])
def test_weights_times_a_constant_change_nothing(noise, factor):
    weights = RNG.uniform(0.5, 2.0, size=len(Y))
    base, scaled = _fit(noise, X, Y, weights), _fit(noise, X, Y, factor * weights)
    np.testing.assert_allclose(scaled.coef_, base.coef_, rtol=1e-6)
    assert scaled.intercept_ == pytest.approx(base.intercept_, rel=1e-6)
    assert scaled.scale_ == pytest.approx(base.scale_, rel=1e-6)


@pytest.mark.parametrize("noise", sorted(NOISE_MODELS))
@pytest.mark.parametrize("bad", [np.inf, np.nan, 0.0, 1e-320])
def test_non_finite_zero_or_subnormal_weights_name_the_weights(noise, bad):
    weights = np.full(len(Y), bad)
    with pytest.raises(ValueError, match="(?i)sample.weight"):
        MLERegression(noise).fit(X, Y, weights)


def test_log_likelihood_with_huge_weights_is_exact_or_names_the_weights():
    model = _fit("gaussian", X, Y)
    base = model.log_likelihood(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.log_likelihood(X, Y, np.full(len(Y), 1e306)) == pytest.approx(1e306 * base)
        with pytest.raises(ValueError, match="sample_weight"):
            model.log_likelihood(X, Y, np.full(len(Y), 1e308))


@pytest.mark.parametrize("df", [0.3, 1.0, 3.0, 40.0, 999.0, 1e4 + 1, 1e6, 1e12, 1e15, 1e16, 1e100])
def test_student_t_constant_is_stable_for_every_df(df):
    # Oracle: scipy's t.logpdf for moderate df; the series 1/2 log 2pi + 1/(4 df) beyond.
    if df < 1e4:
        expected = -st.t.logpdf(0.0, df)
    else:
        expected = 0.5 * np.log(2 * np.pi) + 0.25 / df
    assert t_log_normalizer(df) == pytest.approx(expected, rel=1e-12, abs=1e-13)
    noise = StudentTNoise(df=df, scale=2.0)
    gauss = st.norm(scale=2.0).logpdf([0.0, 1.0, -3.0])
    assert np.all(noise.logpdf([0.0, 1.0, -3.0]) <= np.log(0.5) + 1e-12)  # p(r) <= p(0) <= 1/2
    if df >= 1e12:  # indistinguishable from the Gaussian
        np.testing.assert_allclose(noise.logpdf([0.0, 1.0, -3.0]), gauss, rtol=1e-9)


@pytest.mark.parametrize("df", [1e12, 1e15, 1e16, 1e20, 1e300])
def test_student_t_fits_for_huge_df_as_the_gaussian(df):
    gaussian, t = _fit("gaussian", X, Y), _fit("student_t", X, Y, df=df)
    np.testing.assert_allclose(t.coef_, gaussian.coef_, rtol=1e-6)
    assert t.scale_ == pytest.approx(gaussian.scale_, rel=1e-6)
    assert t.log_likelihood(X, Y) == pytest.approx(gaussian.log_likelihood(X, Y), rel=1e-6)
    scale = StudentTNoise(df=df).fit(Y).scale  # the bracket of brentq holds
    assert scale == pytest.approx(np.sqrt(np.mean(Y**2)), rel=1e-6)


@pytest.mark.parametrize("noise", sorted(NOISE_MODELS))
@pytest.mark.parametrize("n_zero", [20, 17])
def test_zero_residuals_warn_that_the_likelihood_is_unbounded(noise, n_zero):
    # 20 points on a line, or 17 on it and 3 off: Laplace and Student-t go through the 17.
    x = np.arange(20.0)[:, None]
    y = 2.0 * x[:, 0] + 1.0
    y[:20 - n_zero] += [5.0, -7.0, 9.0][:20 - n_zero]
    if n_zero == 20 or noise == "student_t":
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # no overflow
            with pytest.warns(UnboundedLikelihoodWarning, match="unbounded"):
                model = MLERegression(noise, df=1.0).fit(x, y)
        assert model.scale_ == pytest.approx(np.finfo(float).eps * np.max(np.abs(y)))
    else:
        model = MLERegression(noise, df=1.0).fit(x, y)
        assert model.scale_ > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert np.isfinite(model.log_likelihood(x, y))
        assert np.all(np.isfinite(model.predict_interval(x)[1]))


# -- oracles no one here wrote: statsmodels -----------------------------------


@pytest.mark.parametrize("df", [1.5, 3.0, 10.0])
def test_student_t_matches_statsmodels_tlinearmodel_with_fixed_df(df, capsys):
    from statsmodels.miscmodels.tmodel import TLinearModel

    ours = MLERegression("student_t", df=df, tol=1e-12).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = TLinearModel(Y, sm.add_constant(X), fix_df=df).fit(
            method="bfgs", maxiter=5000, gtol=1e-10, disp=0)
    capsys.readouterr()  # TLinearModel prints "running Tmodel initialize"
    np.testing.assert_allclose(theirs.params[:-1], [ours.intercept_, *ours.coef_],
                               rtol=1e-5, atol=1e-6)
    assert abs(theirs.params[-1]) == pytest.approx(ours.scale_, rel=1e-5)
    assert ours.log_likelihood(X, Y) == pytest.approx(theirs.llf, rel=1e-9)


def test_laplace_matches_statsmodels_quantreg_median():
    from statsmodels.regression.quantile_regression import QuantReg

    ours = MLERegression("laplace").fit(X, Y)
    theirs = QuantReg(Y, sm.add_constant(X)).fit(q=0.5, max_iter=10_000, p_tol=1e-12)
    np.testing.assert_allclose(theirs.params, [ours.intercept_, *ours.coef_], rtol=1e-4,
                               atol=1e-5)
    ours_loss, theirs_loss = np.abs(Y - ours.predict(X)).sum(), np.abs(theirs.resid).sum()
    assert ours_loss <= theirs_loss * (1 + 1e-12)  # the exact LP is at least as good


def test_logistic_regression_without_penalty_matches_statsmodels_logit():
    rng = np.random.default_rng(1)
    X_b = rng.normal(size=(200, 3))
    y = (X_b @ [1.0, -1.0, 0.5] + rng.logistic(size=200) > 0).astype(int)
    ours = LogisticRegression(alpha=0.0, tol=1e-10).fit(X_b, y)
    theirs = sm.Logit(y, sm.add_constant(X_b)).fit(disp=0)
    np.testing.assert_allclose(np.ravel(ours.coef_), theirs.params[1:], rtol=1e-6)
    assert float(np.ravel(ours.intercept_)[0]) == pytest.approx(theirs.params[0], rel=1e-6)


def test_softmax_regression_without_penalty_matches_statsmodels_mnlogit():
    rng = np.random.default_rng(2)
    X_k = rng.normal(size=(300, 3))
    y = np.argmax(X_k @ rng.normal(size=(3, 3)) + rng.gumbel(size=(300, 3)), axis=1)
    ours = SoftmaxRegression(alpha=0.0, tol=1e-10).fit(X_k, y)
    theirs = sm.MNLogit(y, sm.add_constant(X_k)).fit(disp=0, method="newton", maxiter=100)
    np.testing.assert_allclose(ours.predict_proba(X_k), theirs.predict(sm.add_constant(X_k)),
                               atol=1e-7)


# -- random_state: every kind, everywhere ----------------------------------------

SAMPLERS = {
    "noise": lambda rs: StudentTNoise(df=3.0).sample(5, random_state=rs),
    "bernoulli": lambda rs: Bernoulli().sample(np.zeros(5), random_state=rs),
    "categorical": lambda rs: Categorical().sample(np.zeros((5, 3)), random_state=rs),
    "bayes_net": lambda rs: DiscreteBayesNet(
        {"a": ((), {0: 0.3, 1: 0.7}), "b": (("a",), {(0,): {0: 0.5, 1: 0.5},
                                                      (1,): {0: 0.1, 1: 0.9}})}
    ).sample(5, random_state=rs)["b"],
}


@pytest.mark.parametrize("sampler", SAMPLERS)
@pytest.mark.parametrize("kind", ["int", "None", "Generator", "RandomState"])
def test_samplers_take_every_kind_of_random_state(sampler, kind):
    def seed():
        return {"int": 7, "None": None, "Generator": np.random.default_rng(7),
                "RandomState": np.random.RandomState(7)}[kind]
    first, second = SAMPLERS[sampler](seed()), SAMPLERS[sampler](seed())
    assert np.shape(first) == (5,)
    if kind != "None":
        np.testing.assert_array_equal(first, second)  # seeded: reproducible


@pytest.mark.parametrize("level", [1e-300, 1e-310, 0.0])
@pytest.mark.parametrize("noise", sorted(NOISE_MODELS))
def test_log_likelihood_of_a_perfect_fit_is_finite_and_blames_no_weights(noise, level):
    # The Laplace density at r = 0 with scale ~1e-316 computed inf * 0 = nan, then
    # blamed a sample_weight that was never passed.
    X_line, y_flat = np.arange(6.0).reshape(6, 1), np.full(6, level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UnboundedLikelihoodWarning of a perfect fit
        model = MLERegression(noise).fit(X_line, y_flat)
    residuals = y_flat - model.predict(X_line)
    value = model.log_likelihood(X_line, y_flat)
    assert np.isfinite(value)
    oracle = {"gaussian": st.norm(scale=model.scale_), "laplace": st.laplace(scale=model.scale_)}
    if noise in oracle:
        assert value == pytest.approx(oracle[noise].logpdf(residuals).sum(), rel=1e-12)


@pytest.mark.parametrize("df", [1e-300, 1e-30, 1e-3, 1.0, 30.0])
@pytest.mark.parametrize("r", [0.0, 1e-150, 1.0, 1e10, 1e150])
@pytest.mark.parametrize("c", [1e-200, 1e100])
def test_student_t_logpdf_is_finite_and_scale_equivariant_in_extreme_units(df, r, c):
    # (r / sigma)^2 / nu overflowed before log1p: df=1e-300, r=1e10 gave -inf, not -714.49.
    if r and not r * c:
        pytest.skip("r * c underflows to 0")
    base = StudentTNoise(df=df, scale=1.0).logpdf([r])[0]
    moved = StudentTNoise(df=df, scale=c).logpdf([r * c])[0] + np.log(c)
    assert np.isfinite(base) and np.isfinite(moved)
    np.testing.assert_allclose(moved, base, rtol=1e-12, atol=1e-9)
    reference = st.t.logpdf(r, df)
    if np.isfinite(reference) and df >= 1e-3:  # scipy itself overflows for tiny df
        np.testing.assert_allclose(base, reference, rtol=1e-10)


@pytest.mark.parametrize("df", [1e-300, 1e-3, 1.0, 1e6, 1e300])
@pytest.mark.parametrize("r", [1e-100, 1.0, 1e100])
@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_student_t_gradient_is_finite_and_scale_equivariant_in_extreme_units(df, r, c):
    # The gradient went through 1 / (sigma^2 (nu + u^2)): nan at df = scale = 1e-300,
    # an OverflowError at scale = 1e300 (a Python float squared).
    from course_lib.losses import StudentTLoss

    base = StudentTLoss(df=df, scale=1.0).gradient([0.0], [r])[0]
    moved = StudentTLoss(df=df, scale=c).gradient([0.0], [r * c])[0] * c
    assert np.isfinite(base) and np.isfinite(moved) and base > 0
    np.testing.assert_allclose(moved, base, rtol=1e-12)
    if df <= 1e6:  # moderate: the plain formula is exact
        np.testing.assert_allclose(base, (df + 1) * r / (df + r * r), rtol=1e-12)


@pytest.mark.parametrize("noise", ["gaussian", "laplace", "student_t"])
@pytest.mark.parametrize("c", [1e-300, 1e-150, 1e150, 1e300])
def test_y_in_extreme_units_gives_the_same_fit(noise, c):
    # Student-t at y * 1e300: squared residuals overflowed, the fit ended 0.05 nats
    # below the maximum likelihood, silently (stress round 3, N4).
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 2))
    y = X @ [2.0, -1.0] + 0.5 + rng.standard_t(2, size=300) * 0.3
    base = MLERegression(noise=noise).fit(X, y)
    moved = MLERegression(noise=noise).fit(X, y * c)
    np.testing.assert_allclose(moved.coef_ / c, base.coef_, rtol=1e-9)
    np.testing.assert_allclose(moved.scale_ / c, base.scale_, rtol=1e-9)
    np.testing.assert_allclose(moved.log_likelihood(X, y * c) + 300 * np.log(c),
                               base.log_likelihood(X, y), rtol=1e-9)

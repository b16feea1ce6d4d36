"""The estimators' shared plumbing (course_lib._validation), checked on every estimator it serves.

Negative sample weights, a failed fit, random_state, numpy scalars as
hyperparameters, scikit-learn's coef_ layout of binary classifiers and the
multiclass wrappers' error messages (issue 25, rule 5; issue 21).
"""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted

from course_lib.linear import (
    Lasso,
    LinearRegression,
    LinearSVC,
    LogisticRegression,
    OneVsOneClassifier,
    OneVsRestClassifier,
    Perceptron,
    Ridge,
    SoftmaxRegression,
)
from course_lib.metrics import log_loss
from course_lib.nn import MLPClassifier
from course_lib.optim import DivergenceError
from course_lib.probabilistic import MLERegression

REGRESSORS = [
    LinearRegression(), Ridge(), Lasso(alpha=0.1), LinearRegression(solver="sgd"),
    Ridge(solver="gd"), MLERegression(), MLERegression(noise="laplace"),
    MLERegression(noise="student_t"),
]
BINARY = [Perceptron(), LinearSVC(), LogisticRegression(), LogisticRegression(solver="sgd")]
CLASSIFIERS = BINARY + [
    SoftmaxRegression(), OneVsRestClassifier(LogisticRegression()),
    OneVsOneClassifier(LogisticRegression()),
]
LINEAR = [LinearRegression(), Ridge(), Lasso(), Perceptron(), LinearSVC(), LogisticRegression(),
          SoftmaxRegression()]


def data(estimator, n=40):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 * rng.normal(size=n)
    if isinstance(estimator, ClassifierMixin):
        y = np.where(y > 0, "yes", "no")
    return X, y


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize("estimator", REGRESSORS + CLASSIFIERS, ids=repr)
def test_negative_sample_weight_is_refused(estimator):
    X, y = data(estimator)
    weights = np.ones(len(y))
    weights[3] = -0.5
    with pytest.raises(ValueError, match="sample_weight"):
        clone(estimator).fit(X, y, sample_weight=weights)


EXTRA = [LinearRegression(loss="huber"), Ridge(loss="absolute"), Lasso(loss="mape"),
         LogisticRegression(solver="newton"), OneVsOneClassifier(LinearSVC())]


@pytest.mark.parametrize("scale", [1e-320, 1e-310])
@pytest.mark.parametrize("spread", [False, True])
@pytest.mark.parametrize("estimator", REGRESSORS + CLASSIFIERS + EXTRA, ids=repr)
def test_subnormal_sample_weight_is_refused_naming_the_weights(estimator, spread, scale):
    X, y = data(estimator)
    weights = scale * (np.linspace(0.2, 3.0, len(y)) if spread else np.ones(len(y)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow on the way
        with pytest.raises(ValueError, match="sample_weight"):
            clone(estimator).fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("scale", [1e300, 1e306])
@pytest.mark.parametrize("estimator", [Lasso(alpha=0.1), Ridge(), LinearRegression(),
                                       Ridge(solver="lstsq")], ids=repr)
def test_huge_uneven_weights_give_the_model_of_the_ratios(estimator, scale):
    # Weights and alpha times the same constant: the same model (the Lasso gave NaN at 1e306).
    X, y = data(estimator)
    weights = np.random.default_rng(1).uniform(0.2, 3.0, len(y))
    expected = clone(estimator).fit(X, y, sample_weight=weights)
    model = clone(estimator)
    if hasattr(model, "alpha"):
        model.set_params(alpha=estimator.alpha * scale)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model.fit(X, y, sample_weight=weights * scale)
    np.testing.assert_allclose(model.coef_, expected.coef_, rtol=1e-6, atol=1e-12)


def test_negative_sample_weight_is_refused_by_partial_fit_and_log_likelihood():
    X, y = data(Ridge())
    weights = np.r_[-1.0, np.ones(len(y) - 1)]
    with pytest.raises(ValueError, match="sample_weight"):
        Ridge(solver="sgd").partial_fit(X, y, sample_weight=weights)
    model = MLERegression().fit(X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        model.log_likelihood(X, y, sample_weight=weights)


DIVERGING = [
    LinearRegression(solver="gd", learning_rate=10.0), Ridge(solver="sgd", learning_rate=10.0),
    Lasso(solver="gd", learning_rate=10.0), LogisticRegression(solver="gd", learning_rate=1e3),
    LogisticRegression(solver="sgd", learning_rate=1e3), LinearSVC(solver="gd", learning_rate=1e3),
    SoftmaxRegression(solver="gd", learning_rate=1e3),
]


@pytest.mark.parametrize("estimator", DIVERGING, ids=repr)
def test_divergence_leaves_the_estimator_unfitted(estimator):
    X, y = data(estimator)
    model = clone(estimator).set_params(learning_rate="auto").fit(X, y)  # a good model first
    check_is_fitted(model)
    model.set_params(learning_rate=estimator.learning_rate)
    with pytest.raises(DivergenceError):
        model.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    assert not [name for name in vars(model) if name.endswith("_")]
    with pytest.raises(NotFittedError):
        model.predict(X)


@pytest.mark.parametrize("estimator", REGRESSORS + CLASSIFIERS, ids=repr)
def test_failed_fit_after_a_good_one_leaves_no_stale_model(estimator):
    X, y = data(estimator)
    model = clone(estimator).fit(X, y)
    with pytest.raises(ValueError):
        model.fit(X[:, :2], y, sample_weight=np.full(len(y), -1.0))
    with pytest.raises(NotFittedError):
        model.predict(X[:, :2])


RANDOM_STATES = {
    "int": lambda: 3, "None": lambda: None,
    "Generator": lambda: np.random.default_rng(3), "RandomState": lambda: np.random.RandomState(3),
}


@pytest.mark.parametrize("kind", RANDOM_STATES)
@pytest.mark.parametrize("estimator", LINEAR, ids=repr)
def test_random_state_takes_int_generator_randomstate_or_none(estimator, kind):
    X, y = data(estimator)
    solver = "sgd"
    fits = [clone(estimator).set_params(solver=solver, random_state=RANDOM_STATES[kind](),
                                        max_iter=20).fit(X, y) for _ in range(2)]
    assert np.all(np.isfinite(fits[0].coef_))
    if kind != "None":  # the same seed, the same model
        np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)


NUMPY_SCALARS = {
    "alpha": np.float32(0.25), "max_iter": np.int64(50), "batch_size": np.int32(8),
    "tol": np.float64(1e-3), "learning_rate": np.float32(0.01), "df": np.float32(4.0),
    "random_state": np.int64(0), "fit_intercept": np.bool_(True),
}


@pytest.mark.parametrize("estimator", REGRESSORS + LINEAR, ids=repr)
def test_hyperparameters_accept_numpy_scalars(estimator):
    X, y = data(estimator)
    params = {key: value for key, value in NUMPY_SCALARS.items() if key in estimator.get_params()}
    if getattr(estimator, "solver", "auto") not in ("gd", "sgd"):
        params.pop("learning_rate", None)  # the closed forms take no step
    plain = {key: value.item() for key, value in params.items()}
    ours = clone(estimator).set_params(**params).fit(X, y)
    reference = clone(estimator).set_params(**plain).fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("estimator", BINARY, ids=repr)
def test_binary_classifiers_have_sklearns_coef_layout(estimator):
    X, y = data(estimator)
    ours = clone(estimator).fit(X, y)
    theirs = sk.LogisticRegression().fit(X, y)
    assert ours.coef_.shape == theirs.coef_.shape == (1, 3)
    assert ours.intercept_.shape == theirs.intercept_.shape == (1,)
    scores = ours.decision_function(X)
    assert scores.shape == (len(y),)
    np.testing.assert_allclose(scores, X @ ours.coef_[0] + ours.intercept_[0], rtol=1e-12)
    np.testing.assert_array_equal(ours.predict(X), ours.classes_[(scores > 0).astype(int)])


def test_fit_without_intercept_keeps_a_zero_intercept_row():
    X, y = data(LinearSVC())
    model = LogisticRegression(fit_intercept=False).fit(X, y)
    np.testing.assert_array_equal(model.intercept_, [0.0])


class _FailingClassifier(ClassifierMixin, BaseEstimator):
    """A binary classifier that refuses every fit, speaking of its own labels 0 and 1."""

    def fit(self, X, y, sample_weight=None):
        raise ValueError(f"cannot separate labels {sorted(set(np.asarray(y).tolist()))}")

    def predict(self, X):  # pragma: no cover - never fitted
        return np.zeros(len(X))


@pytest.mark.parametrize("wrapper", [OneVsRestClassifier, OneVsOneClassifier])
def test_multiclass_errors_name_the_users_labels(wrapper):
    X, _ = data(Ridge(), n=30)
    y = np.repeat(["cat", "dog", "owl"], 10)
    with pytest.raises(ValueError, match="'cat'") as error:
        wrapper(_FailingClassifier()).fit(X, y)
    assert "label 1" in str(error.value) and "np.str_" not in str(error.value), error.value
    weights = np.where(y == "dog", 0.0, 1.0)  # no weight left on "dog"
    with pytest.raises(ValueError, match=r"\['dog'\] have only samples of zero weight"):
        wrapper(LogisticRegression()).fit(X, y, sample_weight=weights)


LABELS = {"str": ["cat", "dog", "owl", "cow"], "int": [7, 3, 11, 40]}
EVERY_CLASSIFIER = CLASSIFIERS + [OneVsRestClassifier(Perceptron()),
                                  OneVsOneClassifier(LinearSVC()), MLPClassifier(max_iter=3)]


def _plain(error, *labels):
    """The message names the labels as the user wrote them: no np.str_, np.int64, array(...)."""
    message = str(error.value)
    assert all(label in message for label in labels), message
    assert not any(form in message for form in ("np.", "array(", "dtype")), message


@pytest.mark.parametrize("kind", LABELS)
@pytest.mark.parametrize("estimator", EVERY_CLASSIFIER, ids=repr)
def test_errors_name_the_users_labels_as_written(estimator, kind):
    cat, dog, owl, _ = LABELS[kind]
    X, _ = data(estimator, n=12)
    with pytest.raises(ValueError, match="class") as error:
        clone(estimator).fit(X, [cat] * 12)
    _plain(error, f"({cat!r})")
    y = np.repeat([cat, dog, owl], 4)
    if isinstance(estimator, MLPClassifier):
        return  # three classes, one of zero weight, are fine for it: see the next test
    with pytest.raises(ValueError) as error:
        clone(estimator).fit(X, y, sample_weight=np.where(y == dog, 0.0, 1.0))
    _plain(error, repr(sorted([cat, dog, owl])) if estimator in BINARY else repr([dog]))


@pytest.mark.parametrize("kind", LABELS)
def test_partial_fit_and_log_loss_name_the_users_labels_as_written(kind):
    cat, dog, owl, cow = LABELS[kind]
    X, _ = data(Ridge(), n=4)
    model = MLPClassifier().partial_fit(X, [cat, dog] * 2, classes=[cat, dog])
    with pytest.raises(ValueError, match="not in classes") as error:
        model.partial_fit(X[:2], [cow, cat])
    _plain(error, repr([cow]), repr(sorted([cat, dog])))
    with pytest.raises(ValueError, match="not the same") as error:
        model.partial_fit(X[:2], [cat, cat], classes=[cat, cow])
    _plain(error, repr(sorted([cat, cow])), repr(sorted([cat, dog])))
    with pytest.raises(ValueError, match="only one label") as error:
        log_loss(np.array([owl] * 3), [0.2, 0.3, 0.4])
    _plain(error, f"({owl!r})")


@pytest.mark.parametrize("estimator", REGRESSORS + LINEAR, ids=repr)
def test_a_boolean_is_not_a_number_of_iterations(estimator):
    X, y = data(estimator)
    with pytest.raises(ValueError, match="max_iter"):
        clone(estimator).set_params(max_iter=True).fit(X, y)


def test_the_plumbing_sits_on_the_bottom_floor():
    import ast
    from pathlib import Path

    import course_lib._validation as validation

    tree = ast.parse(Path(validation.__file__).read_text())
    modules = ["." * node.level + (node.module or "") for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom)]
    modules += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]
    assert modules and not [name for name in modules if name.startswith(("course_lib", "."))]


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_small_numpy_integer_hyperparameters_do_not_wrap_around(dtype):
    # batch_size=np.int8(64) passed the parameter check, then 64 * 16 overflowed int8.
    from course_lib.linear import LogisticRegression, Ridge
    from course_lib.nn import MLPRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X @ [1.0, -2.0, 0.5]
    for model, target in [
        (Ridge(solver="sgd", batch_size=dtype(64), max_iter=dtype(100), random_state=0), y),
        (LogisticRegression(max_iter=dtype(120)), (y > 0).astype(int)),
        (MLPRegressor((8,), batch_size=dtype(64), max_iter=dtype(20), random_state=0), y),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # few iterations: convergence is not the point
            reference = clone(model).set_params(
                **{k: int(v) for k, v in model.get_params().items() if isinstance(v, np.generic)}
            ).fit(X, target)
            before = model.get_params()
            model.fit(X, target)
        assert all(type(model.get_params()[k]) is type(v) for k, v in before.items()), (
            "the user's values are kept")
        np.testing.assert_allclose(model.predict(X), reference.predict(X), rtol=1e-12, atol=1e-12)


def test_convergence_warnings_point_at_the_callers_line():
    # The numpy-scalar context adds no frame: the warning still names this file.
    from course_lib.linear import LogisticRegression

    X = np.random.default_rng(0).normal(size=(100, 3))
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogisticRegression(solver="gd", max_iter=np.int8(3)).fit(X, y)
    assert [w.filename for w in caught if issubclass(w.category, ConvergenceWarning)] == [__file__]


@pytest.mark.parametrize("y", [
    np.array([1, 0, 1, 1]), np.array([-128, 127, 0, 127], dtype=np.int8),
    np.array([3, 3, 1], dtype=np.uint8), np.array([2**32 - 1, 0], dtype=np.uint32),
    np.array([5000, -3, 5000]), np.array([2**62, -(2**62), 0]),
    np.array([2**63 - 1, 2**63 - 2]), np.array([2**64 - 1, 2**64 - 3], dtype=np.uint64),
    np.array([True, False, True]), np.array(["b", "a", "b"]), np.array([1.0, 0.0, 1.0]),
], ids=lambda y: f"{y.dtype}-{y.tolist()}")
def test_encoded_classes_equal_numpys_unique_for_every_label_type(y):
    # integers in a short range are counted, not sorted: the same classes, dtype, codes
    from course_lib._validation import encode_classes

    class Model:
        pass

    model = Model()
    y = np.tile(y, 100)  # 100 copies: integers in a short range take the counting path
    encoded = encode_classes(model, y, None)
    classes = np.unique(y)
    assert model.classes_.dtype == classes.dtype
    np.testing.assert_array_equal(model.classes_, classes)
    np.testing.assert_array_equal(encoded, np.searchsorted(classes, y))
    assert encoded.dtype == np.intp

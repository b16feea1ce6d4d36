"""Robustness of course_lib.nn and course_lib.gradcheck (issue 25, rules 4, 5 (nn) and 6).

Rule 4: no layer keeps an array the caller can still change; a layer object
twice in a network is refused. Rule 5: warm_start with other classes,
negative weights, every kind of random_state, numpy scalar hyperparameters,
DivergenceError leaves the MLP unfitted. Rule 6: gradcheck perturbs float64
copies, takes relative steps, compares entry by entry, reports kinks and
handles float32 layers.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from course_lib.gradcheck import check_backward, check_loss_backward, numerical_gradient
from course_lib.nn import (
    SGD,
    Adam,
    CrossEntropyLoss,
    Linear,
    MLPClassifier,
    MLPRegressor,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from course_lib.optim import DivergenceError

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
Y_CLASS = np.array(["a", "b", "c", "d"])[RNG.integers(0, 4, size=40)]
Y_REG = X @ [1.0, -2.0, 0.5]

LAYERS = [lambda: Linear(3, 3, random_state=0), ReLU, Sigmoid, Tanh,
          lambda: Sequential(Linear(3, 4, random_state=0), Tanh(), Linear(4, 3, random_state=1))]
LAYER_IDS = ["Linear", "ReLU", "Sigmoid", "Tanh", "Sequential"]


# -- rule 4: state survives the caller ---------------------------------------------


def _reference_backward(make):
    """A fresh layer, an input, a gradient and what backward gives for them."""
    layer, G, inputs = make(), RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    layer.forward(inputs)
    return layer, G, inputs, layer.backward(G)


@pytest.mark.parametrize("make", LAYERS, ids=LAYER_IDS)
def test_editing_the_input_after_forward_does_not_change_backward(make):
    layer, G, inputs, expected = _reference_backward(make)
    grads = {k: v.copy() for k, v in getattr(layer, "grads", {}).items()}
    X_mine = inputs.copy()
    layer.forward(X_mine)
    X_mine -= 100.0  # the caller reuses its buffer
    np.testing.assert_array_equal(layer.backward(G), expected)
    for key, value in grads.items():
        np.testing.assert_array_equal(layer.grads[key], value)


@pytest.mark.parametrize("make", LAYERS, ids=LAYER_IDS)
def test_editing_the_output_cannot_corrupt_backward(make):
    layer, G, inputs, expected = _reference_backward(make)
    out = layer.forward(inputs)
    try:
        out -= 1.0  # `out = net(X); out -= y`
    except ValueError as error:  # a read-only output is one allowed answer
        assert "read-only" in str(error)
    np.testing.assert_array_equal(layer.backward(G), expected)


def test_the_cross_entropy_target_can_be_changed_after_forward():
    loss, logits = CrossEntropyLoss(), RNG.normal(size=(6, 3))
    target = np.array([0, 1, 2, 0, 1, 2])
    loss.forward(logits, target)
    expected = loss.backward()
    loss.forward(logits, target)
    target[:] = 0
    np.testing.assert_array_equal(loss.backward(), expected)


def test_one_layer_twice_in_a_network_is_refused():
    relu, linear = ReLU(), Linear(3, 3, random_state=0)
    with pytest.raises(ValueError, match="same object"):
        Sequential(linear, relu, Linear(3, 3, random_state=1), relu)
    with pytest.raises(ValueError, match="same object"):
        Sequential(linear, linear)
    with pytest.raises(ValueError, match="twice"):
        SGD([linear, linear])


# -- rule 5 (nn parts) ------------------------------------------------------------


def test_warm_start_refuses_other_classes_with_scikit_learns_message():
    clf = MLPClassifier((4,), max_iter=5, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, Y_CLASS)
        y_other = np.where(Y_CLASS == "d", "e", Y_CLASS)
        with pytest.raises(ValueError, match="warm_start can only be used where `y` has the "
                                             "same classes as in the previous call to fit"):
            clf.fit(X, y_other)
        clf.fit(X, Y_CLASS)  # the same classes: continues


@pytest.mark.parametrize("make", [lambda: MLPClassifier((4,), max_iter=3),
                                  lambda: MLPRegressor((4,), max_iter=3)],
                         ids=["classifier", "regressor"])
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_negative_weights_are_refused(make, method):
    estimator = make()
    y = Y_CLASS if isinstance(estimator, MLPClassifier) else Y_REG
    weights = np.ones(len(y))
    weights[::2] = -1.0
    kwargs = {"classes": np.unique(y)} if method == "partial_fit" and \
        isinstance(estimator, MLPClassifier) else {}
    with pytest.raises(ValueError, match="(?i)negative"):
        getattr(estimator, method)(X, y, sample_weight=weights, **kwargs)
    with pytest.raises(ValueError, match="(?i)sample.weight"):
        getattr(estimator, method)(X, y, sample_weight=np.zeros(len(y)), **kwargs)


def _seeds():
    return [0, None, np.random.default_rng(0), np.random.RandomState(0), np.int64(3)]


@pytest.mark.parametrize("make", [lambda rs: MLPClassifier((4,), max_iter=2, random_state=rs),
                                  lambda rs: MLPRegressor((4,), max_iter=2, random_state=rs),
                                  lambda rs: Linear(3, 2, random_state=rs)],
                         ids=["MLPClassifier", "MLPRegressor", "Linear"])
@pytest.mark.parametrize("seed", _seeds(), ids=["int", "None", "Generator", "RandomState",
                                                "np.int64"])
def test_random_state_takes_every_kind(make, seed):
    obj = make(seed)
    if isinstance(obj, Linear):
        assert obj.params["W"].shape == (3, 2)
        return
    y = Y_CLASS if isinstance(obj, MLPClassifier) else Y_REG
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obj.fit(X, y)
    assert np.all(np.isfinite(obj.coefs_[0]))


def test_int_seeds_reproduce_and_match_a_generator_seeded_alike():
    def fit(seed):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return MLPRegressor((4,), max_iter=2, random_state=seed).fit(X, Y_REG).coefs_[0]
    np.testing.assert_array_equal(fit(5), fit(5))
    np.testing.assert_array_equal(fit(5), fit(np.random.default_rng(5)))


@pytest.mark.parametrize("optimizer, kwargs", [
    (SGD, {"learning_rate": np.float32(0.01), "momentum": np.float64(0.5)}),
    (Adam, {"learning_rate": np.float32(0.01), "beta_1": np.float32(0.9),
            "beta_2": np.float64(0.99), "epsilon": np.float32(1e-7)}),
])
def test_optimizers_take_numpy_scalars(optimizer, kwargs):
    layer = Linear(2, 1, random_state=0)
    layer.grads = {"W": np.ones((2, 1)), "b": np.ones(1)}
    before = layer.params["W"].copy()
    optimizer(layer, **kwargs).step()
    assert np.all(layer.params["W"] < before)


@pytest.mark.parametrize("bad", [True, "0.1", -0.1, 0.0, np.nan])
def test_optimizers_still_refuse_bad_rates(bad):
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(Linear(2, 1, random_state=0), learning_rate=bad)


@pytest.mark.parametrize("make", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("warm", [False, True])
def test_divergence_leaves_the_mlp_unfitted(make, warm):
    y = Y_CLASS if make is MLPClassifier else Y_REG * 1e150
    estimator = make((8,), solver="sgd", learning_rate_init=1e6, momentum=0.0, max_iter=50,
                     random_state=0, warm_start=warm)
    with pytest.raises(DivergenceError):
        estimator.fit(X * 1e150, y)
    with pytest.raises(NotFittedError):
        estimator.predict(X)
    assert not [name for name in vars(estimator) if name.endswith("_")]


# -- rule 6: gradcheck cannot lie ---------------------------------------------------


class _Scaled:
    """z = X * w elementwise (per feature), with an optional sign error on one feature."""

    def __init__(self, w, bug_feature=None):
        self.params, self.grads, self.bug = {"w": w}, {}, bug_feature

    def forward(self, X):
        self.X = np.array(X, dtype=float)
        return np.tanh(self.X * self.params["w"])

    def backward(self, grad_out):
        local = grad_out * (1 - np.tanh(self.X * self.params["w"]) ** 2)
        self.grads["w"] = np.sum(local * self.X, axis=0)
        grad_in = local * self.params["w"]
        if self.bug is not None:
            grad_in[:, self.bug] *= -1
            self.grads["w"][self.bug] *= -1
        return grad_in


@pytest.mark.parametrize("param", ["transposed", "integer", "fortran"])
def test_parameters_of_any_layout_are_perturbed_for_real(param):
    layer = Linear(3, 4, random_state=0)
    W = layer.params["W"]
    layer.params["W"] = {"transposed": np.ascontiguousarray(W.T).T,
                         "integer": np.round(W * 3).astype(int),
                         "fortran": np.asfortranarray(W)}[param]
    original = layer.params["W"]
    errors = check_backward(layer, X[:5])
    assert max(errors.values()) < 1e-7
    assert layer.params["W"] is original  # the caller's object is put back


def test_a_sign_error_on_a_small_feature_next_to_a_large_one_is_caught():
    X_mixed = RNG.normal(size=(8, 2)) * [1e-2, 1e4]
    w = np.array([30.0, 1e-4])
    assert max(check_backward(_Scaled(w), X_mixed).values()) < 1e-6  # correct: passes
    errors = check_backward(_Scaled(w, bug_feature=0), X_mixed)
    assert errors["input"] > 0.5 and errors["w"] > 0.5


class _RowSignBug(Linear):
    """A Linear layer whose dL/dW has the wrong sign in the row of one feature."""

    bug_row = 2

    def backward(self, grad_out, *, input_grad=True):
        grad_in = super().backward(grad_out, input_grad=input_grad)
        self.grads["W"] = self.grads["W"].copy()
        self.grads["W"][self.bug_row] *= -1
        return grad_in


@pytest.mark.parametrize("scales", [[1e3, 1, 1e-4, 1e6], [1, 1e8, 1e-6, 1], [1e5, 1e-2, 1e-5, 1e5]])
def test_a_sign_error_on_a_tiny_feature_next_to_a_huge_one_is_caught_or_warned(scales):
    X_mixed = np.random.default_rng(1).normal(size=(6, 4)) * scales
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        errors = check_backward(_RowSignBug(4, 3, random_state=0), X_mixed)
    warned = any("could not be checked" in str(w.message) for w in caught)
    assert errors["W"] > 0.5 or warned, dict(errors)
    with warnings.catch_warnings():  # a correct layer passes (perhaps with that warning)
        warnings.simplefilter("ignore")
        assert max(check_backward(Linear(4, 3, random_state=0), X_mixed).values()) < 1e-6


@pytest.mark.parametrize("scales", [[1e-2, 1e4, 1.0], [1e6, 1e-6, 1.0], [1e3, 1e3, 1e3]])
def test_a_correct_network_on_unscaled_input_passes(scales):
    # saturated sigmoids (|z| ~ 1e2..1e6): a longer step over the flip once read as a
    # gradient of 0.4 where the derivative is 1e-30 (73 of 900 random inputs; seeds
    # 0-19 all failed or passed by luck before). Still open: 4 of seeds 0-299 (50,
    # 62, 117, ...) give 2e-6..5e-3, the truncation of an accepted long step.
    net = Sequential(Linear(3, 5, random_state=0), Sigmoid(), Linear(5, 2, random_state=1))
    for seed in range(20):  # own seeds: the data must not depend on the order of the tests
        X_raw = np.random.default_rng(seed).normal(size=(6, 3)) * scales
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "could not be checked" is allowed, a wrong verdict not
            assert max(check_backward(net, X_raw).values()) < 1e-6, seed


def test_kinks_are_reported_and_skipped():
    X_kink = np.array([[0.0, 1.0, -2.0], [3.0, 0.0, 0.5]])
    with pytest.warns(UserWarning, match="kink"):
        errors = check_backward(ReLU(), X_kink)
    assert errors["input"] < 1e-8
    assert sorted(errors.kinks["input"]) == [(0, 0), (1, 1)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        smooth = check_backward(ReLU(), X_kink + 0.1)
    assert smooth.kinks == {} and smooth["input"] < 1e-8


class _Float32Linear(Linear):
    """A Linear layer computing in float32 (as on a GPU)."""

    def forward(self, X):
        self._X = np.array(X, dtype=np.float32)
        return self._X @ self.params["W"].astype(np.float32) + self.params["b"].astype(np.float32)

    def backward(self, grad_out, *, input_grad=True):
        G = np.asarray(grad_out, dtype=np.float32)
        self.grads["W"], self.grads["b"] = self._X.T @ G, G.sum(axis=0)
        return G @ self.params["W"].astype(np.float32).T


def test_float32_layers_get_a_float32_step():
    layer = _Float32Linear(3, 2, random_state=0)
    errors = check_backward(layer, X[:6])
    assert max(errors.values()) < 1e-3  # float32: about 1e-4 at best, never a false alarm


def test_numerical_gradient_steps_follow_the_scale():
    x = np.array([1e4, 3e4, -2e4])
    g = numerical_gradient(lambda v: float(np.sum(np.sin(v / 1e4))), x)
    np.testing.assert_allclose(g, np.cos(x / 1e4) / 1e4, rtol=1e-8)


def test_loss_gradcheck_is_per_entry():
    class WrongSmallEntry(MSELoss):
        def backward(self):
            grad = super().backward()
            grad[0, 0] *= -1  # a sign error on the smallest entry
            return grad
    out, target = np.array([[1e-3, 50.0], [-20.0, 10.0]]), np.zeros((2, 2))
    assert check_loss_backward(MSELoss(), out, target) < 1e-7
    assert check_loss_backward(WrongSmallEntry(), out, target) > 0.5


@pytest.mark.parametrize("scale", [1e-320, 1e-310, 1e-300])
@pytest.mark.parametrize("estimator", [MLPRegressor, MLPClassifier])
def test_tiny_sample_weight_is_refused_naming_the_weights(estimator, scale):
    # Not a divergence blamed on learning_rate_init: alpha / sum(weights) overflowed.
    X_small = np.random.default_rng(0).normal(size=(60, 3))
    y = X_small @ [1.0, 2.0, 3.0]
    if estimator is MLPClassifier:
        y = (y > 0).astype(int)
    with pytest.raises(ValueError, match="sample_weight"):
        estimator((4,), max_iter=5, random_state=0).fit(X_small, y,
                                                       sample_weight=np.full(60, scale))


def _window_view():
    series = np.arange(7.0)  # lag features: a read-only view of the writable series
    return np.lib.stride_tricks.sliding_window_view(series, 3), series


def _strided_view():
    series = np.arange(7.0)
    view = np.lib.stride_tricks.as_strided(series, shape=(5, 3), strides=(8, 8), writeable=False)
    return view, series


def _buffer_view():
    buffer = bytearray(RNG.normal(size=(5, 3)).tobytes())
    numbers = np.frombuffer(buffer)
    numbers.flags.writeable = False
    return numbers.reshape(5, 3), np.frombuffer(buffer)  # another array over the same bytes


def _ndarray_over_a_buffer():
    buffer = bytearray(RNG.normal(size=(5, 3)).tobytes())
    view = np.ndarray((5, 3), buffer=buffer)
    view.flags.writeable = False
    return view, np.ndarray(15, buffer=buffer)


@pytest.mark.parametrize("view", [_window_view, _strided_view, _buffer_view,
                                  _ndarray_over_a_buffer])
@pytest.mark.parametrize("make", LAYERS, ids=LAYER_IDS)
def test_a_read_only_view_of_writable_data_is_copied(make, view):
    # read-only, but the buffer underneath is the caller's: `series[:] = ...` must not leak
    X_view, writable = view()
    layer, G = make(), RNG.normal(size=(5, 3))
    reference = make()
    reference.forward(X_view.copy())
    expected = reference.backward(G)
    layer.forward(X_view)
    writable[:] = 100.0
    np.testing.assert_array_equal(layer.backward(G), expected)
    for ours, theirs in zip(getattr(layer, "layers", [layer]),
                            getattr(reference, "layers", [reference])):
        for key, value in theirs.grads.items():
            np.testing.assert_array_equal(ours.grads[key], value)


@pytest.mark.parametrize("shared", [lambda: Linear(3, 3, random_state=0), Tanh])
def test_a_layer_of_another_network_is_refused(shared):
    layer = shared()
    first = Sequential(layer, ReLU())
    with pytest.raises(ValueError, match="another Sequential.*not supported"):
        Sequential(layer, Sigmoid())  # net1.backward would use the input cached by net2
    with pytest.raises(ValueError, match="another Sequential"):
        Sequential(Linear(3, 3, random_state=1), Sequential(layer))  # nested, too
    first.forward(X[:4])  # the first network is unharmed
    first.layers.append(first.layers[0])  # changed after construction: forward refuses
    with pytest.raises(ValueError, match="same object"):
        first.forward(X[:4])
    del first  # a layer of a deleted network is free again
    np.testing.assert_array_equal(Sequential(layer).forward(X[:4]), layer.forward(X[:4]))


def test_a_copied_layer_can_join_another_network():
    import copy

    layer = Linear(3, 3, random_state=0)
    first = Sequential(layer, Tanh())
    second = Sequential(copy.deepcopy(layer), ReLU())
    np.testing.assert_array_equal(first[0].forward(X[:4]), second[0].forward(X[:4]))

"""The worked example of section 5.1 (book/05_backprop/01_backprop.ipynb) asserted, not only
printed: the seed's 1-1-1 network with output 0.68 and C = (0.68 - 1)^2 = 0.1024, and its
derivatives by the seed's formulas = course_lib.nn's backward pass = finite differences."""

import numpy as np
import pytest

from course_lib.gradcheck import numerical_gradient
from course_lib.nn import SGD, Linear, MSELoss, Sequential, Sigmoid

# the notebook's weights: pixel x = a^(L-2), layer L-2 -> L-1 and L-1 -> L; b^(L-1) chosen
X_PIXEL, Y_TARGET, W2, B2, W1 = 0.8, 1.0, 1.5, -0.2, 2.0
A1 = 1 / (1 + np.exp(-(W2 * X_PIXEL + B2)))
B1 = np.log(0.68 / 0.32) - W1 * A1


def _network():
    net = Sequential(Linear(1, 1), Sigmoid(), Linear(1, 1), Sigmoid())
    for layer, w, b in [(net[0], W2, B2), (net[2], W1, B1)]:
        layer.params["W"], layer.params["b"] = np.array([[w]]), np.array([b])
    return net


X, Y = np.array([[X_PIXEL]]), np.array([[Y_TARGET]])


def _cost(net):
    return MSELoss().forward(net.forward(X), Y)


def _finite_difference(net, index, key):
    layer = net[index]

    def cost(value):
        old, layer.params[key] = layer.params[key], value
        result = _cost(net)
        layer.params[key] = old
        return result

    return numerical_gradient(cost, layer.params[key]).item()


def test_the_network_outputs_068_and_the_loss_is_01024():
    assert B1 == pytest.approx(-0.7083, abs=1e-4)
    assert _network().forward(X).item() == pytest.approx(0.68, abs=1e-12)
    assert _cost(_network()) == pytest.approx(0.1024, abs=1e-12)


def test_layer_l_minus_1_derivatives_three_ways():
    a_L = 0.68
    dC_da, dsigma = 2 * (a_L - Y_TARGET), a_L * (1 - a_L)  # -0.64 and 0.2176
    by_hand = {"W": A1 * dsigma * dC_da, "b": dsigma * dC_da, "a": W1 * dsigma * dC_da}
    assert by_hand["b"] == pytest.approx(-0.139264, abs=1e-12)
    assert by_hand["a"] == pytest.approx(-0.278528, abs=1e-12)

    net, loss = _network(), MSELoss()
    loss.forward(net.forward(X), Y)
    grad_a1 = net[2].backward(net[3].backward(loss.backward()))
    library = {"W": net[2].grads["W"].item(), "b": net[2].grads["b"].item(), "a": grad_a1.item()}
    def tail(a):  # layers L-1 -> L (a layer belongs to one Sequential: no second network)
        return net[3].forward(net[2].forward(a))

    numeric = {"W": _finite_difference(net, 2, "W"), "b": _finite_difference(net, 2, "b"),
               "a": numerical_gradient(lambda a: MSELoss().forward(tail(a), Y),
                                       np.array([[A1]])).item()}
    for key in by_hand:
        assert library[key] == pytest.approx(by_hand[key], abs=1e-12)
        assert numeric[key] == pytest.approx(by_hand[key], abs=1e-9)


def test_layer_l_minus_2_derivatives_by_the_recursion():
    dC_da1 = W1 * 0.68 * 0.32 * 2 * (0.68 - Y_TARGET)
    by_hand = {"W": X_PIXEL * A1 * (1 - A1) * dC_da1, "b": A1 * (1 - A1) * dC_da1}
    net, loss = _network(), MSELoss()
    loss.forward(net.forward(X), Y)
    net.backward(loss.backward())
    for key in by_hand:
        assert net[0].grads[key].item() == pytest.approx(by_hand[key], abs=1e-12)
        assert _finite_difference(_network(), 0, key) == pytest.approx(by_hand[key], abs=1e-9)


def test_the_seed_derivative_of_the_sigmoid_is_sigma_times_one_minus_sigma():
    z = np.linspace(-30, 30, 601)
    s = Sigmoid().forward(z[:, None])[:, 0]
    np.testing.assert_allclose(np.exp(-z) / (1 + np.exp(-z)) ** 2, s * (1 - s), rtol=0, atol=1e-15)


def test_sgd_is_the_update_rule_and_training_lowers_the_loss():
    net, loss = _network(), MSELoss()
    history = []
    optimizer = SGD(net, learning_rate=1.0)
    for step in range(300):
        history.append(loss.forward(net.forward(X), Y))
        net.backward(loss.backward())
        expected = net[2].params["W"] - 1.0 * net[2].grads["W"]
        optimizer.step()
        if step == 0:
            np.testing.assert_allclose(net[2].params["W"], expected, rtol=0, atol=0)
    assert np.all(np.diff(history) < 0)
    assert history[-1] < 1e-3 < history[0]

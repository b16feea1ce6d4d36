"""gradcheck judges layers that write into their arguments, and checks every parameter.

Stress test 2, F8 and F17 (rule 6): a correct backward that scales
``grad_out`` in place, a forward that works in place on its input, a loss
that writes into the output, a function that writes into its argument; a
block with its own parameters around inner layers, and nested networks.
"""

import numpy as np
import pytest

from course_lib.gradcheck import (
    check_backward,
    check_loss_backward,
    numerical_gradient,
)
from course_lib.nn import Linear, Sequential, Tanh

RNG = np.random.default_rng(0)
X = RNG.normal(size=(5, 3))


class _InPlaceSigmoid:
    """A correct sigmoid whose backward scales grad_out in place and returns it."""

    params, grads = {}, {}

    def forward(self, X):
        self.a = 1 / (1 + np.exp(-np.asarray(X, dtype=float)))
        return self.a

    def backward(self, grad_out):
        grad_out *= self.a * (1 - self.a)
        return grad_out


class _InPlaceTanh:
    """A correct tanh computed in place in its input, backward in place in grad_out."""

    params, grads = {}, {}

    def forward(self, X):
        self.a = np.tanh(X, out=X)
        return self.a

    def backward(self, grad_out):
        grad_out *= 1 - self.a**2
        return grad_out


class _InPlaceLinear(Linear):
    """Linear whose backward scales grad_out in place before using it (correctly)."""

    def backward(self, grad_out, *, input_grad=True):
        grad_out *= 2.0
        result = super().backward(grad_out, input_grad=input_grad)
        self.grads = {key: value / 2.0 for key, value in self.grads.items()}
        return result / 2.0


@pytest.mark.parametrize("make", [_InPlaceSigmoid, _InPlaceTanh,
                                  lambda: _InPlaceLinear(3, 2, random_state=0)])
def test_a_correct_layer_writing_into_its_arguments_passes(make):
    errors = check_backward(make(), X)
    assert max(errors.values()) < 1e-7, errors


def test_a_network_of_in_place_layers_passes_and_a_wrong_one_fails():
    net = Sequential(Linear(3, 4, random_state=0), _InPlaceSigmoid(),
                     _InPlaceLinear(4, 2, random_state=1))
    assert max(check_backward(net, X).values()) < 1e-7

    class Wrong(_InPlaceSigmoid):
        def backward(self, grad_out):
            grad_out *= self.a  # the factor (1 - a) forgotten
            return grad_out

    assert check_backward(Wrong(), X)["input"] > 0.1


class _InPlaceHalfSquares:
    """C = sum((output - target)^2) / 2, the residual computed in the output's array."""

    factor = 1.0

    def forward(self, output, target):
        output -= target
        self.diff = output
        return float(np.sum(output**2) / 2)

    def backward(self):
        return self.factor * self.diff


def test_a_loss_writing_into_the_output_is_judged_right():
    class Wrong(_InPlaceHalfSquares):
        factor = 2.0

    output, target = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 2))
    assert check_loss_backward(_InPlaceHalfSquares(), output, target) < 1e-7
    assert check_loss_backward(Wrong(), output, target) > 0.3


def test_a_wrong_layer_computing_in_place_in_its_input_is_caught():
    class Wrong(_InPlaceTanh):
        def backward(self, grad_out):
            grad_out *= 1 - self.a  # should be 1 - a^2
            return grad_out

    assert check_backward(Wrong(), X)["input"] > 0.1


def test_a_function_writing_into_its_argument_is_differentiated_right():
    x = np.array([1.0, -2.0, 0.5])
    g = numerical_gradient(lambda v: float(np.sum(np.square(v, out=v))), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8)


class _ScaledBlock:
    """y = s * inner(x): its own parameter s and a list of inner layers."""

    def __init__(self, bug=False):
        self.layers = [Linear(3, 2, random_state=0)]
        self.params, self.grads, self.bug = {"s": np.array([1.5])}, {}, bug

    def forward(self, X):
        self.inner = self.layers[0].forward(X)
        return self.params["s"] * self.inner

    def backward(self, grad_out, *, input_grad=True):
        self.grads["s"] = np.array([np.sum(grad_out * self.inner)]) * (-1 if self.bug else 1)
        return self.layers[0].backward(self.params["s"] * grad_out)


def test_a_blocks_own_parameters_are_checked_with_its_layers():
    errors = check_backward(_ScaledBlock(), X)
    assert set(errors) == {"input", "s", "0.W", "0.b"}
    assert max(errors.values()) < 1e-7
    assert check_backward(_ScaledBlock(bug=True), X)["s"] > 0.5


def test_the_layers_inside_a_block_inside_a_network_are_checked():
    class WrongBias(Linear):
        def backward(self, grad_out, *, input_grad=True):
            result = super().backward(grad_out, input_grad=input_grad)
            self.grads["b"] = -self.grads["b"]
            return result

    block = _ScaledBlock()
    errors = check_backward(Sequential(block, Tanh()), X)
    assert set(errors) == {"input", "0.s", "0.0.W", "0.0.b"}
    assert max(errors.values()) < 1e-7
    block.layers = [WrongBias(3, 2, random_state=0)]
    errors = check_backward(Sequential(block, Tanh()), X)
    assert errors["0.0.b"] > 0.5 and errors["0.0.W"] < 1e-7

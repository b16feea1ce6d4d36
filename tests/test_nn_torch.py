"""course_lib.nn against PyTorch, an oracle no one here wrote (optional: skipped without torch).

PyTorch is not a requirement of the course; where it is installed, the
gradients of a network (autograd) and whole SGD/Adam trajectories must match
course_lib.nn step for step.
"""

import numpy as np
import pytest

from course_lib.nn import (
    SGD,
    Adam,
    CrossEntropyLoss,
    Linear,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 4))
Y_REG = RNG.normal(size=(16, 2))
Y_CLASS = RNG.integers(0, 2, size=16)

ACTIVATIONS = [(ReLU, torch.nn.ReLU), (Tanh, torch.nn.Tanh), (Sigmoid, torch.nn.Sigmoid)]


def _twin(ours_activation, torch_activation):
    """The same 4-8-2 network in course_lib and in torch (float64, the same weights)."""
    ours = Sequential(Linear(4, 8, random_state=0), ours_activation(), Linear(8, 2, random_state=1))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch_activation(),
                                 torch.nn.Linear(8, 2)).double()
    with torch.no_grad():
        for layer, twin in zip([ours[0], ours[2]], [theirs[0], theirs[2]]):
            twin.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))
            twin.bias.copy_(torch.from_numpy(layer.params["b"] + 0.1))
            layer.params["b"] = layer.params["b"] + 0.1
    return ours, theirs


def _loss_pair(kind):
    if kind == "mse":
        return MSELoss(), torch.nn.MSELoss(), Y_REG, torch.from_numpy(Y_REG)
    return CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), Y_CLASS, torch.from_numpy(Y_CLASS)


def _torch_grads(theirs):
    return [(layer.weight.grad.numpy().T, layer.bias.grad.numpy())
            for layer in (theirs[0], theirs[2])]


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("kind", ["mse", "cross_entropy"])
def test_gradients_match_torch_autograd(activation, kind):
    ours, theirs = _twin(*activation)
    loss, torch_loss, target, torch_target = _loss_pair(kind)
    value = loss.forward(ours.forward(X), target)
    grad_input = ours.backward(loss.backward())
    x = torch.from_numpy(X.copy()).requires_grad_(True)
    torch_value = torch_loss(theirs(x), torch_target)
    torch_value.backward()
    assert value == pytest.approx(torch_value.item(), rel=1e-12)
    np.testing.assert_allclose(grad_input, x.grad.numpy(), rtol=1e-10, atol=1e-14)
    for layer, (W, b) in zip([ours[0], ours[2]], _torch_grads(theirs)):
        np.testing.assert_allclose(layer.grads["W"], W, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(layer.grads["b"], b, rtol=1e-10, atol=1e-14)


OPTIMIZERS = {
    "sgd": (lambda net: SGD(net, 0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "momentum": (lambda net: SGD(net, 0.05, momentum=0.9),
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "nesterov": (lambda net: SGD(net, 0.05, momentum=0.9, nesterov=True),
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    # Adam: course_lib (scikit-learn's form) adds epsilon to sqrt(v) before the bias
    # correction, torch after it; with epsilon = 1e-12 both are the same update to ~1e-10.
    "adam": (lambda net: Adam(net, 0.01, epsilon=1e-12),
             lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-12)),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_training_trajectories_match_torch_step_for_step(name):
    ours, theirs = _twin(Tanh, torch.nn.Tanh)
    make_ours, make_theirs = OPTIMIZERS[name]
    optimizer, torch_optimizer = make_ours(ours), make_theirs(theirs.parameters())
    loss, torch_loss = MSELoss(), torch.nn.MSELoss()
    x, y = torch.from_numpy(X), torch.from_numpy(Y_REG)
    for step in range(30):
        value = loss.forward(ours.forward(X), Y_REG)
        ours.backward(loss.backward(), input_grad=False)
        optimizer.step()
        torch_optimizer.zero_grad()
        torch_value = torch_loss(theirs(x), y)
        torch_value.backward()
        torch_optimizer.step()
        assert value == pytest.approx(torch_value.item(), rel=1e-9), f"step {step}"
        for layer, twin in zip([ours[0], ours[2]], [theirs[0], theirs[2]]):
            np.testing.assert_allclose(layer.params["W"], twin.weight.detach().numpy().T,
                                       rtol=1e-8, atol=1e-10, err_msg=f"step {step}")
            np.testing.assert_allclose(layer.params["b"], twin.bias.detach().numpy(),
                                       rtol=1e-8, atol=1e-10, err_msg=f"step {step}")

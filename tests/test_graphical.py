"""course_lib.probabilistic.graphical: tables, factorization, exact marginals, ancestral sampling."""

import itertools

import numpy as np
import pytest

from course_lib.probabilistic.graphical import DiscreteBayesNet

# a -> b, a -> c, b -> c: every factor of the chain rule p(a) p(b|a) p(c|a,b) is a table
P_A = {0: 0.3, 1: 0.7}
P_B = {(0,): {"x": 0.9, "y": 0.1}, (1,): {"x": 0.4, "y": 0.6}}
P_C = {(0, "x"): {"lo": 0.5, "mid": 0.3, "hi": 0.2}, (0, "y"): {"lo": 0.1, "mid": 0.1, "hi": 0.8},
       (1, "x"): {"lo": 0.0, "mid": 1.0, "hi": 0.0}, (1, "y"): {"lo": 0.25, "mid": 0.25, "hi": 0.5}}


def make_net():
    # deliberately listed child first: the order must come from the graph
    return DiscreteBayesNet({"c": (("a", "b"), P_C), "b": (("a",), P_B), "a": ((), P_A)})


def test_topological_order_puts_parents_first():
    assert make_net().topological_order() == ["a", "b", "c"]


def test_joint_is_the_chain_rule_product_and_sums_to_one():
    net = make_net()
    total = 0.0
    for a, b, c in itertools.product(P_A, ["x", "y"], ["lo", "mid", "hi"]):
        p = net.joint_probability({"a": a, "b": b, "c": c})
        assert p == pytest.approx(P_A[a] * P_B[(a,)][b] * P_C[(a, b)][c], abs=1e-15)
        total += p
    assert total == pytest.approx(1.0, abs=1e-12)


def test_marginals_by_hand():
    net = make_net()
    # p(b = x) = 0.3 * 0.9 + 0.7 * 0.4
    assert net.marginal("b") == pytest.approx({"x": 0.55, "y": 0.45}, abs=1e-12)
    # p(c = lo) = 0.3*0.9*0.5 + 0.3*0.1*0.1 + 0.7*0.4*0 + 0.7*0.6*0.25 = 0.135 + 0.003 + 0.105
    # p(c = hi) = 0.3*0.9*0.2 + 0.3*0.1*0.8 + 0 + 0.7*0.6*0.5 = 0.054 + 0.024 + 0.21
    expected = {"lo": 0.243, "mid": 1 - 0.243 - 0.288, "hi": 0.288}
    assert net.marginal("c") == pytest.approx(expected, abs=1e-12)
    assert net.marginal("a") == pytest.approx(P_A, abs=1e-12)


def test_conditional_returns_the_table_row():
    net = make_net()
    assert net.conditional("c", (1, "y")) == P_C[(1, "y")]
    assert net.conditional("a") == P_A


@pytest.mark.parametrize("node", ["a", "b", "c"])
def test_monte_carlo_frequencies_within_four_standard_errors(node):
    net, n = make_net(), 40_000
    draws = net.sample(n, random_state=0)
    for value, p in net.marginal(node).items():
        freq = np.mean(draws[node] == value)
        se = np.sqrt(max(p * (1 - p), 1e-12) / n)
        assert abs(freq - p) <= 4 * se + 1e-12, (node, value, freq, p)


def test_sampling_respects_the_conditional_tables():
    net, n = make_net(), 40_000
    draws = net.sample(n, random_state=1)
    # p(c = mid | a = 1, b = x) = 1 exactly: the zero entries are never drawn
    rows = (draws["a"] == 1) & (draws["b"] == "x")
    assert rows.sum() > 0 and np.all(draws["c"][rows] == "mid")
    # p(b = y | a = 0) = 0.1, within 4 standard errors
    rows = draws["a"] == 0
    freq, se = np.mean(draws["b"][rows] == "y"), np.sqrt(0.1 * 0.9 / rows.sum())
    assert abs(freq - 0.1) <= 4 * se


def test_sampling_is_seeded():
    net = make_net()
    first, second = net.sample(100, random_state=3), net.sample(100, random_state=3)
    assert all(np.array_equal(first[k], second[k]) for k in first)
    assert set(first) == {"a", "b", "c"} and first["c"].shape == (100,)


def test_single_parent_rows_may_use_bare_values():
    net = DiscreteBayesNet({"a": ((), P_A), "b": (("a",), {0: P_B[(0,)], 1: P_B[(1,)]})})
    assert net.marginal("b") == pytest.approx({"x": 0.55, "y": 0.45}, abs=1e-12)


@pytest.mark.parametrize("nodes, message", [
    ({"a": ((), {0: 0.5, 1: 0.6})}, "sum to"),
    ({"a": ((), {0: 1.5, 1: -0.5})}, "non-negative"),
    ({"a": (("z",), {})}, "unknown parents"),
    ({"a": (("b",), {("x",): {0: 1.0}}), "b": (("a",), {(0,): {"x": 1.0}})}, "cycle"),
    ({"a": ((), P_A), "b": (("a",), {(0,): P_B[(0,)]})}, "missing"),
    ({"a": ((), P_A), "b": (("a",), {(0,): {"x": 1.0}, (1,): {"z": 1.0}})}, "differ"),
    ({"a": ((), P_A), "b": (("a", "a"), {})}, "twice"),
    ({}, "at least one node"),
])
def test_bad_models_are_rejected(nodes, message):
    with pytest.raises(ValueError, match=message):
        DiscreteBayesNet(nodes)


def test_bad_queries_are_rejected():
    net = make_net()
    with pytest.raises(ValueError, match="no value"):
        net.joint_probability({"a": 2, "b": "x", "c": "lo"})
    with pytest.raises(ValueError, match="missing"):
        net.joint_probability({"a": 0})
    with pytest.raises(ValueError, match="unknown node"):
        net.marginal("d")
    with pytest.raises(ValueError, match="positive integer"):
        net.sample(0)

r"""A discrete directed graphical model (Bayesian network): factorization and ancestral sampling.

A directed acyclic graph says which variables each variable depends on directly; the joint
distribution then factorizes into one conditional distribution per node,

.. math::

    p(x_1, \dots, x_M) = \prod_{m=1}^{M} p\bigl(x_m \mid \mathrm{pa}(x_m)\bigr),

where :math:`\mathrm{pa}(x_m)` are the parents of :math:`x_m`. Every variable here is discrete,
so each conditional distribution is a table (a conditional probability table), marginals are
sums over the other variables, and one draws from the joint by *ancestral sampling*: visit the
nodes in a topological order (every node after its parents) and draw each from its table given
the values already drawn for its parents.

The class is meant for the small networks of the book (a handful of nodes): ``marginal``
enumerates every joint assignment, which costs the product of the numbers of values.

See the book: section 3.1.3.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._checks import _uniform_source

__all__ = ["DiscreteBayesNet"]

_TOLERANCE = 1e-9


class DiscreteBayesNet:
    r"""A directed graphical model of discrete variables given by parents and probability tables.

    Parameters
    ----------
    nodes : mapping of str to (parents, table)
        For every variable its parents (a sequence of node names, empty for a root) and its
        conditional probability table. A root's table maps each value to its probability,
        ``{"sun": 0.7, "rain": 0.3}``. A child's table maps every tuple of parent values (in the
        order of ``parents``) to such a distribution,
        ``{("sun",): {"wet": 0.1, "dry": 0.9}, ("rain",): {"wet": 0.8, "dry": 0.2}}``.
        The values a node takes are the keys of its first row; every row must list the same
        values, be non-negative and sum to 1, and every combination of parent values must
        have a row.

    Attributes
    ----------
    parents : dict of str to tuple of str
        The parents of every node, as given.
    values : dict of str to tuple
        The values every node takes, in the order of its table.

    Raises
    ------
    ValueError
        An unknown parent, a cycle, a missing or extra row, a row that is negative, does not
        sum to 1 or lists other values than the first row.

    Examples
    --------
    >>> net = DiscreteBayesNet({
    ...     "rain": ((), {"yes": 0.2, "no": 0.8}),
    ...     "grass": (("rain",), {("yes",): {"wet": 0.9, "dry": 0.1},
    ...                           ("no",): {"wet": 0.25, "dry": 0.75}}),
    ... })
    >>> net.topological_order()
    ['rain', 'grass']
    >>> round(net.joint_probability({"rain": "yes", "grass": "wet"}), 6)
    0.18
    >>> {value: round(p, 6) for value, p in net.marginal("grass").items()}
    {'wet': 0.38, 'dry': 0.62}
    >>> net.sample(5, random_state=0)["grass"].shape
    (5,)

    See the book: section 3.1.3.
    """

    def __init__(self, nodes: Mapping[str, tuple[Sequence[str], Mapping[Any, Any]]]) -> None:
        if not nodes:
            raise ValueError("a graphical model needs at least one node")
        self.parents: dict[str, tuple[str, ...]] = {}
        tables: dict[str, Mapping[Any, Any]] = {}
        for name, spec in nodes.items():
            if not isinstance(spec, tuple | list) or len(spec) != 2:
                raise ValueError(f"node {name!r}: expected (parents, table), got {spec!r}")
            parents, table = spec
            self.parents[name] = (parents,) if isinstance(parents, str) else tuple(parents)
            tables[name] = table
        self._check_parents()
        self._order = self._topological_sort()
        self.values: dict[str, tuple[Hashable, ...]] = {}
        # tables as arrays: _probs[name][row, k], the row indexing parent values row-major
        self._probs: dict[str, NDArray[np.float64]] = {}
        for name in self._order:
            self.values[name], self._probs[name] = self._table_to_array(name, tables[name])

    # ------------------------------------------------------------ structure
    def _check_parents(self) -> None:
        for name, parents in self.parents.items():
            unknown = [p for p in parents if p not in self.parents]
            if unknown:
                raise ValueError(f"node {name!r} has unknown parents {unknown}; "
                                 f"the nodes are {list(self.parents)}")
            if len(set(parents)) != len(parents):
                raise ValueError(f"node {name!r} lists a parent twice: {list(parents)}")

    def _topological_sort(self) -> list[str]:
        """Kahn's algorithm, keeping the given order among nodes that are ready together."""
        order: list[str] = []
        remaining = dict(self.parents)
        while remaining:
            ready = [name for name, parents in remaining.items()
                     if all(p in order for p in parents)]
            if not ready:
                raise ValueError(f"the graph has a cycle among the nodes {sorted(remaining)}; "
                                 "a directed graphical model must be acyclic")
            order.extend(ready)
            for name in ready:
                del remaining[name]
        return order

    def topological_order(self) -> list[str]:
        """The nodes so that every node comes after all its parents (the sampling order)."""
        return list(self._order)

    def _table_to_array(self, name: str, table: Mapping[Any, Any]
                        ) -> tuple[tuple[Hashable, ...], NDArray[np.float64]]:
        parents = self.parents[name]
        rows = {(): table} if not parents else dict(table)
        combos = list(itertools.product(*(self.values[p] for p in parents)))
        keys = {key if isinstance(key, tuple) else (key,): key for key in rows}
        missing = [c for c in combos if c not in keys]
        extra = [k for k in keys if k not in set(combos)]
        if missing or extra:
            raise ValueError(f"node {name!r}: the table needs one row per combination of the "
                             f"values of {list(parents)}; missing {missing}, unexpected {extra}")
        first = rows[keys[combos[0]]]
        values = tuple(first)
        probs = np.empty((len(combos), len(values)))
        for i, combo in enumerate(combos):
            row = rows[keys[combo]]
            if set(row) != set(values):
                raise ValueError(f"node {name!r}, row {combo}: values {list(row)} differ "
                                 f"from {list(values)}")
            probs[i] = [row[v] for v in values]
            if not np.all(np.isfinite(probs[i])) or np.any(probs[i] < 0):
                raise ValueError(f"node {name!r}, row {combo}: probabilities must be "
                                 f"finite and non-negative, got {probs[i].tolist()}")
            if abs(probs[i].sum() - 1.0) > _TOLERANCE:
                raise ValueError(f"node {name!r}, row {combo}: probabilities sum to "
                                 f"{probs[i].sum():.6g}, not 1")
        return values, probs

    # ------------------------------------------------------------ probabilities
    def _row(self, name: str, codes: Sequence[int] | NDArray[np.int_]) -> Any:
        """Row of ``name``'s table for the given integer codes of its parents (row-major)."""
        shape = tuple(len(self.values[p]) for p in self.parents[name])
        return np.ravel_multi_index(tuple(codes), shape) if shape else 0

    def conditional(self, node: str, parent_values: Sequence[Hashable] = ()) -> dict[Hashable, float]:
        r"""The distribution :math:`p(x \mid \mathrm{pa}(x))` for the given parent values."""
        self._check_node(node)
        parents = self.parents[node]
        if len(parent_values) != len(parents):
            raise ValueError(f"node {node!r} has parents {list(parents)}; "
                             f"got {len(parent_values)} values")
        codes = [self._code(p, v) for p, v in zip(parents, parent_values)]
        probs = self._probs[node][self._row(node, codes)]
        return dict(zip(self.values[node], probs.tolist()))

    def joint_probability(self, assignment: Mapping[str, Hashable]) -> float:
        r"""Probability of a full assignment: the product of one table entry per node.

        .. math:: p(x_1, \dots, x_M) = \prod_m p\bigl(x_m \mid \mathrm{pa}(x_m)\bigr)
        """
        missing = [name for name in self._order if name not in assignment]
        unknown = [name for name in assignment if name not in self.parents]
        if missing or unknown:
            raise ValueError(f"a full assignment names every node once; missing {missing}, "
                             f"unknown {unknown}")
        codes = {name: self._code(name, assignment[name]) for name in self._order}
        return math.prod(
            float(self._probs[name][self._row(name, [codes[p] for p in self.parents[name]]),
                                    codes[name]])
            for name in self._order)

    def marginal(self, node: str) -> dict[Hashable, float]:
        r"""Exact :math:`p(x)` of one node: the joint summed over all other variables.

        .. math:: p(x_m = v) = \sum_{\text{all } x \,:\, x_m = v} \prod_j p(x_j \mid \mathrm{pa}(x_j))

        Plain enumeration of every joint assignment: exact, and cheap for the small networks
        it is meant for (the cost is the product of the numbers of values).
        """
        self._check_node(node)
        totals = dict.fromkeys(self.values[node], 0.0)
        for combo in itertools.product(*(self.values[name] for name in self._order)):
            assignment = dict(zip(self._order, combo))
            totals[assignment[node]] += self.joint_probability(assignment)
        return totals

    # ------------------------------------------------------------ sampling
    def sample(
        self,
        n_samples: int,
        random_state: int
        | np.random.Generator
        | np.random.RandomState
        | None = None,
    ) -> dict[str, NDArray[Any]]:
        """Ancestral sampling: ``n_samples`` independent draws from the joint distribution.

        Nodes are visited in :meth:`topological_order`; each is drawn from its table row
        selected by the values already drawn for its parents (inverse-CDF draw from one
        uniform number per sample). ``random_state``: an int, None, a RandomState or a
        numpy Generator.

        Returns
        -------
        dict of str to ndarray of shape (n_samples,)
            The drawn values of every node (``np.asarray`` of the node's values).
        """
        if (
            isinstance(n_samples, bool)
            or not isinstance(n_samples, int | np.integer)
            or n_samples < 1
        ):
            raise ValueError(
                f"n_samples must be a positive integer, got {n_samples!r}"
            )
        uniform = _uniform_source(random_state)
        codes: dict[str, NDArray[np.int_]] = {}
        for name in self._order:
            parent_codes = [codes[p] for p in self.parents[name]]
            rows = (
                self._row(name, parent_codes)
                if parent_codes
                else np.zeros(n_samples, int)
            )
            cumulative = np.cumsum(self._probs[name], axis=1)[rows]
            u = uniform(n_samples)
            # first k with u < F(k); the min guards against a last cumulative of
            # 1 - 1e-16
            codes[name] = np.minimum((u[:, None] >= cumulative).sum(axis=1),
                                     len(self.values[name]) - 1)
        return {
            name: np.asarray(self.values[name])[codes[name]]
            for name in self._order
        }

    # ------------------------------------------------------------ helpers
    def _check_node(self, node: str) -> None:
        if node not in self.parents:
            raise ValueError(f"unknown node {node!r}; the nodes are {list(self.parents)}")

    def _code(self, node: str, value: Hashable) -> int:
        try:
            return self.values[node].index(value)
        except ValueError:
            raise ValueError(f"node {node!r} has no value {value!r}; "
                             f"its values are {list(self.values[node])}") from None

    def __repr__(self) -> str:
        edges = ", ".join(f"{p}->{name}" for name in self._order for p in self.parents[name])
        return f"DiscreteBayesNet(nodes={self._order}, edges=[{edges}])"

"""Drawings of directed graphs: computational graphs and graphical models.

See the book: sections 3.1.3 (graphical models) and 5.1 (backpropagation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ._style import PALETTE

def plot_graph(
    nodes: Mapping[str, tuple[float, float]],
    edges: Iterable[tuple[str, str]],
    *,
    labels: Mapping[str, str] | None = None,
    edge_labels: Mapping[tuple[str, str], str] | None = None,
    highlight: Iterable[tuple[str, str]] = (),
    node_colors: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    fontsize: float = 12,
    pad: float = 0.6,
) -> Axes:
    """A directed graph: named nodes at given positions joined by arrows.

    Used for computational graphs (which quantity is computed from which)
    and graphical models. Highlighted edges are drawn thick in a strong
    colour, and their end nodes are outlined in it: a path along which a
    derivative travels backwards, for example.

    Parameters
    ----------
    nodes : mapping str -> (x, y)
        Position of each node in data coordinates.
    edges : iterable of (u, v)
        Directed edges, drawn as arrows from ``u`` to ``v``.
    labels : mapping str -> str, optional
        Text inside a node (mathtext such as ``"$z^{(L)}$"`` works);
        by default the node's name.
    edge_labels : mapping (u, v) -> str, optional
        Text at the middle of an edge, e.g. a partial derivative.
    highlight : iterable of (u, v), default=()
        Edges to emphasise (they need not be among ``edges``).
    node_colors : mapping str -> str, optional
        Fill colour per node; by default a light neutral grey.
    ax : matplotlib Axes, optional
        Draw into this Axes; by default a new figure.
    title : str, optional
        Title of the Axes.
    fontsize : float, default=12
        Size of the node text.
    pad : float, default=0.6
        Margin around the node positions, in data units.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If an edge, a highlighted edge, a label or a colour names an unknown node.

    Examples
    --------
    The chain ``w -> z -> a -> C`` of one neuron with the last two edges
    highlighted:

    >>> ax = plot_graph({"w": (0, 0), "z": (1, 0), "a": (2, 0), "C": (3, 0)},
    ...                 [("w", "z"), ("z", "a"), ("a", "C")],
    ...                 highlight=[("z", "a"), ("a", "C")])
    >>> [t.get_text() for t in ax.texts[:4]]  # the node boxes, then the arrows
    ['w', 'z', 'a', 'C']

    See the book: section 5.1 (backpropagation), chapter 3 (graphical models).
    """
    positions = {name: (float(x), float(y)) for name, (x, y) in nodes.items()}
    if not positions:
        raise ValueError("plot_graph needs at least one node")
    edges, highlight = list(edges), list(highlight)
    edge_labels, labels, node_colors = edge_labels or {}, labels or {}, node_colors or {}
    named = [n for e in edges + highlight + list(edge_labels) for n in e]
    unknown = sorted({str(n) for n in [*named, *labels, *node_colors] if n not in positions})
    if unknown:
        raise ValueError(f"unknown node names: {', '.join(unknown)}; "
                         f"the nodes are {', '.join(positions)}")
    if ax is None:
        _, ax = plt.subplots()
    strong = PALETTE[1]
    hot_nodes = {n for e in highlight for n in e}
    texts = {}
    for name, (x, y) in positions.items():
        hot = name in hot_nodes
        texts[name] = ax.text(
            x, y, labels.get(name, name), ha="center", va="center", fontsize=fontsize, zorder=2,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": node_colors.get(name, "#EEEEEE"),
                  "edgecolor": strong if hot else "#555555", "linewidth": 2.0 if hot else 1.0})
    for u, v in dict.fromkeys(edges + highlight):  # each edge once, in order
        hot = (u, v) in highlight
        ax.annotate("", xy=positions[v], xytext=positions[u], zorder=3, arrowprops={
            "arrowstyle": "-|>", "color": strong if hot else "#555555",
            "lw": 2.8 if hot else 1.2, "mutation_scale": 16 if hot else 12,
            "patchA": texts[u].get_bbox_patch(), "patchB": texts[v].get_bbox_patch(),
            "shrinkA": 2, "shrinkB": 2})
    for (u, v), text in edge_labels.items():
        (x0, y0), (x1, y1) = positions[u], positions[v]
        # beside the edge, on its left (above a left-to-right edge): the arrow stays visible
        length = max(np.hypot(x1 - x0, y1 - y0), 1e-12)
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length
        ha = "left" if nx > 0.3 else "right" if nx < -0.3 else "center"
        va = "bottom" if ny > 0.3 else "top" if ny < -0.3 else "center"
        ax.annotate(text, xy=((x0 + x1) / 2, (y0 + y1) / 2), xytext=(4 * nx, 4 * ny),
                    textcoords="offset points", ha=ha, va=va, zorder=4,
                    fontsize=fontsize - 1, color=strong if (u, v) in highlight else "black")
    xy = np.array(list(positions.values()))
    ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
    ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    if title is not None:
        ax.set_title(title)
    return ax

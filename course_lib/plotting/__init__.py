"""The book's figures: one style and the plots several chapters share.

See the book: every chapter; the style is set in the first cell of each
notebook with :func:`use_course_style`. The style lives in ``_style``, the
graph drawings in ``_graph``; every name is public here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from numpy.typing import ArrayLike

from ._graph import plot_graph
from ._style import PALETTE, use_course_style

__all__ = [
    "PALETTE",
    "use_course_style",
    "plot_complexity_curve",
    "plot_decision_regions",
    "plot_loss_contours",
    "plot_graph",
    "show_images",
]

def plot_complexity_curve(
    complexity: ArrayLike,
    train_error: ArrayLike,
    test_error: ArrayLike,
    *,
    xlabel: str = "сложность модели",
    ylabel: str = "ошибка",
    labels: tuple[str, str] = ("обучающая выборка", "тестовая выборка"),
    ax: Axes | None = None,
    logy: bool = False,
) -> Axes:
    """Train and test error against model complexity, best test point marked.

    Parameters
    ----------
    complexity : array-like of shape (n_models,)
        Complexity of each model (polynomial degree, 1/alpha, ...).
    train_error, test_error : array-like of shape (n_models,)
        Error of each model on the training and the test sample.
    xlabel, ylabel : str
        Axis labels (Russian, as in the book).
    labels : pair of str
        Legend entries of the two curves, e.g. ``("обучение", "валидация")``
        for cross-validation; the best point is named after the second.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    logy : bool, default=False
        Logarithmic error axis, for errors spanning orders of magnitude.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_complexity_curve([1, 2, 3], [3.0, 2.0, 1.0], [3.0, 2.0, 2.5])
    >>> ax.get_legend_handles_labels()[1]
    ['обучающая выборка', 'тестовая выборка', 'минимум: тестовая выборка']

    See the book: section 1.3.
    """
    complexity, train_error, test_error = (
        np.asarray(a, dtype=float) for a in (complexity, train_error, test_error)
    )
    if not complexity.shape == train_error.shape == test_error.shape:
        raise ValueError(
            "complexity, train_error and test_error must have one value per model, "
            f"got shapes {complexity.shape}, {train_error.shape}, {test_error.shape}"
        )
    ax = ax if ax is not None else plt.figure().gca()
    ax.plot(complexity, train_error, "o-", label=labels[0])
    ax.plot(complexity, test_error, "s-", label=labels[1])
    best = int(np.argmin(test_error))
    ax.plot(complexity[best], test_error[best], "*", ms=16, color=PALETTE[2],
            label=f"минимум: {labels[1]}")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_decision_regions(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    *,
    ax: Axes | None = None,
    resolution: int = 300,
    feature_names: Sequence[str] = ("$x_1$", "$x_2$"),
) -> Axes:
    """Colour the plane by a fitted classifier's answer and overlay the sample.

    Parameters
    ----------
    model : fitted classifier with ``predict``
        Trained on exactly two features.
    X : array-like of shape (n_samples, 2)
        Objects to draw.
    y : array-like of shape (n_samples,)
        Their labels (any type).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    resolution : int, default=300
        Grid points per axis.
    feature_names : pair of str
        Axis labels.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> y = np.array(["a", "b", "a", "b"])
    >>> ax = plot_decision_regions(KNeighborsClassifier(1).fit(X, y), X, y)

    See the book: sections 1.2 and 2.1.9.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2), got {X.shape}")
    if len(X) != len(y):
        raise ValueError(f"X and y have different lengths: {len(X)} and {len(y)}")
    classes = np.unique(y)
    if len(classes) > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} classes can be drawn, got {len(classes)}")
    ax = ax if ax is not None else plt.figure().gca()
    margin = 0.05 * (X.max(axis=0) - X.min(axis=0)) + 1e-9
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    answer = model.predict(np.column_stack([g1.ravel(), g2.ravel()]))
    index = np.searchsorted(classes, answer).reshape(g1.shape)
    cmap = ListedColormap(PALETTE[: len(classes)])
    ax.pcolormesh(g1, g2, index, cmap=cmap, alpha=0.18, shading="auto",
                  vmin=-0.5, vmax=len(classes) - 0.5)
    for k, label in enumerate(classes):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=18, color=PALETTE[k],
                   edgecolor="white", linewidth=0.4, label=str(label))
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    # Outside the axes: "best" placement over a dense mesh is slow and warns.
    ax.legend(title="класс", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def plot_loss_contours(
    ax: Axes,
    loss: Any,
    minimum: ArrayLike,
    paths: dict[str, ArrayLike],
    *,
    window: ArrayLike | None = None,
    margin: float = 5.0,
    levels: int = 14,
    resolution: int = 150,
    path_style: dict[str, dict[str, Any]] | None = None,
) -> Axes:
    """Level lines of a loss of two weights, with optimization paths drawn over them.

    The contour levels are spaced geometrically above the minimum, so the narrow
    valley near it and the steep walls far from it are both visible.

    Parameters
    ----------
    ax : matplotlib Axes
    loss : callable
        ``loss(w) -> float`` for a weight vector ``w`` of shape ``(2,)``.
    minimum : array-like of shape (2,)
        The minimizer, marked with a star.
    paths : dict of str to array-like of shape (n_steps, 2)
        Iterates of each method, labelled; each path's first point is its start.
    window : array-like of shape (n_points, 2), optional
        Points the plot must show (default: the paths and the minimum); pass the
        same window to several panels to give them the same grid.
    margin : float, default=5.0
        Extra room around the window, in weight units.
    levels : int, default=14
        Number of level lines.
    resolution : int, default=150
        Grid points per axis.
    path_style : dict of str to dict, optional
        Matplotlib keyword arguments per path label (default: a line with dots).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plt.figure().gca()
    >>> path = np.array([[3.0, 3.0], [1.0, 2.0], [0.2, 0.5]])
    >>> ax = plot_loss_contours(ax, lambda w: w @ w, [0.0, 0.0], {"спуск": path})
    >>> len(ax.lines)  # the path, its start, the minimum
    3

    See the book: sections 2.1.4 and 2.1.5.
    """
    minimum = np.asarray(minimum, dtype=float)
    paths = {label: np.asarray(path, dtype=float) for label, path in paths.items()}
    points = np.vstack([*paths.values(), minimum[None]] if window is None else [window])
    lo, hi = points.min(axis=0) - margin, points.max(axis=0) + margin
    a, b = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    Z = np.array([[loss(np.array([u, v])) for u in a] for v in b])
    floor = loss(minimum)
    ax.contour(a, b, Z, levels=floor + np.geomspace(1e-4, 1, levels) * (Z.max() - floor),
               colors="grey", linewidths=0.7)
    styles = path_style or {}
    colours = [c for c in PALETTE if c not in (PALETTE[1], PALETTE[2])]  # those mark the points
    for k, (label, path) in enumerate(paths.items()):
        style = {"marker": "o", "ms": 3, "lw": 1.2, "color": colours[k % len(colours)]}
        style.update(styles.get(label, {}))
        ax.plot(path[:, 0], path[:, 1], label=label, **style)
    starts = np.array([path[0] for path in paths.values()])
    ax.plot(starts[:, 0], starts[:, 1], "s", color=PALETTE[2], ms=7, label="старт")
    ax.plot(*minimum, "*", color=PALETTE[1], ms=14, label="минимум")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    return ax


def show_images(
    images: ArrayLike,
    titles: Sequence[str],
    *,
    ncols: int = 10,
    size: float = 0.9,
) -> plt.Figure:
    """A grid of small grey-scale images (e.g. the digits dataset) with titles.

    Parameters
    ----------
    images : array-like of shape (n_images, height, width)
        Pixel intensities.
    titles : sequence of str, one per image
        Caption above each image.
    ncols : int, default=10
        Images per row.
    size : float, default=0.9
        Side of one image in inches.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> fig = show_images(np.zeros((3, 8, 8)), ["0", "1", "2"], ncols=3)
    >>> len(fig.axes)
    3

    See the book: section 1.2.
    """
    images = np.asarray(images, dtype=float)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n_images, height, width), got {images.shape}")
    if len(titles) != len(images):
        raise ValueError(f"got {len(images)} images but {len(titles)} titles")
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * (size + 0.25)),
                             squeeze=False)
    for ax in axes.ravel()[len(images):]:
        fig.delaxes(ax)
    for ax, image, title in zip(axes.ravel(), images, titles):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    return fig

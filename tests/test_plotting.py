"""course_lib.plotting: the shared figures draw what they claim."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

from course_lib import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_style_is_applied():
    plotting.use_course_style()
    assert plt.rcParams["axes.grid"] is True
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][0] == plotting.PALETTE[0]


def test_complexity_curve_marks_the_best_test_point():
    ax = plotting.plot_complexity_curve([1, 2, 3, 4], [4, 3, 2, 1], [4, 2, 3, 5])
    best = ax.lines[2]
    assert best.get_xdata()[0] == 2 and best.get_ydata()[0] == 2


def test_complexity_curve_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="one value per model"):
        plotting.plot_complexity_curve([1, 2], [1, 2, 3], [1, 2])


def test_decision_regions_colour_the_predicted_class():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array(["left", "left", "right", "right"])
    model = KNeighborsClassifier(n_neighbors=1).fit(X, y)
    ax = plotting.plot_decision_regions(model, X, y, resolution=20)
    regions = np.asarray(ax.collections[0].get_array()).reshape(20, 20)
    # Columns on the left half predict class 0, on the right half class 1.
    assert (regions[:, :8] == 0).all() and (regions[:, -8:] == 1).all()
    assert ax.get_legend_handles_labels()[1] == ["left", "right"]


def test_decision_regions_need_two_features():
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        plotting.plot_decision_regions(None, np.zeros((3, 3)), [0, 1, 0])


def test_show_images_lays_out_a_grid():
    fig = plotting.show_images(np.zeros((13, 8, 8)), [str(i) for i in range(13)], ncols=5)
    assert len(fig.axes) == 13
    assert fig.axes[12].get_title() == "12"


def test_show_images_needs_a_title_per_image():
    with pytest.raises(ValueError, match="titles"):
        plotting.show_images(np.zeros((2, 8, 8)), ["only one"])


def test_complexity_curve_labels_name_the_curves():
    ax = plotting.plot_complexity_curve([1, 2], [2, 1], [2, 3], labels=("обучение", "валидация"))
    assert ax.get_legend_handles_labels()[1] == ["обучение", "валидация", "минимум: валидация"]


def test_style_silences_the_load_dependent_legend_warning():
    import warnings

    plotting.use_course_style()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        plotting.use_course_style()  # re-installs the filter after simplefilter
        warnings.warn('Creating legend with loc="best" can be slow with large amounts of data.')
    assert caught == []


def test_loss_contours_cover_the_paths_and_mark_start_and_minimum():
    from course_lib.plotting import plot_loss_contours

    fig, ax = plt.subplots()
    path = np.array([[10.0, -4.0], [6.0, -1.0], [2.0, 0.5]])
    plot_loss_contours(ax, lambda w: float((w - [1.0, 1.0]) @ (w - [1.0, 1.0])), [1.0, 1.0],
                       {"спуск": path}, margin=1.0)
    assert ax.get_xlim() == (1.0 - 1.0, 10.0 + 1.0) and ax.get_ylim() == (-4.0 - 1.0, 1.0 + 1.0)
    labels = [line.get_label() for line in ax.lines]
    assert labels == ["спуск", "старт", "минимум"]
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), path)
    np.testing.assert_array_equal(ax.lines[1].get_xydata(), [[10.0, -4.0]])
    levels = ax.collections[0].levels if ax.collections else ax.containers
    assert np.all(np.asarray(levels) > 0)  # every level line lies above the minimum (0)
    plt.close(fig)


def test_loss_contours_share_a_window_across_panels():
    from course_lib.plotting import plot_loss_contours

    fig, (left, right) = plt.subplots(1, 2)
    window = np.array([[-3.0, -3.0], [3.0, 3.0]])
    for ax, path in ((left, [[1.0, 1.0], [0.0, 0.0]]), (right, [[-2.0, 0.5], [0.0, 0.0]])):
        plot_loss_contours(ax, lambda w: float(w @ w), [0.0, 0.0], {"путь": path},
                           window=window, margin=0.5)
    assert left.get_xlim() == right.get_xlim() == (-3.5, 3.5)
    plt.close(fig)


def test_graph_draws_nodes_edges_and_the_highlighted_path():
    nodes = {"w": (0, 1), "a0": (0, 0), "z": (1, 0), "a": (2, 0), "C": (3, 0)}
    edges = [("w", "z"), ("a0", "z"), ("z", "a"), ("a", "C")]
    ax = plotting.plot_graph(nodes, edges, labels={"z": "$z^{(L)}$"},
                             edge_labels={("a", "C"): "dC/da"},
                             highlight=[("z", "a"), ("a", "C")], title="граф")
    node_texts = [t for t in ax.texts if not isinstance(t, matplotlib.text.Annotation)]
    assert [t.get_text() for t in node_texts] == ["w", "a0", "$z^{(L)}$", "a", "C"]
    arrows = [t for t in ax.texts if isinstance(t, matplotlib.text.Annotation)]
    assert [a.get_text() for a in arrows] == ["", "", "", "", "dC/da"]
    widths = [a.arrow_patch.get_linewidth() for a in arrows if a.get_text() == ""]
    assert sorted(widths) == [1.2, 1.2, 2.8, 2.8]
    strong = matplotlib.colors.to_rgba(plotting.PALETTE[1])
    outlined = {t.get_text() for t in node_texts if t.get_bbox_patch().get_edgecolor() == strong}
    assert outlined == {"$z^{(L)}$", "a", "C"}
    assert ax.get_title() == "граф" and not ax.axison
    assert ax.get_xlim()[0] < 0 and ax.get_xlim()[1] > 3
    ax.figure.canvas.draw()  # the arrows clip to the node boxes without errors


def test_graph_rejects_unknown_node_names():
    with pytest.raises(ValueError, match="unknown node names: q"):
        plotting.plot_graph({"a": (0, 0), "b": (1, 0)}, [("a", "b")], highlight=[("b", "q")])
    with pytest.raises(ValueError, match="unknown node names: x, y"):
        plotting.plot_graph({"a": (0, 0)}, [("x", "y")])

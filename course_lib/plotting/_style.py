"""The book's matplotlib style and palette.

See the book: every chapter; the style is set in the first cell of each
notebook with :func:`use_course_style`.
"""

from __future__ import annotations

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt  # noqa: F401  (the doctest reads plt.rcParams)

#: Colour-blind-safe palette (Okabe & Ito), used for classes and curves.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")

_STYLE = {
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.autolayout": True,
    "font.family": "DejaVu Sans",  # ships with matplotlib, has Cyrillic glyphs
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def use_course_style() -> None:
    """Apply the book's matplotlib style to every figure drawn afterwards.

    Examples
    --------
    >>> use_course_style()
    >>> plt.rcParams["axes.grid"]
    True

    See the book: every chapter.
    """
    mpl.rcParams.update(_STYLE)
    # matplotlib warns when placing a legend at loc="best" takes over a second:
    # a hint that depends on the machine's load, not on the figure, and would
    # make a notebook's output (checked by nbval) differ from run to run.
    warnings.filterwarnings("ignore", message=r'Creating legend with loc="best" can be slow')

"""Show course_lib's own code inside a notebook, so the book holds one copy.

See the book: the introduction ("Как устроен курс").
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Sequence
from typing import Any

__all__ = ["SourceCode", "Table", "show_source", "show_table"]


class SourceCode:
    """Source text of a Python object with rich notebook representations.

    Jupyter and the published site render it as highlighted Python (the
    Markdown representation is a fenced code block); plain-text consumers,
    such as nbval's output comparison, see the bare source.

    Parameters
    ----------
    source : str
        The code to show.
    name : str
        Qualified name of the object, e.g. ``course_lib.metrics.mae``.
    """

    def __init__(self, source: str, name: str) -> None:
        self.source = source
        self.name = name

    def __repr__(self) -> str:
        return self.source

    def _repr_markdown_(self) -> str:
        # A fence longer than any backtick run in the code cannot be closed early.
        fence = "`" * max(3, _longest_backtick_run(self.source) + 1)
        return f"{fence}python\n{self.source}\n{fence}"


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def show_source(obj: Any, docstring: bool = True) -> SourceCode:
    """Return the source of a function, class or method for display.

    Parameters
    ----------
    obj : function, class, method or module
        The object to show, usually from course_lib.
    docstring : bool, default=True
        Keep the docstring. Set False to show only the code when the book's
        text already states the formula.

    Returns
    -------
    SourceCode
        Displayed as highlighted code when it is the last value of a cell.

    Raises
    ------
    TypeError
        If the object has no Python source (a builtin, a number, ...).

    Examples
    --------
    >>> from course_lib.metrics import mae
    >>> print(show_source(mae, docstring=False))  # doctest: +ELLIPSIS
    def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
        y_true, y_pred = _check_targets(y_true, y_pred)
        return float(np.mean(np.abs(y_true - y_pred)))

    See the book: the introduction.
    """
    try:
        source = textwrap.dedent(inspect.getsource(obj)).rstrip()
    except (TypeError, OSError) as error:
        raise TypeError(
            f"cannot show the source of {obj!r}: it is not Python code "
            "defined in a file (a function, class, method or module)"
        ) from error
    if not docstring:
        source = _strip_docstring(obj, source)
    name = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
    return SourceCode(source, name.strip("."))


def _strip_docstring(obj: Any, source: str) -> str:
    """Remove the docstring of a function or class from its source text."""
    doc = inspect.getdoc(obj)
    if not doc or inspect.ismodule(obj):
        return source
    tree = ast.parse(source)
    body = tree.body[0].body  # type: ignore[attr-defined]
    first = body[0]
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)):
        return source
    lines = source.splitlines()
    # Line numbers are 1-based and inclusive; drop the docstring's lines.
    kept = lines[: first.lineno - 1] + lines[first.end_lineno :]
    return "\n".join(kept)


class Table:
    """A Markdown table: rendered as a table on the site, compared as text by nbval.

    Parameters
    ----------
    headers : sequence of str
    rows : sequence of sequences
        Cells are shown with ``str``; ``|`` inside a cell is escaped.
    """

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        widths = {len(row) for row in rows} | {len(headers)}
        if len(widths) != 1:
            raise ValueError(f"every row needs {len(headers)} cells, got rows of {sorted(widths)}")
        self.headers, self.rows = list(headers), [list(row) for row in rows]

    def _repr_markdown_(self) -> str:
        def line(cells: Sequence[Any]) -> str:
            return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

        return "\n".join([line(self.headers), line(["---"] * len(self.headers)),
                          *map(line, self.rows)])

    __repr__ = _repr_markdown_


def show_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    """Return a table for display as the last value of a notebook cell.

    Examples
    --------
    >>> print(show_table(["модель", "время, с"], [["ours", 0.5], ["sklearn", 1.0]]))
    | модель | время, с |
    | --- | --- |
    | ours | 0.5 |
    | sklearn | 1.0 |

    See the book: appendix «Производительность».
    """
    return Table(headers, rows)

"""Show course_lib's own code inside a notebook, so the book holds one copy.

See the book: the introduction ("Как устроен курс").
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Sequence
from typing import Any

__all__ = ["SourceCode", "Table", "print_wrapped", "show_source", "show_table",
           "strip_docstrings"]


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


def show_source(obj: Any, docstring: bool = False) -> SourceCode:
    """Return the source of a function, class or method for display.

    Parameters
    ----------
    obj : function, class, method or module
        The object to show, usually from course_lib.
    docstring : bool, default=False
        Keep the docstrings. By default every docstring (of the object and of
        the functions and classes inside it) is dropped: the book's text
        states the formulas and the API appendix renders the docstrings.

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
    >>> print(show_source(mae))
    def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
        y_true, y_pred = _check_targets(y_true, y_pred)
        return float(np.mean(np.abs(y_true - y_pred)))
    >>> "Mean absolute error." in show_source(mae, docstring=True).source
    True

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
        source = strip_docstrings(source)
    name = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
    return SourceCode(source, name.strip("."))


_DEFINITIONS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def strip_docstrings(source: str) -> str:
    r"""Remove every docstring (module, classes, functions, methods) from source text.

    A docstring is the string that opens a body, or a ``__doc__ = ...``
    assignment in a class or module body. One that shares a line with other
    code (``def f(): "doc"``) is kept. A body that was only a docstring
    becomes ``...``. The blank line that followed a docstring goes with it.

    Examples
    --------
    >>> print(strip_docstrings("class A:\n    'Doc.'\n\n    def f(self):\n"
    ...                        "        'More.'\n        return 1"))
    class A:
        def f(self):
            return 1
    """
    lines = source.splitlines()
    drop: set[int] = set()  # 0-based line numbers
    ellipsis: dict[int, str] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, _DEFINITIONS):
            continue
        docs = [s for s in node.body if _is_docstring(s, s is node.body[0])]
        for doc in docs:
            start, end = doc.lineno - 1, doc.end_lineno - 1  # type: ignore[operator]
            before, after = lines[start][: doc.col_offset], lines[end][doc.end_col_offset :]
            if before.strip() or after.strip():
                continue  # shares a line with code
            drop.update(range(start, end + 1))
            if len(node.body) == len(docs):
                ellipsis[start] = before + "..."
            elif end + 1 < len(lines) and not lines[end + 1].strip():
                drop.add(end + 1)
    kept = [ellipsis.get(i, line) for i, line in enumerate(lines)
            if i not in drop or i in ellipsis]
    return "\n".join(kept)


def _is_docstring(statement: ast.stmt, first: bool) -> bool:
    if first and isinstance(statement, ast.Expr):
        value = statement.value
        return isinstance(value, ast.Constant) and isinstance(value.value, str)
    return (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == "__doc__")


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


PAGE_WIDTH = 80  # characters: what the book's text column and the PDF's page show


def print_wrapped(*values: Any, sep: str = " ", width: int = PAGE_WIDTH,
                  indent: str = "    ") -> None:
    r"""Print like ``print``, wrapping every line longer than ``width`` at spaces.

    Continuation lines start with ``indent``. Lines that fit (a table row, an
    array) are printed as they are; a word longer than the line is not cut.

    Examples
    --------
    >>> print_wrapped("веса совпадают:", True, "; вероятности совпадают:", True, width=30)
    веса совпадают: True ;
        вероятности совпадают:
        True
    >>> print_wrapped("короткая строка\nвторая", width=30)
    короткая строка
    вторая

    See the book: every page (lines of output fit the page).
    """
    if width <= len(indent):
        raise ValueError(f"width must exceed the indent ({len(indent)}), got {width}")
    lines = sep.join(map(str, values)).split("\n")
    print("\n".join(
        textwrap.fill(line, width, subsequent_indent=indent, break_long_words=False,
                      break_on_hyphens=False) if len(line) > width else line
        for line in lines))

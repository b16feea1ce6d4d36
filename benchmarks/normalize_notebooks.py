"""Put the book's notebooks in the form readers and nbval both need; idempotent.

``run_notebooks.py`` (``make notebooks``) applies :func:`normalize` to every notebook before
executing it; ``python benchmarks/normalize_notebooks.py book/.../*.ipynb`` applies it alone.

* Test machinery stays off the page: a ``# NBVAL_IGNORE_OUTPUT`` comment line (or another
  nbval marker) becomes the equivalent cell tag, which nbval reads as well.
* Answers stay hidden for notebook readers too: every reference solution
  (``show_source(solution(...))``) is tagged ``hide-output`` (the site collapses it) and its
  outputs are stored collapsed (``metadata.jupyter.outputs_hidden``: JupyterLab and Binder
  show a collapsed bar); likewise any ``hide-output`` cell, and a ``hide-input`` cell's source
  (``metadata.jupyter.source_hidden``).
* Code fits the page: code cells are formatted by ruff at the line length of
  ``[tool.ruff]`` in pyproject.toml (80). A trailing comment that alone makes a line too long
  moves onto its own line above the code first (ruff would split the code around it instead).
  Cells ruff cannot parse are left as they are.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
LINE_LENGTH = 80

# nbval's comment markers and the cell tags that mean the same.
NBVAL_TAGS = {
    "NBVAL_IGNORE_OUTPUT": "nbval-ignore-output",
    "NBVAL_CHECK_OUTPUT": "nbval-check-output",
    "NBVAL_SKIP": "nbval-skip",
    "NBVAL_RAISES_EXCEPTION": "raises-exception",
}
NBVAL_COMMENT = re.compile(r"^[ \t]*#[ \t]*(NBVAL_[A-Z_]+)[ \t]*\n?", re.M)
SOLUTION = re.compile(r"^\s*show_source\(\s*solution\(", re.M)


def is_solution(cell) -> bool:
    """A cell (an nbformat node or the JSON dict) that shows an exercise's reference solution."""
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    return cell["cell_type"] == "code" and bool(SOLUTION.search(source))


def _add_tag(cell, tag: str) -> None:
    tags = cell.metadata.setdefault("tags", [])
    if tag not in tags:
        tags.append(tag)


def _nbval_comments_to_tags(cell) -> None:
    for marker in NBVAL_COMMENT.findall(cell.source):
        if marker not in NBVAL_TAGS:
            raise ValueError(f"unknown nbval marker {marker} in cell {cell.get('id')}")
        _add_tag(cell, NBVAL_TAGS[marker])
    cell.source = NBVAL_COMMENT.sub("", cell.source).lstrip("\n")


def _collapse(cell) -> None:
    if is_solution(cell):
        _add_tag(cell, "hide-output")
    tags = cell.metadata.get("tags", [])
    if "hide-output" in tags:
        cell.metadata.setdefault("jupyter", {})["outputs_hidden"] = True
    if "hide-input" in tags:
        cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


def lift_long_comments(source: str, limit: int = LINE_LENGTH) -> str:
    """Move each trailing comment that makes its line longer than ``limit`` above the line.

    >>> print(lift_long_comments("x = 1  # " + "a" * 80))
    # aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    x = 1
    >>> lift_long_comments("s = '# not a comment'")
    "s = '# not a comment'"
    """
    lines = source.split("\n")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return source
    for token in reversed(tokens):  # bottom up: inserted lines do not shift the rest
        row, col = token.start[0] - 1, token.start[1]
        line = lines[row] if row < len(lines) else ""
        code = line[:col].rstrip()
        if token.type != tokenize.COMMENT or not code or len(line) <= limit:
            continue
        indent = line[: len(line) - len(line.lstrip())]
        lines[row : row + 1] = [indent + token.string, code]
    return "\n".join(lines)


def _ruff_sources(notebook, path: Path) -> list[str] | None:
    """The cells' sources as ruff formats them, or None if ruff cannot parse one."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=nbformat.writes(notebook), capture_output=True, text=True, cwd=ROOT, check=False,
    )
    if result.returncode != 0:
        return None
    cells = json.loads(result.stdout)["cells"]
    return ["".join(cell["source"]) for cell in cells]


def _ruff_format(notebook, path: Path) -> None:
    """Format the code cells with ruff, as one notebook (ruff knows IPython magics).

    If ruff cannot parse some cell, every code cell is tried alone and the ones it cannot
    parse stay as they are.
    """
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    sources = _ruff_sources(notebook, path)
    if sources is not None:
        for cell, source in zip(notebook.cells, sources, strict=True):
            if cell.cell_type == "code":
                cell.source = source
        return
    for cell in code:
        single = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell.source)],
                                          metadata=notebook.metadata)
        formatted = _ruff_sources(single, path)
        if formatted is not None:
            cell.source = formatted[0]


def normalize(notebook, path: Path):
    """Normalize ``notebook`` (an nbformat node) in place and return it; see the module doc."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        _nbval_comments_to_tags(cell)
        cell.source = lift_long_comments(cell.source)
        _collapse(cell)
    _ruff_format(notebook, path)
    return notebook


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name).resolve()
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        normalize(notebook, path)
        if nbformat.writes(notebook) != before:
            nbformat.write(notebook, path)
            print(f"normalized {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

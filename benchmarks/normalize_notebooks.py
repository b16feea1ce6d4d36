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
  Then a string literal still too long is split at spaces into adjacent literals (Python
  joins them again: the change is kept only if the syntax tree stays exactly the same), and
  a long full-line comment is wrapped. Cells ruff cannot parse are left as they are.
"""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
import textwrap
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


STRING_START = re.compile(r"([rRbBfFuU]{0,2})(['\"])")


def _split_points(body: str, formatted: bool) -> list[int]:
    """Where a literal's body may be cut: after a space, or between two replacement fields
    (``}{``), never inside a field of an f-string."""
    points, depth, i = [], 0, 0
    while i < len(body):
        char = body[i]
        if formatted and depth == 0 and body.startswith(("{{", "}}"), i):
            i += 2
            continue
        if char == "\\":
            i += 2
            continue
        if formatted and char == "{":
            depth += 1
        elif formatted and char == "}":
            depth -= 1
            if depth == 0 and body.startswith("{", i + 1):
                points.append(i + 1)
        elif char == " " and depth == 0 and i + 1 < len(body):
            points.append(i + 1)
        i += 1
    return points


def _literal(line: str) -> tuple[str, str, str, str] | None:
    """(indent, prefix, body, comma) if the line is one one-line string literal (and maybe a
    comma), else None. Triple-quoted literals (docstrings) are left alone."""
    indent = line[: len(line) - len(line.lstrip())]
    literal, after = line.strip(), ""
    if literal.endswith(","):
        literal, after = literal[:-1].rstrip(), ","
    match = STRING_START.match(literal)
    if not match or literal[len(match.group(0)) :].startswith(match.group(2) * 2):
        return None
    try:
        value = ast.parse(literal, mode="eval").body
    except SyntaxError:
        return None
    prefix, quote = match.groups()
    if (not isinstance(value, (ast.Constant, ast.JoinedStr)) or quote != '"'
            or not literal.endswith(quote) or "r" in prefix.lower() or "b" in prefix.lower()):
        return None
    return indent, prefix, literal[len(prefix) + 1 : -1], after


def _reflow(block: list[tuple[str, str, str, str]], limit: int) -> list[str] | None:
    """Adjacent literals (one per line, same indentation) as one text, cut anew at spaces."""
    indent, after = block[0][0], block[-1][3]
    formatted = any("f" in prefix.lower() for _, prefix, _, _ in block)
    # An f-string's braces are doubled; a plain literal joining one must double its own.
    body = "".join(text if "f" in prefix.lower() or not formatted
                   else text.replace("{", "{{").replace("}", "}}")
                   for _, prefix, text, _ in block)
    prefix = "f" if formatted else ""
    pieces = []
    while len(indent) + len(prefix) + 2 + len(body) + len(after) > limit:
        room = limit - len(indent) - len(prefix) - 2
        fitting = [p for p in _split_points(body, formatted) if p <= room]
        if not fitting:
            return None
        pieces.append(body[: fitting[-1]])
        body = body[fitting[-1] :]
    pieces.append(body)

    def literal_of(piece: str) -> str:
        plain = formatted and not re.search(r"[{}]", piece)
        return f'{indent}{"" if plain else prefix}"{piece}"'

    lines = [literal_of(piece) for piece in pieces]
    lines[-1] += after
    return lines


def _split_string(line: str, limit: int) -> list[str] | None:
    """A line that is one string literal (and maybe a comma), as lines of adjacent literals."""
    parsed = _literal(line)
    return _reflow([parsed], limit) if parsed else None


MAGIC = re.compile(r"^\s*[%!]")


def _tree(lines: list[str]) -> str | None:
    """The syntax tree of a cell (IPython magics masked as comments), or None."""
    masked = ["#" + line if MAGIC.match(line) else line for line in lines]
    try:
        return ast.dump(ast.parse("\n".join(masked)))
    except SyntaxError:
        return None


def split_long_strings(source: str, limit: int = LINE_LENGTH) -> str:
    """Split each line longer than ``limit`` that is one string literal into adjacent literals
    at spaces (Python joins them back), and wrap long full-line comments. A split is kept
    only if the cell's syntax tree stays exactly the same.

    >>> print(split_long_strings('print(\\n    f"{1} ' + 'word ' * 16 + 'end"\\n)'))
    print(
        f"{1} word word word word word word word word word word word word word "
        "word word word end"
    )
    """
    lines = source.split("\n")
    tree = _tree(lines)
    if tree is None:
        return source
    row = len(lines) - 1
    while row >= 0:
        parsed = _literal(lines[row]) if not MAGIC.match(lines[row]) else None
        if not parsed:
            row -= 1
            continue
        # The block of adjacent literals this line belongs to (a comma ends a block).
        end = row + 1
        start = row
        while start > 0 and (above := _literal(lines[start - 1])) and not above[3] \
                and above[0] == parsed[0]:
            start -= 1
        block = [_literal(line) for line in lines[start:end]]
        if max(len(line) for line in lines[start:end]) > limit:
            replacement = _reflow(block, limit)
            if replacement:
                candidate = lines[:start] + replacement + lines[end:]
                if _tree(candidate) == tree:
                    lines = candidate
        row = start - 1
    return _wrap_comments("\n".join(lines), limit)


def _wrap_comments(source: str, limit: int) -> str:
    """Reflow each block of full-line comments (same indentation) that has a line too long.

    >>> print(_wrap_comments("  # " + "word " * 15 + "end\\n  # next line\\nx = 1", 40))
      # word word word word word word word
      # word word word word word word word
      # word end next line
    x = 1
    """
    lines, out, i = source.split("\n"), [], 0
    comment = re.compile(r"^(\s*)# (?!NBVAL)")
    while i < len(lines):
        match = comment.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent, block = match.group(1), []
        while i < len(lines) and comment.match(lines[i]) and comment.match(lines[i]).group(1) == indent:
            block.append(lines[i])
            i += 1
        if max(map(len, block)) > limit:
            text = " ".join(line.strip()[2:] for line in block)
            block = textwrap.wrap(text, limit, initial_indent=indent + "# ",
                                  subsequent_indent=indent + "# ", break_long_words=False)
        out += block
    return "\n".join(out)


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
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = split_long_strings(cell.source)
    _ruff_format(notebook, path)  # the split strings' enclosing calls may need a new layout
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

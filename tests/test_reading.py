"""The notebooks read like a book: lines fit the page, code without reference text, figures
with words, answers hidden for notebook readers too (issue 26).

These check the committed notebooks; tests/website/ checks the same things on the built site
and in JupyterLab. `benchmarks/normalize_notebooks.py` (run by `make notebooks`) does most of
what is checked here: nbval tags, collapsed solutions, code formatted to 80 columns.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from normalize_notebooks import NBVAL_COMMENT, is_solution  # noqa: E402

NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]
LIMIT = 80  # characters: what the site's text column and the PDF's page show without a scroll

# Lines allowed to be longer, as (notebook, the line's start): each one says why.
ALLOWED_LONG_LINES: dict[tuple[str, str], str] = {}

# myst-nb reads a figure's alt text and caption from these cell metadata keys.
ALT = ("mystnb", "image", "alt")
CAPTION = ("mystnb", "figure", "caption")
FIGURE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
# What the site shows of a display output: the first of these it has (myst-nb's HTML order).
HTML_PRIORITY = ("text/html", *FIGURE_MIMES, "text/markdown", "text/latex", "text/plain")
NUMPYDOC_SECTION = re.compile(
    r"^[ \t]*(Parameters|Returns|Yields|Raises|Warns|See Also|Notes|References|Examples|Attributes)"
    r"[ \t]*\n[ \t]*-{3,}[ \t]*$", re.M)
FENCED_CODE = re.compile(r"^(`{3,})[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(path: Path) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(load(path)["cells"]) if c["cell_type"] == "code"]


def text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def shown_text(output: dict) -> str:
    """The lines a reader sees of one output, as text (empty for figures and HTML)."""
    if output["output_type"] == "stream":
        return text(output["text"])
    if output["output_type"] == "error":
        return "\n".join(output.get("traceback", []))
    data = output.get("data", {})
    mime = next((m for m in HTML_PRIORITY if m in data), None)
    if mime == "text/markdown":  # prose wraps and tables reflow; code blocks do not
        return "\n".join(m.group(2) for m in FENCED_CODE.finditer(text(data[mime])))
    return text(data[mime]) if mime in ("text/plain", "text/latex") else ""


def long_lines(path: Path) -> list[str]:
    name = str(path.relative_to(ROOT))
    found = []
    for index, cell in code_cells(path):
        pieces = [("код", text(cell["source"]))]
        pieces += [("вывод", shown_text(output)) for output in cell.get("outputs", [])]
        for kind, piece in pieces:
            for line in piece.splitlines():
                if len(line) > LIMIT and not any(
                        name == allowed_name and line.startswith(start)
                        for allowed_name, start in ALLOWED_LONG_LINES):
                    found.append(f"cell {index} {kind} ({len(line)}): {line[:100]}")
    return found


def test_shown_text_detects_long_lines_where_the_reader_sees_them():
    long = "x" * (LIMIT + 1)
    assert shown_text({"output_type": "stream", "text": [long]}) == long
    listing = {"output_type": "execute_result",
               "data": {"text/markdown": f"```python\n{long}\n```", "text/plain": long}}
    assert shown_text(listing).strip() == long
    table = {"output_type": "execute_result", "data": {"text/markdown": f"| {long} |"}}
    assert shown_text(table) == ""
    figure = {"output_type": "display_data", "data": {"image/png": "...", "text/plain": long}}
    assert shown_text(figure) == ""


def test_the_allow_list_is_short_and_justified():
    assert len(ALLOWED_LONG_LINES) <= 5
    assert all(len(why) > 20 for why in ALLOWED_LONG_LINES.values())
    names = {name for name, _ in ALLOWED_LONG_LINES}
    assert names <= set(IDS), names - set(IDS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_and_output_lines_fit_the_page(path):
    found = long_lines(path)
    assert not found, f"{len(found)} lines longer than {LIMIT} characters:\n" + "\n".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_nbval_comments_in_code(path):
    """nbval reads cell tags (nbval-ignore-output); a `# NBVAL_...` comment is shown to readers."""
    found = [i for i, cell in code_cells(path) if NBVAL_COMMENT.search(text(cell["source"]))]
    assert not found, f"cells with NBVAL comments (run `make notebooks` to turn them into tags): {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_listings_show_code_not_reference_text(path):
    """`show_source` outputs hold no numpydoc sections: the API appendix renders docstrings."""
    found = []
    for index, cell in code_cells(path):
        if "show_source(" not in text(cell["source"]):
            continue
        for output in cell.get("outputs", []):
            shown = "\n".join(text(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
            found += [f"cell {index}: {m.group(1)}" for m in NUMPYDOC_SECTION.finditer(shown)]
    assert not found, found


def metadata(cell: dict, keys: tuple[str, ...]):
    value = cell.get("metadata", {})
    for key in keys:
        value = value.get(key, {}) if isinstance(value, dict) else {}
    return value or None


def alt_problem(alt) -> str | None:
    """Why `alt` is not a usable Russian description of a figure (None if it is)."""
    if not isinstance(alt, str) or not alt.strip():
        return "no alt text"
    if re.fullmatch(r"[\w./-]+\.(png|jpe?g|svg|gif)", alt.strip(), flags=re.I):
        return f"alt is a file name: {alt!r}"
    if len(re.findall(r"[а-яё]", alt, flags=re.I)) < 10 or len(alt.split()) < 3:
        return f"alt is not a Russian description: {alt!r}"
    return None


def test_caption_form():
    assert CAPTION_FORM.match("Рис. 5.1: простейшая нейронная сеть")
    assert CAPTION_FORM.match("Рис. 5.2, 5.4 и 5.6: последний слой и пути производных")
    assert not CAPTION_FORM.match("Рисунок 5.1: сеть") and not CAPTION_FORM.match("Рис. 5.1 сеть")


def test_alt_problem_tells_a_description_from_a_file_name():
    assert alt_problem(None) == "no alt text"
    assert "file name" in alt_problem("3f2a9c.png")
    assert "Russian" in alt_problem("loss curve")
    assert alt_problem("Кривая потерь SGD по эпохам: шум убывает с ростом батча") is None


# «Рис. 5.2: ...», or for a figure that draws several of the notes' figures side by side
# «Рис. 5.2, 5.4 и 5.6: ...».
CAPTION_FORM = re.compile(r"Рис\. \d+\.\d+(?:(?:, | и )\d+\.\d+)*: \S")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_figure_has_a_russian_alt_text(path):
    problems = []
    for index, cell in code_cells(path):
        figures = [o for o in cell.get("outputs", []) if any(m in o.get("data", {}) for m in FIGURE_MIMES)]
        if not figures:
            continue
        if len(figures) > 1:
            problems.append(f"cell {index}: {len(figures)} figures share one alt text: split the cell")
        problem = alt_problem(metadata(cell, ALT))
        if problem:
            problems.append(f"cell {index}: {problem}")
        caption = metadata(cell, CAPTION)
        if caption is not None and not CAPTION_FORM.match(caption):
            problems.append(f"cell {index}: caption {caption!r} is not «Рис. N.M: ...»")
    assert not problems, problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_solutions_are_stored_collapsed(path):
    """JupyterLab and Binder collapse outputs with `jupyter.outputs_hidden`; the site reads the
    `hide-output` tag. A reader opening the notebook sees no answer before asking for it."""
    open_ = []
    for index, cell in code_cells(path):
        if not is_solution(cell):
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if "hide-output" not in tags or metadata(cell, ("jupyter", "outputs_hidden")) is not True:
            open_.append(index)
    assert not open_, f"solution cells stored open (run `make notebooks`): {open_}"


def test_some_notebook_has_solutions():
    assert any(is_solution(cell) for path in NOTEBOOKS for _, cell in code_cells(path))


# --------------------------------------------------------------------------
# One name for the course


def first_heading(text_: str) -> str:
    return next(line[2:].strip() for line in text_.splitlines() if line.startswith("# "))


def test_one_name_for_the_course():
    import yaml

    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    assert first_heading((ROOT / "README.md").read_text(encoding="utf-8")) == title
    assert first_heading((ROOT / "book" / "intro.md").read_text(encoding="utf-8")) == title

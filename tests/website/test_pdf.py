"""The whole book as one PDF (`make pdf`): every chapter, readable Cyrillic, figures, no "??".

The text is extracted with poppler's `pdftotext`, the images are listed with `pdfimages`.
Without the PDF (no xelatex) the module is skipped locally and fails under `CI=true`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "latex" / "book.pdf"


@pytest.fixture(scope="module")
def pdf() -> Path:
    missing = [tool for tool in ("pdftotext", "pdfimages") if not shutil.which(tool)]
    if not PDF.is_file() or missing:
        message = f"no {PDF.relative_to(ROOT)} (run `make pdf`) or no {missing} (poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return PDF


@pytest.fixture(scope="module")
def text(pdf: Path) -> str:
    """The PDF's text with whitespace collapsed (lines wrap anywhere)."""
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(raw.split())


def page_title(path: Path) -> str:
    """The first level-1 heading of a page, as the PDF prints it (markup removed)."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        source = path.read_text(encoding="utf-8")
    title = next(line[2:] for line in source.splitlines() if line.startswith("# "))
    return re.sub(r"[`*$]", "", title).strip()


def book_pages() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [entry for part in toc["parts"] for chapter in part["chapters"]
             for entry in [chapter, *chapter.get("sections", [])]]
    return [next(ROOT.glob(entry["file"] + ".*")) for entry in files]


@pytest.mark.parametrize("page", book_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_chapter_title_is_in_the_pdf(text, page):
    title = " ".join(page_title(page).split())
    assert title in text, f"{title!r} not found in the PDF text"


def test_cyrillic_is_extracted_as_text(text):
    assert "машинное обучение" in text.lower()
    cyrillic = len(re.findall(r"[а-яё]", text, flags=re.IGNORECASE))
    assert cyrillic > 0.3 * len(re.findall(r"[^\W\d_]", text)), "prose is Russian, code is not"
    assert "\ufffd" not in text, "replacement characters: a glyph without a Unicode mapping"


def test_no_unresolved_references(text):
    assert "??" not in text, text[max(0, text.find("??") - 80): text.find("??") + 80]


def notebook_figures() -> int:
    notebooks = sorted((ROOT / "book").rglob("*.ipynb"))
    return sum("image/png" in output.get("data", {})
               for path in notebooks
               for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
               for output in cell.get("outputs", []))


def test_every_figure_is_embedded(pdf):
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]  # two header lines
    images = [line for line in listing if line.split()[2] == "image"]
    assert notebook_figures() > 0
    assert len(images) >= notebook_figures(), (len(images), notebook_figures())


def test_the_site_links_this_pdf(pdf):
    published = ROOT / "_build" / "html" / "book.pdf"
    assert published.is_file() and published.read_bytes() == pdf.read_bytes()
    assert 'href="../book.pdf"' in (ROOT / "_build" / "html" / "book" / "intro.html").read_text(
        encoding="utf-8")


def site_address() -> str:
    """The site's address as book/_ext/course_book.py derives it from _config.yml."""
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from course_book import site_url  # noqa: PLC0415

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))

    class Config:  # the two values site_url reads, as jupyter-book passes them to Sphinx
        html_baseurl = (config.get("html") or {}).get("baseurl", "")
        html_theme_options = {"repository_url": config["repository"]["url"]}

    return site_url(Config())


def test_title_page_names_the_course_and_the_site_not_a_placeholder(pdf):
    first = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    assert " ".join(title.split()) in " ".join(first.split())
    assert "Авторы курса" not in first
    assert site_address() in first, first


def test_the_pdf_links_back_to_the_site(pdf, text):
    assert site_address() in text
    links = subprocess.run(["pdfinfo", "-url", str(pdf)], capture_output=True, text=True)
    if links.returncode == 0:  # poppler >= 22 lists the link annotations
        assert site_address() in links.stdout


def test_parts_of_the_toc_are_in_the_pdf(text):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc["parts"]:
        assert part["caption"] in text, part["caption"]

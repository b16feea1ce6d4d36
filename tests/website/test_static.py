"""Static checks of the built HTML: offline math, every chapter published."""

import re

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# src/href values that would make a reader's browser leave the site.
CDNS = ("unpkg.com", "jsdelivr.net", "cdnjs.", "googleapis.com", "mathjax.org")
EXTERNAL_ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*?(?:src|href)=["'](?:https?:)?//""")


def test_every_toc_file_is_a_page(site):
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"(?:root|file):\s*(\S+)", toc)
    assert files
    for name in files:
        assert (site / f"{name}.html").is_file(), f"{name} was not published"


def test_mathjax_is_served_locally(site):
    assert (site / "mathjax" / "tex-svg-full.js").stat().st_size > 1_000_000
    page = (site / "book" / "intro.html").read_text(encoding="utf-8")
    assert 'src="../_static/../mathjax/tex-svg-full.js' in page


def test_no_page_loads_assets_from_another_host(site, pages):
    offenders = {}
    for page in pages:
        found = EXTERNAL_ASSET.findall(page.read_text(encoding="utf-8"))
        if found:
            offenders[str(page.relative_to(site))] = found[:3]
    assert not offenders, f"pages load scripts, styles or images from other hosts: {offenders}"


def test_no_page_names_a_cdn(site, pages):
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for cdn in CDNS:
            assert cdn not in text, f"{page.relative_to(site)} references {cdn}"


def test_pages_are_russian(site):
    page = (site / "book" / "intro.html").read_text(encoding="utf-8")
    assert '<html lang="ru"' in page
    assert "Поиск по курсу" in page

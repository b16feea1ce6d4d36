"""Static checks of the built HTML: offline math, every chapter published."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))  # test_reading: the same alt-text rule as the notebooks

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


# --------------------------------------------------------------------------
# Reading experience (issue 26): what a reader sees on the built pages


def test_no_test_machinery_on_any_page(site, pages):
    """nbval reads cell tags; a `# NBVAL_IGNORE_OUTPUT` comment would be shown to readers."""
    found = [str(page.relative_to(site)) for page in pages
             if "NBVAL" in page.read_text(encoding="utf-8")]
    assert not found, f"pages that show nbval markers: {found}"


IMG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'\b(alt|src)="([^"]*)"')


def figures(page: Path) -> list[dict[str, str]]:
    """The figures of a page: images written by myst-nb into _images/."""
    found = [dict(ATTRIBUTE.findall(tag)) for tag in IMG.findall(page.read_text(encoding="utf-8"))]
    return [attrs for attrs in found if "_images/" in attrs.get("src", "")]


def test_every_figure_has_a_russian_alt_text_on_the_site(site, pages):
    import html

    from test_reading import alt_problem  # noqa: PLC0415

    problems, count = {}, 0
    for page in pages:
        for figure in figures(page):
            count += 1
            alt = html.unescape(figure.get("alt", ""))
            problem = alt_problem(alt)
            if not problem and alt.strip() == Path(figure["src"]).name:
                problem = "alt is the file name"
            if problem:
                problems.setdefault(str(page.relative_to(site)), []).append(problem)
    assert count > 0, "no figures found on the site"
    assert not problems, problems


def repository_url() -> str:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/").removesuffix(".git")


def test_home_page_clone_command_names_the_configured_repository(site):
    page = (site / "book" / "intro.html").read_text(encoding="utf-8")
    url = repository_url()
    folder = url.rsplit("/", 1)[-1]
    command = re.sub(r"<[^>]+>", "", page)  # highlighted code is split into spans
    assert f"git clone {url} &amp;&amp; cd {folder}" in command, "clone line not derived"
    assert "адрес репозитория" not in page and "{{" not in command


def test_home_page_links_the_pdf_only_when_it_exists(site):
    page = (site / "book" / "intro.html").read_text(encoding="utf-8")
    if (site / "book.pdf").is_file():
        assert 'href="../book.pdf"' in page
    else:
        assert "book.pdf" not in page, "a link to a PDF that was not built (404)"
        text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
        assert "make pdf" in text, "the home page should say how to build the PDF"


def test_one_title_on_every_page(site, pages):
    import yaml

    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if 'http-equiv="Refresh"' in text:  # index.html only redirects to the home page
            continue
        match = re.search(r"<title>(.*?)</title>", text, re.S)
        assert match and title in match.group(1), (page.relative_to(site), match)
    assert "Авторы курса" not in (site / "book" / "intro.html").read_text(encoding="utf-8")

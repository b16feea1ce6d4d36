"""The built site in a real browser: headless Chromium over every page, in both colour modes.

`_build/html` is served on 127.0.0.1 by a thread running http.server and
every page is opened in Debian's `/usr/bin/chromium` through
playwright-python (never a downloaded browser), once with the system's
colour scheme light and once dark (the theme follows it: `default_mode: auto`).
In each mode each page must:

* finish MathJax and render every `.math` element, with no MathJax error
  and no undefined macro (MathJax draws those in red instead of failing);
* load every image;
* raise no page error and log no console error (the one known harmless
  message, a duplicate declaration of `THEBE_JS_URL`, is filtered);
* make no request off the machine: every request is routed, the ones not to
  127.0.0.1/localhost are aborted and counted, and the count must be zero;
* show the theme of that mode, and no figure with a transparent background (on a dark
  page its black axes and labels would vanish): the pixels along each figure's border,
  read back through a canvas, must be opaque.

Links between pages must resolve (HTTP 200, and the `#fragment` exists on
the target page), search must find a Russian word of the course, the left
navigation must list the parts of `_toc.yml` in order and numbered, and
every notebook page must offer its `.ipynb` for download and a Binder link
built from the repository named in `_config.yml`.

The detectors are tested on synthetic pages first (`test_detectors_*`): a
check that cannot fail checks nothing. Counts go to `_build/browser_check.txt`.

Without Chromium the module is skipped locally and fails under `CI=true`.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from normalize_notebooks import is_solution  # noqa: E402  (what a solution cell is)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 30_000
# sphinx-thebe declares this constant in two inline scripts; harmless.
KNOWN_NOISE = re.compile(r"Identifier 'THEBE_JS_URL' has already been declared")
SEARCH_WORDS = ("переобучение", "регрессия")


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright-python is not installed: pip install -r requirements.txt")
    if not CHROMIUM.is_file():
        _missing(
            f"{CHROMIUM} not found: install Debian's Chromium with "
            "`apt-get install -y chromium` (the browser check never downloads a browser)"
        )
    return sync_playwright


# --------------------------------------------------------------------------
# Serving a folder on 127.0.0.1


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on a free port of 127.0.0.1; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --------------------------------------------------------------------------
# What one page reports

# Rendered formulas that show an error. MathJax's SVG output draws an
# undefined macro as an `mtext` group filled and stroked red (its MathML has
# mathcolor="red"); a TeX syntax error becomes an `merror` with data-mjx-error
# (`mjx-merror` in CHTML output). `\color{red}` gives a red *mstyle*, not an
# mtext, so coloured formulas are not flagged (tested below).
MATH_ERROR_SELECTOR = ", ".join([
    "mjx-merror",
    "[data-mjx-error]",
    'g[data-mml-node="mtext"][fill="red"]',
    'g[data-mml-node="mtext"][stroke="red"]',
    'mtext[mathcolor="red"]',
])

INSPECT_MATH = """
async (errorSelector) => {
  const maths = Array.from(document.querySelectorAll('.math'));
  const result = {formulas: maths.length, rendered: 0, unrendered: [], errors: [],
                  mathjax: Boolean(window.MathJax && window.MathJax.startup)};
  if (!result.mathjax) {
    result.unrendered = maths.map(m => m.textContent.trim().slice(0, 100));
    return result;
  }
  await MathJax.startup.promise;
  const source = new Map();
  for (const item of MathJax.startup.document.math) source.set(item.typesetRoot, item.math);
  for (const m of maths) {
    if (m.querySelector('mjx-container')) result.rendered += 1;
    else result.unrendered.push(m.textContent.trim().slice(0, 100));
  }
  for (const c of document.querySelectorAll('mjx-container')) {
    if (c.querySelector(errorSelector)) {
      const where = c.closest('[id]');
      result.errors.push((source.get(c) || c.textContent).trim().slice(0, 100)
                         + (where ? ` (#${where.id})` : ''));
    }
  }
  return result;
}
"""

INSPECT_IMAGES = """
async () => {
  const images = Array.from(document.images);
  for (const img of images) if (img.loading === 'lazy') img.loading = 'eager';
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done);
    img.addEventListener('error', done);
    setTimeout(done, 10000);
  })));
  return images.map(img => ({src: img.getAttribute('src'),
                             ok: img.complete && img.naturalWidth > 0}));
}
"""

INSPECT_LINKS = """
() => ({
  links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
  download: Array.from(document.querySelectorAll('.dropdown-download-buttons a[href]'), a => a.href),
  launch: Array.from(document.querySelectorAll('.dropdown-launch-buttons a[href]'), a => a.href),
})
"""


# Figures (images in the article) whose border pixels are not all opaque. The image is drawn
# on a canvas at its natural size and every 4th pixel of the outer ring is read back.
INSPECT_FIGURES = """
() => Array.from(document.querySelectorAll('article img, .bd-article img')).filter(img =>
  img.complete && img.naturalWidth > 0).map(img => {
  const w = img.naturalWidth, h = img.naturalHeight;
  const canvas = document.createElement('canvas');
  canvas.width = w; canvas.height = h;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, w, h).data;
  const alpha = (x, y) => data[4 * (y * w + x) + 3];
  let transparent = 0, seen = 0;
  for (let x = 0; x < w; x += 4) for (const y of [0, h - 1]) { seen++; if (alpha(x, y) < 250) transparent++; }
  for (let y = 0; y < h; y += 4) for (const x of [0, w - 1]) { seen++; if (alpha(x, y) < 250) transparent++; }
  return {src: img.getAttribute('src'), transparent, seen};
}).filter(figure => figure.transparent > 0)
"""


@dataclass
class PageReport:
    name: str
    url: str
    mode: str = "light"
    theme: str = ""
    transparent_figures: list[dict] = field(default_factory=list)
    formulas: int = 0
    rendered: int = 0
    mathjax: bool = False
    unrendered: list[str] = field(default_factory=list)
    math_errors: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    download: list[str] = field(default_factory=list)
    launch: list[str] = field(default_factory=list)

    @property
    def broken_images(self) -> list[str]:
        return [image["src"] for image in self.images if not image["ok"]]


@contextmanager
def open_page(browser, url: str, name: str = "",
              mode: str = "light") -> Iterator[tuple[object, PageReport]]:
    """Open `url` in a fresh context that may only talk to this machine; the system's colour
    scheme is `mode` ("light" or "dark")."""
    report = PageReport(name=name or url, url=url, mode=mode)
    context = browser.new_context(color_scheme=mode)
    context.set_default_timeout(TIMEOUT_MS)

    def route(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            report.blocked.append(route.request.url)
            route.abort()

    def on_console(message) -> None:
        if message.type == "error" and not KNOWN_NOISE.search(message.text):
            report.errors.append(f"console: {message.text}")

    def on_page_error(error) -> None:
        if not KNOWN_NOISE.search(str(error)):
            report.errors.append(f"pageerror: {error}")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        yield page, report
    finally:
        context.close()


def inspect(page, report: PageReport) -> PageReport:
    math = page.evaluate(INSPECT_MATH, MATH_ERROR_SELECTOR)
    report.formulas, report.rendered, report.mathjax = (
        math["formulas"], math["rendered"], math["mathjax"])
    report.unrendered, report.math_errors = math["unrendered"], math["errors"]
    report.images = page.evaluate(INSPECT_IMAGES)
    links = page.evaluate(INSPECT_LINKS)
    report.links, report.download, report.launch = (
        links["links"], links["download"], links["launch"])
    report.theme = page.evaluate("() => document.documentElement.dataset.theme || ''")
    report.transparent_figures = page.evaluate(INSPECT_FIGURES)
    return report


# --------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _sync_playwright()
    with sync_playwright() as playwright:
        # launch() without user_data_dir starts from a fresh temporary profile.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


REFRESH = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)


MODES = ("light", "dark")


@pytest.fixture(scope="module")
def reports_by_mode(browser, base_url: str, site: Path,
                    pages: list[Path]) -> dict[str, dict[str, PageReport]]:
    """Open every content page once in each colour mode: {mode: {page: report}}."""
    assert pages, "no pages found in the built site"
    result: dict[str, dict[str, PageReport]] = {}
    for mode in MODES:
        result[mode] = {}
        for path in pages:
            name = path.relative_to(site).as_posix()
            url = base_url + name
            redirect = REFRESH.search(path.read_text(encoding="utf-8"))
            with open_page(browser, url, name, mode) as (page, report):
                if redirect:  # index.html: must land on the root page
                    target = urljoin(url, redirect.group(1))
                    page.wait_for_url(target)
                    page.wait_for_load_state("networkidle")
                inspect(page, report)
            result[mode][name] = report
    return result


@pytest.fixture(scope="module")
def reports(reports_by_mode) -> dict[str, PageReport]:
    """The light-mode reports: links, downloads and buttons do not depend on the mode."""
    return reports_by_mode["light"]


@pytest.fixture(scope="module")
def every_report(reports_by_mode) -> dict[str, PageReport]:
    """Every page in every mode, named "page [mode]": what must hold in both modes."""
    return {f"{name} [{mode}]": report
            for mode, by_name in reports_by_mode.items() for name, report in by_name.items()}


# --------------------------------------------------------------------------
# The detectors can fail: synthetic pages with known faults

SYNTHETIC_MATH = r"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script>window.MathJax = {"options": {"processHtmlClass": "tex2jax_process|mathjax_process|math|output_area"}}</script>
<script defer src="mathjax/tex-svg-full.js"></script></head>
<body class="tex2jax_ignore mathjax_ignore">
<p id="bad"><span class="math notranslate nohighlight">\(\undefinedmacro + 1\)</span></p>
<p id="good"><span class="math notranslate nohighlight">\(\frac{a}{b} + \color{red}{x} + \textcolor{red}{\text{ok}}\)</span></p>
<div id="syntax" class="math notranslate nohighlight">\[x^{1}} + 2\]</div>
<p id="plain"><span class="math notranslate nohighlight">not a formula at all</span></p>
</body></html>
"""

SYNTHETIC_LEAKY = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script>const THEBE_JS_URL = "a";</script>
<script>const THEBE_JS_URL = "b";</script>
</head><body>
<img id="here" src="logo.svg" alt="">
<img id="missing" src="no-such-image.png" alt="">
<img id="away" src="https://cdn.example.com/picture.png" alt="">
<a href="page.html">ok</a> <a href="page.html#there">ok</a>
<a href="page.html#nowhere">bad fragment</a> <a href="absent.html">absent</a>
<script>throw new Error("boom");</script>
</body></html>
"""

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'

SYNTHETIC_FIGURES = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body><article>
<img src="opaque.png" alt="белый фон"> <img src="clear.png" alt="прозрачный фон">
<img src="clear-corner.png" alt="прозрачный угол">
</article></body></html>
"""


def png(width: int, height: int, pixel) -> bytes:
    """A small RGBA PNG whose pixel (x, y) is `pixel(x, y)`: four bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\0" + b"".join(bytes(pixel(x, y)) for x in range(width))
                    for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def synthetic_url(site: Path, tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("synthetic")
    (folder / "mathjax").mkdir()
    shutil.copyfile(site / "mathjax" / "tex-svg-full.js", folder / "mathjax" / "tex-svg-full.js")
    (folder / "math.html").write_text(SYNTHETIC_MATH, encoding="utf-8")
    (folder / "leaky.html").write_text(SYNTHETIC_LEAKY, encoding="utf-8")
    (folder / "logo.svg").write_text(SVG, encoding="utf-8")
    (folder / "page.html").write_text('<p id="there">x</p>', encoding="utf-8")
    (folder / "figures.html").write_text(SYNTHETIC_FIGURES, encoding="utf-8")
    black_line = lambda x, y: (0, 0, 0, 255) if y == 20 else None  # noqa: E731
    (folder / "opaque.png").write_bytes(png(40, 40, lambda x, y: black_line(x, y) or (255,) * 4))
    (folder / "clear.png").write_bytes(png(40, 40, lambda x, y: black_line(x, y) or (0,) * 4))
    (folder / "clear-corner.png").write_bytes(
        png(40, 40, lambda x, y: (255, 255, 255, 0 if x < 3 and y < 3 else 255)))
    with serve(folder) as url:
        yield url


def test_detectors_flag_exactly_the_bad_formulas(browser, synthetic_url):
    with open_page(browser, synthetic_url + "math.html") as (page, report):
        inspect(page, report)
    assert report.mathjax
    assert report.formulas == 4 and report.rendered == 3
    assert report.unrendered == ["not a formula at all"]
    # The undefined macro and the syntax error; not the (deliberately red) good one.
    assert len(report.math_errors) == 2, report.math_errors
    assert report.math_errors[0].startswith(r"\undefinedmacro") and "(#bad)" in report.math_errors[0]
    assert report.math_errors[1].startswith("x^{1}}") and "(#syntax)" in report.math_errors[1]


def test_detectors_flag_leaks_errors_images_and_links(browser, synthetic_url):
    with open_page(browser, synthetic_url + "leaky.html") as (page, report):
        inspect(page, report)
    assert report.blocked == ["https://cdn.example.com/picture.png"]
    assert sorted(report.broken_images) == ["https://cdn.example.com/picture.png",
                                            "no-such-image.png"]
    assert any("boom" in error for error in report.errors), report.errors
    assert not any("THEBE_JS_URL" in error for error in report.errors), report.errors
    broken = dict(check_links(report.links, synthetic_url)[1])
    assert set(broken) == {synthetic_url + "page.html#nowhere", synthetic_url + "absent.html"}


def test_detectors_flag_figures_with_a_transparent_background(browser, synthetic_url):
    with open_page(browser, synthetic_url + "figures.html", mode="dark") as (page, report):
        inspect(page, report)
    assert sorted(f["src"] for f in report.transparent_figures) == ["clear-corner.png", "clear.png"]
    assert len(report.images) == 3 and not report.broken_images


# --------------------------------------------------------------------------
# Every page of the site


def test_every_page_was_opened(reports_by_mode, pages):
    assert set(reports_by_mode) == set(MODES)
    assert all(len(by_name) == len(pages) > 0 for by_name in reports_by_mode.values())


def test_every_page_shows_the_theme_of_its_mode(every_report):
    wrong = {name: report.theme for name, report in every_report.items()
             if report.theme != report.mode}
    assert not wrong, f"pages whose theme does not follow the system's colour scheme: {wrong}"


def test_no_figure_has_a_transparent_background(every_report):
    found = {name: report.transparent_figures for name, report in every_report.items()
             if report.transparent_figures}
    assert not found, f"figures with transparent pixels on their border: {found}"


def test_mathjax_rendered_every_formula(every_report):
    problems = {}
    for name, report in every_report.items():
        if report.formulas and not report.mathjax:
            problems[name] = f"{report.formulas} formulas but MathJax did not load"
        elif report.unrendered:
            problems[name] = f"not rendered: {report.unrendered[:5]}"
    assert not problems, problems
    assert sum(report.rendered for report in every_report.values()) > 0


def test_no_mathjax_errors(every_report):
    errors = {name: report.math_errors for name, report in every_report.items() if report.math_errors}
    assert not errors, f"MathJax errors or undefined macros (drawn in red): {errors}"


def test_every_image_loaded(every_report):
    broken = {name: report.broken_images for name, report in every_report.items() if report.broken_images}
    assert not broken, f"images that did not load: {broken}"


def test_no_page_or_console_errors(every_report):
    errors = {name: report.errors for name, report in every_report.items() if report.errors}
    assert not errors, errors


def test_no_request_leaves_the_machine(every_report):
    blocked = {name: report.blocked for name, report in every_report.items() if report.blocked}
    assert not blocked, f"requests to other hosts (aborted): {blocked}"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


def check_links(links: list[str], base_url: str) -> tuple[set[str], list[tuple[str, str]]]:
    """Same-site targets among `links` and the broken ones with the reason."""
    targets = {link for link in links if link.startswith(base_url)}
    bodies: dict[str, bytes | None] = {}
    ids: dict[str, set[str]] = {}  # parsed once per page: the API page has hundreds of anchors
    broken = []
    for target in sorted(targets):
        parts = urlsplit(target)
        page = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        if page not in bodies:
            try:
                with urllib.request.urlopen(page, timeout=10) as response:
                    bodies[page] = response.read() if response.status == 200 else None
            except urllib.error.HTTPError as error:
                bodies[page] = None
                broken.append((target, f"HTTP {error.code}"))
                continue
        body = bodies[page]
        if body is None:
            if not any(t == target for t, _ in broken):
                broken.append((target, "not found"))
            continue
        if parts.fragment and parts.path.endswith(".html"):
            if page not in ids:
                parser = _Ids()
                parser.feed(body.decode("utf-8", errors="replace"))
                ids[page] = parser.ids
            if unquote(parts.fragment) not in ids[page]:
                broken.append((target, f"no element with id {unquote(parts.fragment)!r}"))
    return targets, broken


@pytest.fixture(scope="module")
def link_check(reports, base_url, site):
    # The home page links book.pdf only when it was built (book/_ext/course_book.py).
    links = [link for report in reports.values() for link in report.links]
    return check_links(links, base_url)


def test_internal_links_resolve(link_check):
    targets, broken = link_check
    assert targets, "no internal links found"
    assert not broken, f"{len(broken)} of {len(targets)} internal links are broken: {broken}"


# --------------------------------------------------------------------------
# Notebook pages: download and Binder buttons


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def binder_url(notebook: str) -> str:
    """The Binder link of a notebook, from the one repository address in _config.yml."""
    config = _config()
    repository = config["repository"]
    owner_repo = urlsplit(repository["url"]).path.strip("/").removesuffix(".git")
    launch = config["launch_buttons"]
    interface = "lab/tree/" if launch.get("notebook_interface") == "jupyterlab" else "tree/"
    return (f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{owner_repo}/"
            f"{repository.get('branch', 'main')}?urlpath={interface}{notebook}")


@pytest.fixture(scope="module")
def notebook_pages(reports, site) -> dict[str, str]:
    """Page name -> notebook path in the repository, for every notebook page."""
    result = {}
    for name in reports:
        notebook = name.removesuffix(".html") + ".ipynb"
        if (ROOT / notebook).is_file():
            result[name] = notebook
    return result


def test_notebook_pages_offer_download_and_binder(reports, notebook_pages, base_url):
    assert notebook_pages, "no notebook pages found"
    for name, notebook in notebook_pages.items():
        report = reports[name]
        download = base_url + "_sources/" + notebook
        assert download in report.download, f"{name}: no download link to {download}: {report.download}"
        with urllib.request.urlopen(download, timeout=10) as response:
            served = json.loads(response.read())
        assert served == json.loads((ROOT / notebook).read_text(encoding="utf-8")), (
            f"{name}: the downloadable .ipynb differs from {notebook}")
        expected = binder_url(notebook)
        assert expected in report.launch, f"{name}: no Binder link {expected}: {report.launch}"


# --------------------------------------------------------------------------
# Exercises: every notebook page ends with «Упражнения», answers hidden until clicked

# The answers of one page's «Упражнения» section: dropdown admonitions (question answers) and
# collapsed cell outputs (reference solutions). For each, whether a reader sees it now.
INSPECT_ANSWERS = """
() => {
  const heading = Array.from(document.querySelectorAll('section > h2'))
    .find(h => h.textContent.trim().startsWith('Упражнения'));
  if (!heading) return null;
  const section = heading.parentElement;
  const seen = el => el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const answers = [
    ...Array.from(section.querySelectorAll('.admonition.dropdown'),
                  box => ({kind: 'ответ', body: box.querySelector(':scope > :not(.admonition-title):not(button)')})),
    ...Array.from(section.querySelectorAll('details.hide'),
                  box => ({kind: 'решение', body: box.querySelector('.cell_output')})),
  ];
  return answers.map(a => ({kind: a.kind, visible: !!a.body && seen(a.body),
                            text: a.body ? a.body.textContent.trim().slice(0, 40) : ''}));
}
"""
CLICK_ALL_TOGGLES = """
() => {
  const heading = Array.from(document.querySelectorAll('section > h2'))
    .find(h => h.textContent.trim().startsWith('Упражнения'));
  const section = heading.parentElement;
  section.querySelectorAll('.admonition.dropdown button.toggle-button').forEach(b => b.click());
  section.querySelectorAll('details.hide > summary').forEach(s => s.click());
}
"""


def test_exercise_answers_are_hidden_until_clicked(browser, base_url, notebook_pages):
    chapters = [name for name in notebook_pages if not name.startswith("book/appendix/")]
    assert chapters, "no chapter pages found"
    for name in chapters:
        # Every page has question answers; reference solutions where it has code exercises.
        cells = json.loads((ROOT / notebook_pages[name]).read_text(encoding="utf-8"))["cells"]
        expected = {"ответ"} | ({"решение"} if any(map(is_solution, cells)) else set())
        with open_page(browser, base_url + name, name) as (page, report):
            before = page.evaluate(INSPECT_ANSWERS)
            assert before is not None, f"{name}: no «Упражнения» section"
            kinds = {answer["kind"] for answer in before}
            assert kinds == expected, f"{name}: {expected} expected, got {kinds}"
            shown = [a["text"] for a in before if a["visible"]]
            assert not shown, f"{name}: visible before a click: {shown}"
            page.evaluate(CLICK_ALL_TOGGLES)
            page.wait_for_timeout(300)  # the toggle animation
            after = page.evaluate(INSPECT_ANSWERS)
            hidden = [a["kind"] for a in after if not a["visible"] or not a["text"]]
            assert not hidden, f"{name}: still hidden (or empty) after a click: {hidden}"
        assert not report.errors and not report.blocked, (report.errors, report.blocked)


# --------------------------------------------------------------------------
# Search and navigation


@pytest.mark.parametrize("word", SEARCH_WORDS)
def test_search_finds_a_russian_word(browser, base_url, word):
    with open_page(browser, f"{base_url}search.html?q={word}", "search.html") as (page, report):
        results = page.locator("#search-results ul.search li")
        results.first.wait_for()
        hits = results.evaluate_all("items => items.map(li => li.querySelector('a').href)")
    assert hits, f"search for {word!r} found nothing"
    assert any("01_intro/intro.html" in hit for hit in hits), hits
    assert not report.errors, report.errors
    assert not report.blocked, report.blocked


INSPECT_NAV = """
() => Array.from(document.querySelectorAll('nav.bd-docs-nav p.caption')).map(caption => {
  const list = caption.nextElementSibling;
  const entries = list ? Array.from(list.querySelectorAll('li > a')) : [];
  const links = list ? Array.from(list.querySelectorAll(':scope > li > a'), a => a.href) : [];
  return {caption: caption.textContent.trim(), links,
          titles: entries.map(a => a.textContent.trim())};
})
"""


def test_navigation_lists_the_chapters_in_order_and_numbered(browser, base_url):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    expected = [
        (part["caption"], [base_url + entry["file"] + ".html" for entry in part["chapters"]])
        for part in toc["parts"]
    ]
    with open_page(browser, base_url + toc["root"] + ".html", "root") as (page, report):
        navigation = page.evaluate(INSPECT_NAV)
    assert [(part["caption"], part["links"]) for part in navigation] == expected
    # A part's caption is not repeated by an entry under it (at any depth).
    repeated = [(part["caption"], title) for part in navigation for title in part["titles"]
                if title.lower() == part["caption"].lower()]
    assert not repeated, f"navigation entries that repeat their part's title: {repeated}"

    numbers = [re.match(r"(\d+)\. \S", caption) for caption, _ in expected]
    numbered = [int(match.group(1)) for match in numbers if match]
    assert numbered, "no numbered chapter in _toc.yml"
    assert numbered[0] == 1 and numbered == sorted(set(numbered)), numbered
    # Numbered chapters first, then unnumbered parts (the appendix).
    first_unnumbered = next((i for i, m in enumerate(numbers) if not m), len(numbers))
    assert all(numbers[:first_unnumbered]) and not any(numbers[first_unnumbered:])
    assert not report.errors and not report.blocked


# --------------------------------------------------------------------------
# Summary


def test_summary(reports, link_check, notebook_pages, site):
    targets, _ = link_check
    counts = {
        "pages": len(reports),
        "formulas_rendered": sum(r.rendered for r in reports.values()),
        "formulas": sum(r.formulas for r in reports.values()),
        "images": sum(len(r.images) for r in reports.values()),
        "internal_links_checked": len(targets),
        "notebook_pages": len(notebook_pages),
        "blocked_requests": sum(len(r.blocked) for r in reports.values()),
    }
    line = " ".join(f"{key}={value}" for key, value in counts.items())
    (site.parent / "browser_check.txt").write_text(line + "\n", encoding="utf-8")
    print(f"browser check: {line}")
    assert counts["pages"] > 0 and counts["formulas_rendered"] > 0
    assert counts["internal_links_checked"] > 0 and counts["blocked_requests"] == 0

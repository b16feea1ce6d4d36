"""What the book derives at build time from `_config.yml` and from `_build`.

* The repository is named once, as ``repository.url`` in `_config.yml` (jupyter-book passes it
  on as ``html_theme_options["repository_url"]``; the GitHub and Binder buttons use it). Page
  sources may write ``{{ repository_url }}``, ``{{ repository_folder }}`` (the folder
  ``git clone`` makes) and ``{{ site_url }}``: they are replaced before parsing, in code
  blocks too (MyST's own substitutions skip code). The site's address is ``html_baseurl``
  when `_config.yml` sets ``html.baseurl``, else the repository's GitHub Pages address.
* The PDF (`make pdf`: ``_build/latex/book.pdf``) is linked from the site only if it exists:
  then the tag ``book_pdf`` is set (``{only} html and book_pdf`` shows the link, ``{only}
  html and not book_pdf`` says how to build it) and the HTML build copies the file to the
  site's root.
* The PDF's title page names no author (`_config.yml` has none) and gives the addresses of
  the site and of the repository instead.
* The PDF shows the parts of `_toc.yml` (the chapters of the lecture notes) as LaTeX parts,
  as the site's navigation shows them as captions: Sphinx's LaTeX writer drops toctree
  captions. A raw LaTeX node before each captioned toctree of the root page does it (HTML
  ignores raw LaTeX, so the doctree stays the same for every builder).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util.texescape import escape

PDF_NAME = "book.pdf"
TAG = "book_pdf"


def repository_url(config: Config) -> str:
    url = (config.html_theme_options or {}).get("repository_url", "")
    if not url:
        raise ConfigError("_config.yml: set repository.url (the book names its repository once)")
    return url.rstrip("/").removesuffix(".git")


def site_url(config: Config) -> str:
    """``html_baseurl``, else GitHub Pages' address of the repository."""
    if config.html_baseurl:
        return config.html_baseurl.rstrip("/") + "/"
    parts = urlsplit(repository_url(config))
    owner, _, name = parts.path.strip("/").partition("/")
    if parts.hostname != "github.com" or not owner or not name:
        raise ConfigError(f"cannot derive the site's address from {parts.geturl()}: "
                          "set html.baseurl in _config.yml")
    return f"https://{owner.lower()}.github.io/{name}/"


def substitutions(config: Config) -> dict[str, str]:
    url = repository_url(config)
    return {"repository_url": url, "repository_folder": url.rsplit("/", 1)[-1],
            "site_url": site_url(config)}


def built_pdf(app: Sphinx) -> Path:
    return Path(app.outdir).parent / "latex" / PDF_NAME  # _build/html -> _build/latex


def _configure(app: Sphinx, config: Config) -> None:
    if built_pdf(app).is_file():
        app.tags.add(TAG)
    site, repository = site_url(config), repository_url(config)
    title_page = (rf"\authoraddress{{Сайт книги: \url{{{site}}}\\"
                  rf"Код и блокноты: \url{{{repository}}}}}")
    elements = dict(config.latex_elements or {})
    elements["preamble"] = elements.get("preamble", "") + "\n" + title_page + "\n"
    config.latex_elements = elements


PLACEHOLDER = re.compile(r"\{\{\s*(repository_url|repository_folder|site_url)\s*\}\}")


def _substitute(app: Sphinx, docname: str, source: list[str]) -> None:
    values = substitutions(app.config)
    source[0] = PLACEHOLDER.sub(lambda match: values[match.group(1)], source[0])


def _publish_pdf(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        if built_pdf(app).is_file():
            shutil.copyfile(built_pdf(app), Path(app.outdir) / PDF_NAME)
        else:  # a stale copy from an earlier build would be published unlinked
            (Path(app.outdir) / PDF_NAME).unlink(missing_ok=True)


def _latex_parts(app: Sphinx, doctree: nodes.document) -> None:
    if app.env.docname != app.config.root_doc:
        return
    for toctree in list(doctree.findall(addnodes.toctree)):
        caption = toctree.get("caption")
        if caption:
            anchor = toctree.parent if "toctree-wrapper" in toctree.parent.get("classes", []) else toctree
            part = nodes.raw("", rf"\part{{{escape(caption, app.config.latex_engine)}}}",
                             format="latex")
            anchor.parent.insert(anchor.parent.index(anchor), part)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure)
    app.connect("doctree-read", _latex_parts)
    app.connect("source-read", _substitute)
    app.connect("build-finished", _publish_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

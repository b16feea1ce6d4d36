"""Keep the site offline: MathJax served locally, no CDN address on any page.

The PyPI package ``django-static-mathjax`` ships MathJax 3.2.2. At build time
we copy its self-contained ``tex-svg-full.js`` into ``_build/_mathjax/mathjax/``
and add that folder to ``html_extra_path``; the site then holds
``mathjax/tex-svg-full.js`` at its root. The file must not live in
``_static/``: jupyter-book adds every script found there to every page.

Live code on the page (thebe) is off, but sphinx-thebe still writes the CDN
address of its bundle into every page; we drop that inline script.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

SCRIPT = "tex-svg-full.js"


def _mathjax_script() -> Path:
    path = resources.files("mathjax") / "static" / "mathjax" / "es5" / SCRIPT
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: install the PyPI package django-static-mathjax "
            "(pip install -r requirements.txt)"
        )
    return Path(str(path))


def _copy_mathjax(app: Sphinx, config: Config) -> None:
    extra = Path(app.outdir).parent / "_mathjax"  # _build/html -> _build/_mathjax
    target = extra / "mathjax" / SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_mathjax_script(), target)
    config.html_extra_path = [*config.html_extra_path, str(extra)]
    # mathjax_path is resolved relative to _static/.
    config.mathjax_path = f"../mathjax/{SCRIPT}"


def _drop_thebe_cdn_address(app: Sphinx, *args: object) -> None:
    def names_cdn(script: object) -> bool:
        attributes = getattr(script, "attributes", None) or (
            script[1] if isinstance(script, tuple) else {}
        )
        return "unpkg.com" in attributes.get("body", "")

    app.registry.js_files[:] = [s for s in app.registry.js_files if not names_cdn(s)]
    scripts = getattr(app.builder, "script_files", None)
    if scripts is not None:
        scripts[:] = [s for s in scripts if not names_cdn(s)]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _copy_mathjax)
    # sphinx-thebe registers its scripts at env-before-read-docs (priority 500).
    app.connect("env-before-read-docs", _drop_thebe_cdn_address, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

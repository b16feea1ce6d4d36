"""Serve MathJax 3 from the site itself, so formulas render with no network.

The PyPI package ``django-static-mathjax`` ships MathJax 3.2.2. At build time
we copy its self-contained ``tex-svg-full.js`` into ``_build/_mathjax/mathjax/``
and add that folder to ``html_extra_path``; the site then holds
``mathjax/tex-svg-full.js`` at its root. The file must not live in
``_static/``: jupyter-book adds every script found there to every page.
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
    extra = Path(app.outdir).parent.parent / "_mathjax"  # _build/html -> _build/_mathjax
    target = extra / "mathjax" / SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_mathjax_script(), target)
    config.html_extra_path = [*config.html_extra_path, str(extra)]
    # mathjax_path is resolved relative to _static/.
    config.mathjax_path = f"../mathjax/{SCRIPT}"


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

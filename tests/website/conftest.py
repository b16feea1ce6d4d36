"""The built site: `make book` writes it to _build/html before these tests run."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def site() -> Path:
    if not (HTML / "index.html").is_file():
        message = "the site is not built: run `make book` (or `make test`, which builds it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return HTML


@pytest.fixture(scope="session")
def pages(site: Path) -> list[Path]:
    """Every page a reader can open (not search, genindex or _static)."""
    skip = {"search.html", "genindex.html", "py-modindex.html"}
    return sorted(
        p for p in site.rglob("*.html")
        if p.name not in skip and not any(part.startswith("_") for part in p.relative_to(site).parts)
    )

"""A notebook reader's view: one chapter opened in JupyterLab, as `make lab` and Binder show it.

JupyterLab is started on 127.0.0.1 (a free port, a token, no browser, every settings and
runtime folder in a temporary directory) over a copy of one chapter notebook, and Debian's
Chromium opens it through playwright-python. The reader must find

* every reference solution (`show_source(solution(...))`) collapsed: its outputs replaced by
  JupyterLab's placeholder bar, the code not visible (the cell metadata
  `jupyter.outputs_hidden` that `benchmarks/normalize_notebooks.py` stores);
* the MyST blocks rendered by jupyterlab-myst: an «Ответ» dropdown is a closed `<details>`
  whose answer is not visible, and no raw directive text (```` ```{admonition} ````,
  `:class: dropdown`) is on the page.

The detector is shown to fail first: the same notebook without `outputs_hidden` must report
its solutions as visible. The server is stopped (and killed if it hangs) whatever happens.
Without Chromium or playwright the module is skipped locally and fails under `CI=true`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from test_browser import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, _sync_playwright

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "book" / "01_intro" / "intro.ipynb"
sys.path.insert(0, str(ROOT / "benchmarks"))

from normalize_notebooks import is_solution  # noqa: E402

TIMEOUT_S = 60
SETTINGS = {
    # Render every cell, not only those on screen, so the whole notebook can be inspected.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No «get notified about Jupyter news?» toast over the page, no request for the news.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[tuple[str, str, Path]]:
    """A JupyterLab server over a temporary folder: (base URL, token, folder)."""
    home = tmp_path_factory.mktemp("lab")
    folder = home / "notebooks"
    folder.mkdir()
    settings = home / "settings"
    for name, value in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(value), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "IPYTHONDIR": str(home / "ipython")}
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}", f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}", "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root
    log = (home / "server.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}: "
                            f"{(home / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start in {TIMEOUT_S} s")
                time.sleep(0.3)
        yield base, token, folder
    finally:
        server.terminate()  # shuts its kernels down too
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not NOTEBOOK.is_file():
        pytest.skip(f"{NOTEBOOK} not found")
    sync_playwright = _sync_playwright()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


# For each code cell that shows a solution: whether its outputs or its text can be seen, and
# whether JupyterLab's "outputs collapsed" bar is there. For each rendered dropdown: whether
# it is open or its body visible. And any raw MyST directive text a reader can see.
INSPECT = """
(solutionIndexes) => {
  const seen = el => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell'));
  const solutions = solutionIndexes.map(i => {
    const cell = cells[i];
    const area = cell && cell.querySelector('.jp-OutputArea');
    return {index: i, found: !!cell,
            outputVisible: seen(area) && area.innerText.trim().length > 0,
            placeholder: seen(cell && cell.querySelector('.jp-OutputPlaceholder'))};
  });
  const rendered = Array.from(panel.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown, .jp-MarkdownCell .jp-MarkdownOutput'));
  const dropdowns = Array.from(panel.querySelectorAll('.jp-MarkdownCell details')).map(d => {
    const body = Array.from(d.children).filter(c => c.tagName !== 'SUMMARY');
    return {summary: (d.querySelector('summary') || {}).innerText || '', open: d.open,
            bodyVisible: body.some(seen)};
  });
  const raw = rendered.map(r => r.innerText).filter(t => /\\{admonition\\}|:class: dropdown/.test(t));
  return {cells: cells.length, solutions, dropdowns, raw: raw.map(t => t.slice(0, 80))};
}
"""


PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook tab in front


def _wait_rendered(page, notebook: dict) -> None:
    page.wait_for_function(
        "([panel, n]) => document.querySelectorAll(panel + ' .jp-Cell').length === n",
        arg=[PANEL, len(notebook["cells"])])
    # jupyterlab-myst renders Markdown cells asynchronously: wait for the dropdowns.
    page.wait_for_function(
        "panel => document.querySelectorAll(panel + ' .jp-MarkdownCell details').length > 0",
        arg=PANEL)


def _solutions(notebook: dict) -> list[int]:
    return [i for i, cell in enumerate(notebook["cells"]) if is_solution(cell)]


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    """JupyterLab in Chromium with the chapter open; a control copy waits in the file browser."""
    base, token, folder = lab
    shutil.copyfile(NOTEBOOK, folder / NOTEBOOK.name)
    control = _notebook()
    for cell in control["cells"]:
        cell.get("metadata", {}).pop("jupyter", None)
    (folder / "control.ipynb").write_text(json.dumps(control, ensure_ascii=False), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_S * 1000)
        # ?reset: a fresh workspace with only this notebook open.
        page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?reset&token={token}")
        _wait_rendered(page, _notebook())
        yield page
    finally:
        context.close()


def _notebook() -> dict:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))


def test_solutions_are_collapsed_and_myst_dropdowns_closed_in_jupyterlab(lab_page):
    notebook = _notebook()
    report = lab_page.evaluate(INSPECT, _solutions(notebook))
    assert report["cells"] == len(notebook["cells"]), report["cells"]
    assert report["solutions"] and all(s["found"] for s in report["solutions"]), report
    shown = [s["index"] for s in report["solutions"] if s["outputVisible"] or not s["placeholder"]]
    assert not shown, f"solution cells whose code a reader sees at once: {shown}"
    answers = [d for d in report["dropdowns"] if d["summary"].strip().startswith("Ответ")]
    assert answers, f"no «Ответ» dropdown rendered by jupyterlab-myst: {report['dropdowns']}"
    opened = [d for d in answers if d["open"] or d["bodyVisible"]]
    assert not opened, f"answers visible before a click: {opened}"
    assert not report["raw"], f"raw MyST directives on the page: {report['raw']}"


def test_detector_sees_solutions_stored_open(lab_page):
    """The same notebook without `jupyter.outputs_hidden`: its solutions must show."""
    lab_page.locator(".jp-DirListing-item", has_text="control.ipynb").dblclick()
    lab_page.wait_for_function(
        "panel => document.querySelector(panel + ' .jp-Cell') && "
        "(document.querySelector('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current') || {}).innerText?.includes('control')",
        arg=PANEL)
    _wait_rendered(lab_page, _notebook())
    report = lab_page.evaluate(INSPECT, _solutions(_notebook()))
    assert report["solutions"], "no solution cells in the notebook"
    assert all(s["outputVisible"] and not s["placeholder"] for s in report["solutions"]), report


def test_jupyterlab_myst_is_a_requirement():
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert any(line.startswith("jupyterlab-myst") for line in requirements.splitlines())

"""Execute notebooks in place, top to bottom, and record how long each chapter takes.

Run by ``make notebooks``: ``python benchmarks/run_notebooks.py book/.../*.ipynb``. Each
notebook is first normalized (``normalize_notebooks.py``: nbval tags instead of comments,
solutions stored collapsed, code formatted to 80 columns), then executed. Every
chapter notebook's wall time goes to ``benchmarks/notebook_times.json`` (with the machine),
and the run fails if one takes over ``LIMIT_S`` seconds, so the book stays quick to run on
Binder. Appendix notebooks (which render these files) run last and are not timed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import machine  # noqa: E402
from normalize_notebooks import normalize  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TIMES = Path(__file__).resolve().parent / "notebook_times.json"
LIMIT_S = 30.0


def execute(path: Path) -> float:
    """Normalize and run the notebook in its own folder, write it back, return the seconds."""
    notebook = normalize(nbformat.read(path, as_version=4), path)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(notebook, path)
    return seconds


def main(paths: list[str]) -> int:
    notebooks = [Path(p).resolve() for p in paths]
    chapters = [p for p in notebooks if "appendix" not in p.parts]
    # Running a few notebooks updates their entries; the others keep their last times.
    times = json.loads(TIMES.read_text(encoding="utf-8"))["notebooks"] if TIMES.exists() else {}
    times = {name: s for name, s in times.items() if (ROOT / name).exists()}
    for path in chapters:
        times[str(path.relative_to(ROOT))] = round(execute(path), 2)
        print(f"{times[str(path.relative_to(ROOT))]:6.1f} s  {path.relative_to(ROOT)}")
    TIMES.write_text(json.dumps({"limit_s": LIMIT_S, "machine": machine(), "notebooks": times},
                                ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                     encoding="utf-8")
    for path in notebooks:
        if path not in chapters:
            execute(path)
            print(f"         {path.relative_to(ROOT)} (not timed)")
    ran = {str(p.relative_to(ROOT)) for p in chapters}
    slow = {name: s for name, s in times.items() if name in ran and s > LIMIT_S}
    if slow:
        print(f"over {LIMIT_S:.0f} s: {slow} — make these notebooks faster", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

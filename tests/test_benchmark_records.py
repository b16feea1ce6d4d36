"""The files behind the appendix «Производительность»: benchmarks record rows, notebooks are timed."""

import importlib
import json
import sys
from pathlib import Path

import nbformat
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

_timing = importlib.import_module("_timing")
run_notebooks = importlib.import_module("run_notebooks")


def test_record_keeps_other_benchmarks_and_computes_the_ratio(tmp_path, monkeypatch):
    monkeypatch.setattr(_timing, "RESULTS", tmp_path / "results.json")
    row = {"name": "fit", "ours": 1.0, "reference": 4.0, "target": 2.0,
           "reference_name": "scikit-learn", "quality": "same"}
    _timing.record("a", "10 × 2", [dict(row)])
    _timing.record("b", "20 × 2", [dict(row, ours=6.0)])
    _timing.record("a", "10 × 2", [dict(row, ours=2.0)])  # a re-run replaces its own rows
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["benchmarks"]
    assert sorted(saved) == ["a", "b"]
    assert saved["a"]["rows"][0]["ratio"] == 0.5 and saved["b"]["rows"][0]["ratio"] == 1.5
    machine = saved["a"]["machine"]
    assert {"cpu", "cores", "blas", "python", "numpy", "scikit-learn", "date"} <= set(machine)


def test_every_committed_benchmark_row_is_complete():
    results = json.loads((BENCHMARKS / "results.json").read_text(encoding="utf-8"))["benchmarks"]
    for name, bench in results.items():
        assert bench["shape"] and bench["rows"], name
        for row in bench["rows"]:
            assert row["ratio"] == pytest.approx(row["ours"] / row["reference"], abs=1e-3)
            assert row["target"] is None or row["ratio"] <= row["target"], (name, row)


@pytest.fixture
def tiny_notebook(tmp_path):
    path = tmp_path / "book" / "tiny.ipynb"
    path.parent.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_notebooks_are_executed_timed_and_the_limit_fails_the_run(tiny_notebook, monkeypatch):
    monkeypatch.setattr(run_notebooks, "ROOT", tiny_notebook.parents[1])
    monkeypatch.setattr(run_notebooks, "TIMES", tiny_notebook.parents[1] / "times.json")
    assert run_notebooks.main([str(tiny_notebook)]) == 0
    executed = nbformat.read(tiny_notebook, as_version=4)
    assert executed.cells[0].outputs[0]["text"] == "42\n"
    times = json.loads((tiny_notebook.parents[1] / "times.json").read_text(encoding="utf-8"))
    assert list(times["notebooks"]) == ["book/tiny.ipynb"] and times["limit_s"] == 30.0
    monkeypatch.setattr(run_notebooks, "LIMIT_S", 0.0)  # every notebook is now too slow
    assert run_notebooks.main([str(tiny_notebook)]) == 1


def test_the_held_out_rows_are_complete_and_judged_by_the_benchmarks_rule():
    # benchmarks/heldout.py: every case of a whole run, each row's verdict by _timing's limits
    heldout = importlib.import_module("heldout")
    results = json.loads((BENCHMARKS / "results.json").read_text(encoding="utf-8"))
    rows = results["heldout"]["rows"]
    assert {row["case"] for row in rows} == set(heldout.CASES)
    for row in rows:
        if "objective_gap" in row:
            gap, limit = row["objective_gap"], _timing.MAX_OBJECTIVE_GAP
        else:
            gap, limit = row["accuracy_gap"], _timing.MAX_ACCURACY_GAP
        assert row["ok"] == (row["ratio"] <= row["goal"] and gap <= limit), row
        assert row["data"] in ("raw", "std") and row["note"], row

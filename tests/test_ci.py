"""The publishing workflow (.github/workflows/book.yml) is valid and runs what our CI runs.

It cannot run here (no GitHub), so it is checked statically: against GitHub's workflow
schema (vendored in check-jsonschema, no network) and for the few facts that matter —
the same entry point as `.ci/run`, deployment only from a push to main.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def validate(path: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema",
               "vendor.github-workflows", str(path)]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_matches_githubs_schema():
    result = validate(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validator_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: 5\n")
    assert validate(broken).returncode != 0


def test_workflow_runs_the_ci_entry_point(workflow):
    steps = workflow["jobs"]["test"]["steps"]
    assert any(step.get("run") == "bash .ci/run" for step in steps)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_only_a_push_to_main_deploys(workflow):
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as True
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    main_push = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    upload = next(s for s in workflow["jobs"]["test"]["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["if"] == main_push and upload["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["if"] == main_push and deploy["needs"] == "test"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}

"""Notebooks are committed without outputs and with minimal metadata."""
import json
import subprocess

import pytest

from samples import REPO

NOTEBOOK_METADATA = {"kernelspec", "language_info"}
CELL_METADATA = {"nbgrader", "tags", "editable", "deletable"}


def committed_notebooks():
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout.split()
    return sorted(listed)


def test_there_are_notebooks():
    assert any(p.startswith("book/") for p in committed_notebooks())


@pytest.mark.parametrize("path", committed_notebooks())
def test_notebook_is_clean(path):
    nb = json.loads((REPO / path).read_text())
    assert set(nb["metadata"]) <= NOTEBOOK_METADATA, f"extra notebook metadata: {set(nb['metadata'])}"
    for index, cell in enumerate(nb["cells"]):
        where = f"{path}, cell {index}"
        assert set(cell.get("metadata", {})) <= CELL_METADATA, f"{where}: extra cell metadata"
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{where} has outputs: clear them before committing"
            assert cell["execution_count"] is None, f"{where} has an execution count"

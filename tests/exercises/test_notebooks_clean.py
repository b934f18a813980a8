"""Notebooks are committed without outputs and with minimal metadata; the book's code
fits in 88 columns and its figures have captions and alt text."""
import json
import subprocess

import pytest

from tests.support.samples import REPO

NOTEBOOK_METADATA = {"kernelspec", "language_info"}
CELL_METADATA = {"nbgrader", "tags", "editable", "deletable", "mystnb"}
MAX_LINE = 88  # characters in a line of code
MIN_ALT = 20  # characters in an image's alt text


def committed_notebooks():
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout.split()
    return sorted(listed)


def book_notebooks():
    return [p for p in committed_notebooks() if p.startswith("book/")]


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


@pytest.fixture(scope="module")
def kernel_metadata():
    """The kernelspec and language_info JupyterLab writes into a notebook when the course's
    kernel starts (from its kernel_info reply)."""
    from jupyter_client.manager import start_new_kernel
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        language_info = client.kernel_info(reply=True, timeout=60)["content"]["language_info"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    spec = manager.kernel_spec
    return {"kernelspec": {"display_name": spec.display_name, "language": spec.language,
                           "name": "python3"},
            "language_info": language_info}


@pytest.mark.parametrize("path", committed_notebooks())
def test_notebook_opens_unmodified(path, kernel_metadata):
    # a notebook whose metadata differs from the kernel's is changed by JupyterLab as soon
    # as it opens, and shows as unsaved before the student has typed anything. Python's
    # version is the one thing another machine may differ in (there, the mark comes back).
    metadata = json.loads((REPO / path).read_text())["metadata"]
    del metadata["language_info"]["version"]
    running = kernel_metadata["language_info"]
    assert metadata == {"kernelspec": kernel_metadata["kernelspec"],
                        "language_info": {k: v for k, v in running.items() if k != "version"}}, path


@pytest.mark.parametrize("path", book_notebooks())
def test_code_lines_fit(path):
    nb = json.loads((REPO / path).read_text())
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for number, line in enumerate("".join(cell["source"]).splitlines(), start=1):
            where = f"{path}, cell {index}, line {number}"
            assert len(line) <= MAX_LINE, f"{where} has {len(line)} characters: {line}"


@pytest.mark.parametrize("path", [p for p in book_notebooks() if p.count("/") == 1])
def test_figures_have_caption_and_alt_text(path):
    # MyST-NB reads these from the cell's metadata; they apply to every image the cell
    # draws, so a cell that draws figures calls plt.show() once.
    nb = json.loads((REPO / path).read_text())
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or "plt.show()" not in "".join(cell["source"]):
            continue
        where = f"{path}, cell {index}"
        mystnb = cell["metadata"].get("mystnb", {})
        caption = mystnb.get("figure", {}).get("caption", "")
        alt = mystnb.get("image", {}).get("alt", "")
        assert isinstance(caption, str) and caption.strip(), f"{where}: no caption"
        assert isinstance(alt, str) and len(alt.strip()) >= MIN_ALT, (
            f"{where}: no alt text of at least {MIN_ALT} characters")

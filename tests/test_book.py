"""The book: every chapter runs top to bottom, once, in under two minutes; the book then
builds strictly from those runs into a fresh folder, and its pages work offline."""
import shutil
import time
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from conftest import PYTHON, is_external, loaded_urls, run
from samples import REPO


CHAPTER_SECONDS = 120  # every chapter runs top to bottom in under 2 minutes on 2 cores


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each chapter of the toc executed once, top to bottom, into a copy of the book;
    returns the copy and the seconds each chapter took."""
    src = tmp_path_factory.mktemp("book-src")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(REPO / name, src / name)
    for folder in ("book", "exercises"):
        shutil.copytree(REPO / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__"))
    seconds = {}
    for name in toc_files():
        path = src / f"{name}.ipynb"
        if not path.is_file() or name.startswith("exercises/"):
            continue  # pages, and released exercises (not executed by design)
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
        seconds[name] = time.perf_counter() - start
        nbformat.write(nb, path)
    config = yaml.safe_load((src / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"  # executed above, once
    (src / "_config.yml").write_text(yaml.safe_dump(config))
    return src, seconds


@pytest.fixture(scope="module")
def html(executed, tmp_path_factory):
    src, _ = executed
    out = tmp_path_factory.mktemp("book")
    run([str(Path(PYTHON).parent / "jupyter-book"), "build", str(src),
         "--path-output", str(out), "-W", "-n", "--keep-going"], timeout=1800)
    return out / "_build" / "html"


def test_every_chapter_runs_in_under_two_minutes(executed):
    _, seconds = executed
    assert seconds, "no chapter was executed"
    slow = {name: round(s) for name, s in seconds.items() if s > CHAPTER_SECONDS}
    assert not slow, f"chapters over {CHAPTER_SECONDS} s: {slow}"


def toc_files():
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"]]
    stack = list(toc["parts"])
    while stack:
        entry = stack.pop()
        files += [c["file"] for c in entry.get("chapters", []) + entry.get("sections", []) if "file" in c]
        stack += entry.get("chapters", []) + entry.get("sections", [])
    return sorted(set(files))


def test_every_page_of_the_toc_is_built(html):
    for name in toc_files():
        assert (html / f"{name}.html").is_file(), name


def test_pages_load_nothing_from_outside_the_machine(html):
    pages = sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)  # not theme templates
    assert len(pages) >= len(toc_files())
    for page in pages:
        loaded = loaded_urls(page.read_text(encoding="utf-8"))
        external = [(tag, url) for tag, url in loaded if is_external(url)]
        assert not external, f"{page.relative_to(html)} loads {external}"
        for tag, url in loaded:  # and what it loads locally is there
            if not url.startswith(("data:", "#", "mailto:")):
                target = (page.parent / url.split("?")[0].split("#")[0]).resolve()
                assert target.exists(), f"{page.relative_to(html)}: {tag} {url} is missing"


def test_mathjax_is_served_from_the_build(html):
    page = (html / "book" / "01-why-not-fully-connected.html").read_text()
    assert 'src="../_static/mathjax/tex-chtml.js"' in page
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_chapter_one_shows_its_computed_numbers_and_figure(html):
    page = (html / "book" / "01-why-not-fully-connected.html").read_text()
    for number in ("150,528", "150,529,000", "34,944", "73,856", "8,590,065,664"):
        assert number in page, number
    assert '<img alt="' in page and "_images/" in page


def test_exercise_pages_are_shown_but_not_executed(html):
    page = (html / "exercises" / "ex01-shapes-and-counts" / "ex01-shapes-and-counts.html").read_text()
    assert "raise" in page and "NotImplementedError" in page   # the stub students fill in
    assert 'class="cell_output' not in page and "most recent call last" not in page

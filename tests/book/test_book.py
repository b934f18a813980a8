"""The book: every chapter runs top to bottom, once, in under two minutes; the book then
builds strictly from those runs into a fresh folder, and its pages work offline, in a
real browser too."""
import json
import re
import shutil
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from tests.support.browser import chromium, serve
from tests.support.commands import PYTHON, run
from tests.support.pages import is_external, loaded_urls
from tests.support.samples import REPO


CHAPTER_SECONDS = 120  # every chapter runs top to bottom in under 2 minutes on 2 cores
TIMES = REPO / "_build" / "chapter-seconds.json"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each chapter of the toc executed once, top to bottom, into a copy of the book;
    returns the copy and the seconds each chapter took."""
    src = tmp_path_factory.mktemp("book-src")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(REPO / name, src / name)
    for folder in ("book", "exercises", "_static"):  # _static: the pages' own scripts
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
    TIMES.parent.mkdir(parents=True, exist_ok=True)  # kept with the build, as an artifact
    TIMES.write_text(json.dumps({name: round(s, 1) for name, s in seconds.items()}, indent=1))
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


@pytest.mark.parametrize("chapter, least", [
    ("05-receptive-fields", 5),   # accuracy, and each measure before and after training
    ("07-cnn-classifier", 12),    # four models on two validation sets, the test set twice
])
def test_trained_numbers_are_reported_over_seeds(html, chapter, least):
    page = (html / "book" / f"{chapter}.html").read_text()
    spreads = re.findall(r"\d+(?:\.\d+)?%? ± \d+(?:\.\d+)?%?", page)
    assert len(set(spreads)) >= least, spreads


def chapter_pages(html):
    return sorted((html / "book").glob("[0-9][0-9]-*.html"))


def test_every_figure_has_a_caption_and_an_alt_text_that_says_what_it_shows(html):
    for page in chapter_pages(html):
        text = page.read_text()
        images = re.findall(r"<img [^>]*src=\"[^\"]*_images/[^>]*>", text)
        for image in images:
            alt = re.search(r'alt="([^"]*)"', image)
            assert alt and len(alt.group(1)) >= 20 and " " in alt.group(1), \
                f"{page.name}: an image without a real alt text: {image[:120]}"
        captions = text.count('<span class="caption-number">Fig.')
        assert captions == len(images), f"{page.name}: {len(images)} figures, {captions} captions"


# Code the reader reads: cell inputs and included helpers (outputs are what they are).
CODE_BLOCK = re.compile(r'<div class="highlight-(?:ipython3|python|default) notranslate">'
                        r'<div class="highlight"><pre>(.*?)</pre>', re.S)


def test_no_code_line_scrolls_sideways(html):
    for page in chapter_pages(html):
        for block in CODE_BLOCK.findall(page.read_text()):
            for line in unescape(re.sub(r"<[^>]+>", "", block)).splitlines():
                assert len(line) <= 88, f"{page.name}: {len(line)} characters: {line}"


def test_exercise_pages_are_shown_but_not_executed(html):
    page = (html / "exercises" / "ex01-shapes-and-counts" / "ex01-shapes-and-counts.html").read_text()
    assert "raise" in page and "NotImplementedError" in page   # the stub students fill in
    assert 'class="cell_output' not in page and "most recent call last" not in page


# In a real browser: Chromium opens every page of the built book once, served locally.

SCREENSHOTS = REPO / "_build" / "screenshots"  # the first screen of each page, kept as an artifact
RAW_TEX = re.compile(r"\\\(|\\\[|\$\$")  # delimiters MathJax replaces when it typesets

# The page's text outside code and typeset math: no TeX should be left there.
TEXT_OUTSIDE_CODE_JS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode())
    if (!walker.currentNode.parentElement.closest("pre, code, script, style, mjx-container"))
      texts.push(walker.currentNode.textContent);
  return texts.join(" ");
}"""


@pytest.fixture(scope="module")
def browser(html):
    """(browser context, base URL of the built book served on localhost)."""
    with chromium() as context, serve(html) as base:
        yield context, base


def open_page(context, url):
    """Open url and wait for its load event (scripts, styles and images are in).
    Returns the page and a list, filled as they happen, of its console and script errors,
    failed requests and requests blocked for leaving localhost."""
    page = context.new_page()
    errors = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"console error: {message.text}")

    def on_response(response):
        if response.status >= 400:
            errors.append(f"HTTP {response.status} for {response.url}")

    def on_failed(request):
        why = "blocked (outside localhost)" if request.url in context.blocked else request.failure
        errors.append(f"request {why}: {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.goto(url)
    return page, errors


def math_problems(page):
    """What is wrong with the page's math, once MathJax has typeset it."""
    if not page.evaluate("() => Boolean(window.MathJax?.startup?.promise)"):
        return ["MathJax did not start"]
    page.evaluate("() => MathJax.startup.promise")  # resolves when the first typesetting is done
    untypeset = page.locator(".math:not(:has(mjx-container))").all_inner_texts()
    problems = [f"math not typeset: {tex}" for tex in untypeset]
    problems += [f"TeX error: {error}" for error in page.locator("mjx-merror").all_inner_texts()]
    text = " ".join(page.evaluate(TEXT_OUTSIDE_CODE_JS).split())
    problems += [f"raw TeX in the text: ...{text[max(m.start() - 40, 0):m.end() + 40]}..."
                 for m in RAW_TEX.finditer(text)]
    return problems


@pytest.fixture(scope="module")
def pages(browser):
    """Every page of the toc opened once: name -> what was found on it. Saves the first
    screen (1280x900) of each as _build/screenshots/<page>.png."""
    context, base = browser
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()  # pages since removed from the toc
    found = {}
    for name in toc_files():
        page, errors = open_page(context, f"{base}{name}.html")
        formulas = page.locator(".math").count()  # Sphinx gives each formula the class "math"
        found[name] = {
            "broken images": page.eval_on_selector_all(
                "img", "imgs => imgs.filter(i => !i.naturalWidth).map(i => i.getAttribute('src'))"),
            "formulas": formulas,
            "math": math_problems(page) if formulas else [],
            "sidebar links": page.eval_on_selector_all("nav.bd-docs-nav a", "as => as.map(a => a.href)"),
            # the kernel-free widgets (_static/cnn-widgets.js): (placed, started)
            "widgets": page.eval_on_selector_all(
                ".cnn-slide, .cnn-stack, .cnn-question",
                "ds => [ds.length, ds.filter(d => d.children.length > 0).length]"),
            "errors": errors,  # filled until the page closes: typesetting and screenshot load files too
        }
        page.screenshot(path=SCREENSHOTS / f"{Path(name).name}.png")
        page.close()
    return found


def test_every_page_loads_in_a_browser_without_errors(pages):
    problems = [f"{name}.html: {error}" for name, found in pages.items() for error in found["errors"]]
    assert not problems, "\n".join(problems)


def test_the_widgets_start_on_every_page_that_has_them(pages):
    placed = {name: found["widgets"] for name, found in pages.items() if found["widgets"][0]}
    assert {name.split("/")[-1][:2] for name in placed} >= {"01", "02", "03", "05", "06"}
    assert all(started == count for count, started in placed.values()), placed


def test_the_sliding_kernel_works_in_the_built_book(browser):
    context, base = browser
    page, errors = open_page(context, f"{base}book/02-convolution-by-hand.html")
    widget = page.locator(".cnn-slide")
    first = widget.locator(".cnn-slide-sum").inner_text()
    widget.locator(".cnn-slide-position").evaluate(
        "s => { s.value = 7; s.dispatchEvent(new Event('input')); }")
    assert widget.locator(".cnn-slide-sum").inner_text() != first
    assert widget.locator("td.cnn-current").count() == 1
    assert not errors, errors


def test_every_image_loads(pages):
    problems = [f"{name}.html: image {src} did not load"
                for name, found in pages.items() for src in found["broken images"]]
    assert not problems, "\n".join(problems)


def test_math_is_typeset(pages):
    assert sum(found["formulas"] for found in pages.values()) > 0, "no page has math"
    problems = [f"{name}.html: {problem}" for name, found in pages.items() for problem in found["math"]]
    assert not problems, "\n".join(problems)


def test_every_sidebar_link_resolves(html, browser, pages):
    context, _ = browser
    linked_from = {}  # target -> a page whose sidebar links to it
    for name, found in pages.items():
        assert found["sidebar links"], f"{name}.html: no links in the sidebar"
        for url in found["sidebar links"]:
            linked_from.setdefault(url.split("#")[0], name)
    for url, name in sorted(linked_from.items()):
        status = context.request.get(url).status
        target = html / urlparse(url).path.lstrip("/")
        # a folder gets HTTP 200 too (a listing): the target must be a page
        assert status == 200 and target.is_file(), \
            f"{name}.html: sidebar link {url} answers HTTP {status}, page exists: {target.is_file()}"


def test_search_finds_receptive_fields(browser):
    context, base = browser
    page, errors = open_page(context, f"{base}search.html?q=receptive+field")
    summary = page.locator("#search-results .search-summary")
    summary.filter(has_text=re.compile("found|did not match")).wait_for()  # the search is over
    results = page.locator("#search-results li")
    chapter = results.filter(has=page.locator("a[href*='05-receptive-fields']"))
    assert chapter.count(), f"search.html: {summary.inner_text()!r}, but not book/05-receptive-fields: " \
                            f"{results.locator('a').all_inner_texts()}"
    # under each result, a passage of the page, fetched after the list, shows the words found
    chapter.locator(".context").first.wait_for()
    passages = " ".join(chapter.locator(".context").all_inner_texts()).lower()
    assert "receptive field" in passages, f"search.html: passages shown for book/05: {passages!r}"
    assert not errors, "search.html: " + "\n".join(errors)

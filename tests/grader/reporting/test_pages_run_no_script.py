"""Pages show the student's content, never run it. A class whose notebooks, file names and
ids hold HTML, SVG and JavaScript that would each record a marker in the page (in
Markdown, in outputs the kernel displays, in a PNG's display settings, in an "isolated"
frame) is graded as the batch grader grades; Chromium opens the feedback page, the same
page without its Content-Security-Policy (a proxy or a viewer can drop it) and the class
report with its similarity view: no marker is ever set and nothing is fetched, while the
score, a failing test's message, the maths and the student's own words still show."""
import json
from types import SimpleNamespace
from urllib.parse import quote

import nbformat
import pytest
from bs4 import BeautifulSoup

from tests.support.commands import PYTHON, run
from tests.support.samples import REPO, make_submission, sample

ASSIGNMENT = "ex01-shapes-and-counts"
POLICY = "Content-Security-Policy"


def marker(name):
    """JavaScript that records `name` in the page, where it runs."""
    return f"(window.__pwned=window.__pwned||[]).push('{name}')"


def hostile_outputs():
    """Code for an answer cell that displays HTML, SVG and JavaScript, each with a marker."""
    shows = [
        ("HTML", f'<b>bold</b><img src=x onerror="{marker("html-img")}"><script>{marker("html-script")}</script>'),
        ("HTML", f'<svg onload="{marker("html-svg")}"></svg><a href="javascript:{marker("html-link")}">x</a>'),
        ("Javascript", marker("javascript")),
        ("Javascript", f"</script><script>{marker('javascript-breakout')}</script>"),
        ("SVG", f'<svg xmlns="http://www.w3.org/2000/svg" onload="{marker("svg-onload")}">'
                f'<script>{marker("svg-script")}</script><circle r="5"/></svg>'),
    ]
    code = ["", "", "from IPython.display import HTML, SVG, Javascript, display"]
    code += [f"display({kind}({text!r}))" for kind, text in shows]
    # nbconvert writes a PNG's width unquoted: `width=1 onerror=...` becomes an attribute
    code.append("display({'image/png': 'not-a-png', 'text/plain': 'png'}, raw=True, "
                f"metadata={{'image/png': {{'width': {('1 onerror=' + marker('png-width'))!r}}}}})")
    # an "isolated" output is put in a frame of its own
    code.append(f"display({{'text/html': {('<p>isolated</p><script>' + marker('frame') + '</script>')!r}}}, "
                "raw=True, metadata={'text/html': {'isolated': True}})")
    return "\n".join(code)


NOTE = ("## My notes\n\nPythagoras: $a^2 + b^2 = c^2$, and $$\\frac{W + 2P - K}{S} + 1$$\n\n"
        f"<script>{marker('markdown-script')}</script>\n\n"
        f'<img src=x onerror="{marker("markdown-img")}">\n\n'
        f'<svg onload="{marker("markdown-svg")}"></svg>\n\n'
        f"[a link](javascript:{marker('markdown-link')})\n")
# a copy of mallory's notebook comes from a student whose id would run in the report
COPIER = f"<img src=x onerror=\"{marker('student-id')}\">"
LISTED_NOTEBOOK = f"<svg onload=\"{marker('file-name')}\">.ipynb"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """OUT_DIR of a class graded once: mallory (a known mistake, and everything above),
    a student whose id is HTML who handed in mallory's notebook, and one whose notebook
    has an HTML name (missing, listed in the report)."""
    root = tmp_path_factory.mktemp("pages")
    answers, _ = sample(ASSIGNMENT, "output_size_not_floored")
    answers["fc_param_count"] += hostile_outputs()
    answers["conv_param_count"] += f"\n\n# </pre><script>{marker('code')}</script>\n"
    path = make_submission(ASSIGNMENT, root / "class" / "mallory", answers)
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(9, nbformat.v4.new_markdown_cell(NOTE))   # a cell of the student's own
    nbformat.write(nb, path)
    (root / "class" / COPIER).mkdir()
    nbformat.write(nb, root / "class" / COPIER / path.name)
    (root / "class" / "nobook").mkdir()
    (root / "class" / "nobook" / LISTED_NOTEBOOK).write_text("{}")
    out = root / "out"
    run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(root / "class"), "--out", str(out),
         "--jobs", "2", "--similarity", "0.8"])
    return out


def opened(context, url):
    """The page at `url`, once loaded and its handlers had their chance, and the URLs it
    sent a request to besides itself (its policy blocks some before they leave: those
    are not sent)."""
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto(url)
    page.wait_for_timeout(300)   # an <img>'s onerror fires once its load has failed
    return page, [r.url for r in requests
                  if r.url != url and not r.url.startswith("data:") and r.failure != "csp"]


def markers(page):
    """The markers set in the page or any of its frames."""
    return [m for frame in page.frames for m in frame.evaluate("window.__pwned || []")]


def policy_first(page):
    return page.evaluate("document.head.firstElementChild.outerHTML")


def test_the_feedback_page_runs_nothing_of_the_students_and_still_shows_the_grade(graded):
    from tests.support.browser import chromium, serve
    mallory = json.loads((graded / "results.json").read_text())["students"]["mallory"]
    failed = next(t for t in mallory["tests"] if not t["passed"])
    assert failed["mistake"]   # a named mistake: the course's own message must show whole
    page_path = graded / "feedback" / "mallory" / f"{ASSIGNMENT}.html"
    without = BeautifulSoup(page_path.read_text(), "html.parser")   # as a proxy may pass it on
    for policy in without.find_all("meta", attrs={"http-equiv": POLICY}):
        policy.decompose()
    (page_path.parent / "without-policy.html").write_text(str(without))

    with chromium() as context, serve(graded) as url:
        page, requested = opened(context, f"{url}feedback/mallory/{ASSIGNMENT}.html")
        assert markers(page) == [] and requested == [] and context.blocked == []
        assert POLICY in policy_first(page) and "script-src 'none'" in policy_first(page)
        text = page.locator("body").inner_text()
        assert f"(Score: {float(mallory['score'])} / {float(mallory['max_score'])})" in text
        assert mallory["score"] < mallory["max_score"]
        for line in failed["message"].splitlines():
            assert line.strip() in text, line
        # the student's own cell: its words, its maths as MathML, its HTML shown as text
        note = page.locator(".text_cell_render", has=page.locator("h2:text('My notes')"))
        assert note.locator("math").count() == 2
        assert f"<script>{marker('markdown-script')}</script>" in note.inner_text()
        assert "bold" in text and "<IPython.core.display.Javascript object>" in text

        page, requested = opened(context, f"{url}feedback/mallory/without-policy.html")
        assert markers(page) == [] and requested == []


def test_the_class_report_and_its_similarity_view_run_nothing(graded):
    from tests.support.browser import chromium, serve
    with chromium() as context, serve(graded) as url:
        page, requested = opened(context, url + "report.html")
        for details in page.locator("details").all():
            details.evaluate("d => d.open = true")
        assert markers(page) == [] and requested == [] and context.blocked == []
        assert POLICY in policy_first(page)
        text = page.locator("body").inner_text()
        # what the students wrote is there, as text
        assert f"{COPIER} and mallory" in text
        assert f"<script>{marker('code')}</script>" in page.locator(".pair pre").first.inner_text()
        assert LISTED_NOTEBOOK in text
        assert page.locator(".pair pre").count() == 2 and page.locator("img").count() == 2
        # the feedback pages of a student whose id is HTML open too
        page, requested = opened(context, f"{url}feedback/{quote(COPIER)}/{ASSIGNMENT}.html")
        assert markers(page) == [] and requested == []


def test_the_sanitiser_keeps_the_course_markdown_and_maths_as_they_render():
    """Every Markdown cell of the released exercises renders the same with the cleaning
    as without it (headings, lists, code, tables, MathML), and so does a cell with all of
    Markdown's forms; a cell's HTML is made inert, an image kept when it is data."""
    from autograder.grading.feedback_exporter import FeedbackExporter

    class Unsanitised(FeedbackExporter):
        """The exporter with Markdown's HTML as the renderer leaves it."""
        sanitizer = SimpleNamespace(sanitize_html_tags=lambda html: html)

    def render(exporter, cell):
        soup = BeautifulSoup(exporter.markdown2html({"cell": cell}, cell.source), "html.parser")
        for styled in soup.select("[style]"):   # bleach's CSS check ends each with ";"
            styled["style"] = styled["style"].rstrip(";")
        return str(soup)

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    forms = nbformat.v4.new_markdown_cell(
        "# Title\n\n## Sub *em* **strong** `code < 1 & x`\n\n1. one\n2. two\n   - nested\n\n"
        "> a quote with $a < b$\n\n```python\nif a < b and c > d:\n    pass\n```\n\n"
        "| left | centre | right |\n|:-----|:------:|------:|\n| 1 | $x^2$ | 3 |\n\n"
        "H<sub>2</sub>O, x<sup>2</sup>, <b>bold</b>, <br> and a [link](https://example.org/#x)\n\n"
        "$$\\sum_{i=1}^{n} \\frac{\\partial L}{\\partial w_i} \\leq \\sqrt{\\left(x\\right)}$$\n\n"
        "![a dot](attachment:dot.png)\n",
        attachments={"dot.png": {"image/png": png}})
    cells = [forms] + [cell for path in sorted((REPO / "exercises").glob("*/*.ipynb"))
                       for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]
    assert len(cells) > 30
    sanitised, unsanitised = FeedbackExporter(), Unsanitised()
    for cell in cells:
        assert render(sanitised, cell) == render(unsanitised, cell), cell.source
    shown = render(sanitised, forms)
    assert shown.count("<math") == 3 and "<table>" in shown and 'src="data:image/png;base64,' in shown

    hostile = render(sanitised, nbformat.v4.new_markdown_cell(NOTE))
    assert "<script" not in hostile and "<svg" not in hostile and "onerror" not in hostile
    assert "javascript:" not in hostile and "&lt;script&gt;" in hostile and hostile.count("<math") == 2


def test_the_sanitiser_drops_scripts_and_unsafe_display_settings_and_keeps_messages():
    from autograder.preprocessors import SanitizeStudentHTML
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    error = new_output("error", ename="AssertionError", evalue="f(1) returned '<b>'; expected 2.",
                       traceback=["AssertionError: f(1) returned '<b>'; expected 2."])
    outputs = [
        new_output("display_data", {"application/javascript": "alert(1)", "text/plain": "js"}),
        new_output("display_data", {"text/html": "<table><tr><td>1</td></tr></table><script>x</script>"},
                   metadata={"text/html": {"isolated": True}}),
        new_output("display_data", {"image/png": "AAAA", "text/plain": "png"},
                   metadata={"image/png": {"width": "1 onerror=x", "height": 20, "alt": "a plot"},
                             "filenames": {"image/png": "http://example.org/x.png"}}),
        new_output("display_data", {"image/svg+xml": "<svg><script>x</script></svg>",
                                    "application/vnd.jupyter.widget-view+json": {"model_id": "1"}}),
        error,
    ]
    nb = new_notebook(cells=[new_code_cell("x", outputs=outputs)])
    nb, _ = SanitizeStudentHTML().preprocess(nb, {})
    js, html, png, svg, kept = nb.cells[0].outputs
    assert js.data == {"text/plain": "js"}
    assert html.data["text/html"] == "<table><tbody><tr><td>1</td></tr></tbody></table>&lt;script&gt;x&lt;/script&gt;"
    assert html.metadata == {"text/html": {}}
    assert png.metadata == {"image/png": {"height": 20, "alt": "a plot"}}
    assert list(svg.data) == ["image/svg+xml"]   # drawn as an <img>, in which no script runs
    assert kept == error

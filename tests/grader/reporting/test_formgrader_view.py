"""nbgrader's formgrader shows each autograded notebook in the instructor's Jupyter, on a
page with scripts of its own: through the course's configuration, the student's HTML,
SVG, JavaScript and Markdown HTML come out inert (opened in Chromium, no marker is set),
while their words and the failing test's message still show."""
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from autograder.course import REPO_ROOT, nbgrader_config
from tests.grader.reporting.test_pages_run_no_script import NOTE, marker, markers, opened

# what the formgrader's handler gives its exporter (nbgrader's SubmissionNavigation page)
RESOURCES = {"assignment_id": "ex01-shapes-and-counts", "notebook_id": "ex01-shapes-and-counts",
             "submission_id": "1", "index": 0, "total": 1, "base_url": "", "student": "mallory",
             "last_name": "", "first_name": "", "notebook_path": ""}


def formgrader_page(notebook):
    """The page the formgrader serves for `notebook`, with the course's settings."""
    from nbgrader.server_extensions.formgrader import handlers
    config = nbgrader_config(REPO_ROOT)
    config.merge(Config({"HTMLExporter": {"template_name": "formgrade",   # as the formgrader sets
                                          "extra_template_basedirs": [handlers.template_path]}}))
    html, _ = HTMLExporter(config=config).from_notebook_node(notebook, resources=dict(RESOURCES))
    return html


def test_the_formgrader_shows_a_hostile_notebook_inert(tmp_path):
    from tests.support.browser import chromium, serve
    shown = [new_output("display_data", {"text/html": f'<b>bold</b><img src=x onerror="{marker("html-img")}">'
                                                      f"<script>{marker('html-script')}</script>"}),
             new_output("display_data", {"application/javascript": marker("javascript"), "text/plain": "js"}),
             new_output("display_data", {"image/svg+xml": f'<svg xmlns="http://www.w3.org/2000/svg" '
                                                          f'onload="{marker("svg")}"><circle r="5"/></svg>'}),
             new_output("error", ename="AssertionError", evalue="conv_output_size(5, 2) returned 2.5",
                        traceback=["AssertionError: conv_output_size(5, 2) returned 2.5"])]
    notebook = new_notebook(cells=[new_markdown_cell(NOTE), new_code_cell("answer()", outputs=shown)])
    (tmp_path / "page.html").write_text(formgrader_page(notebook))
    with chromium() as context, serve(tmp_path) as url:
        page, _ = opened(context, url + "page.html")
        assert markers(page) == []
        text = page.locator("body").inner_text()
        assert "My notes" in text and "bold" in text and "conv_output_size(5, 2) returned 2.5" in text


def test_the_feedback_exporter_keeps_its_own_cleaning():
    """The settings for the formgrader's exporter do not reach the feedback's (a subclass),
    which cleans in its own steps and keeps its maths."""
    from autograder.grading.feedback_exporter import FeedbackExporter
    exporter = FeedbackExporter(config=nbgrader_config(REPO_ROOT))
    assert exporter.preprocessors == [] and exporter.sanitize_html is False

"""The HTML exporter of the course's feedback: nbgrader's feedback page with each test
named, messages that wrap, maths as MathML, and nothing of the student's that can run.

Feedback is one self-contained file that must work offline, so maths cannot be left to
MathJax (a download). TeX is turned into MathML when the page is written
(latex2mathml), and browsers draw MathML natively.

The page shows what the student wrote and never runs it: it forbids scripts (its
Content-Security-Policy, autograder/pages.py), the outputs are cleaned before it is
written (the SanitizeStudentHTML preprocessor), and Markdown is cleaned by the same rules
once rendered, here.
"""
import os
from functools import cached_property

import nbgrader
from jinja2 import FileSystemBytecodeCache, FileSystemLoader, pass_context
from latex2mathml.converter import convert
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from traitlets import Unicode

from autograder.pages import policy_meta
from autograder.preprocessors.sanitize_student_html import SanitizeStudentHTML

# the folder holding nbgrader's "feedback" template, which the course's extends by name
NBGRADER_TEMPLATES = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions",
                                  "formgrader", "templates")


def mathml(tex, display):
    """TeX as MathML; TeX that latex2mathml cannot read stays as it was written."""
    try:
        return convert(tex, display=display)
    except Exception:  # a malformed or unsupported formula must not cost the page
        return None


class MathMLRenderer(IPythonRenderer):
    """nbconvert's Markdown renderer with $…$ and $$…$$ written as MathML."""

    def block_math(self, body):
        return mathml(body, "block") or super().block_math(body)

    def inline_math(self, body):
        return mathml(body, "inline") or super().inline_math(body)


class FeedbackExporter(HTMLExporter):
    """HTMLExporter for feedback pages, with the course's template and MathML maths.

    Each submission is graded by a new process, which would compile the templates again
    (about 0.3 s a submission); with `bytecode_cache_dir` (Jinja's own bytecode cache) in
    a folder shared by the grading processes, only the first ones compile them.
    """

    bytecode_cache_dir = Unicode(
        "", help="folder for the compiled templates, shared by grading processes"
    ).tag(config=True)

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        resources["policy_meta"] = policy_meta()   # the course's template puts it first in <head>
        return resources

    def _create_environment(self):
        environment = super()._create_environment()
        environment.loader.loaders.append(FileSystemLoader(NBGRADER_TEMPLATES))
        if self.bytecode_cache_dir:
            environment.bytecode_cache = FileSystemBytecodeCache(self.bytecode_cache_dir)
        return environment

    @pass_context
    def markdown2html(self, context, source):
        """nbconvert's markdown2html (HTMLExporter's), with the MathML renderer, and the
        HTML it makes cleaned as the outputs are (raw HTML in Markdown is passed through
        by the renderer: a student's cell can hold a <script>)."""
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options,
        )
        return self.sanitizer.sanitize_html_tags(MarkdownWithMath(renderer=renderer).render(source))

    @cached_property
    def sanitizer(self):
        """The outputs' cleaner, with the same settings (c.SanitizeStudentHTML)."""
        return SanitizeStudentHTML(parent=self)

"""What the pages the grader writes (feedback, the class report) let a browser do: show
them, and nothing else.

These pages hold what students wrote (their HTML, SVG and JavaScript outputs, their
Markdown, their file names and messages) and are opened by the instructor, often from
their Jupyter server, whose session a script would act with. Each page's first element
in <head> is this Content-Security-Policy: no script of any kind, no frame, form or
plug-in, nothing fetched; only the page's own inline styles and the images and fonts it
carries as data: URLs (matplotlib's figures, the maths is MathML). A page must not need
more: what it would load is blocked.
"""
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; "
                           "img-src data:; font-src data:; base-uri 'none'; form-action 'none'")


def policy_meta():
    """The <meta> element of the policy, to come first in a page's <head>."""
    return f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'

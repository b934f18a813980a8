import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbformat import from_dict
from traitlets import Bool, Set, Unicode, default

# What a feedback page may show of a student's HTML: text, tables, images and the MathML
# that maths is written as; no script, style sheet, frame, form, object or SVG (an SVG
# output is drawn as an <img> of a data: URL, in which no script runs). A tag not listed
# is shown as text, an attribute not listed is dropped.
TEXT_TAGS = [
    "a", "abbr", "acronym", "b", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
]
# MathML Core's presentation elements, which latex2mathml writes (no <semantics> or
# <annotation-xml>, which can carry HTML)
MATHML_TAGS = [
    "math", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover",
    "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle",
    "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover",
]
MATHML_ATTRIBUTES = [
    "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "columnspan",
    "depth", "dir", "display", "displaystyle", "fence", "form", "frame", "height", "largeop",
    "linebreak", "linethickness", "lspace", "mathbackground", "mathcolor", "mathsize",
    "mathvariant", "maxsize", "minsize", "movablelimits", "notation", "rowalign", "rowlines",
    "rowspacing", "rowspan", "rspace", "scriptlevel", "separator", "stretchy", "symmetric",
    "voffset", "width", "xmlns",
]


def _link(tag, name, value):
    """A link may go to a page or an anchor (bleach checks the protocol), not a data: URL."""
    return name in ("title", "class", "id") or \
        (name == "href" and not value.strip().lower().startswith("data:"))


def _image(tag, name, value):
    """An image may show only what the page holds (a data: image): fetching any other URL
    would tell whoever wrote it that the page was opened, with the reader's cookies."""
    return name in ("alt", "title", "width", "height", "class", "id") or \
        (name == "src" and value.strip().lower().startswith("data:image/"))


def _mimetype_settings(settings):
    """Of an output's display settings (its metadata), what nbconvert's template writes
    into the page safely: numeric width and height, the alt text (quoted and escaped) and
    whether the image may be wider than the page.
    A string width is written unquoted (`width=1 onerror=...` becomes an attribute);
    `isolated` puts the HTML in a frame, and `filenames` point an <img> at any URL."""
    if not isinstance(settings, dict):
        return {}
    kept = {key: settings[key] for key in ("width", "height")
            if isinstance(settings.get(key), (int, float)) and not isinstance(settings.get(key), bool)}
    if isinstance(settings.get("alt"), str):
        kept["alt"] = settings["alt"]
    if isinstance(settings.get("unconfined"), bool):
        kept["unconfined"] = settings["unconfined"]
    return kept


class SanitizeStudentHTML(SanitizeHTML):
    """nbconvert's SanitizeHTML (bleach) with what a feedback page needs of the student's
    notebook: their HTML and SVG outputs made inert, their JavaScript and widget outputs
    dropped (the text/plain beside them stays), their raw cells cleaned, and the display
    settings of their outputs reduced to those the page writes safely.

    A student's notebook is theirs to fill, outputs included, and the feedback page is
    opened by the instructor in a browser session with their Jupyter: HTML in it must not
    run. The page's Content-Security-Policy forbids scripts too; this holds where that is
    lost (a proxy, a viewer that ignores it).

    Markdown (the cells, and text/markdown outputs) is left to the feedback exporter,
    which cleans it with `sanitize_html_tags` once rendered: cleaning the Markdown source
    would escape the `<`, `>` and `&` of its code, maths and quotes.
    """

    # on once listed, as nbgrader's own preprocessors are (nbconvert's are off unless enabled,
    # and nbgrader registers the feedback's steps without enabling them)
    enabled = Bool(True, help="Whether to clean the student's outputs").tag(config=True)
    protocols = Set(Unicode(), {"http", "https", "mailto", "data"}, config=True,
                    help="URL schemes a link or an image may have (data: for images only)")

    @default("tags")
    def _tags_default(self):
        return TEXT_TAGS + MATHML_TAGS

    @default("attributes")
    def _attributes_default(self):
        attributes = {tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS}
        attributes.update({
            "*": ["class", "id", "title", "lang", "dir", "style"],   # style: bleach's CSS allowlist
            "a": _link, "img": _image,
            "td": ["class", "id", "style", "colspan", "rowspan", "align"],
            "th": ["class", "id", "style", "colspan", "rowspan", "align", "scope"],
            "col": ["class", "span", "style"], "colgroup": ["class", "span", "style"],
            "ol": ["class", "id", "start", "type", "reversed"], "details": ["class", "id", "open"],
        })
        return attributes

    @default("safe_output_keys")
    def _safe_output_keys_default(self):
        # nbconvert's, with SVG (drawn as an <img>) and Markdown (cleaned once rendered)
        return {"metadata", "text/plain", "text/latex", "application/json", "image/png",
                "image/jpeg", "image/svg+xml", "text/markdown"}

    @default("sanitized_output_types")
    def _sanitized_output_types_default(self):
        return {"text/html"}

    def sanitize_html_tags(self, html_str):
        """SanitizeHTML's, with the URL schemes allowed (images are data: URLs)."""
        return bleach.clean(html_str, tags=self.tags, attributes=self.attributes,
                            protocols=self.protocols, strip=self.strip,
                            strip_comments=self.strip_comments,
                            css_sanitizer=CSSSanitizer(allowed_css_properties=self.styles))

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "markdown":   # cleaned once rendered (see above)
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)

    def sanitize_code_outputs(self, outputs):
        outputs = super().sanitize_code_outputs(outputs)
        for output in outputs:
            if "metadata" in output:
                settings = output["metadata"]
                cleaned = _mimetype_settings(settings)
                cleaned.update({key: _mimetype_settings(value) for key, value in settings.items()
                                if key in output.get("data", {})})
                output["metadata"] = from_dict(cleaned)
        return outputs


class SanitizeForFormgrader(SanitizeStudentHTML):
    """SanitizeStudentHTML for nbgrader's formgrader, which shows each submission inside the
    instructor's Jupyter session on a page with scripts of its own, so that no policy can
    forbid scripts there, and renders Markdown cells as they are: their HTML is cleaned in
    the source here (a `<` in their code may then show as `&lt;` to the grader)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "markdown":
            return SanitizeHTML.preprocess_cell(self, cell, resources, cell_index)
        return super().preprocess_cell(cell, resources, cell_index)

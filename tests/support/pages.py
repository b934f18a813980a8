"""What an HTML page loads."""
from html.parser import HTMLParser


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loaded = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and attrs.get("src"):
            self.loaded.append((tag, attrs["src"]))
        if tag == "link" and attrs.get("href"):
            self.loaded.append((tag, attrs["href"]))


def loaded_urls(html):
    """(tag, url) of everything a page makes the browser load: scripts, styles, images."""
    parser = _Resources()
    parser.feed(html)
    return parser.loaded


def is_external(url):
    return url.lower().startswith(("http://", "https://", "//", "ftp://"))

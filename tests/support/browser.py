"""A real browser for the tests: Debian's Chromium driven by Playwright, offline.

Every request that leaves localhost is aborted and recorded, so a page that would load
something from the internet fails its test instead of quietly working on a laptop.
"""
import contextlib
import functools
import http.server
import shutil
import threading
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without the background-networking flags Chromium keeps trying to reach Google's
# services, which this closed network refuses, many at a time.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def require_chromium():
    """Skip, saying why, where there is no Chromium or no Playwright."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); "
                    ".ci/run installs it")
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements.txt)")


@contextlib.contextmanager
def chromium():
    """A headless Chromium browser context whose requests outside localhost are blocked.

    Yields the context; `context.blocked` lists the URLs it refused to fetch.
    """
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.blocked = []

        def only_localhost(route):
            url = route.request.url
            host = urlparse(url).hostname or ""
            if url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
                route.continue_()
            else:
                context.blocked.append(url)
                route.abort()

        context.route("**/*", only_localhost)
        try:
            yield context
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    """Serve `folder` over HTTP on a free localhost port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()

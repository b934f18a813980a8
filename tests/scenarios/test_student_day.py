"""A student's day: the released ex01 notebook in JupyterLab, driven in a real browser, as
a student on their own starts it (`make lab`) and as one in a class with an exchange
(the Assignment List); nbgrader's validate command; and the nbgrader extensions."""
import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request

import nbformat
from tests.support.browser import chromium
from tests.support.commands import ENV, run
from tests.support.samples import REPO, make_submission, solution_answers

ASSIGNMENT = "ex01-shapes-and-counts"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SOLVED = "conv_output_size"  # the one function the student writes: the notebook's first
NOT_WRITTEN = "raised NotImplementedError: the function is not written yet"
ANSI = re.compile(r"\x1b\[[0-9;]*m")   # terminal colours in tracebacks and command output
# what nbgrader's panels show where no exchange is set up (a student's own laptop)
EXCHANGE_ERRORS = ("Error fetching courses", "exchange directory does not exist")
WAIT_MS = 120_000  # generous: two shared cores


def cells_of(path):
    """The notebook's cell types, and for each function (in order) the index of its cell
    and of its visible test cells (a released hidden test is only a comment)."""
    nb = nbformat.read(path, as_version=4)
    meta = [cell.metadata.get("nbgrader", {}) for cell in nb.cells]
    has_code = [any(not line.startswith("#") for line in cell.source.splitlines() if line.strip())
                for cell in nb.cells]
    functions = {m["grade_id"]: i for i, m in enumerate(meta) if m.get("solution")}
    tests = {f: [i for i, m in enumerate(meta)
                 if m.get("grade") and m["grade_id"].startswith(f + "_") and has_code[i]]
             for f in functions}
    return [cell.cell_type for cell in nb.cells], functions, tests


def expect(locator):
    # imported here: without Playwright, chromium() skips the test with a clear message
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_of(make_target):
    """The Jupyter config folders (JUPYTER_CONFIG_PATH) a README `make` target starts
    JupyterLab with, as `make -n` prints the command."""
    command = run(["make", "-n", "-s", make_target]).stdout
    found = re.search(r"JUPYTER_CONFIG_PATH=(\S+)", command)
    assert found, command
    return found.group(1)


# a student in a class: the Jupyter config an instructor gives the class's JupyterLab (README)
IN_A_CLASS = str(REPO / "jupyter" / "in-a-class")


@contextlib.contextmanager
def jupyter_lab(root, tmp_path, setup):
    """`jupyter lab` serving `root` on 127.0.0.1 with a token, with the Jupyter config
    folders `setup`; yields its base URL and token. Its user settings live in tmp_path, so
    no one's own JupyterLab settings apply."""
    config = tmp_path / "jupyter-config"
    # no "news" pop-up over the notebook (it would ask to fetch from the internet)
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    env = {**ENV, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_CONFIG_PATH": setup,
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime")}
    port, token = free_port(), secrets.token_hex(16)
    args = ["jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    if os.geteuid() == 0:  # JupyterLab refuses root without it (containers, CI)
        args.append("--allow-root")
    log_path = tmp_path / "jupyter-lab.log"
    log = open(log_path, "w")
    lab = subprocess.Popen(args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:  # until the server answers
            assert lab.poll() is None, "JupyterLab stopped:\n" + log_path.read_text()
            assert time.monotonic() < deadline, "JupyterLab did not start:\n" + log_path.read_text()
            try:
                with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=5):
                    break
            except OSError:
                time.sleep(0.5)
        yield url, token
    finally:
        lab.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()
        log.close()


def wait_until_run(page, cell):
    """Wait until `cell` has an execution count and no cell is queued or running."""
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]"), timeout=WAIT_MS)
    busy = page.locator(".jp-NotebookPanel .jp-InputPrompt", has_text="*")
    expect(busy).to_have_count(0, timeout=WAIT_MS)


# text_content, not inner_text: cells out of view are not rendered (content-visibility)
def errors_in(cell):
    errors = cell.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
    return "".join(errors.all_text_contents())


def flat(text):
    """Text with every run of white space as one space: messages are wrapped at 80 columns."""
    return " ".join(text.split())


def output_of(cell):
    return "".join(cell.locator(".jp-OutputArea").all_text_contents())


def test_a_student_writes_one_function_and_runs_the_notebook(course, tmp_path):
    kinds, functions, tests = cells_of(course / "exercises" / ASSIGNMENT / NOTEBOOK)
    others = [f for f in functions if f != SOLVED]
    answer = solution_answers(ASSIGNMENT)[SOLVED]
    # on their own, as README says: `make lab` from the repository folder
    with chromium() as browser, jupyter_lab(course, tmp_path, setup_of("lab")) as (url, token):
        browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=url[:-1])
        page = browser.new_page()
        page.goto(f"{url}lab?token={token}")

        # open the notebook from the file browser, wait for its kernel
        for name in ("exercises", ASSIGNMENT, NOTEBOOK):
            item = page.locator(".jp-DirListing-content").get_by_text(name, exact=True)
            item.dblclick(timeout=WAIT_MS)
        cells = page.locator(".jp-NotebookPanel .jp-Cell")
        expect(cells).to_have_count(len(kinds), timeout=WAIT_MS)
        kernel = page.locator(".jp-StatusBar-TextItem", has_text="| Idle")
        expect(kernel).to_be_visible(timeout=WAIT_MS)

        # it opens unmodified (the kernel's metadata is already in it), and the student's
        # JupyterLab has Validate but neither the instructor's panels nor the Assignment
        # List, which needs a class's exchange, so no error about one either
        page.wait_for_timeout(2000)
        expect(page.locator(".lm-TabBar-tab.jp-mod-dirty")).to_have_count(0)
        menus = page.locator(".lm-MenuBar-itemLabel").all_text_contents()
        assert "Run" in menus and "Nbgrader" not in menus, menus
        sidebars = " ".join(page.locator(".jp-SideBar").all_text_contents()
                            + page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all(
                                "tabs => tabs.map(tab => tab.title)"))
        assert "Create Assignment" not in sidebars, sidebars
        expect(page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True)).to_be_visible()

        # write the function: select the cell's code, paste the answer over it
        code = cells.nth(functions[SOLVED]).locator(".cm-content")
        code.click()
        page.keyboard.press("Control+A")
        page.evaluate("text => navigator.clipboard.writeText(text)", answer)
        page.keyboard.press("Control+V")
        assert code.inner_text() == answer

        page.locator(".lm-MenuBar-itemLabel").get_by_text("Run", exact=True).click()
        page.locator(".lm-Menu").get_by_text("Run All Cells", exact=True).click()
        wait_until_run(page, cells.nth(functions[SOLVED]))

        # the function written passes its visible tests
        for i in tests[SOLVED]:
            assert errors_in(cells.nth(i)) == ""
        assert f"{SOLVED}: the visible tests pass." in output_of(cells.nth(tests[SOLVED][0]))
        # the next function's test says it is not written; Run All stops there
        stop = tests[others[0]][0]
        shown = flat(errors_in(cells.nth(stop)))
        # the message first, then the student's own cell, never the helpers' frames
        assert shown.startswith(f"AssertionError: {others[0]}(") and NOT_WRITTEN in shown, shown
        assert "raise NotImplementedError()" in shown and "checks.py" not in shown, shown
        below = [i for i in range(stop + 1, len(kinds)) if kinds[i] == "code"]
        for i in below:
            expect(cells.nth(i).locator(".jp-InputPrompt")).to_have_text("[ ]:")

        # what the student sees now: the function, its passing test, the first failure
        page.set_viewport_size({"width": 1280, "height": 1800})
        cells.nth(functions[SOLVED]).evaluate("cell => cell.scrollIntoView({block: 'start'})")
        shot = tmp_path / "student-day.png"
        page.screenshot(path=shot)
        print(f"screenshot: {shot}")

        # so the student runs the cells below one by one (Shift+Enter)
        for i in below:
            cells.nth(i).locator(".jp-InputPrompt").click()
            page.keyboard.press("Shift+Enter")
            wait_until_run(page, cells.nth(i))
        for function in others:
            errors = flat(errors_in(cells.nth(tests[function][0])))
            assert f"AssertionError: {function}(" in errors and NOT_WRITTEN in errors, errors

        # the toolbar's Validate button checks the saved notebook: only the others fail
        page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog).to_contain_text("Validation Results", timeout=WAIT_MS)
        expect(dialog).to_contain_text("The following cell failed", timeout=WAIT_MS)
        report = flat(dialog.text_content())
        assert f"AssertionError: {SOLVED}(" not in report
        for function in others:
            assert f"AssertionError: {function}(" in report and NOT_WRITTEN in report, report
        page_text = page.locator("body").inner_text()
        assert not [e for e in EXCHANGE_ERRORS if e in page_text], page_text


BUGGY_CONV2D = """def conv2d(x, w, b=None, stride=1, padding=0):
    out = np.zeros((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
    for o in range(w.shape[0]):
        out[:, o] = one_kernel(x, w[o], b[o])
    return out


def one_kernel(x, kernel, b):
    return b + bias_of(kernel)   # the student's own bug, two frames down
"""


def test_a_function_that_raises_shows_the_students_own_lines_under_the_message(course):
    from nbclient import NotebookClient
    folder = course / "exercises" / "ex02-conv-by-hand"
    nb = nbformat.read(folder / "ex02-conv-by-hand.ipynb", as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}

    def traceback_shown(conv2d):
        """The conv2d test cell's traceback, as text, with the student's `conv2d`."""
        cells["conv2d"].source = conv2d
        NotebookClient(nb, allow_errors=True, resources={"metadata": {"path": str(folder)}}).execute()
        [error] = [o for o in cells["conv2d_examples"].outputs if o.output_type == "error"]
        return ANSI.sub("", "\n".join(error.traceback))

    shown = traceback_shown(BUGGY_CONV2D).splitlines()

    # the test's message on top (wrapped at 80 columns), then the traceback from the test
    # cell's line down to the student's line that raised, through their own helper; no
    # frame of the course's helpers
    message = flat("\n".join(shown[:shown.index("")]))
    assert re.fullmatch(r"AssertionError: conv2d\(.*\) raised NameError: name 'bias_of' is not defined",
                        message), shown
    assert max(len(line) for line in shown[:shown.index("")]) <= 80, shown
    lines = "\n".join(shown)
    assert re.search(r"----> 3 checks\.expect\(conv2d", lines), lines
    assert re.search(r"----> 4\s+out\[:, o\] = one_kernel\(x, w\[o\], b\[o\]\)", lines), lines
    assert re.search(r"----> 9\s+return b \+ bias_of\(kernel\)", lines), lines
    assert shown[-1] == "NameError: name 'bias_of' is not defined", shown
    assert "checks.py" not in lines and "hidden" not in lines and "kernel_checks" not in lines

    # a wrong value (no raise) shows its message on top and the test cell's line, once
    shown = traceback_shown("def conv2d(x, w, b=None, stride=1, padding=0):\n"
                            "    return np.zeros((1, 1, 2, 2))\n")
    message = flat(shown.split("\n\n")[0])
    assert message.startswith("AssertionError: conv2d(") and "wrong values" in message, shown
    assert flat(shown).count("wrong values") == 1 and "checks.py" not in shown, shown
    assert re.search(r"----> 3 checks\.expect\(conv2d", shown), shown


def test_nbgrader_validate_names_the_functions_left_then_says_success(course, tmp_path):
    released = course / "exercises" / ASSIGNMENT / NOTEBOOK
    _, functions, tests = cells_of(released)
    # nbgrader validate exits 0 either way (run() checks that): its verdict is in the text
    report = flat(run(["nbgrader", "validate", str(released)], cwd=course).stdout)
    failing = sum(len(cells) for cells in tests.values())
    assert report.startswith(f"VALIDATION FAILED ON {failing} CELL(S)!"), report
    for function in functions:   # the whole message, on top of the traceback, never cut
        assert re.search(rf"AssertionError: {function}\([^)]*\) {NOT_WRITTEN}\. Replace "
                         r"`raise NotImplementedError\(\)` with your code\. -----", report), report

    answered = make_submission(ASSIGNMENT, tmp_path / "answered", solution_answers(ASSIGNMENT))
    shutil.copy(released.parent / "checks.py", answered.parent)  # released beside the notebook
    report = run(["nbgrader", "validate", str(answered)], cwd=course).stdout
    assert report.strip() == "Success! Your notebook passes all the tests."


def test_nbgrader_extensions_are_installed_and_enabled():
    import nbgrader

    done = run(["jupyter", "labextension", "list"])
    listed = ANSI.sub("", done.stdout + done.stderr)
    # the same version as the server side, or the assignment list says they differ
    assert f"@jupyter/nbgrader v{nbgrader.__version__} enabled OK" in listed, listed
    done = run(["jupyter", "server", "extension", "list"])
    listed = ANSI.sub("", done.stdout + done.stderr)
    for name in ("assignment_list", "course_list", "validate_assignment", "formgrader"):
        assert re.search(rf"nbgrader\.server_extensions\.{name} enabled", listed), listed
        assert re.search(rf"nbgrader\.server_extensions\.{name}\s+OK", listed), listed


def test_in_a_class_the_assignment_list_offers_and_fetches_the_released_assignment(course, tmp_path):
    # the exchange folder is a setting of the class's machine (nbgrader's default is
    # /srv/nbgrader/exchange); this copy of the course gets its own
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Exchange.root = {str(tmp_path / 'exchange')!r}\n")
    released = run(["nbgrader", "release_assignment", ASSIGNMENT], cwd=course)
    assert f"Released as: cnn-course {ASSIGNMENT}" in released.stderr

    with chromium() as browser, jupyter_lab(course, tmp_path, IN_A_CLASS) as (url, token):
        page = browser.new_page()
        page.goto(f"{url}lab?token={token}")
        expect(page.locator(".jp-DirListing-content")).to_be_visible(timeout=WAIT_MS)

        # the Nbgrader menu holds the Assignment List alone: no instructor's panel
        page.locator(".lm-MenuBar-itemLabel").get_by_text("Nbgrader", exact=True).click()
        menu = page.locator(".lm-Menu")
        expect(menu).to_have_text("Assignment List")
        menu.get_by_text("Assignment List", exact=True).click()

        panel = page.locator("#nbgrader-assignment-list")
        released = panel.locator("#released_assignments_list")
        expect(released).to_contain_text(ASSIGNMENT, timeout=WAIT_MS)
        expect(released).to_contain_text("cnn-course")
        released.get_by_role("button", name="Fetch").click()
        fetched = panel.locator("#fetched_assignments_list")
        expect(fetched).to_contain_text(ASSIGNMENT, timeout=WAIT_MS)
        expect(fetched.get_by_role("button", name="Submit")).to_be_visible()
        shot = tmp_path / "assignment-list.png"
        page.screenshot(path=shot)
        print(f"screenshot: {shot}")

        page_text = page.locator("body").inner_text()
        assert not [e for e in EXCHANGE_ERRORS if e in page_text], page_text
        assert "Create Assignment" not in page_text, page_text
    # fetched into the folder JupyterLab serves
    for name in (NOTEBOOK, "checks.py"):
        assert (course / ASSIGNMENT / name).is_file()

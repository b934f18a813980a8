"""One batch mixing good submissions with every kind of bad one a class produces, graded
with the sandbox on: every submission gets a row, the good ones score exactly what they
score alone, and nothing outside the grader's scratch folders changes."""
import csv
import hashlib
import json
import os
import socketserver
import tempfile
import threading

import nbformat
import pytest

from autograder.grading.sandbox import Cgroups, Limits, bwrap_path
from tests.support.commands import PYTHON, run
from tests.support.samples import REPO, make_submission, sample, solution_answers

ASSIGNMENT = "ex01-shapes-and-counts"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
TIMEOUT = 45
# Secrets of the grading machine that a submission tries to read and hand back
PLANTED_VARIABLE = ("GRADER_API_TOKEN", "planted-variable-5f1c")
PLANTED_FILE_TEXT = "planted-root-only-file-9a2e"
HARD_LINKED_TEXT = "planted-hard-linked-file-3c7d"
AS_ROOT = os.geteuid() == 0

# CI installs bubblewrap and runs as root: there, a missing sandbox is a failure.
IN_CI = bool(os.environ.get("CI"))
pytestmark = pytest.mark.skipif(bwrap_path() is None and not IN_CI,
                                reason="bubblewrap is not installed (apt-get install bubblewrap)")


def attack(code):
    """A submission whose first answer cell runs `code`, all other answers right."""
    return {"conv_output_size": code + "\n\n" + solution_answers(ASSIGNMENT)["conv_output_size"]}


def tree_digest(root):
    """Digest of every file under the course root (not the venv, builds or caches)."""
    skip = {".venv", ".git", "_build", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"}
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*"))
            if path.is_file() and not skip & set(path.relative_to(root).parts)}


@pytest.fixture(scope="module")
def server():
    """A TCP server on the grader's loopback, counting who reaches it."""
    class Count(socketserver.BaseRequestHandler):
        def handle(self):
            self.server.reached += 1
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Count) as srv:
        srv.reached = 0
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        yield srv
        srv.shutdown()


@pytest.fixture(scope="module")
def root_only_file():
    """A file only root may read, outside every folder the sandbox hides."""
    folder = "/var/tmp" if os.access("/var/tmp", os.W_OK) else None
    if folder is None:
        yield None
        return
    fd, path = tempfile.mkstemp(prefix="grader-secret-", dir=folder)
    os.write(fd, PLANTED_FILE_TEXT.encode())
    os.close(fd)
    os.chmod(path, 0o600)
    yield path
    os.remove(path)


def file_state(path):
    """A file's bytes and mode (None for no file)."""
    return path and (open(path, "rb").read(), os.stat(path).st_mode)


def shadow_entries():
    """The password hashes of /etc/shadow, where this process can read them."""
    try:
        lines = open("/etc/shadow").read().splitlines()
    except OSError:
        return []
    return [line.split(":")[1] for line in lines if len(line.split(":")) > 2 and len(line.split(":")[1]) > 3]


@pytest.fixture(scope="module")
def batch(tmp_path_factory, server, root_only_file):
    folder = tmp_path_factory.mktemp("class")
    out = tmp_path_factory.mktemp("out")
    answers = solution_answers(ASSIGNMENT)
    wrong, _ = sample(ASSIGNMENT, "padding_counted_once")
    good = {"solution": answers, "Zoë Ωmega (2)": answers, "wrong padding": wrong}
    for name, filled in good.items():
        make_submission(ASSIGNMENT, folder / name, filled)

    attacks = {
        "infinite loop": "while True:\n    pass",
        "memory grab": "hog = b'x' * (3 * 1024 ** 3)",
        "os._exit": "import os\nos._exit(3)",
        "sys.exit": "import sys\nsys.exit(1)",
        "segfault": "import ctypes\nctypes.string_at(0)",
        "fork bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        "prints a gigabyte": "for _ in range(1000):\n    print('x' * 1_000_000)",
        "prints 50 MB": "for _ in range(50):\n    print('x' * 1_000_000)",
        "writes everywhere": "\n".join(
            f"try:\n    open({target!r}, 'w').write('pwned')\nexcept OSError:\n    pass"
            for target in ["../../../gradebook.db", "../../../../escaped.txt",
                           "/root/escaped.txt", "/tmp/escaped.txt",
                           str(REPO / "solutions" / ASSIGNMENT / "checks.py"),
                           str(REPO / "escaped.txt"), str(folder / "solution" / NOTEBOOK),
                           str(out / "grades.csv"), "checks.py"]),
        # if it can reach the grader's machine, it answers wrongly: its score tells
        "reaches the network": f"import socket\ntry:\n    socket.create_connection("
                               f"('127.0.0.1', {server.server_address[1]}), timeout=3)\n"
                               f"    OFFSET = 1\nexcept OSError:\n    OFFSET = 0",
    }
    for name, code in attacks.items():
        make_submission(ASSIGNMENT, folder / name, {**answers, **attack(code)})
    # prints the environment, a root-only file and /etc/shadow, and returns them as its
    # answer (a failing test quotes the answer in its message)
    steal = (f"import os\nSTOLEN = [repr(dict(os.environ))]\n"
             f"for path in [{root_only_file!r}, '/etc/shadow']:\n"
             f"    try:\n        STOLEN.append(open(path).read())\n"
             f"    except (OSError, TypeError) as error:\n        STOLEN.append(str(error))\n"
             f"print(STOLEN)\n\n\ndef conv_output_size(*args, **kwargs):\n"
             f"    print(STOLEN)\n    return ' '.join(STOLEN)")
    make_submission(ASSIGNMENT, folder / "reads secrets", {**answers, "conv_output_size": steal})
    make_submission(ASSIGNMENT, folder / "reaches the network", {**answers, "conv_output_size": (
        attacks["reaches the network"] + "\n\n" + answers["conv_output_size"].replace(
            "return size", "return size + OFFSET"))})
    # every function wrong, and the helpers patched to accept anything
    patch = ("import checks\nchecks.expect = lambda *a, **k: None\n"
             "checks.expect_raises = lambda *a, **k: None\n")
    make_submission(ASSIGNMENT, folder / "patches the helpers", {
        "conv_output_size": patch + "def conv_output_size(*args, **kwargs):\n    return 0",
        "fc_param_count": "def fc_param_count(*args, **kwargs):\n    return 0",
        "conv_param_count": "def conv_param_count(*args, **kwargs):\n    return 0",
        "receptive_field": "def receptive_field(*args, **kwargs):\n    return 0"})

    # links at every name nbgrader writes the graded notebook to, to the root-only file:
    # the grader, if it wrote through one, would replace that file
    targets = [NOTEBOOK, f"../course/autograded/student/{ASSIGNMENT}/{NOTEBOOK}",
               f"../autograded/student/{ASSIGNMENT}/{NOTEBOOK}"]
    plant = "import os\n" + "".join(
        f"try:\n    os.remove({t!r})\nexcept OSError:\n    pass\n"
        f"try:\n    os.symlink({str(root_only_file)!r}, {t!r})\nexcept OSError:\n    pass\n"
        for t in targets)
    make_submission(ASSIGNMENT, folder / "links the graded notebook", {**answers, **attack(plant)})
    # a hard link to a file of root's, as an unpacking tool can leave one, which the
    # notebook prints and returns
    secret = tmp_path_factory.mktemp("root-only") / "secret.txt"
    secret.write_text(HARD_LINKED_TEXT)
    secret.chmod(0o600)
    show = ("try:\n    SHOWN = open('secret.txt').read()\nexcept OSError as error:\n    SHOWN = str(error)\n"
            "print(SHOWN)\n\n\ndef conv_output_size(*args, **kwargs):\n    return SHOWN")
    make_submission(ASSIGNMENT, folder / "hard link", {**answers, "conv_output_size": show})
    os.link(secret, folder / "hard link" / "secret.txt")

    (folder / "not json").mkdir()
    (folder / "not json" / NOTEBOOK).write_text("{ nope")
    (folder / "empty folder").mkdir()
    (folder / "extra files").mkdir()
    make_submission(ASSIGNMENT, folder / "extra files", answers)
    (folder / "extra files" / "notes.txt").write_text("my notes")
    (folder / "extra files" / "helper.py").write_text("X = 1\n")

    def edit(name, change):
        path = make_submission(ASSIGNMENT, folder / name, answers)
        nb = nbformat.read(path, as_version=4)
        change(nb.cells)
        nbformat.write(nb, path)

    def tests_of(cells, grade_id):
        return next(i for i, c in enumerate(cells)
                    if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)

    edit("test cell deleted", lambda cells: cells.pop(tests_of(cells, "fc_param_count_examples")))
    edit("test cell duplicated", lambda cells: cells.insert(
        tests_of(cells, "fc_param_count_examples"), cells[tests_of(cells, "fc_param_count_examples")].copy()))
    edit("test cell edited", lambda cells: cells[tests_of(cells, "receptive_field_examples")].update(
        source="print('all good')"))
    # a cell the student marks as a test: if the grader ran it (to rebuild cases), the
    # marker would appear outside the sandbox
    marker = tmp_path_factory.mktemp("grader") / "test cell ran in the grader"
    forged = nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w').write('x')\n"
                                       "checks.expect(conv_output_size, (1, 1), {}, 1)")
    forged.metadata["nbgrader"] = {"grade": True, "grade_id": "conv_output_size_extra", "points": 5,
                                   "locked": True, "solution": False, "schema_version": 3}
    edit("forged test cell", lambda cells: cells.append(forged))
    wrong_assignment = make_submission(ASSIGNMENT, folder / "wrong assignment", answers)
    chapter = nbformat.read(REPO / "book" / "01-why-not-fully-connected.ipynb", as_version=4)
    nbformat.write(chapter, wrong_assignment)

    target_before = file_state(root_only_file)
    before = tree_digest(REPO)
    done = run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(folder), "--out", str(out),
                "--jobs", "2", "--timeout", str(TIMEOUT), "--memory", "1536",
                "--sandbox", "bwrap"], timeout=1200, env=dict([PLANTED_VARIABLE]))
    after = tree_digest(REPO)
    with open(out / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    results = json.loads((out / "results.json").read_text())["students"]
    return {"folder": folder, "out": out, "done": done, "rows": rows, "results": results, "marker": marker,
            "before": before, "after": after, "names": sorted(p.name for p in folder.iterdir()),
            "target": (target_before, file_state(root_only_file))}


def test_every_submission_gets_a_row_and_the_batch_exits_0(batch):
    assert batch["done"].returncode == 0, batch["done"].stderr
    assert sorted(batch["rows"]) == batch["names"]


def test_good_submissions_score_exactly_what_they_score_alone(batch, tmp_path):
    alone = tmp_path / "alone"
    for name in ("solution", "wrong padding"):
        (alone / name).mkdir(parents=True)
        (alone / name / NOTEBOOK).write_bytes((batch["folder"] / name / NOTEBOOK).read_bytes())
    run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(alone), "--out", str(tmp_path / "o")])
    with open(tmp_path / "o" / "grades.csv", newline="") as f:
        scores = {row["student_id"]: row["score"] for row in csv.DictReader(f)}
    rows = batch["rows"]
    assert rows["solution"]["score"] == scores["solution"] == "14"
    assert rows["Zoë Ωmega (2)"]["score"] == "14"
    assert rows["wrong padding"]["score"] == scores["wrong padding"] != "14"


def test_the_course_tree_is_unchanged(batch):
    before, after = batch["before"], batch["after"]
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert not changed, f"changed during grading: {changed}"
    assert not (REPO / "escaped.txt").exists()


def test_other_students_files_and_the_output_are_out_of_reach(batch):
    assert b"pwned" not in (batch["folder"] / "solution" / NOTEBOOK).read_bytes()
    assert "pwned" not in (batch["out"] / "grades.csv").read_text()
    assert batch["rows"]["writes everywhere"]["score"] == "14"   # its writes went nowhere


@pytest.mark.parametrize("name, status, says", [
    ("infinite loop", "timeout", f"stopped after {TIMEOUT} s"),
    ("not json", "error", "not a valid notebook"),
    ("empty folder", "missing", "no ex01-shapes-and-counts.ipynb"),
])
def test_a_broken_submission_gets_a_status_and_a_reason(batch, name, status, says):
    assert batch["rows"][name]["status"] == status
    assert says in batch["results"][name]["message"]


@pytest.mark.parametrize("name, says", [
    ("os._exit", "your code ended Python (exit code 3"),
    ("segfault", "Python crashed (SIGSEGV"),
    ("memory grab", "Python was stopped for using more than 1.5 GiB of memory"),
])
def test_a_kernel_the_students_code_ends_is_graded(batch, name, says):
    """A crash is the student's result, which the LMS export writes (never `error`, the
    grading machine's faults): the cell it ended in says how (here an answer cell, above
    every test), and each test after it says it did not run, and why."""
    row, result = batch["rows"][name], batch["results"][name]
    assert (row["status"], row["score"]) == ("graded", "0")
    for test in result["tests"]:
        assert f"this test did not run: {says}" in test["message"], test["message"]


def test_no_link_the_kernel_leaves_is_followed(batch, root_only_file):
    """The graded notebook is written where the kernel never could write, and nothing of
    the grader's writes through a link the student's code made."""
    assert batch["rows"]["links the graded notebook"]["score"] == "14"
    if root_only_file:
        before, after = batch["target"]
        assert after == before, "the root-only file was changed through a link"


def test_a_hard_link_in_a_submission_is_not_copied(batch):
    """A hard link to a file the submission does not own is refused like a symbolic one;
    the student's other files are kept."""
    message = next(t["message"] for t in batch["results"]["hard link"]["tests"]
                   if t["grade_id"] == "conv_output_size_examples")
    assert "No such file" in message, message
    assert batch["rows"]["extra files"]["score"] == "14"


def test_a_fork_bomb_is_contained(batch):
    assert batch["rows"]["fork bomb"]["status"] in ("timeout", "graded", "error")
    assert float(batch["rows"]["fork bomb"]["score"]) < 14


def test_sys_exit_is_an_ordinary_error_in_one_cell(batch):
    assert batch["rows"]["sys.exit"]["status"] == "graded"


def test_large_output_is_truncated_not_stored(batch):
    assert batch["rows"]["prints 50 MB"]["status"] == "graded"
    feedback = batch["out"] / "feedback" / "prints 50 MB" / NOTEBOOK.replace(".ipynb", ".html")
    assert feedback.stat().st_size < 5_000_000
    assert "output truncated" in feedback.read_text()


def test_a_gigabyte_of_output_stops_only_that_submission(batch):
    # the kernel gathers what is printed between flushes into one message: a gigabyte
    # printed at once meets the memory limit before it reaches the grader
    row, message = batch["rows"]["prints a gigabyte"], batch["results"]["prints a gigabyte"]["message"]
    assert row["status"] == "graded"
    assert message in ("", "the notebook was stopped for using more than 1.5 GiB of memory")
    assert (batch["out"] / "results.json").stat().st_size < 1_000_000


def test_no_secret_of_the_grading_machine_reaches_the_output(batch, root_only_file):
    planted = [PLANTED_VARIABLE[1], HARD_LINKED_TEXT] + ([PLANTED_FILE_TEXT] if root_only_file and AS_ROOT else [])
    planted += shadow_entries()
    for path in batch["out"].rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            leaked = [secret for secret in planted if secret in text]
            assert not leaked, f"{path.name} shows {leaked}"
    # the submission ran, and its failure message quotes what it could read
    message = next(t["message"] for t in batch["results"]["reads secrets"]["tests"]
                   if t["grade_id"] == "conv_output_size_examples")
    assert "PATH" in message and "Permission denied" in message


def test_patching_the_helpers_earns_nothing(batch):
    assert batch["rows"]["patches the helpers"]["score"] == "0"


def test_no_network_inside_the_sandbox(batch, server):
    assert server.reached == 0
    assert batch["rows"]["reaches the network"]["score"] == "14"


@pytest.mark.parametrize("name, lost", [
    ("test cell deleted", "fc_param_count_examples"),
    ("test cell edited", None),
    ("test cell duplicated", None),
    ("extra files", None),
])
def test_tampered_test_cells_are_graded_from_the_gradebook(batch, name, lost):
    tests = {t["grade_id"]: t for t in batch["results"][name]["tests"]}
    assert batch["rows"][name]["status"] == "graded"
    for grade_id, test in tests.items():
        assert test["passed"] == (grade_id != lost), (grade_id, test["message"])


def test_a_cell_the_student_marks_as_a_test_never_runs_in_the_grader(batch):
    assert not batch["marker"].exists()
    assert float(batch["rows"]["forged test cell"]["score"]) <= 14


def test_a_notebook_from_another_assignment_scores_zero(batch):
    assert batch["rows"]["wrong assignment"]["score"] == "0"


def test_the_limits_are_really_applied_here():
    probe = Cgroups("autograde-test-probe", Limits())
    probe.remove()
    if not probe.available and not IN_CI:
        pytest.skip("cgroups are not writable here (not root): memory and task limits are off")
    assert probe.available, "cgroups are not writable: memory and process limits are off"


def test_a_kernel_that_cannot_start_stops_grading_with_one_line(tmp_path, monkeypatch, capsys):
    """When Python cannot start inside the sandbox (here: the interpreter's folders are not
    bound into it), the grader says so once, before grading, instead of zeroing everyone."""
    from autograder import cli
    from autograder.grading import sandbox
    make_submission(ASSIGNMENT, tmp_path / "class" / "alice", solution_answers(ASSIGNMENT))
    monkeypatch.setattr(sandbox, "_python_folders", lambda: [])
    code = cli.main(["grade", ASSIGNMENT, str(tmp_path / "class"), "--out", str(tmp_path / "out"),
                     "--sandbox", "bwrap"])
    error = capsys.readouterr().err.strip()
    assert code == 2
    assert error.count("\n") == 0 and "kernel cannot start" in error, error
    assert not (tmp_path / "out" / "grades.csv").exists()

import signal
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Integer, Type, Unicode

from autograder import judge
from autograder.course import WITHHELD_LIBRARIES, withheld_message
from autograder.grading.sandbox import memory_limit_hit
from autograder.kernel.checks import ANSWER_TYPE

# Run in the kernel before any student code: an import of a withheld library fails. The
# sandbox goes further (the libraries' files are not there at all); this guard is what
# remains where grading runs without one (plain nbgrader, --sandbox none).
IMPORT_GUARD = """import sys
class _WithheldLibraries:
    messages = {messages!r}
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.messages:
            raise ImportError(self.messages[name.split(".")[0]])
sys.meta_path.insert(0, _WithheldLibraries())
del _WithheldLibraries"""


class ExecuteWithLimits(Execute):
    """nbgrader's Execute, with a configurable kernel manager and a cap on output.

    A cell that prints gigabytes must not fill the grader's memory or the notebook: past
    `max_output_bytes` a cell's further output is dropped and a note says so. Errors are
    always kept (grading reads them), with their message shortened. The answers a test
    cell hands back to the grader have a budget of their own (`max_answer_bytes`): they
    are removed once judged, and dropping one would fail a right submission.

    Just before some test cells the grader puts data of its own beside the notebook (the
    digits a trained model is measured on, made at grading time): see judge.before_cell.

    A kernel that dies (the student's code called os._exit, crashed Python, or used more
    memory than allowed) is the student's result, not a failed grading: the cell it died
    in says how Python ended, each test after it says it could not run, and grading goes
    on to the verdicts and scores of the tests that ran.
    """

    kernel_manager = Type(
        AsyncKernelManager, klass=AsyncKernelManager,
        help="Kernel manager class; the batch grader sets a sandboxed one.").tag(config=True)
    max_output_bytes = Integer(
        1_000_000, help="Output a cell may produce before the rest is dropped").tag(config=True)
    max_error_chars = Integer(10_000, help="Longest error message kept").tag(config=True)
    max_answer_bytes = Integer(
        64_000_000, help="Answers a cell may hand back before the rest are dropped").tag(config=True)
    memory_cgroup = Unicode(
        "", help="The kernel's memory cgroup folder, which tells whether it was stopped for "
                 "using too much memory").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # nbgrader's Execute passes its kernel manager as an argument, over any config
        self.kernel_manager_class = self.kernel_manager
        self._output_bytes = {}

    def preprocess(self, nb, resources=None, km=None):
        self._output_bytes = {}
        self._ended = None   # how Python ended, once the kernel has died
        assignment = (resources or {}).get("nbgrader", {}).get("assignment")
        self._assignment = assignment
        messages = {name: withheld_message(name) for name in WITHHELD_LIBRARIES.get(assignment, ())}
        self.extra_arguments = [f"--IPKernelApp.exec_lines={IMPORT_GUARD.format(messages=messages)}"
                                ] if messages else []
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if self._ended is not None:
            if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
                text = f"this test did not run: {self._ended}"
                cell.outputs = [new_output("error", ename="PythonEnded", evalue=text, traceback=[text])]
            return cell, resources
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        folder = (resources or {}).get("metadata", {}).get("path") or "."
        # the kernel's own folder, where it works, when it has one apart from nbgrader's
        judge.before_cell(self._assignment, grade_id, getattr(self.km, "kernel_folder", "") or folder)
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            how = self._how_python_ended()
            self._ended = f"{how} in an earlier cell"
            text = f"{how} while this cell ran, and the cells after it did not run"
            cell.outputs.append(new_output("error", ename="PythonEnded", evalue=text, traceback=[text]))
            return cell, resources

    def _how_python_ended(self):
        """What ended the kernel, as the student should read it."""
        if self.memory_cgroup and memory_limit_hit(self.memory_cgroup):
            limit = int((Path(self.memory_cgroup) / "memory.limit_in_bytes").read_text())
            return f"Python was stopped for using more than {limit / 1024 ** 3:g} GiB of memory"
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        code = process.poll() if process is not None else None
        # killed by a signal: Popen says -N; bubblewrap, around the kernel, exits with 128 + N
        signum = -code if code is not None and code < 0 else \
            code - 128 if code is not None and code > 128 else None
        if signum == signal.SIGKILL:
            return ("Python was killed (SIGKILL: the system stops a process that way, most "
                    "often for using too much memory)")
        if signum in set(signal.Signals):
            return (f"Python crashed ({signal.Signals(signum).name}: a crash in compiled code, "
                    "or ctypes reading memory it may not)")
        if code is not None:
            return (f"your code ended Python (exit code {code}: os._exit ends it at once, and "
                    "so does a crash in compiled code)")
        return "Python stopped answering"

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if msg["msg_type"] == "error":
            content["evalue"] = str(content.get("evalue", ""))[: self.max_error_chars]
            content["traceback"] = [line[: self.max_error_chars]
                                    for line in content.get("traceback", [])[-50:]]
            return super().output(outs, msg, display_id, cell_index)
        size = len(str(content.get("text", ""))) + sum(
            len(str(v)) for v in content.get("data", {}).values())
        if ANSWER_TYPE in content.get("data", {}):
            answers = self._output_bytes.get(("answers", cell_index), 0) + size
            self._output_bytes[("answers", cell_index)] = answers
            return super().output(outs, msg, display_id, cell_index) if answers <= self.max_answer_bytes else None
        used = self._output_bytes.get(cell_index, 0)
        self._output_bytes[cell_index] = used + size
        if used + size <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.max_output_bytes:  # the first output over the limit: say so once
            note = {"msg_type": "stream", "parent_header": msg["parent_header"], "header": msg["header"],
                    "content": {"name": "stderr", "text": f"\n[output truncated: this cell printed "
                                f"more than {self.max_output_bytes:,} characters]\n"}}
            return super().output(outs, note, None, cell_index)
        return None

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Integer, Type


class ExecuteWithLimits(Execute):
    """nbgrader's Execute, with a configurable kernel manager and a cap on output.

    A cell that prints gigabytes must not fill the grader's memory or the notebook: past
    `max_output_bytes` a cell's further output is dropped and a note says so. Errors are
    always kept (grading reads them), with their message shortened.
    """

    kernel_manager = Type(
        AsyncKernelManager, klass=AsyncKernelManager,
        help="Kernel manager class; the batch grader sets a sandboxed one.").tag(config=True)
    max_output_bytes = Integer(
        1_000_000, help="Output a cell may produce before the rest is dropped").tag(config=True)
    max_error_chars = Integer(10_000, help="Longest error message kept").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # nbgrader's Execute passes its kernel manager as an argument, over any config
        self.kernel_manager_class = self.kernel_manager
        self._output_bytes = {}

    def preprocess(self, nb, resources=None, km=None):
        self._output_bytes = {}
        return super().preprocess(nb, resources, km)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if msg["msg_type"] == "error":
            content["evalue"] = str(content.get("evalue", ""))[: self.max_error_chars]
            content["traceback"] = [line[: self.max_error_chars]
                                    for line in content.get("traceback", [])[-50:]]
            return super().output(outs, msg, display_id, cell_index)
        size = len(str(content.get("text", ""))) + sum(
            len(str(v)) for v in content.get("data", {}).values())
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

"""nbconvert's HTML exporter, keeping its compiled Jinja templates in a folder.

Each submission is graded by a new process, which would compile the feedback templates
again (about 0.3 s of every submission); with the compiled code in a shared folder
(Jinja's own bytecode cache) only the first processes compile them.
"""
from jinja2 import FileSystemBytecodeCache
from nbconvert.exporters import HTMLExporter
from traitlets import Unicode


class CachedTemplatesHTMLExporter(HTMLExporter):
    """HTMLExporter (and its configuration) with a bytecode cache for its templates."""

    bytecode_cache_dir = Unicode(
        "", help="folder for the compiled templates, shared by grading processes"
    ).tag(config=True)

    def _create_environment(self):
        environment = super()._create_environment()
        if self.bytecode_cache_dir:
            environment.bytecode_cache = FileSystemBytecodeCache(self.bytecode_cache_dir)
        return environment

"""Showing computed values in the page."""
from IPython.display import Markdown


def markdown_table(header, rows):
    """A table of computed values: `header` holds the column titles and
    `rows` the lists of cells. Returned as Markdown, which the notebook and
    the built book both show as a table: make it the last line of a cell,
    or pass it to `IPython.display.display`."""
    def line(cells):
        cells = [str(cell).replace("|", "\\|") for cell in cells]
        return "| " + " | ".join(cells) + " |"
    lines = [line(header), "|" + "---|" * len(header)]
    return Markdown("\n".join(lines + [line(row) for row in rows]))

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


def count_of(count, noun, plural=None):
    """'1 mistake', '3 mistakes': a count with its noun in the right number."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def how_often(count):
    """'once', 'twice', '3 times'."""
    return {1: "once", 2: "twice"}.get(count, f"{count:,} times")

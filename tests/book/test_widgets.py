"""The book's kernel-free widgets (_static/cnn-widgets.js) in a real, offline browser: on a
page of their own, each widget is driven as a reader would, and what it shows is checked
against PyTorch."""
import re
import shutil

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from tests.support.browser import chromium, serve
from tests.support.samples import REPO

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="_static/cnn-widgets.css">
<script src="_static/cnn-widgets.js"></script></head><body>
<div id="slide" class="cnn-slide" data-input="1 2 0 3;4 1 1 0;0 2 3 1;1 0 2 2"
     data-kernel="1 0;0 -1" data-stride="1" data-padding="0"></div>
<div id="stack" class="cnn-stack" data-input="32" data-layers="conv 3 1 1 1;pool 2 2 0 1;conv 3 1 1 1"></div>
{questions}
</body></html>"""

# (data attributes, the right answer computed by PyTorch or by counting its parameters)
QUESTIONS = {
    "q-size": ('data-kind="output-size" data-size="32" data-kernel="5" data-stride="2" data-padding="1"',
               F.conv2d(torch.zeros(1, 1, 32, 32), torch.zeros(1, 1, 5, 5), stride=2, padding=1).shape[-1]),
    "q-dilated": ('data-kind="output-size" data-size="28" data-kernel="3" data-stride="1" data-padding="0" '
                  'data-dilation="2"',
                  F.conv2d(torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 3, 3), dilation=2).shape[-1]),
    "q-conv": ('data-kind="conv-params" data-in="3" data-out="16" data-kernel="3"',
               sum(p.numel() for p in nn.Conv2d(3, 16, 3).parameters())),
    "q-depthwise": ('data-kind="conv-params" data-in="32" data-out="32" data-kernel="3" data-groups="32" '
                    'data-bias="false"',
                    sum(p.numel() for p in nn.Conv2d(32, 32, 3, groups=32, bias=False).parameters())),
    "q-fc": ('data-kind="fc-params" data-in="3072" data-out="100"',
             sum(p.numel() for p in nn.Linear(3072, 100).parameters())),
}


def receptive_field_by_autograd(layers, size=64):
    """The receptive field of the centre output unit, measured: the input pixels whose
    gradient is not zero (all-ones kernels, so no weight cancels another)."""
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    y = x
    for k, s in layers:
        y = F.conv2d(y, torch.ones(1, 1, k, k), stride=s)
    y[0, 0, y.shape[2] // 2, y.shape[3] // 2].backward()
    rows = torch.nonzero(x.grad[0, 0].sum(1))
    return int(rows.max() - rows.min() + 1)


RECEPTIVE = [(3, 1), (3, 1), (2, 2), (3, 1), (3, 2)]
QUESTIONS["q-field"] = ('data-kind="receptive-field" data-layers="'
                        + ";".join(f"{k} {s}" for k, s in RECEPTIVE) + '"',
                        receptive_field_by_autograd(RECEPTIVE))


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("widgets")
    shutil.copytree(REPO / "_static", folder / "_static")
    questions = "\n".join(f'<div id="{name}" class="cnn-question" {attributes}></div>'
                          for name, (attributes, _) in QUESTIONS.items())
    (folder / "index.html").write_text(PAGE.replace("{questions}", questions))
    with chromium() as context, serve(folder) as base:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "index.html")
        yield page
        assert not errors and not context.blocked, (errors, context.blocked)


def grid(page, selector):
    """The numbers of a widget's table, as an array."""
    rows = page.eval_on_selector_all(f"{selector} tr", "rows => rows.map(r => Array.from("
                                     "r.children).map(td => Number(td.textContent)))")
    return np.array(rows, dtype=float)


def test_the_sliding_kernel_computes_pytorchs_cross_correlation(page):
    x = np.array([[1, 2, 0, 3], [4, 1, 1, 0], [0, 2, 3, 1], [1, 0, 2, 2]], dtype=float)
    w = np.array([[1, 0], [0, -1]], dtype=float)
    for stride, padding in [(1, 0), (2, 1), (1, 2)]:
        page.fill("#slide .cnn-slide-stride", str(stride))
        page.fill("#slide .cnn-slide-padding", str(padding))
        expected = F.conv2d(torch.tensor(x)[None, None], torch.tensor(w)[None, None],
                            stride=stride, padding=padding)[0, 0].numpy()
        shown = grid(page, "#slide figure:nth-of-type(3)")
        assert np.array_equal(shown, expected), (stride, padding, shown, expected)


def test_moving_the_slider_moves_the_window_and_writes_out_the_sum(page):
    page.fill("#slide .cnn-slide-stride", "1")
    page.fill("#slide .cnn-slide-padding", "0")
    sums = []
    for position in range(9):   # a 3x3 output
        page.eval_on_selector("#slide .cnn-slide-position",
                              f"s => {{ s.value = {position}; s.dispatchEvent(new Event('input')); }}")
        current = page.eval_on_selector_all("#slide td.cnn-current", "tds => tds.length")
        window = page.eval_on_selector_all("#slide figure:first-of-type td.cnn-window", "tds => tds.length")
        assert (current, window) == (1, 4)
        sums.append(page.inner_text("#slide .cnn-slide-sum"))
    assert sums[0] == "y[0, 0] = 1·1 + 2·0 + 4·0 + 1·(-1) = 0"
    assert sums[5] == "y[1, 2] = 1·1 + 0·0 + 3·0 + 1·(-1) = 0"
    assert len(set(sums)) == 9


def test_editing_the_kernel_changes_the_output(page):
    page.fill("#slide .cnn-slide-kernel", "1 1\n1 1")
    page.fill("#slide .cnn-slide-stride", "1")
    assert grid(page, "#slide figure:nth-of-type(3)")[0, 0] == 1 + 2 + 4 + 1
    page.fill("#slide .cnn-slide-kernel", "1 1 1 1 1 1")   # a 1x6 kernel cannot fit
    assert "does not fit" in page.inner_text("#slide .cnn-slide-sum")
    page.fill("#slide .cnn-slide-kernel", "1 0\n0 -1")


def test_the_stack_calculator_follows_every_edit(page):
    def column(name):
        return page.eval_on_selector_all(f"#stack .cnn-stack-{name}", "tds => tds.map(td => td.textContent)")
    assert column("size") == ["32×32", "16×16", "16×16"]
    assert column("field") == ["3×3", "4×4", "8×8"]
    page.fill("#stack tr:nth-child(1) .cnn-stack-stride", "2")
    assert column("size") == ["16×16", "8×8", "8×8"]
    page.click("#stack .cnn-stack-add")
    assert len(column("size")) == 4
    page.click("#stack tr:nth-child(2) .cnn-stack-remove")
    assert column("size") == ["16×16", "16×16", "16×16"]


@pytest.mark.parametrize("name", QUESTIONS)
def test_a_question_checks_the_readers_answer_and_explains_the_right_one(page, name):
    _, right = QUESTIONS[name]
    assert page.get_attribute(f"#{name}", "data-answer") == str(right)
    box, check, verdict = (f"#{name} .cnn-question-{part}" for part in ("answer", "check", "verdict"))
    page.fill(box, str(right + 1))
    page.click(check)
    wrong = page.inner_text(verdict)
    assert wrong.startswith(f"Not quite: the answer is {right:,}.") and re.search(r"= [\d,]+\.$", wrong)
    page.fill(box, f"{right:,}")
    page.press(box, "Enter")
    assert page.inner_text(verdict).startswith("Right: ")
    page.fill(box, "")
    page.click(check)
    assert page.inner_text(verdict) == "Type a number first."

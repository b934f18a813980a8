"""Exercise 2, convolution by hand: PyTorch's answers and the known mistakes (as torch
computations in float64)."""
from autograder.judge.mistakes import RAISES, REFUSES, Mistake, Mistakes, Raising, pair as _pair


def _t(array):
    import numpy as np
    import torch
    if isinstance(array, torch.Tensor):
        return array.to(torch.float64)
    return torch.from_numpy(np.array(array, dtype="float64"))


def _conv(x, w, b=None, stride=1, padding=0):
    import torch.nn.functional as F
    return F.conv2d(_t(x), _t(w), None if b is None else _t(b), stride=_pair(stride),
                    padding=_pair(padding)).numpy()


def _swapped(value):
    return tuple(reversed(_pair(value)))


def _one_side_padding(x, w, b=None, stride=1, padding=0):
    import numpy as np
    ph, pw = _pair(padding)
    if not (ph or pw):
        return None
    padded = np.pad(np.array(x, dtype="float64"), ((0, 0), (0, 0), (ph, 0), (pw, 0)))
    return _conv(padded, w, b, stride, 0)


CORR2D_MISTAKES = Mistakes([
    Mistake("kernel flipped",
            "That is true convolution. Deep-learning libraries compute cross-correlation: "
            "the kernel slides over the image as it is, without flipping.",
            lambda image, kernel: _conv(_t(image)[None, None], _t(kernel).flip(0, 1)[None, None])[0, 0]),
], probes=[])

def _uneven(x, kernel, stride, padding=0):
    """Whether the windows leave pixels over on some axis (PyTorch floors them away)."""
    (h, w), (kh, kw) = (len(x[0][0]), len(x[0][0][0])), kernel
    (sh, sw), (ph, pw) = _pair(stride), _pair(padding)
    return bool((h + 2 * ph - kh) % sh or (w + 2 * pw - kw) % sw)


def _width_from_kernel_height(x, w, b=None, stride=1, padding=0):
    """The right values over as many columns as a kernel as wide as it is high would fit;
    where that is more than fit, a window runs off the edge and the loop fails (RAISES)."""
    kh, kw = len(w[0][0]), len(w[0][0][0])
    (_, pw), (_, sw) = _pair(padding), _pair(stride)
    width = len(x[0][0][0]) + 2 * pw
    columns, right = (width - kh) // sw + 1, (width - kw) // sw + 1
    if columns == right:
        return None
    if columns > right:
        return RAISES
    return _conv(x, w, b, stride, padding)[..., :max(columns, 0)]


def _width_from_input_height(x, w, b=None, stride=1, padding=0):
    """A student's loops with the output width computed from the input's height, and the
    loop over columns bounded by the padded height: too few columns (right ones) when the
    image is wider than high; when higher, windows run past the right edge, where a cut
    window one pixel wide broadcasts into a wrong column and a wider one fails."""
    import numpy as np
    x, w = np.array(x, dtype="float64"), np.array(w, dtype="float64")
    (sh, sw), (ph, pw) = _pair(stride), _pair(padding)
    (n, _, h, _), (f, _, kh, kw) = x.shape, w.shape
    b = np.zeros(f) if b is None else np.array(b, dtype="float64")
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    try:
        out = np.zeros((n, f, (h + 2 * ph - kh) // sh + 1, (h + 2 * pw - kw) // sw + 1))
        for top in range(0, xp.shape[2] + 1 - kh, sh):
            for left in range(0, xp.shape[2] + 1 - kw, sw):
                window = xp[:, None, :, top:top + kh, left:left + kw]
                out[:, :, top // sh, left // sw] = np.multiply(w[None], window).sum((2, 3, 4)) + b
    except (ValueError, IndexError):
        return Raising("ValueError", "IndexError")
    return out   # a column the loop never reached stays 0, without its bias


CONV2D_MISTAKES = Mistakes([
    Mistake("kernel flipped",
            "That is true convolution. Deep-learning libraries compute cross-correlation: "
            "the kernel slides over the image as it is, without flipping.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, _t(w).flip(2, 3).numpy(), b, stride, padding)),
    Mistake("bias dropped",
            "Each output channel adds its bias b[o] to every position.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, w, None, stride, padding) if b is not None else None),
    Mistake("padding on one side only",
            "Padding P adds P zeros on each side: top and bottom, left and right.",
            _one_side_padding),
    Mistake("input channels not summed (only the first used)",
            "Each output channel sums the cross-correlations of all input channels.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(_t(x)[:, :1].numpy(), _t(w)[:, :1].numpy(), b, stride, padding)
                if len(x[0]) > 1 else None),
    Mistake("input channels averaged instead of summed",
            "Each output channel sums over input channels; it does not divide by their number.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, _t(w).numpy() / len(x[0]), b, stride, padding) if len(x[0]) > 1 else None),
    Mistake("height and width swapped",
            "A pair means (height, width): stride=(SH, SW) and padding=(PH, PW).",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, w, b, _swapped(stride), _swapped(padding))
                if (_pair(stride)[0] != _pair(stride)[1] or _pair(padding)[0] != _pair(padding)[1])
                else None),
    Mistake("stride ignored",
            "With stride S the window moves S pixels at a time.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, w, b, 1, padding) if _pair(stride) != (1, 1) else None),
    Mistake("bias added to every product",
            "The bias is added once to each output value, after the window's sum; added "
            "inside the sum, it counts C_in x KH x KW times.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, w, None, stride, padding) + _t(b).numpy()[:, None, None] * _t(w)[0].numel()
                if b is not None else None),
    Mistake("uneven fit refused",
            "When the windows do not fit evenly, PyTorch leaves the last rows or columns out "
            "(it floors the output size); it does not refuse such sizes.",
            lambda x, w, b=None, stride=1, padding=0:
                REFUSES if _uneven(x, (len(w[0][0]), len(w[0][0][0])), stride, padding) else None),
    Mistake("output width computed from the kernel's height",
            "A kernel of KH x KW fits (W + 2PW - KW) // SW + 1 times across: use KW for the "
            "width, KH for the height.",
            _width_from_kernel_height),
    Mistake("output width computed from the input's height",
            "The output is (H + 2PH - KH) // SH + 1 high and (W + 2PW - KW) // SW + 1 wide: "
            "the width reads W, and the loop over columns runs across the padded width.",
            _width_from_input_height),
], probes=[])


def _pool(kind, x, kernel_size, stride):
    import torch.nn.functional as F
    pool = F.max_pool2d if kind == "max" else F.avg_pool2d
    return pool(_t(x), _pair(kernel_size), _pair(stride)).numpy()


def _starts_past_the_edge(x, kernel_size, stride):
    """Whether range(0, H, S) gives more window starts than whole windows fit (on an axis)."""
    (kh, kw), (sh, sw) = _pair(kernel_size), _pair(stride if stride is not None else kernel_size)
    h, w = len(x[0][0]), len(x[0][0][0])
    return len(range(0, h, sh)) > (h - kh) // sh + 1 or len(range(0, w, sw)) > (w - kw) // sw + 1


def windows_past_the_edge(stride_of):
    """The mistake of starting pooling windows at range(0, H, S): past the last whole
    window, the loop indexes beyond the output and fails. `stride_of(args, kwargs)` finds
    (x, kernel_size, stride) in the graded function's arguments."""
    return Mistake(
        "windows started past the last one that fits",
        "A window starts at 0, S, 2S, ... only while all of it fits: range(0, H - KH + 1, S) "
        "gives the H_out starts; range(0, H, S) runs off the edge.",
        lambda *args, **kwargs: Raising("IndexError", "ValueError")
        if _starts_past_the_edge(*stride_of(args, kwargs)) else None)


def _pool_mistakes(kind):
    other = "avg" if kind == "max" else "max"
    return Mistakes([
        Mistake("pooling stride defaulting to 1",
                "In PyTorch, stride=None means stride = kernel_size: windows do not overlap.",
                lambda x, kernel_size, stride=None:
                    _pool(kind, x, kernel_size, 1) if stride is None and _pair(kernel_size) != (1, 1)
                    else None),
        Mistake("uneven fit refused",
                "When the windows do not fit evenly, PyTorch leaves the last rows or columns "
                "out (it floors the output size); it does not refuse such sizes.",
                lambda x, kernel_size, stride=None:
                    REFUSES if _uneven(x, _pair(kernel_size), stride if stride is not None else kernel_size)
                    else None),
        Mistake("height and width swapped",
                "A pair means (height, width): kernel_size=(KH, KW), stride=(SH, SW).",
                lambda x, kernel_size, stride=None:
                    _pool(kind, x, _swapped(kernel_size), _swapped(stride if stride is not None else kernel_size))),
        Mistake(f"{other} pooling computed instead",
                f"This function computes the {kind} of each window.",
                lambda x, kernel_size, stride=None:
                    _pool(other, x, kernel_size, stride if stride is not None else kernel_size)),
    ] + ([Mistake("window sum instead of mean",
                  "Average pooling divides each window's sum by KH*KW.",
                  lambda x, kernel_size, stride=None:
                      _pool("avg", x, kernel_size, stride if stride is not None else kernel_size)
                      * _pair(kernel_size)[0] * _pair(kernel_size)[1])] if kind == "avg" else [])
      + [windows_past_the_edge(lambda args, kwargs: (
          args[0], args[1], args[2] if len(args) > 2 else kwargs.get("stride")))],
        probes=[])


MAX_POOL2D_MISTAKES = _pool_mistakes("max")
AVG_POOL2D_MISTAKES = _pool_mistakes("avg")



# PyTorch's answers, in float64 from copies of the inputs.

def corr2d(image, kernel):
    return _conv(_t(image)[None, None], _t(kernel)[None, None])[0, 0]


def conv2d(x, w, b=None, stride=1, padding=0):
    return _conv(x, w, b, stride, padding)


def max_pool2d(x, kernel_size, stride=None):
    return _pool("max", x, kernel_size, stride if stride is not None else kernel_size)


def avg_pool2d(x, kernel_size, stride=None):
    return _pool("avg", x, kernel_size, stride if stride is not None else kernel_size)


REFERENCES = {f.__name__: f for f in (corr2d, conv2d, max_pool2d, avg_pool2d)}
MISTAKES = {"corr2d": CORR2D_MISTAKES, "conv2d": CONV2D_MISTAKES,
            "max_pool2d": MAX_POOL2D_MISTAKES, "avg_pool2d": AVG_POOL2D_MISTAKES}

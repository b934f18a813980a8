"""Exercise 3, backpropagation: PyTorch's gradients and the known mistakes."""
from autograder.judge.ex02 import _t, windows_past_the_edge
from autograder.judge.mistakes import Mistake, Mistakes, Raising, both, pair as _pair




# Known mistakes of the backward passes. Each variant returns what the graded function
# returns: (dx, dw, db) for conv2d_backward, dx for max_pool2d_backward.

def _conv_grads(dout, x, w, stride=1, padding=0, flip=False):
    import torch
    import torch.nn.functional as F
    x_ = _t(x).requires_grad_(True)
    w_ = _t(w).requires_grad_(True)
    b_ = torch.zeros(len(w), dtype=torch.float64, requires_grad=True)
    F.conv2d(x_, w_.flip(2, 3) if flip else w_, b_, _pair(stride), _pair(padding)).backward(_t(dout))
    return x_.grad.numpy(), w_.grad.numpy(), b_.grad.numpy()


def _conv_grads_by_loops(dout, x, w, stride=1, padding=0, step=None, examples=None,
                         start_from_x=False, buffer_padding=1, assign=False, crop="right"):
    """(dx, dw, db) as a student's loops compute them, with their known slips: windows
    `step` apart instead of `stride` apart; only the first `examples` of the batch
    back-propagated; the gradient buffer started from the padded input instead of zeros;
    a buffer padded `buffer_padding` times; each window's share of dx assigned, not added;
    the padding cropped "right", with "[p:-p]", with "1:-1", or "kept"."""
    import numpy as np
    dout, x, w = (np.array(a, dtype="float64") for a in (dout, x, w))
    (sh, sw), (ph, pw) = step or _pair(stride), _pair(padding)
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    buffer = np.pad(np.zeros_like(x), ((0, 0), (0, 0), (buffer_padding * ph,) * 2, (buffer_padding * pw,) * 2))
    if start_from_x:
        buffer[:, :, :xp.shape[2], :xp.shape[3]] += xp
    dw, db = np.zeros_like(w), np.zeros(len(w))
    for n in range(len(x) if examples is None else examples):
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                window = xp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                dw += dout[n, :, i, j][:, None, None, None] * window[None]
                share = np.einsum("o,ockl->ckl", dout[n, :, i, j], w)
                region = buffer[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                region[...] = share if assign else region + share
        db += dout[n].sum((1, 2))
    if crop == "[p:-p]":
        dx = buffer[:, :, ph:-ph, pw:-pw]
    elif crop == "1:-1":
        dx = buffer[:, :, 1:-1, 1:-1]
    elif crop == "kept":
        dx = buffer
    else:
        dx = buffer[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]
    return dx, dw, db


def _with(grads, index, value):
    grads = list(grads)
    grads[index] = value
    return tuple(grads)


CROP_FAILS = Raising("ValueError")

CONV2D_BACKWARD_MISTAKES = Mistakes([
    Mistake("gradient not accumulated over overlapping windows",
            "A pixel inside several windows receives a gradient from each of them: add (+=), "
            "do not assign.",
            lambda dout, x, w, stride=1, padding=0:
                _conv_grads_by_loops(dout, x, w, stride, padding, assign=True)),
    Mistake("bias gradient not summed over batch and space",
            "b[o] is added at every position of every image: db[o] sums dout[:, o] over the "
            "batch and both spatial axes.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 2, _t(dout).sum((2, 3)).numpy())),
    Mistake("bias gradient not summed over batch and space",
            "b[o] is added at every position of every image: db[o] sums dout[:, o] over the "
            "batch and both spatial axes.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 2, _t(dout).sum(0).numpy())),
    Mistake("kernel flipped in the input gradient",
            "dx sends each dout value back through the same weights that produced it: "
            "dx[.., i*S + a, j*S + b] += dout[.., i, j] * w[.., a, b], no flip of w by hand.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 0,
                _conv_grads(dout, x, w, stride, padding, flip=True)[0])),
    Mistake("padding not removed from dx",
            "The gradient of the padded input includes the padding; dx is the gradient of x "
            "itself: crop P rows and columns from each side.",
            lambda dout, x, w, stride=1, padding=0:
                _conv_grads_by_loops(dout, x, w, stride, padding, crop="kept")
            if _pair(padding) != (0, 0) else None),
    CROPPED := Mistake("padding cropped with [p:-p]",
            "With padding 0 on an axis, dxp[:, :, 0:-0] is empty there: crop with "
            "[p:p + H, p:p + W], which works for every p.",
            lambda dout, x, w, stride=1, padding=0:
                _conv_grads_by_loops(dout, x, w, stride, padding, crop="[p:-p]")
            if 0 in _pair(padding) else None),
    CROPPED_AND_FAILS := Mistake("padding cropped with [p:-p]",
            "With padding 0, dxp[:, :, 0:-0] is empty, and putting it in dx fails: crop "
            "with [p:p + H, p:p + W], which works for every p.",
            # dx[n] = dxp[n, :, p:-p, p:-p] fails to broadcast the empty slice
            lambda dout, x, w, stride=1, padding=0: CROP_FAILS if 0 in _pair(padding) else None),
    Mistake("padding crop hard-coded to 1",
            "Crop as many rows and columns as the padding added: [p:p + H, p:p + W].",
            lambda dout, x, w, stride=1, padding=0:
                _conv_grads_by_loops(dout, x, w, stride, padding, crop="1:-1")
            if _pair(padding) != (1, 1) else None),
    Mistake("dw and db from the first example only",
            "Every image of the batch contributes to the weights' and biases' gradients: sum "
            "over the batch axis too.",
            lambda dout, x, w, stride=1, padding=0: _with(_with(
                _conv_grads(dout, x, w, stride, padding), 1,
                _conv_grads(_t(dout)[:1].numpy(), _t(x)[:1].numpy(), w, stride, padding)[1]), 2,
                _t(dout)[:1].sum((0, 2, 3)).numpy()) if len(x) > 1 else None),
    STRIDE_IGNORED := Mistake(
        "stride ignored in the backward pass",
        "dout[.., i, j] came from the window at (i*S, j*S): send it back there, and take the "
        "window for dw from there too.",
        lambda dout, x, w, stride=1, padding=0:
            _conv_grads_by_loops(dout, x, w, stride, padding, step=(1, 1)) if _pair(stride) != (1, 1) else None),
    FIRST_EXAMPLE := Mistake(
        "only the first example back-propagated",
        "Loop over every image of the batch before returning: the other images' dx stayed "
        "zero, and dw and db miss their contributions (a return inside the loop does this).",
        lambda dout, x, w, stride=1, padding=0:
            _conv_grads_by_loops(dout, x, w, stride, padding, examples=1) if len(x) > 1 else None),
    GRADIENTS_LEFT_ZERO := Mistake(
        "dx and dw never computed",
        "They came back all zeros: the loops that add each window's contribution to dx and dw "
        "are missing, or add to other arrays than the ones returned.",
        lambda dout, x, w, stride=1, padding=0: _with(_with(
            _conv_grads(dout, x, w, stride, padding), 0, _t(x).numpy() * 0), 1, _t(w).numpy() * 0)),
    Mistake("weight gradient averaged over the batch",
            "The loss sums over the batch here: dw sums the contributions of all images.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 1,
                _conv_grads(dout, x, w, stride, padding)[1] / len(x)) if len(x) > 1 else None),
])

# Two slips in one function, as real students' code has them (each pair seen in public
# solutions of the classic assignment): the crop with [p:-p] beside another mistake.
CONV2D_BACKWARD_MISTAKES += [
    both(STRIDE_IGNORED, CROPPED, lambda dout, x, w, stride=1, padding=0:
         _conv_grads_by_loops(dout, x, w, stride, padding, step=(1, 1), crop="[p:-p]")
         if _pair(stride) != (1, 1) or 0 in _pair(padding) else None),
    both(FIRST_EXAMPLE, CROPPED_AND_FAILS, lambda dout, x, w, stride=1, padding=0:
         CROP_FAILS if 0 in _pair(padding) else
         _conv_grads_by_loops(dout, x, w, stride, padding, examples=1) if len(x) > 1 else None),
    both(Mistake("gradient buffer started from the input",
                 "dx accumulates from zeros (np.zeros_like(x_padded)), not from a copy of the "
                 "padded input: that adds x to the gradient.", None),
         CROPPED, lambda dout, x, w, stride=1, padding=0:
         _conv_grads_by_loops(dout, x, w, stride, padding, start_from_x=True, crop="[p:-p]")),
    both(Mistake("gradient buffer padded twice",
                 "Make dx's buffer the padded input's shape (H + 2P, W + 2P) and pad it once.", None),
         CROPPED, lambda dout, x, w, stride=1, padding=0:
         _conv_grads_by_loops(dout, x, w, stride, padding, buffer_padding=2, crop="[p:-p]")),
]


def _pool_dx(dout, x, kernel_size, stride, ties=False, assign=False):
    """dx of max pooling with windows `stride` apart, one per value of dout (whatever
    dout's shape), each sending its value to its window's first maximum (every tied
    maximum with `ties`, an equal share to each with ties="shared"). `assign`: "window"
    assigns the window's whole slice of dx instead of adding to it; "maximum" assigns
    at the maximum only."""
    import numpy as np
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(stride)
    x, dout = np.array(x, dtype="float64"), np.array(dout, dtype="float64")
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            if window.shape[2:] != (kh, kw):
                return None   # the student's loop would have failed here
            flat = window.reshape(*window.shape[:2], -1)
            if ties:
                mask = window == window.max(axis=(2, 3), keepdims=True)
                if ties == "shared":
                    mask = mask / mask.sum(axis=(2, 3), keepdims=True)
            else:
                mask = (np.arange(flat.shape[-1]) == flat.argmax(-1)[..., None]).reshape(window.shape)
            sent = mask * dout[:, :, i:i + 1, j:j + 1]
            region = dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            if assign == "window":
                region[...] = sent
            elif assign == "maximum":
                region[mask != 0] = sent[mask != 0]   # what an earlier window sent there is lost
            else:
                region += sent
    return dx


def _pool_dx_overwritten(dout, x, kernel_size, stride=None):
    return _pool_dx(dout, x, kernel_size, stride if stride is not None else kernel_size, assign="maximum")


def _avg_pool_dx(dout, x, kernel_size, stride=None):
    import torch.nn.functional as F
    x_ = _t(x).requires_grad_(True)
    F.avg_pool2d(x_, _pair(kernel_size), _pair(stride if stride is not None else kernel_size)).backward(_t(dout))
    return x_.grad.numpy()


def _has_ties(dout, x, kernel_size, stride):
    """Whether some window (one per value of dout) has two or more equal maxima."""
    import numpy as np
    (kh, kw), (sh, sw) = _pair(kernel_size), _pair(stride)
    x = np.array(x, dtype="float64")
    return any((window == window.max(axis=(2, 3), keepdims=True)).sum(axis=(2, 3)).max() > 1
               for i in range(np.shape(dout)[2]) for j in range(np.shape(dout)[3])
               for window in [x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]] if window.size)


def _tie_fails(dout, x, kernel_size, stride, otherwise):
    """Raises where a window has tied maxima (they cannot become one index), else `otherwise`."""
    stride = stride if stride is not None else kernel_size
    return TIES_FAIL if _has_ties(dout, x, kernel_size, stride) else otherwise(dout, x, kernel_size, stride)


TIES_FAIL = Raising("ValueError", "TypeError", "IndexError")   # int() or .item() of several positions

MAX_POOL2D_BACKWARD_MISTAKES = Mistakes([
    NOT_ACCUMULATED := Mistake(
            "gradient not accumulated over overlapping windows",
            "When windows overlap, one pixel can be the maximum of several: add (+=) what "
            "each window sends, do not assign.",
            _pool_dx_overwritten),
    EVERY_TIE := Mistake(
            "gradient sent to every tied maximum",
            "When several values of a window tie for the maximum, the output came from one of "
            "them: send dout to the first (np.argmax's), as PyTorch does, not to each.",
            lambda dout, x, kernel_size, stride=None:
                _pool_dx(dout, x, kernel_size, stride if stride is not None else kernel_size, ties=True)),
    WINDOW_ASSIGNED := Mistake(
            "window's gradient assigned, not added",
            "dx[window] = ... wipes what an earlier, overlapping window sent to the same "
            "pixels (zeros included): add with +=.",
            lambda dout, x, kernel_size, stride=None:
                _pool_dx(dout, x, kernel_size, stride if stride is not None else kernel_size, assign="window")),
    Mistake("gradient split among tied maxima",
            "When several values of a window tie for the maximum, the output came from one of "
            "them: send all of dout to the first (np.argmax's), as PyTorch does.",
            lambda dout, x, kernel_size, stride=None:
                _pool_dx(dout, x, kernel_size, stride if stride is not None else kernel_size, ties="shared")),
    TIES_UNHANDLED := Mistake(
            "tied maxima not handled",
            "Where several values of a window tie for the maximum, np.where finds them all and "
            "they make no single index: take the first, np.argmax's, as PyTorch does.",
            lambda dout, x, kernel_size, stride=None:
                _tie_fails(dout, x, kernel_size, stride, lambda *a: None)),
    Mistake("stride=None taken as 1",
            "As in PyTorch, stride=None means the stride equals the kernel size: windows side "
            "by side, not one pixel apart.",
            lambda dout, x, kernel_size, stride=None:
                _pool_dx(dout, x, kernel_size, 1) if stride is None and _pair(kernel_size) != (1, 1) else None),
    Mistake("gradient spread over the whole window",
            "That is average pooling's gradient. Max pooling sends each dout value to the "
            "window's maximum only.",
            _avg_pool_dx),
    windows_past_the_edge(lambda args, kwargs: (
        args[1], args[2], args[3] if len(args) > 3 else kwargs.get("stride"))),
])

# Two slips in one function, as real students' code has them.
MAX_POOL2D_BACKWARD_MISTAKES += [
    both(EVERY_TIE, WINDOW_ASSIGNED, lambda dout, x, kernel_size, stride=None: _pool_dx(
        dout, x, kernel_size, stride if stride is not None else kernel_size, ties=True, assign="window")),
    both(NOT_ACCUMULATED, TIES_UNHANDLED, lambda dout, x, kernel_size, stride=None:
         _tie_fails(dout, x, kernel_size, stride, _pool_dx_overwritten)),
]



# PyTorch's gradients (autograd), in float64.

def conv2d_backward(dout, x, w, stride=1, padding=0):
    return _conv_grads(dout, x, w, stride, padding)


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    import torch.nn.functional as F
    x_ = _t(x).requires_grad_(True)
    F.max_pool2d(x_, _pair(kernel_size), _pair(stride if stride is not None else kernel_size)).backward(_t(dout))
    return x_.grad.numpy()


REFERENCES = {f.__name__: f for f in (conv2d_backward, max_pool2d_backward)}
MISTAKES = {"conv2d_backward": CONV2D_BACKWARD_MISTAKES,
            "max_pool2d_backward": MAX_POOL2D_BACKWARD_MISTAKES}

"""Imports torch inside the function under a made-up name and convolves with tensor
methods (unfold and einsum) rather than a convolution function."""
EXPECTED_MISTAKE = "library convolution used"
LOST_TESTS = ["conv2d_examples", "conv2d_vs_torch"]


def conv2d(x, w, b=None, stride=1, padding=0):
    import importlib
    tt = importlib.import_module("".join(["to", "rch"]))
    pair = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    xt, wt = tt.from_numpy(np.asarray(x, dtype="float64")), tt.from_numpy(np.asarray(w, dtype="float64"))
    cols = tt.nn.functional.unfold(xt, wt.shape[2:], padding=pair(padding), stride=pair(stride))
    out = tt.einsum("ok,nkl->nol", wt.reshape(len(wt), -1), cols)
    (ph, pw), (sh, sw) = pair(padding), pair(stride)
    h = (x.shape[2] + 2 * ph - w.shape[2]) // sh + 1
    out = out.reshape(len(x), len(w), h, -1).numpy()
    return out if b is None else out + np.asarray(b).reshape(1, -1, 1, 1)

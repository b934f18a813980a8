"""Asserts that the windows tile the padded input exactly; PyTorch floors instead."""
EXPECTED_MISTAKE = "uneven fit refused"
LOST_TESTS = ["conv2d_examples", "conv2d_vs_torch"]


def conv2d(x, w, b=None, stride=1, padding=0):
    def _pair(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v, v)

    # Mistake: the student asserts that the windows tile the padded input exactly and
    # so refuses sizes PyTorch accepts (it floors and drops the leftover pixels).
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    assert (h + 2 * ph - kh) % sh == 0, "height does not fit"
    assert (wd + 2 * pw - kw) % sw == 0, "width does not fit"
    ho = (h + 2 * ph - kh) // sh + 1
    wo = (wd + 2 * pw - kw) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((n, f, ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = np.einsum('nckl,fckl->nf', patch, w)
    if b is not None:
        out += np.asarray(b, dtype=float)[None, :, None, None]
    return out

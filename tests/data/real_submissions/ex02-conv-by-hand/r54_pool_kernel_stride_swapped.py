"""A numba-style helper pools each (sample, channel) plane; windows start at out_index * kernel and span `stride` pixels (kernel and stride swapped), and sizes that do not fit exactly raise an Exception."""
SEEN_IN = "unnamed repository (index id 31862901377), numba max_pool2d / max_unpool2d (mining report row #54)"
BUGS = [
    "kernel size and stride are swapped when placing windows: window (i, j) starts at (i*KH, j*KW) and is SH x SW pixels, so results are wrong whenever stride != kernel (and can hit an empty window, which raises)",
    "raises 'Invalid output dimension!' when (H - KH) / SH + 1 is not an integer, where PyTorch floors",
]
LOST = {
    'max_pool2d_examples': 'uneven fit refused',
    'max_pool2d_vs_torch': None,
}


def _pool_plane(plane, kh, kw, sh, sw, out, where):
    oh, ow = out.shape
    for i in range(oh):
        r0 = i * kh
        r1 = r0 + sh
        for j in range(ow):
            c0 = j * kw
            c1 = c0 + sw
            patch = plane[r0:r1, c0:c1]
            out[i, j] = np.max(patch)
            where[i, j] = np.argmax(patch)


def _pool_with_index(x, kh, kw, sh, sw):
    n_b, n_c, h, w = x.shape
    h_out = (h - kh) / sh + 1
    w_out = (w - kw) / sw + 1
    if h_out != int(h_out) or w_out != int(w_out):
        raise Exception("Invalid output dimension!")
    h_out, w_out = int(h_out), int(w_out)
    out = np.zeros((n_b, n_c, h_out, w_out))
    where = np.zeros((n_b, n_c, h_out, w_out), dtype=np.int32)
    for bi in range(n_b):
        for ci in range(n_c):
            _pool_plane(x[bi, ci, ...], kh, kw, sh, sw, out[bi, ci, ...], where[bi, ci, ...])
    return out, where


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    out, _ = _pool_with_index(x, kh, kw, sh, sw)
    return out

"""Numba-style unpooling: the argmax is taken in a window that starts at out_index * kernel and spans `stride` pixels (kernel and stride swapped), unravelled with the kernel shape, and the gradient is assigned there; uneven sizes raise."""
SEEN_IN = "unnamed repository (index id 31862901377), numba max_pool2d / max_unpool2d (mining report row #54)"
BUGS = [
    "kernel size and stride are swapped when placing windows: window (i, j) starts at (i*KH, j*KW) and is SH x SW pixels, so the gradient lands on the wrong pixels whenever stride != kernel (and empty or out-of-range windows raise)",
    "the flat argmax of the SH x SW window is unravelled with the (KH, KW) shape, which picks the wrong pixel (or raises IndexError) when they differ",
    "the gradient is assigned (=) instead of added",
    "raises 'Invalid output dimension!' when (H - KH) / SH + 1 is not an integer, where PyTorch floors",
]
LOST = {
    'max_pool2d_backward_examples': None,
    'max_pool2d_backward_vs_torch': None,
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


def _unpool_plane(g, where, kh, kw, sh, sw, dplane):
    oh, ow = g.shape
    for i in range(oh):
        r0 = i * kh
        r1 = r0 + sh
        for j in range(ow):
            c0 = j * kw
            c1 = c0 + sw
            r, c = where[i, j] // kw, where[i, j] % kw
            dplane[r0:r1, c0:c1][r, c] = g[i, j]


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    _, where = _pool_with_index(x, kh, kw, sh, sw)
    nb, nc = dout.shape[0], dout.shape[1]
    dx = np.zeros(x.shape)
    for bi in range(nb):
        for ci in range(nc):
            _unpool_plane(dout[bi, ci, ...], where[bi, ci, ...], kh, kw, sh, sw, dx[bi, ci, ...])
    return dx

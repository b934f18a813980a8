"""Conv backward visits every kernel element of every window and skips padding positions with an explicit bounds check, so dx is filled directly without a padded buffer; pool backward adds dout at each window's argmax. Both correct."""
SEEN_IN = "AndersonZhangyq/cs231n-2017, assignment2/cs231n/layers.py (mining report row #12)"
BUGS = []
LOST = {}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_ = 1 + (H + 2 * ph - HH) // sh
    W_ = 1 + (W + 2 * pw - WW) // sw
    padded = np.pad(x, pad_width=((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant", constant_values=0)
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    for n in range(N):
        sample = padded[n, :]
        for f in range(F):
            kernel = w[f, :, :, :]
            for oi in range(H_):
                i = oi * sh
                for oj in range(W_):
                    j = oj * sw
                    for ki, pi in enumerate(range(i, i + HH)):
                        for kj, pj in enumerate(range(j, j + WW)):
                            ti = pi - ph
                            tj = pj - pw
                            if 0 <= ti < H and 0 <= tj < W:
                                dx[n, :, ti, tj] += kernel[:, ki, kj] * dout[n, f, oi, oj]
                                dw[f, :, ki, kj] += sample[:, pi, pj] * dout[n, f, oi, oj]
    db = np.sum(np.sum(np.sum(dout, axis=0), axis=-1), axis=-1)
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    dx = np.zeros_like(x)
    H_ = 1 + (H - kh) // sh
    W_ = 1 + (W - kw) // sw
    for oi in range(H_):
        i = oi * sh
        for oj in range(W_):
            j = oj * sw
            for n in range(N):
                for c in range(C):
                    window = x[n, c, i:i + kh, j:j + kw]
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i + p, j + q] += 1 * dout[n, c, oi, oj]
    return dx

"""Loops per sample over output positions and filters into that sample's padded gradient, then assigns its [p:-p] crop into the preallocated dx; at padding 0 the crop is empty and the assignment raises."""
SEEN_IN = "jcha-hub/DL_PS2, part1-convnet/modules/convolution.py (mining report row #22)"
BUGS = [
    "the padding is cropped with [p:-p] and assigned into the preallocated dx, so padding 0 on an axis raises ValueError (broadcast of an empty slice)",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    s_h, s_w = pair(stride)
    p_h, p_w = pair(padding)
    k_h, k_w = w.shape[2], w.shape[3]
    Cout = w.shape[0]
    N = x.shape[0]
    H, W = x.shape[2], x.shape[3]
    H_out = (H + 2 * p_h - k_h) // s_h + 1
    W_out = (W + 2 * p_w - k_w) // s_w + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)), "constant")
    dx = np.zeros_like(x)
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros(Cout, dtype=w.dtype)
    for n in range(N):
        x_pad_n = x_pad[n]
        dx_pad_n = dx_pad[n]
        for hi in range(H_out):
            for wi in range(W_out):
                for c in range(Cout):
                    v0 = hi * s_h
                    h0 = wi * s_w
                    window = x_pad_n[:, v0:v0 + k_h, h0:h0 + k_w]
                    dx_pad_n[:, v0:v0 + k_h, h0:h0 + k_w] += w[c, :, :, :] * dout[n, c, hi, wi]
                    dw[c, :, :, :] += window * dout[n, c, hi, wi]
                    db[c] += dout[n, c, hi, wi]
        dx[n, :, :, :] = dx_pad_n[:, p_h:-p_h, p_w:-p_w]
    return dx, dw, db

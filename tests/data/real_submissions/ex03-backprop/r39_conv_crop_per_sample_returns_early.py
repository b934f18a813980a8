"""deeplearning.ai-style NHWC loops: the per-sample [pad:-pad] crop is assigned inside the position loop (raises at padding 0) and the return sits inside the sample loop, so only the first example is back-propagated."""
SEEN_IN = "redman157/tensorflow-build-example, CNN-step-by-step.py (mining report row #39; the original's `for i range(m)` typo is fixed, its indentation is kept)"
BUGS = [
    "the padding is cropped with [pad:-pad] and assigned into the preallocated dx, so padding 0 on an axis raises ValueError",
    "the return statement is inside the loop over examples: only the first example is processed, so dx is zero for every other example and dw, db come from the first example only",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'only the first example back-propagated, and padding cropped with [p:-p]',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    A_prev = np.transpose(x, (0, 2, 3, 1))
    W = np.transpose(w, (2, 3, 1, 0))
    dZ = np.transpose(dout, (0, 2, 3, 1))
    (kh, kw, n_C_prev, n_C) = W.shape
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (m, n_H, n_W, n_C) = dZ.shape
    dA_prev = np.zeros((m, n_H_prev, n_W_prev, n_C_prev))
    dW = np.zeros((kh, kw, n_C_prev, n_C))
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad = np.pad(A_prev, ((0, 0), (ph, ph), (pw, pw), (0, 0)), "constant", constant_values=0)
    dA_prev_pad = np.pad(dA_prev, ((0, 0), (ph, ph), (pw, pw), (0, 0)), "constant", constant_values=0)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            for v in range(n_W):
                for c in range(n_C):
                    top, left = h * sh, v * sw
                    a_slice = a_prev_pad[top:top + kh, left:left + kw, :]
                    da_prev_pad[top:top + kh, left:left + kw, :] += W[:, :, :, c] * dZ[i, h, v, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, v, c]
                    db[:, :, :, c] += dZ[i, h, v, c]
                dA_prev[i, :, :, :] = da_prev_pad[ph:-ph, pw:-pw, :]
        assert dA_prev.shape == (m, n_H_prev, n_W_prev, n_C_prev)
        return np.transpose(dA_prev, (0, 3, 1, 2)), np.transpose(dW, (3, 2, 0, 1)), db.reshape(n_C)

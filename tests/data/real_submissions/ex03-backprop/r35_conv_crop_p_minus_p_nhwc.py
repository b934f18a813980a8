"""Holberton-style NHWC loops over example, position and filter into a zeros_like(padded input) buffer, cropped with [ph:-ph, pw:-pw]; with padding 0 on an axis the returned dx has a zero-length axis."""
SEEN_IN = "3lackrukh/atlas-machine_learning, supervised_learning/cnn/2-conv_backward.py (mining report row #35)"
BUGS = [
    "the padding is cropped with [p:-p], so at padding 0 on an axis dx has a zero-length axis",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    A_prev = np.transpose(x, (0, 2, 3, 1))
    W = np.transpose(w, (2, 3, 1, 0))
    dZ = np.transpose(dout, (0, 2, 3, 1))
    m, h_new, w_new, c_new = dZ.shape
    m, h_prev, w_prev, _ = A_prev.shape
    kh, kw, _, _ = W.shape
    A_padded = np.pad(A_prev, ((0, 0), (ph, ph), (pw, pw), (0, 0)), mode="constant")
    dA_prev = np.zeros_like(A_padded)
    dW = np.zeros_like(W)
    db = np.sum(dZ, axis=(0, 1, 2), keepdims=True)
    for i in range(m):
        for h in range(h_new):
            for v in range(w_new):
                for c in range(c_new):
                    dA_prev[i, h * sh:h * sh + kh, v * sw:v * sw + kw, :] += W[:, :, :, c] * dZ[i, h, v, c]
                    dW[:, :, :, c] += A_padded[i, h * sh:h * sh + kh, v * sw:v * sw + kw, :] * dZ[i, h, v, c]
    dA_prev = dA_prev[:, ph:-ph, pw:-pw, :]
    return np.transpose(dA_prev, (0, 3, 1, 2)), np.transpose(dW, (3, 2, 0, 1)), db.reshape(c_new)

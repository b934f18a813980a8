"""Holberton-style NHWC loops into a gradient buffer the size of the padded input, cropped at the end with [ph:-ph, pw:-pw]; with padding 0 on an axis the returned dx has a zero-length axis."""
SEEN_IN = "1Sultanz/holbertonschool-machine_learning, supervised_learning/cnn/2-conv_backward.py (mining report row #34)"
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
    _, h_prev, w_prev, c_prev = A_prev.shape
    kh, kw, _, _ = W.shape
    A_prev = np.pad(A_prev, pad_width=((0, 0), (ph, ph), (pw, pw), (0, 0)), mode="constant", constant_values=0)
    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros((kh, kw, c_prev, c_new))
    db = np.sum(dZ, axis=(0, 1, 2), keepdims=True)
    for e in range(m):
        for i in range(h_new):
            for j in range(w_new):
                for k in range(c_new):
                    dA_prev[e, i * sh:i * sh + kh, j * sw:j * sw + kw, :] += W[:, :, :, k] * dZ[e, i, j, k]
                    dW[:, :, :, k] += A_prev[e, i * sh:i * sh + kh, j * sw:j * sw + kw, :] * dZ[e, i, j, k]
    dA = dA_prev[:, ph:-ph, pw:-pw, :]
    return np.transpose(dA, (0, 3, 1, 2)), np.transpose(dW, (3, 2, 0, 1)), db.reshape(c_new)

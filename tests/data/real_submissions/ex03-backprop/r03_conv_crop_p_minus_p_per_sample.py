"""Holberton-style NHWC loops; each sample's padded gradient is cropped with [p:-p] and assigned into the preallocated dx, which raises a broadcast error whenever the padding on an axis is 0."""
SEEN_IN = "Enzo949494/holbertonschool-machine_learning, supervised_learning/cnn/2-conv_backward.py (mining report row #3)"
BUGS = [
    "the padding is removed with [p:-p]; at padding 0 on an axis this slice is empty and assigning it into the preallocated dx raises ValueError",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    pad_h, pad_w = pair(padding)
    A_prev = np.transpose(x, (0, 2, 3, 1))
    W = np.transpose(w, (2, 3, 1, 0))
    dZ = np.transpose(dout, (0, 2, 3, 1))
    m, h_prev, w_prev, c_prev = A_prev.shape
    kh, kw, _, c_new = W.shape
    m, h_new, w_new, c_new = dZ.shape

    dA_prev = np.zeros_like(A_prev)
    dW = np.zeros_like(W)
    db = np.zeros((1, 1, 1, c_new))

    A_pad = np.pad(A_prev, ((0, 0), (pad_h, pad_h), (pad_w, pad_w), (0, 0)), mode="constant")
    dA_pad = np.pad(dA_prev, ((0, 0), (pad_h, pad_h), (pad_w, pad_w), (0, 0)), mode="constant")

    for i in range(m):
        a_pad = A_pad[i]
        da_pad = dA_pad[i]
        for h in range(h_new):
            for v in range(w_new):
                for c in range(c_new):
                    top, left = h * sh, v * sw
                    a_slice = a_pad[top:top + kh, left:left + kw, :]
                    da_pad[top:top + kh, left:left + kw, :] += W[:, :, :, c] * dZ[i, h, v, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, v, c]
                    db[:, :, :, c] += dZ[i, h, v, c]
        dA_prev[i, :, :, :] = da_pad[pad_h:-pad_h, pad_w:-pad_w, :]

    return np.transpose(dA_prev, (0, 3, 1, 2)), np.transpose(dW, (3, 2, 0, 1)), db.reshape(c_new)

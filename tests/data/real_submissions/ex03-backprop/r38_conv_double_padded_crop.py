"""Holberton-style NHWC loops; the gradient buffer is made by padding an already padded-size array, so it is padded twice, and the final [ph:-ph, pw:-pw] crop removes only one layer: dx is too big by 2p per axis (and empty at padding 0)."""
SEEN_IN = "AnthonyArmour/holbertonschool-machine_learning, supervised_learning/0x00-cnn/2-conv_backward.py (mining report row #38)"
BUGS = [
    "the padding is cropped with [p:-p], so at padding 0 on an axis dx has a zero-length axis",
    "the dx buffer is padded twice (zeros shaped like the padded input, then padded again) but cropped once, so for padding p > 0 dx has shape H + 2p by W + 2p: the true dx in its top-left corner plus gradient for the padding cells",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'gradient buffer padded twice, and padding cropped with [p:-p]',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    pad_h, pad_w = pair(padding)
    A_prev = np.transpose(x, (0, 2, 3, 1))
    W = np.transpose(w, (2, 3, 1, 0))
    dZ = np.transpose(dout, (0, 2, 3, 1))
    m, hP, wP, cP = A_prev.shape
    m, hN, wN, cN = dZ.shape
    kh, kw, cP, cN = W.shape
    A_prev = np.pad(A_prev, ((0, 0), (pad_h, pad_h), (pad_w, pad_w), (0, 0)), mode="constant", constant_values=0)
    dW = np.zeros_like(W)
    blank = np.zeros_like(A_prev)
    dA = np.pad(blank, ((0, 0), (pad_h, pad_h), (pad_w, pad_w), (0, 0)), mode="constant", constant_values=0)
    db = np.sum(dZ, axis=(0, 1, 2), keepdims=True)
    for frame in range(m):
        for h in range(hN):
            for v in range(wN):
                for flt in range(cN):
                    g = dZ[frame, h, v, flt]
                    box = A_prev[frame, h * sh:h * sh + kh, v * sw:v * sw + kw, :]
                    dW[:, :, :, flt] += box * g
                    dA[frame, h * sh:h * sh + kh, v * sw:v * sw + kw, :] += np.multiply(W[:, :, :, flt], g)
    dA = dA[:, pad_h:-pad_h, pad_w:-pad_w, :]
    return np.transpose(dA, (0, 3, 1, 2)), np.transpose(dW, (3, 2, 0, 1)), db.reshape(cN)

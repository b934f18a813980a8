"""db sums over space but not over the batch."""
EXPECTED_MISTAKE = "bias gradient not summed over batch and space"
LOST_TESTS = ["conv2d_backward_examples", "conv2d_backward_vs_torch"]


def conv2d_backward(dout, x, w, stride=1, padding=0):
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kh, kw = w.shape[2:]
    dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
            dw += np.einsum("no,nckl->ockl", dout[:, :, i, j], xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("no,ockl->nckl", dout[:, :, i, j], w)
    dx = dxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]
    return dx, dw, dout.sum(axis=(2, 3))

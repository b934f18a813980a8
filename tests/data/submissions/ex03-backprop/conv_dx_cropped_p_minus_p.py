"""Crops the padding from dx with [p:-p], which is empty when p = 0."""
EXPECTED_MISTAKE = "padding cropped with [p:-p]"
LOST_TESTS = ["conv2d_backward_examples", "conv2d_backward_vs_torch"]


def conv2d_backward(dout, x, w, stride=1, padding=0):
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    _, _, kh, kw = w.shape
    dxp, dw = np.zeros_like(xp, dtype=float), np.zeros_like(w, dtype=float)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            dw += np.einsum("no,nckl->ockl", dout[:, :, i, j], window)
            dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += np.einsum("no,ockl->nckl", dout[:, :, i, j], w)
    dx = dxp[:, :, ph:-ph, pw:-pw]
    return dx, dw, dout.sum(axis=(0, 2, 3))

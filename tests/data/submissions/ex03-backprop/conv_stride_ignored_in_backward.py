"""The backward pass takes window (i, j) at (i, j) instead of (i*S, j*S): right with stride
1, wrong dx and dw otherwise (seen in public solutions of the classic assignment)."""
EXPECTED_MISTAKE = "stride ignored in the backward pass"
LOST_TESTS = ["conv2d_backward_examples", "conv2d_backward_vs_torch"]


def conv2d_backward(dout, x, w, stride=1, padding=0):
    ph, pw = pair(padding)
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp, dw = np.zeros_like(xp, dtype=float), np.zeros_like(w, dtype=float)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            # Mistake: the window of output (i, j) starts at (i*SH, j*SW), not at (i, j).
            window = xp[:, :, i:i + kh, j:j + kw]
            dw += np.einsum("no,nckl->ockl", dout[:, :, i, j], window)
            dxp[:, :, i:i + kh, j:j + kw] += np.einsum("no,ockl->nckl", dout[:, :, i, j], w)
    return dxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]], dw, dout.sum(axis=(0, 2, 3))

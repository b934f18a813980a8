"""Conv backward builds dw from strided slices and dx pixel by pixel with one-hot masks over the kernel (slow but correct); pool backward adds dout times an == mask, so every tied maximum gets the gradient."""
SEEN_IN = "A-Jacobson/deeplearning_computervision, assignment2/cs231n/layers.py (mining report row #11)"
BUGS = [
    "max_pool2d_backward gives the gradient to every tied maximum (PyTorch: first maximum only)",
]
LOST = {
    'max_pool2d_backward_vs_torch': 'gradient sent to every tied maximum',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    S_h, S_w = pair(stride)
    P_h, P_w = pair(padding)
    x_padded = np.pad(x, ((0, 0), (0, 0), (P_h, P_h), (P_w, P_w)), mode="constant")
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    N, F, H_out, W_out = dout.shape

    dw = np.zeros((F, C, HH, WW))
    for f in range(F):
        for c in range(C):
            for i in range(HH):
                for j in range(WW):
                    sub = x_padded[:, c, i:i + H_out * S_h:S_h, j:j + W_out * S_w:S_w]
                    dw[f, c, i, j] = np.sum(dout[:, f, :, :] * sub)

    db = np.zeros((F))
    for f in range(F):
        db[f] = np.sum(dout[:, f, :, :])

    dx = np.zeros((N, C, H, W))
    for n in range(N):
        for i in range(H):
            for j in range(W):
                for f in range(F):
                    for k in range(H_out):
                        for l in range(W_out):
                            row_mask = np.zeros_like(w[f, :, :, :])
                            col_mask = np.zeros_like(w[f, :, :, :])
                            if 0 <= i + P_h - k * S_h < HH:
                                row_mask[:, i + P_h - k * S_h, :] = 1.0
                            if 0 <= j + P_w - l * S_w < WW:
                                col_mask[:, :, j + P_w - l * S_w] = 1.0
                            picked = np.sum(w[f, :, :, :] * row_mask * col_mask, axis=(1, 2))
                            dx[n, :, i, j] += dout[n, f, k, l] * picked
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    Hp, Wp = pair(kernel_size)
    Sh, Sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H1 = (H - Hp) // Sh + 1
    W1 = (W - Wp) // Sw + 1
    dx = np.zeros((N, C, H, W))
    for n in range(N):
        for c in range(C):
            for k in range(H1):
                for l in range(W1):
                    region = x[n, c, k * Sh:k * Sh + Hp, l * Sw:l * Sw + Wp]
                    top = np.max(region)
                    dx[n, c, k * Sh:k * Sh + Hp, l * Sw:l * Sw + Wp] += dout[n, c, k, l] * (region == top)
    return dx

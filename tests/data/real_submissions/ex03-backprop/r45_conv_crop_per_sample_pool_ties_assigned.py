"""Conv backward pads one sample at a time and assigns its [pad:-pad] crop into dx (raises at padding 0); pool backward casts an == mask to int and assigns it times dout over the whole window."""
SEEN_IN = "BatyrM/CS231n-Spring-2020, assignment2/cs231n/layers.py (mining report row #45)"
BUGS = [
    "conv2d_backward crops each sample with [pad:-pad] and assigns it into the preallocated dx, so padding 0 on an axis raises ValueError",
    "max_pool2d_backward gives the gradient to every tied maximum (PyTorch: first maximum only)",
    "max_pool2d_backward assigns (=) the whole window slice, so with overlapping windows a later window wipes what earlier ones sent to shared pixels",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
    'max_pool2d_backward_examples': "window's gradient assigned, not added",
    'max_pool2d_backward_vs_torch': "gradient sent to every tied maximum, and window's gradient assigned, not added",
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_prime, W_prime = dout.shape[2], dout.shape[3]
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(F)
    for i in range(N):
        dx_pad = np.pad(dx[i, :, :, :], ((0, 0), (ph, ph), (pw, pw)), "constant")
        x_pad = np.pad(x[i, :, :, :], ((0, 0), (ph, ph), (pw, pw)), "constant")
        for f in range(F):
            for hp in range(H_prime):
                for wp in range(W_prime):
                    hi, hf = hp * sh, hp * sh + HH
                    wi, wf = wp * sw, wp * sw + WW
                    dx_pad[:, hi:hf, wi:wf] += w[f, :, :, :] * dout[i, f, hp, wp]
                    dw[f, :, :, :] += x_pad[:, hi:hf, wi:wf] * dout[i, f, hp, wp]
                    db[f] += dout[i, f, hp, wp]
        dx[i, :, :, :] = dx_pad[:, ph:-ph, pw:-pw]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H_prime, W_prime = dout.shape
    dx = np.zeros(x.shape)
    for i in range(N):
        xi = x[i, :, :, :]
        for c in range(C):
            for hp in range(H_prime):
                for wp in range(W_prime):
                    hi, hf = hp * sh, hp * sh + kh
                    wi, wf = wp * sw, wp * sw + kw
                    mask = (xi[c, hi:hf, wi:wf] == np.max(xi[c, hi:hf, wi:wf])).astype(int)
                    dx[i, c, hi:hf, wi:wf] = mask * dout[i, c, hp, wp]
    return dx

"""Loops over sample, channel and dout position; each window slice of dx is replaced by (window == max) * dout, so tied maxima all get the gradient and overlapping windows overwrite each other."""
SEEN_IN = "mjfox314/Deep_Learning-CS7643, assignment2/part1-convnet/modules/max_pool.py (mining report row #17)"
BUGS = [
    "every tied maximum in a window receives the gradient (PyTorch: first maximum only)",
    "the whole window slice of dx is assigned (=) instead of added, so with overlapping windows a later window wipes what earlier ones sent to shared pixels",
]
LOST = {
    'max_pool2d_backward_examples': "window's gradient assigned, not added",
    'max_pool2d_backward_vs_torch': "gradient sent to every tied maximum, and window's gradient assigned, not added",
}


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    batch, channels, height, width = dout.shape
    dx = np.zeros(x.shape)
    for b in range(batch):
        for ch in range(channels):
            for h in range(height):
                h0 = h * sh
                for v in range(width):
                    w0 = v * sw
                    block = x[b, ch, h0:h0 + kh, w0:w0 + kw]
                    hit = block == np.max(block)
                    dx[b, ch, h0:h0 + kh, w0:w0 + kw] = hit * dout[b, ch, h, v]
    return dx

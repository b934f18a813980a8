"""corr2d computes true convolution: the kernel is flipped."""
EXPECTED_MISTAKE = "kernel flipped"
LOST_TESTS = ["corr2d_examples", "corr2d_vs_torch"]


def corr2d(image, kernel):
    kernel = kernel[::-1, ::-1]
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i:i + kh, j:j + kw] * kernel).sum()
    return out

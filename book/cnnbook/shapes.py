"""Output sizes of convolution and pooling layers, and the shapes through a
network (chapter 3)."""
import torch


def conv_output_size(input_size, kernel_size, stride=1, padding=0,
                     dilation=1):
    """Number of window positions along one axis (PyTorch's rule, floor
    division). Pooling windows slide the same way, so it covers them too."""
    for name, value, smallest in [
            ("input_size", input_size, 1), ("kernel_size", kernel_size, 1),
            ("stride", stride, 1), ("padding", padding, 0),
            ("dilation", dilation, 1)]:
        if not isinstance(value, int) or value < smallest:
            raise ValueError(
                f"{name} must be an integer >= {smallest}, got {value!r}")
    padded = input_size + 2 * padding
    span = dilation * (kernel_size - 1) + 1  # pixels one window covers
    if span > padded:
        raise ValueError(f"a window of {span} pixels does not fit "
                         f"in {padded} padded pixels")
    return (padded - span) // stride + 1


def trace_shapes(model, x, layer_types=None):
    """Run `x` through `model` once; return (name, module, output shape) for
    each layer, in the order the layers ran: every leaf module, or only
    the modules of `layer_types`."""
    records, handles = [], []
    for name, module in model.named_modules():
        if layer_types:
            wanted = isinstance(module, layer_types)
        else:
            wanted = not any(module.children())  # a leaf: no submodules
        if wanted:
            # PyTorch calls a forward hook each time the module has
            # computed its output.
            def record(module, inputs, output, name=name):
                records.append((name, module, tuple(output.shape)))
            handles.append(module.register_forward_hook(record))
    try:
        with torch.no_grad():
            model(x)
    finally:  # remove the hooks even if the forward pass fails
        for handle in handles:
            handle.remove()
    return records

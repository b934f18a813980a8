"""Where a function goes wrong, when no known mistake explains it: facts about the cell's
answers, never a guess. Which kind of input every wrong answer shares and every right one
lacks (stride > 1, padding, a batch...), and where in a wrong array the wrong values sit.
A student who reads "every case with stride > 1 is wrong" knows where to look."""
import inspect

from autograder.judge.mistakes import pair


def _array_shape(value):
    import numpy as np
    return np.shape(value) if isinstance(value, np.ndarray) else None


def _properties(reference, case):
    """name -> whether this case has it: settings away from their defaults, and the
    shapes of the array inputs (a batch, several channels, non-square images or kernels)."""
    found = {}
    try:
        parameters = inspect.signature(reference).parameters
        bound = inspect.signature(reference).bind(*case.args, **case.kwargs).arguments
    except (TypeError, ValueError):
        return found
    arrays = 0
    for name, parameter in parameters.items():
        value = bound.get(name, parameter.default)
        if parameter.default is inspect.Parameter.empty:
            shape = _array_shape(value)
            if shape is not None and len(shape) == 4:
                if arrays == 0:   # the first array holds the images; a kernel's axis 0 does not
                    found["more than one image"] = shape[0] > 1
                found[f"a non-square {name}"] = shape[2] != shape[3]
                arrays += 1
            continue
        if name == "stride" and value is None:   # pooling: stride=None is the kernel size
            continue
        if isinstance(value, (int, tuple, list)) and not isinstance(value, bool):
            default = parameter.default
            if isinstance(default, int) and not isinstance(default, bool):
                found[f"{name} other than {default}"] = pair(value) != (default, default)
                if default == 0:
                    found[f"{name} 0 on one axis only"] = 0 in pair(value) and pair(value) != (0, 0)
        elif isinstance(value, bool) or value is None:
            found[f"{name}={parameter.default!r} changed"] = value != parameter.default
    if "kernel_size" in bound:   # pooling: windows that overlap, or leave pixels over
        kernel = pair(bound["kernel_size"])
        stride = pair(bound.get("stride") if bound.get("stride") is not None else bound["kernel_size"])
        found["overlapping windows"] = stride[0] < kernel[0] or stride[1] < kernel[1]
        image = next((_array_shape(v) for v in reversed(bound.values()) if _array_shape(v) is not None
                      and len(_array_shape(v)) == 4), None)
        if image is not None:
            found["windows that do not fit evenly"] = any(
                (size - k) % s for size, k, s in zip(image[2:], kernel, stride))
    return found


def separating(reference, cases, wrong):
    """The properties that every wrong case has and every right case lacks (each group
    non-empty), as words; [] if none."""
    if not any(wrong) or all(wrong):
        return []
    table = [_properties(reference, case) for case in cases]
    names = set.intersection(*(set(row) for row in table)) if table else set()
    return sorted(name for name in names
                  if all(row[name] == bad for row, bad in zip(table, wrong)))


def where_wrong(got, right, rtol, atol):
    """Where a wrong array of the right shape (N, C, H, W) differs: facts that hold for
    every wrong value, as words; "" if no simple place."""
    import numpy as np
    if got.ndim != 4 or got.shape != right.shape:
        return ""
    bad = ~np.isclose(got, right, rtol=rtol, atol=atol)
    if not bad.any():
        return ""
    n, c, h, w = bad.shape
    facts = []
    if n > 1 and not bad[0].any():
        facts.append("the first image is right and a later one is not")
    elif n > 1 and not bad[1:].any():
        facts.append("only the first image is wrong")
    if c > 1 and not bad[:, 1:].any():
        facts.append("only channel 0 is wrong")
    if h > 2 and w > 2:
        inner = bad[:, :, 1:-1, 1:-1]
        if not inner.any():
            facts.append("every wrong value is on the outer border")
        elif not bad[:, :, :, :-1].any():
            facts.append("only the last column is wrong")
        elif not bad[:, :, :-1, :].any():
            facts.append("only the last row is wrong")
    return "; ".join(facts)


def shape_fact(got, right):
    """How a wrong shape differs from the right one, per axis, in words; "" if not simply."""
    if len(got) != len(right):
        return ""
    names = ["batch", "channels", "height", "width"] if len(right) == 4 else [f"axis {i}" for i in range(len(right))]
    if len(right) == 4 and tuple(got[2:]) == tuple(right[2:])[::-1] and got[:2] == right[:2]:
        return "height and width are swapped"
    facts = []
    for name, g, r in zip(names, got, right):
        if g == r:
            continue
        if g == 0:
            facts.append(f"the {name} axis is empty")
        elif abs(g - r) <= 2:
            facts.append(f"the {name} is {abs(g - r)} {'short' if g < r else 'too long'}")
        else:
            facts.append(f"the {name} is {g} instead of {r}")
    return "; ".join(facts)

"""Exercise 5, normalisation: PyTorch's batch norm and its gradients, the known mistakes,
and how the outputs of the student's dropout are judged on their statistics."""
import numpy as np

from autograder.judge.ex02 import _t
from autograder.judge.ex04 import _raised  # a probe's exception, as the message says it
from autograder.judge.mistakes import Failure, Mistake, Mistakes, both
from autograder.kernel import ex05_probes as probes

# The helper modules the test cells import, as the grader loads them.
HELPERS = {"probes": probes}

CHANNEL = (1, -1, 1, 1)   # a per-channel vector, broadcast against (N, C, H, W)
BATCH_AND_SPACE = (0, 2, 3)


# ---------------------------------------------------------------------------------------
# The references: PyTorch in float64.

def batchnorm2d_forward(x, gamma, beta, running_mean, running_var, training=True,
                        momentum=0.1, eps=1e-5):
    import torch.nn.functional as F
    mean, var = _t(running_mean).clone(), _t(running_var).clone()   # updated in place
    out = F.batch_norm(_t(x), mean, var, _t(gamma), _t(beta), training, momentum, eps)
    return out.numpy(), mean.numpy(), var.numpy()


def batchnorm2d_backward(dout, x, gamma, eps=1e-5):
    import torch
    import torch.nn.functional as F
    x_, gamma_ = _t(x).requires_grad_(True), _t(gamma).requires_grad_(True)
    beta_ = torch.zeros(len(gamma_), dtype=torch.float64, requires_grad=True)
    F.batch_norm(x_, None, None, gamma_, beta_, True, 0.1, eps).backward(_t(dout))
    return x_.grad.numpy(), gamma_.grad.numpy(), beta_.grad.numpy()


def dropout(x, p, training=True, rng=None):
    """Inverted dropout, as torch.nn.functional.dropout (the probe's reference)."""
    if not training:
        return x
    rng = rng if rng is not None else np.random.default_rng()
    return x * (rng.random(np.shape(x)) >= p) / (1 - p)


# What importing torch or scipy in this exercise is called (they are withheld while grading).
LIBRARY_USED = Mistake(
    "library used",
    "This exercise is about writing batch norm and dropout yourself, so PyTorch's earns no "
    "points here: numpy only.", None)

REFERENCES = {f.__name__: f for f in (batchnorm2d_forward, batchnorm2d_backward, dropout)}


# ---------------------------------------------------------------------------------------
# Known mistakes of batch norm. Each variant returns what the graded function returns; a
# part it cannot predict (the running statistics of statistics over the wrong axes) is
# None, and is not compared.

def _forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5,
             *, axes=BATCH_AND_SPACE, reshaped=False, normalise_ddof=0, running_ddof=1,
             weights_swapped=False, updates=True, eval_batch=False, eval_updates=False,
             eps_outside=False):
    """The forward pass as a student computes it, with one of the known slips: statistics
    over other `axes`, or over x.reshape(-1, C) without moving the channel axis last
    (`reshaped`); the variance's ddof to normalise and to update the running variance;
    the momentum's weights swapped; no update in training; the batch's statistics in
    eval mode; an update in eval mode; eps outside the square root."""
    x = np.asarray(x, dtype="float64")
    gamma, beta = np.asarray(gamma, dtype="float64"), np.asarray(beta, dtype="float64")
    mean_, var_ = np.array(running_mean, dtype="float64"), np.array(running_var, dtype="float64")
    if reshaped:   # 2-D batch norm on the rows: each row mixes channels and positions
        rows = x.reshape(-1, x.shape[1])
        batch_mean = rows.mean(axis=0)
        batch_var = rows.var(axis=0, ddof=normalise_ddof)
        running = rows.var(axis=0, ddof=running_ddof)
        rows_out = gamma * (rows - batch_mean) / np.sqrt(batch_var + eps) + beta
    else:
        batch_mean = x.mean(axis=axes, keepdims=True)
        batch_var = x.var(axis=axes, ddof=normalise_ddof, keepdims=True)
        running = x.var(axis=axes, ddof=running_ddof, keepdims=True)
    if reshaped and (training or eval_batch):
        out = rows_out.reshape(x.shape)
    else:
        mean, var = (batch_mean, batch_var) if training or eval_batch else (
            mean_.reshape(CHANNEL), var_.reshape(CHANNEL))
        spread = np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps)
        out = gamma.reshape(CHANNEL) * (x - mean) / spread + beta.reshape(CHANNEL)
    if (training and updates) or (not training and eval_updates):
        if axes != BATCH_AND_SPACE and not reshaped:
            return out, None, None   # statistics of another shape: no guess how they were kept
        new, old = (1 - momentum, momentum) if weights_swapped else (momentum, 1 - momentum)
        mean_ = old * mean_ + new * batch_mean.reshape(-1)
        var_ = old * var_ + new * running.reshape(-1)
    return out, mean_, var_


def _forward_mistake(name, explanation, **slip):
    return Mistake(name, explanation, lambda *args, **kwargs: _forward(*args, **kwargs, **slip))


WRONG_AXES = ("Batch norm keeps one mean and one variance per channel, over the batch and "
              "both spatial axes: x.mean(axis=(0, 2, 3)), and likewise the variance.")

BATCHNORM2D_FORWARD_MISTAKES = Mistakes([
    _forward_mistake("statistics over the wrong axes", WRONG_AXES + " Over (2, 3) alone each "
                     "image is normalised on its own (that is instance norm).", axes=(2, 3)),
    _forward_mistake("statistics over the wrong axes", WRONG_AXES + " Over axis 0 alone every "
                     "pixel position gets statistics of its own.", axes=(0,)),
    _forward_mistake("statistics over the wrong axes", WRONG_AXES + " Over (1, 2, 3) each image "
                     "is normalised on its own (that is layer norm).", axes=(1, 2, 3)),
    _forward_mistake("statistics over the wrong axes", WRONG_AXES + " Over every axis at once, "
                     "all channels share one mean and one variance.", axes=(0, 1, 2, 3)),
    _forward_mistake("channels mixed by a reshape",
                     "x.reshape(-1, C) does not put each channel in a column: the channel axis "
                     "is second, so move it last first: x.transpose(0, 2, 3, 1).reshape(-1, C).",
                     reshaped=True),
    BIASED_RUNNING := _forward_mistake(
        "running variance updated with the biased variance",
        "Normalise with the biased variance (np.var's default, ddof=0), but update the running "
        "variance with the unbiased one (ddof=1, divided by m - 1 for m values), as PyTorch does.",
        running_ddof=0),
    _forward_mistake("normalised with the unbiased variance",
                     "Normalise with the biased variance of the batch (ddof=0); only the running "
                     "variance is updated with the unbiased one (ddof=1).",
                     normalise_ddof=1),
    _forward_mistake("biased and unbiased variance swapped",
                     "Normalise with the biased variance (ddof=0) and update the running "
                     "variance with the unbiased one (ddof=1), not the other way round.",
                     normalise_ddof=1, running_ddof=0),
    _forward_mistake("momentum weights swapped",
                     "new = (1 - momentum) * running + momentum * batch: with momentum=0.1 the "
                     "running statistics move a tenth of the way towards the batch's.",
                     weights_swapped=True),
    _forward_mistake("running statistics not updated in training",
                     "In training mode, return the running mean and variance moved towards the "
                     "batch's statistics: eval mode will need them.",
                     updates=False),
    EVAL_BATCH := _forward_mistake(
        "batch statistics used in eval mode",
        "In eval mode, normalise with running_mean and running_var: a prediction must not "
        "depend on the other images of the batch.",
        eval_batch=True),
    EVAL_UPDATES := _forward_mistake(
        "running statistics updated in eval mode",
        "In eval mode, return running_mean and running_var unchanged: evaluation must not "
        "change the model.",
        eval_updates=True),
    _forward_mistake("eps added outside the square root",
                     "Divide by np.sqrt(var + eps), as PyTorch does, not np.sqrt(var) + eps.",
                     eps_outside=True),
])
BATCHNORM2D_FORWARD_MISTAKES += [
    # training=... ignored altogether: eval mode computes what training mode does
    both(EVAL_BATCH, EVAL_UPDATES, lambda *args, **kwargs:
         _forward(*args, **kwargs, eval_batch=True, eval_updates=True)),
]


def _backward(dout, x, gamma, eps=1e-5, *, through_mean=True, through_var=True,
              gamma_in_dx=True, sum_axes=BATCH_AND_SPACE, dgamma_from_x=False, ddof=0,
              reshaped=False):
    """(dx, dgamma, dbeta) as a student computes them, with one of the known slips: the
    paths through the mean or the variance left out of dx; gamma left out of dx; dgamma
    and dbeta summed over other axes; dgamma from x instead of x-hat; the unbiased
    variance; the rows of x.reshape(-1, C) taken as the channels."""
    dout, x = np.asarray(dout, dtype="float64"), np.asarray(x, dtype="float64")
    gamma = np.asarray(gamma, dtype="float64")
    if reshaped:
        dx, dgamma, dbeta = _backward(dout.reshape(-1, x.shape[1])[:, :, None, None],
                                      x.reshape(-1, x.shape[1])[:, :, None, None], gamma, eps)
        return dx.reshape(x.shape), dgamma, dbeta
    mean = x.mean(axis=BATCH_AND_SPACE, keepdims=True)
    inv_std = 1 / np.sqrt(x.var(axis=BATCH_AND_SPACE, ddof=ddof, keepdims=True) + eps)
    x_hat = (x - mean) * inv_std
    dx_hat = dout * (gamma.reshape(CHANNEL) if gamma_in_dx else 1)
    dx = dx_hat
    if through_mean:
        dx = dx - dx_hat.mean(axis=BATCH_AND_SPACE, keepdims=True)
    if through_var:
        dx = dx - x_hat * (dx_hat * x_hat).mean(axis=BATCH_AND_SPACE, keepdims=True)
    dgamma = (dout * (x if dgamma_from_x else x_hat)).sum(axis=sum_axes)
    return dx * inv_std, dgamma, dout.sum(axis=sum_axes)


def _backward_mistake(name, explanation, **slip):
    return Mistake(name, explanation, lambda *args, **kwargs: _backward(*args, **kwargs, **slip))


NOT_SUMMED = ("gamma[c] and beta[c] act on every value of channel c, in every image: sum "
              "their gradients over the batch and both spatial axes, axis=(0, 2, 3).")

BATCHNORM2D_BACKWARD_MISTAKES = Mistakes([
    _backward_mistake("batch statistics treated as constants",
                      "The mean and the variance are computed from x, so they pass gradient "
                      "to x too: dx has three terms, through x - mean directly, through the "
                      "mean, and through the variance.",
                      through_mean=False, through_var=False),
    _backward_mistake("dx missing the path through the variance",
                      "The variance depends on x as well: dx loses x_hat * mean(dx_hat * "
                      "x_hat), per channel.", through_var=False),
    _backward_mistake("dx missing the path through the mean",
                      "The mean depends on x as well: dx loses mean(dx_hat), per channel.",
                      through_mean=False),
    _backward_mistake("gamma left out of dx",
                      "out = gamma * x_hat + beta, so the gradient reaching x_hat is dout * "
                      "gamma, not dout.", gamma_in_dx=False),
    _backward_mistake("dgamma and dbeta not summed over batch and space",
                      NOT_SUMMED, sum_axes=(0,)),
    _backward_mistake("dgamma and dbeta not summed over batch and space",
                      NOT_SUMMED, sum_axes=(2, 3)),
    _backward_mistake("dgamma computed from x instead of x-hat",
                      "out = gamma * x_hat + beta: dgamma sums dout * x_hat, the normalised "
                      "input, not dout * x.", dgamma_from_x=True),
    _backward_mistake("unbiased variance in the backward pass",
                      "The training forward pass normalises with the biased variance "
                      "(ddof=0): its gradient must use the same one.", ddof=1),
    _backward_mistake("channels mixed by a reshape",
                      "x.reshape(-1, C) does not put each channel in a column: the channel "
                      "axis is second, so move it last first: x.transpose(0, 2, 3, 1)"
                      ".reshape(-1, C), and move it back afterwards.", reshaped=True),
])


# ---------------------------------------------------------------------------------------
# Dropout, judged on the statistics of what it returned.

DROPOUT_MISTAKES = {
    "kept-share": Mistake(
        "p taken as the probability of keeping",
        "Here p is the probability of dropping a value, as in torch.nn.Dropout: keep a value "
        "where rng.random(x.shape) >= p, and scale what is kept by 1 / (1 - p).", None),
    "not-rescaled": Mistake(
        "kept values not rescaled",
        "Scale the values you keep by 1 / (1 - p), so that the output's expected value is x "
        "and eval mode can return x unchanged (inverted dropout).", None),
    "rescaled-by-p": Mistake(
        "kept values rescaled by 1/p",
        "A value is kept with probability 1 - p, so scale it by 1 / (1 - p), not 1 / p.", None),
    "eval-dropped": Mistake(
        "dropout applied in eval mode",
        "With training=False, return x unchanged: nothing is dropped at prediction time.", None),
    "eval-scaled": Mistake(
        "output scaled in eval mode",
        "With inverted dropout the scaling happens in training, so with training=False "
        "return x itself, unscaled.", None),
    "rng-ignored": Mistake(
        "the rng argument ignored",
        "Draw the mask from the generator passed in (rng.random(x.shape)), so that the same "
        "seed gives the same mask; make one only when rng is None.", None),
    "no-rng": Mistake(
        "rng=None not handled",
        "When no generator is passed, make one: rng = np.random.default_rng().", None),
    "batch-shared": Mistake(
        "one mask for the whole batch",
        "Draw a mask of x's full shape: each value of each image is dropped on its own.", None),
    "whole-maps": Mistake(
        "whole feature maps dropped",
        "That is torch.nn.Dropout2d. Plain dropout drops each value on its own: draw a mask of "
        "x's full shape.", None),
    "in-place": Mistake(
        "x changed in place",
        "Return a new array (x * mask / (1 - p)) and leave x as it was: the caller still needs "
        "it, and torch's dropout does not change its input either.", None),
}


def _percent(share):
    return f"{100 * share:.1f}%"


def _dropout_facts(p, x, seen):
    """(a sentence for each way the outputs go wrong, the key of each known mistake that
    explains one of them), or a sentence alone when an output is not even an array."""
    rng_text = "rng=np.random.default_rng(...)"
    calls = {"training": f"dropout(x, {p}, training=True, {rng_text})",
             "same_seed": f"dropout(x, {p}, {rng_text})",
             "other_seed": f"dropout(x, {p}, {rng_text})",
             "no_rng": f"dropout(x, {p})",
             "eval": f"dropout(x, {p}, training=False)"}
    for key, call in calls.items():
        value = seen[key]
        if isinstance(value, dict) and "raised" in value:
            if key == "no_rng":
                return [f"{_raised(calls[key], value)}; without a generator it must make "
                        "its own"], ["no-rng"]
            return [_raised(call, value)], []
        wanted = "bool" if key in ("same_seed", "other_seed", "no_rng") else "float"
        if type(value) is not np.ndarray or value.shape != x.shape:
            what = f"shape {value.shape}" if type(value) is np.ndarray else type(value).__name__
            return [f"{call} returned {what}; expected an array of x's shape {x.shape}"], []
        if wanted == "float" and value.dtype.kind not in "iuf":
            return [f"{call} returned an array of {value.dtype}; expected numbers"], []

    facts, keys = [], []
    out = seen["training"].astype("float64")
    dropped = out == 0
    # a mask drawn per feature map, or once for the whole batch, has fewer independent
    # draws: its share of zeros varies more, and is judged with that many draws
    structure, draws = None, dropped.size
    if 0 < p < 1 and dropped.any() and not dropped.all():
        planes = dropped.reshape(*x.shape[:2], -1)
        if len(x) > 1 and all(np.array_equal(image, dropped[0]) for image in dropped):
            structure, draws = "batch-shared", dropped[0].size
        elif (planes.all(axis=2) | (~planes).all(axis=2)).all():
            structure, draws = "whole-maps", planes.shape[0] * planes.shape[1]
    share = dropped.mean()
    margin = 5 * np.sqrt(p * (1 - p) / draws) + 1 / draws   # five standard deviations
    if abs(share - p) > margin:
        facts.append(f"in training it dropped {_percent(share)} of the values; expected about "
                     f"{_percent(p)} for p={p} (from {_percent(max(p - margin, 0))} to "
                     f"{_percent(min(p + margin, 1))} over {draws} random draws)")
        if abs(share - (1 - p)) <= margin:
            keys.append("kept-share")
    kept = ~dropped
    if kept.any():
        scale = out[kept] / x[kept]
        right = 1 / (1 - p)
        if not np.allclose(scale, right, rtol=1e-6):
            constant = np.allclose(scale, scale[0], rtol=1e-6)
            facts.append(f"it multiplied the values it kept by {scale[0]:.4g}" if constant else
                         f"it multiplied the values it kept by {scale.min():.4g} to {scale.max():.4g}")
            facts[-1] += f"; expected 1 / (1 - p) = {right:.4g}, which keeps the mean of x"
            if constant and np.isclose(scale[0], 1):
                keys.append("not-rescaled")
            elif constant and p > 0 and np.isclose(scale[0], 1 / p):
                keys.append("rescaled-by-p")
    if seen["input_changed"]:
        facts.append("it changed its input x; expected x left as it was")
        keys.append("in-place")
    if 0 < p < 1 and dropped.any() and kept.any():
        if not np.array_equal(seen["same_seed"], dropped):
            facts.append("two generators made with the same seed gave different masks; expected "
                         "the same mask from the same seed")
            keys.append("rng-ignored")
        elif np.array_equal(seen["other_seed"], dropped):
            facts.append("generators with different seeds gave the same mask; expected the mask "
                         "to come from the generator")
            keys.append("rng-ignored")
    if structure == "batch-shared":
        facts.append("every image of the batch got the same mask; expected each value dropped "
                     "on its own")
        keys.append(structure)
    elif structure == "whole-maps":
        facts.append("it dropped whole feature maps (each channel of each image all kept or all "
                     "dropped); expected each value dropped on its own")
        keys.append(structure)
    evaluated = seen["eval"].astype("float64")
    if not np.array_equal(evaluated, x):
        if (evaluated == 0).any():
            facts.append(f"in eval mode it dropped {_percent((evaluated == 0).mean())} of the "
                         "values; expected x unchanged")
            keys.append("eval-dropped")
        else:
            ratio = evaluated / x
            facts.append((f"in eval mode it multiplied x by {ratio.flat[0]:.4g}"
                          if np.allclose(ratio, ratio.flat[0]) else "in eval mode it changed x")
                         + "; expected x unchanged")
            keys.append("eval-scaled")
    return facts, keys


def _dropout_problem(case, seen, expected):
    p = case.kwargs["p"]
    seed, shape = case.kwargs.get("seed", 0), tuple(case.kwargs.get("shape", (4, 4, 12, 12)))
    x = probes.dropout_input(seed, shape)
    facts, keys = _dropout_facts(p, x, seen)
    if not facts:
        return None
    # a mistake is named only when it explains every fact; two facts, two known mistakes
    mistake = None
    if keys and len(keys) == len(facts) and len(keys) <= 2:
        named = [DROPOUT_MISTAKES[key] for key in keys]
        mistake = named[0] if len(named) == 1 else both(*named, None)
    if keys == ["kept-share", "rescaled-by-p"]:   # one slip: p read as the keep probability
        mistake = DROPOUT_MISTAKES["kept-share"]
    where = f"On an input x of shape {shape} with values in [0.5, 1.5) and p={p}: "
    return Failure(where + "; ".join(facts) + ".", mistake)


PROBES = {"run_dropout": (lambda case: None, _dropout_problem)}

MISTAKES = {"batchnorm2d_forward": BATCHNORM2D_FORWARD_MISTAKES,
            "batchnorm2d_backward": BATCHNORM2D_BACKWARD_MISTAKES}

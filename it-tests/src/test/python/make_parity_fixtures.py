#!/usr/bin/python3
"""Generates the PyTorch parity fixtures that PyTorchParityTest compares Kiln against.

Run once from the repository root, and commit what it writes (CI needs no Python):

    /usr/bin/python3 it-tests/src/test/python/make_parity_fixtures.py

Needs PyTorch and numpy (Debian: python3-torch, python3-numpy). For each network it writes
it-tests/src/test/resources/dev/kiln/it/parity/NAME.safetensors holding, in PyTorch's names and
layouts:

    input, labels          a batch (labels as float32 integers)
    logits                 inference logits (no dropout), float64 reference rounded to float32
    eval_loss, train_loss  mean softmax cross-entropy plus the L2 terms, without and with dropout
    weight/P               every parameter's initial value
    grad/P                 the gradient of the training loss (dropout on, L2 terms excluded, as
                           Kiln's Parameter.grad() holds it) for every trainable parameter
    adam/P, sgd/P, rmsprop/P   every parameter after one step of torch.optim.Adam(lr 1e-3),
                           SGD(lr 0.05, momentum 0.9) and RMSprop(lr 1e-3, alpha 0.9, eps 1e-8),
                           each from the initial weights, with weight_decay = the layer's l2

Everything is computed in float64 from float32 inputs. Dropout uses Kiln's own mask (a hash of
seed, step, example and NHWC position, dev.kiln.runtime.model.DropoutMask), reproduced here.

Size: the seed networks hold up to 3.3 M weights, too many to commit five times over. So every
initial weight comes from a hash both sides compute (uniform in [-b, b), b = sqrt(6 / fan-in), He's uniform, the
bits given by SplitMix64 of the seed, the tensor's index and the element's index, see weights()),
and for a tensor of more than SAMPLE values the file keeps every k-th element only (k, odd, in the
metadata as "stride/P"); the optimizers work element by element, so a sample checks them as well
as the whole, and the Java test checks that the weights it generates equal the stored ones.
"""
import math
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

# The repository's numpy-only safetensors reader and writer.
sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tools"))
import safetensors_numpy  # noqa: E402

OUT = Path("it-tests/src/test/resources/dev/kiln/it/parity")
SAMPLE = 4096
WEIGHT_SEED = 20261201
DROPOUT_SEED = 7
LR = {"adam": 1e-3, "sgd": 0.05, "rmsprop": 1e-3}

# ---- the networks, as their annotated classes declare them ----
# conv: (name, filters, kh, kw, stride, mode, padding, activation, l2, trainable)
# pool: (name, "max"|"avg", size, stride, mode, padding); gap: (name,); dense: (name, units, activation, l2, trainable)


def conv(name, filters, k, stride=1, mode="EXPLICIT", padding=0, act="NONE", l2=0.0, trainable=True, kw=None):
    return ("conv", name, filters, k, kw or k, stride, mode, padding, act, l2, trainable)


def pool(name, kind, size, stride=0, mode=None, padding=0):
    """Kiln's default is VALID, or explicit padding when the layer gives one."""
    return ("pool", name, kind, size, stride or size, mode or ("EXPLICIT" if padding else "VALID"), padding)


def dense(name, units, act="NONE", l2=0.0, trainable=True):
    return ("dense", name, units, act, l2, trainable)


def dropout(name, rate):
    return ("dropout", name, rate)


def gap(name):
    return ("gap", name)


NETWORKS = {
    # networks/src/main/java/dev/kiln/networks/
    "TfMnist": ((1, 28, 28), 4, [
        conv("conv1", 32, 5, mode="SAME", act="RELU"), pool("pool1", "max", 2),
        conv("conv2", 64, 5, mode="SAME", act="RELU"), pool("pool2", "max", 2),
        dense("fc1", 1024, "RELU"), dropout("dropout", 0.5), dense("logits", 10)]),
    "KerasMnist": ((1, 28, 28), 4, [
        conv("conv1", 32, 3, mode="VALID", act="RELU"), pool("pool1", "max", 2),
        conv("conv2", 64, 3, mode="VALID", act="RELU"), pool("pool2", "max", 2),
        dense("logits", 10)]),
    "PytorchMnist": ((1, 28, 28), 4, [
        conv("conv1", 32, 3, act="RELU"), pool("pool1", "max", 2),
        conv("conv2", 64, 2, act="RELU"), pool("pool2", "max", 2),
        dense("logits", 10)]),
    "Tf1636": ((1, 28, 28), 4, [
        conv("conv1", 16, 5, mode="SAME", act="RELU"), pool("pool1", "max", 2, mode="SAME"),
        conv("conv2", 36, 5, mode="SAME", act="RELU"), pool("pool2", "max", 2, mode="SAME"),
        dense("fc1", 128, "RELU"), dense("logits", 10)]),
    "LenetLike": ((1, 28, 28), 4, [
        conv("conv1", 32, 3, mode="SAME", act="RELU"), pool("pool1", "max", 2, mode="SAME"), dropout("drop1", 0.2),
        conv("conv2", 64, 3, mode="SAME", act="RELU"), pool("pool2", "max", 2, mode="SAME"), dropout("drop2", 0.2),
        conv("conv3", 128, 3, mode="SAME", act="RELU"), pool("pool3", "max", 2, mode="SAME"), dropout("drop3", 0.2),
        dense("fc1", 625, "RELU"), dropout("drop4", 0.5), dense("logits", 10)]),
    "Emotion": ((1, 48, 48), 4, [
        conv("conv1", 32, 5, mode="SAME", act="RELU", l2=0.01), pool("pool1", "max", 2, mode="SAME"),
        conv("conv2", 64, 3, mode="SAME", act="RELU", l2=0.01), pool("pool2", "max", 2, mode="SAME"),
        dense("fc1", 256, "RELU"), dropout("dropout", 0.5), dense("logits", 7)]),
    # it-tests/src/test/java/dev/kiln/it/parity: small architectures for what the seeds lack
    "ParityStrided": ((3, 12, 12), 5, [
        conv("conv1", 8, 4, stride=2, padding=1, act="TANH"), pool("pool1", "avg", 2),
        dense("fc1", 16, "SIGMOID"), dense("logits", 5)]),
    "ParityFrozenGlobal": ((2, 10, 10), 5, [
        conv("conv1", 6, 3, padding=1, act="RELU", trainable=False), pool("pool1", "max", 2),
        conv("conv2", 12, 3, kw=2, mode="VALID", act="RELU"), gap("gap"), dense("logits", 4)]),
    "ParitySameDropout": ((1, 9, 9), 5, [
        conv("conv1", 4, 4, stride=2, mode="SAME", act="RELU"), pool("pool1", "avg", 2, mode="SAME"),
        dropout("drop1", 0.3), dense("fc1", 10, "TANH", l2=0.01), dense("fc2", 6, "RELU", trainable=False),
        dense("logits", 3)]),
    "ParityPaddedPools": ((2, 11, 11), 5, [
        conv("conv1", 5, 3, padding=2, act="SIGMOID"), pool("pool1", "max", 3, stride=2, padding=1),
        pool("pool2", "avg", 3, stride=2, padding=1), dense("logits", 7)]),
}


# ---- Kiln's hashes (dev.kiln.runtime.model.DropoutMask), in wrapping uint64 arithmetic ----
M64 = (1 << 64) - 1


def mix(z):
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(key, positions):
    """(mix(key + 0x165667B19E3779F9 * (position + 1)) >>> 40) * 2^-24, exactly, as float64."""
    with np.errstate(over="ignore"):
        z = np.uint64(int(key)) + np.uint64(0x165667B19E3779F9) * (positions.astype(np.uint64) + np.uint64(1))
    return (mix(z) >> np.uint64(40)).astype(np.float64) * 2.0 ** -24


def example_key(seed, step, example):
    inner = int(mix((seed + 0x9E3779B97F4A7C15 * (step + 1)) & M64))
    return int(mix((inner + 0xC2B2AE3D27D4EB4F * (example + 1)) & M64))


def weights(index, count, bound):
    """Parameter number `index`'s initial values (PyTorch order): (2u - 1) * bound in float32."""
    key = int(mix((WEIGHT_SEED + 0x9E3779B97F4A7C15 * (index + 1)) & M64))
    u = uniform(key, np.arange(count, dtype=np.uint64))
    return (2 * u - 1).astype(np.float32) * np.float32(bound)


def bound(fan_in):
    """He's uniform bound, sqrt(6 / fan-in), as a float32: it keeps the activations' scale through ReLUs."""
    return np.float32(math.sqrt(6 / fan_in))


def dropout_mask(rate, shape, batch, step):
    """Kiln's mask for an input of (C, H, W) = shape: positions are NHWC, values 0 or 1/(1-rate)."""
    c, h, w = shape
    hwc = ((np.arange(h)[None, :, None] * w + np.arange(w)[None, None, :]) * c + np.arange(c)[:, None, None]).ravel()
    keep = np.stack([uniform(example_key(DROPOUT_SEED, step, n), hwc) >= float(np.float32(rate))
                     for n in range(batch)])
    return torch.tensor(keep.reshape(batch, c, h, w), dtype=torch.float64) / (1 - rate)


# ---- shapes and the forward pass ----

def axis(size, kernel, stride, mode, padding):
    """(out, pad before, pad after) as Kiln's Padding defines them."""
    if mode == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + kernel - size, 0)
        return out, total // 2, total - total // 2
    if mode == "VALID":
        return (size - kernel) // stride + 1, 0, 0
    return (size + 2 * padding - kernel) // stride + 1, padding, padding


def parameters(input_shape, layers):
    """[(name, shape, fan_in, l2, trainable)] in layer order, weight before bias."""
    out, c, h, w = [], *input_shape
    for layer in layers:
        if layer[0] == "conv":
            _, name, filters, kh, kw, stride, mode, padding, _, l2, trainable = layer
            out += [(name + ".weight", (filters, c, kh, kw), c * kh * kw, l2, trainable),
                    (name + ".bias", (filters,), c * kh * kw, l2, trainable)]
            c, h, w = filters, axis(h, kh, stride, mode, padding)[0], axis(w, kw, stride, mode, padding)[0]
        elif layer[0] == "pool":
            _, _, _, size, stride, mode, padding = layer
            h, w = axis(h, size, stride, mode, padding)[0], axis(w, size, stride, mode, padding)[0]
        elif layer[0] == "gap":
            h = w = 1
        elif layer[0] == "dense":
            _, name, units, _, l2, trainable = layer
            out += [(name + ".weight", (units, c * h * w), c * h * w, l2, trainable),
                    (name + ".bias", (units,), c * h * w, l2, trainable)]
            c, h, w = units, 1, 1
    return out


def activate(x, act):
    return {"NONE": lambda t: t, "RELU": torch.relu, "SIGMOID": torch.sigmoid, "TANH": torch.tanh}[act](x)


def forward(x, layers, params, step=None):
    """Logits of x (N, C, H, W); dropout with Kiln's masks of `step` when it is not None."""
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            _, name, _, kh, kw, stride, mode, padding, act, _, _ = layer
            _, top, bottom = axis(x.shape[2], kh, stride, mode, padding)
            _, left, right = axis(x.shape[3], kw, stride, mode, padding)
            x = F.conv2d(F.pad(x, (left, right, top, bottom)), params[name + ".weight"], params[name + ".bias"], stride=stride)
            x = activate(x, act)
        elif kind == "pool":
            _, _, pool_kind, size, stride, mode, padding = layer
            _, top, bottom = axis(x.shape[2], size, stride, mode, padding)
            _, left, right = axis(x.shape[3], size, stride, mode, padding)
            pads = (left, right, top, bottom)
            if pool_kind == "max":
                x = F.max_pool2d(F.pad(x, pads, value=-math.inf), size, stride)
            else:  # the mean of the cells inside the input: padding is not counted
                ones = torch.ones_like(x[:1, :1])
                x = F.avg_pool2d(F.pad(x, pads), size, stride) / F.avg_pool2d(F.pad(ones, pads), size, stride)
        elif kind == "gap":
            x = x.mean(dim=(2, 3), keepdim=True)
        elif kind == "dense":
            _, name, _, act, _, _ = layer
            x = activate(x.reshape(x.shape[0], -1) @ params[name + ".weight"].T + params[name + ".bias"], act)
            x = x.reshape(x.shape[0], -1, 1, 1)
        elif kind == "dropout" and step is not None:
            x = x * dropout_mask(layer[2], tuple(x.shape[1:]), x.shape[0], step)
    return x.reshape(x.shape[0], -1)


def l2_term(params, specs):
    return sum(l2 * (params[name] ** 2).sum() / 2 for name, _, _, l2, _ in specs if l2 != 0)


def stride_for(count):
    """1 below SAMPLE values, else the smallest odd k with count / k <= SAMPLE."""
    if count <= SAMPLE:
        return 1
    k = -(-count // SAMPLE)
    return k if k % 2 == 1 else k + 1


def make(name, input_shape, batch, layers, rng):
    specs = parameters(input_shape, layers)
    initial = {}
    for index, (pname, shape, fan_in, _, _) in enumerate(specs):
        initial[pname] = weights(index, int(np.prod(shape)), bound(fan_in)).reshape(shape)
    images = rng.random((batch, *input_shape), dtype=np.float32)
    classes = specs[-1][1][0]
    labels = rng.integers(0, classes, size=batch)
    x = torch.tensor(images, dtype=torch.float64)
    y = torch.tensor(labels)

    def fresh():
        return {p: torch.tensor(v, dtype=torch.float64, requires_grad=trainable)
                for (p, _, _, _, trainable), v in zip(specs, initial.values())}

    params = fresh()
    with torch.no_grad():
        logits = forward(x, layers, params)
        eval_loss = F.cross_entropy(logits, y) + l2_term(params, specs)
    data_loss = F.cross_entropy(forward(x, layers, params, step=0), y)
    train_loss = data_loss + l2_term(params, specs)
    trainable = [p for p, _, _, _, t in specs if t]
    grads = torch.autograd.grad(data_loss, [params[p] for p in trainable])

    after = {}
    for opt_name in ("adam", "sgd", "rmsprop"):
        params = fresh()
        groups = [{"params": [params[p]], "weight_decay": l2} for p, _, _, l2, t in specs if t]
        optimizer = {"adam": lambda: torch.optim.Adam(groups, lr=LR["adam"]),
                     "sgd": lambda: torch.optim.SGD(groups, lr=LR["sgd"], momentum=0.9),
                     "rmsprop": lambda: torch.optim.RMSprop(groups, lr=LR["rmsprop"], alpha=0.9, eps=1e-8)}[opt_name]()
        loss = F.cross_entropy(forward(x, layers, params, step=0), y)
        optimizer.zero_grad()
        loss.backward()   # the optimizer adds weight_decay * w itself, as Kiln's adds l2 * w
        optimizer.step()
        after[opt_name] = {p: params[p].detach().numpy() for p in params}

    tensors = {"input": images, "labels": labels.astype(np.float32), "logits": logits.numpy(),
               "eval_loss": np.array([eval_loss.item()]), "train_loss": np.array([train_loss.item()])}
    metadata = {"weight_seed": WEIGHT_SEED, "dropout_seed": DROPOUT_SEED, "batch": batch,
                "lr.adam": LR["adam"], "lr.sgd": LR["sgd"], "lr.rmsprop": LR["rmsprop"],
                "reductions": max(fan_in for _, _, fan_in, _, _ in specs),
                "layers": sum(1 for layer in layers if layer[0] in ("conv", "dense"))}
    grad_of = dict(zip(trainable, grads))
    for index, (pname, shape, fan_in, l2, _) in enumerate(specs):
        k = stride_for(int(np.prod(shape)))
        metadata["stride/" + pname] = k
        metadata["bound/" + pname] = repr(float(bound(fan_in)))
        metadata["l2/" + pname] = l2
        tensors["weight/" + pname] = initial[pname].ravel()[::k]
        if pname in grad_of:
            tensors["grad/" + pname] = grad_of[pname].detach().numpy().ravel()[::k]
        for opt_name in after:
            tensors[opt_name + "/" + pname] = after[opt_name][pname].ravel()[::k]
    path = OUT / (name + ".safetensors")
    safetensors_numpy.save(path, tensors, metadata)
    print(f"{path}: {path.stat().st_size:,} bytes, train loss {train_loss.item():.6f}")


def main():
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (input_shape, batch, layers) in NETWORKS.items():
        make(name, input_shape, batch, layers, np.random.default_rng(sum(map(ord, name))))


if __name__ == "__main__":
    main()

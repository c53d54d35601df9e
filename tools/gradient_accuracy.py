#!/usr/bin/python3
"""How far Kiln's float32 gradients and predictions are from float64, beside PyTorch float32's.

    ./kiln gradients emotion --out /tmp/g-emotion
    /usr/bin/python3 tools/gradient_accuracy.py /tmp/g-emotion [--no-onednn]

`kiln gradients` writes one training step of a sample network (weights, batch, Kiln's gradients).
This script rebuilds the network in PyTorch from the architecture fingerprint, loads the same
weights, runs the same step (the same dropout masks: Kiln's are a pure function of the seed, the
step, the example and the position), and prints, for every parameter, the relative error
||g - g64|| / ||g64|| of Kiln's gradient and of PyTorch float32's, both against PyTorch float64.
Then the same for the batch's predicted probabilities (no dropout), which Kiln computes with the
algorithms of a prediction (F(4x4, 3x3) for its 3x3 Winograd convolutions) rather than training's.
PyTorch runs its convolutions on oneDNN where it has it, as by default; --no-onednn turns that off
(torch.backends.mkldnn), for PyTorch's plain convolutions, which sum in another order.
Last, the forward pass's near ties: max-pooling windows and ReLU outputs whose choice float32
rounding can tip away from float64's. One tipped choice routes a gradient another way and can put
whole layers' gradients 1e-4 to 1e-3 from float64's, in Kiln's float32 or PyTorch's: a ratio in
the hundreds or thousands comes from such a tie, not from the sums' rounding.
Needs python3-torch and python3-numpy (Debian).
"""
import argparse
import re
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

MASK64 = (1 << 64) - 1


def mix(z):
    """SplitMix64's finalizer on uint64 numpy arrays (wrapping arithmetic), as DropoutMask.mix."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def keep_mask(seed, step, batch, size, rate):
    """Kiln's dropout mask, [batch, size] over each example's NHWC positions: 1/(1-rate) or 0."""
    with np.errstate(over="ignore"):
        s = np.uint64(seed & MASK64)
        base = mix(np.array([s + np.uint64(0x9E3779B97F4A7C15) * np.uint64((step + 1) & MASK64)], dtype=np.uint64))[0]
        examples = np.arange(1, batch + 1, dtype=np.uint64)
        keys = mix(base + np.uint64(0xC2B2AE3D27D4EB4F) * examples)
        positions = np.arange(1, size + 1, dtype=np.uint64)
        bits = mix(keys[:, None] + np.uint64(0x165667B19E3779F9) * positions[None, :]) >> np.uint64(40)
    uniform = bits.astype(np.float64) * 2.0 ** -24
    return np.where(uniform >= np.float32(rate), 1.0 / (1.0 - np.float32(rate)), 0.0).astype(np.float32)


LAYER = re.compile(r"(\w+) (\w+)\(([^)]*)\) ([\dx]+)")


def parse(architecture):
    """The fingerprint "Name CxHxW: layer Kind(args) shape; ..." as (input shape, layers)."""
    head, body = architecture.split(": ", 1)
    shape = tuple(int(v) for v in head.split(" ")[-1].split("x"))
    layers = []
    for part in body.split("; "):
        m = LAYER.fullmatch(part.strip())
        if not m:
            sys.exit(f"cannot read layer '{part}' of the architecture")
        name, kind, args, out = m.groups()
        layers.append((name, kind, [a.strip() for a in args.split(",")], tuple(int(v) for v in out.split("x"))))
    return shape, layers


def pads(arg):
    """"pad 2/2x1/1" -> (top, bottom, left, right)."""
    rows, cols = arg.split(" ")[1].split("x")
    top, bottom = (int(v) for v in rows.split("/"))
    left, right = (int(v) for v in cols.split("/"))
    return top, bottom, left, right


def forward(layers, params, x, masks, choices=None):
    """The network's logits; with a dict `choices`, each max pooling's window choices and each
    ReLU's open outputs go into it (see near_ties)."""
    for name, kind, args, out in layers:
        if kind == "Conv":
            stride = int(args[2].split(" ")[1])
            top, bottom, left, right = pads(args[3])
            x = F.pad(x, (left, right, top, bottom))
            x = F.conv2d(x, params[name + ".weight"], params.get(name + ".bias"), stride=stride)
            x = activation(args[4], x, name, choices)
        elif kind in ("MaxPool", "AvgPool"):
            kh, kw = (int(v) for v in args[0].split("x"))
            stride = int(args[1].split(" ")[1])
            top, bottom, left, right = pads(args[2])
            if kind == "MaxPool":
                x = F.pad(x, (left, right, top, bottom), value=float("-inf"))
                if choices is not None:
                    choices[name] = ("window",) + window_choices(x.detach(), kh, kw, stride)
                x = F.max_pool2d(x, (kh, kw), stride)
            else:
                if top or bottom or left or right:
                    sys.exit(f"{name}: padded average pooling is not supported by this script")
                x = F.avg_pool2d(x, (kh, kw), stride)
        elif kind == "GlobalAvgPool":
            x = x.mean(dim=(2, 3), keepdim=True)
        elif kind == "Dense":
            x = F.linear(x.flatten(1), params[name + ".weight"], params.get(name + ".bias"))
            x = activation(args[1], x, name, choices)
        elif kind == "Dropout":
            if masks is not None:                      # None: a prediction, no dropout
                x = x * masks[name].to(x.dtype)
        else:
            sys.exit(f"{name}: layer kind {kind} is not supported by this script")
    return x


def window_choices(x, kh, kw, stride):
    """Each max-pooling window's winning position, and the gap between its two largest values
    relative to the largest's size."""
    windows = x.unfold(2, kh, stride).unfold(3, kw, stride).flatten(-2)
    top = windows.topk(2, dim=-1)
    largest = top.values[..., 0]
    gap = (largest - top.values[..., 1]) / largest.abs().clamp_min(1e-30)
    # A window of zeros (all cut by a ReLU before it) passes no gradient whichever input wins.
    return top.indices[..., 0], torch.where(largest == 0, torch.ones_like(gap), gap)


def near_ties(choices64, choices32):
    """Lines on the forward pass's choices (as `forward` records them) that float32 rounding can
    tip: max-pooling windows whose two largest float64 values are within 1e-6 of each other, ReLU
    inputs within 1e-6 of zero (relative to the layer's mean size), and where PyTorch float32
    chooses unlike float64. One such choice sends a gradient another way, which alone can put a
    layer's gradient far from float64's; Kiln's float32 may fall either way, as PyTorch's does."""
    lines = []
    for name, (kind, choice64, gap) in choices64.items():
        differs = (choice64 != choices32[name][1]).sum().item()
        close = (gap < 1e-6).sum().item()
        if not (differs or close):
            continue
        if kind == "relu":
            lines.append(f"{name}: {close} of {gap.numel()} inputs within 1e-6 of zero, relative to the layer's mean "
                         f"size (the nearest {gap.min().item():.1e}); PyTorch float32 opens or closes {differs} "
                         f"unlike float64")
        else:
            lines.append(f"{name}: {close} of {gap.numel()} windows with their two largest values within 1e-6 "
                         f"(smallest gap {gap.min().item():.1e}); PyTorch float32 picks another input than "
                         f"float64 in {differs}")
    return lines


def activation(name, x, layer=None, choices=None):
    """The activation; with a dict `choices`, a ReLU's open outputs (its input above 0) go into it."""
    if name == "relu" and choices is not None:
        z = x.detach()
        choices[layer + "'s ReLU"] = ("relu", z > 0, z.abs() / z.abs().mean().clamp_min(1e-30))
    return {"relu": F.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "none": lambda v: v}[name](x)


def read(path, dtype, shape):
    return torch.from_numpy(np.fromfile(path, dtype=dtype).reshape(shape).copy())


def main(folder):
    folder = Path(folder)
    meta, parameters = {}, []
    for line in (folder / "manifest.txt").read_text().splitlines():
        fields = line.split("\t")
        if fields[0] == "parameter":
            parameters.append((fields[1], tuple(int(v) for v in fields[2].split("x")), fields[3] == "true", float(fields[4])))
        else:
            meta[fields[0]] = fields[1]
    shape, layers = parse(meta["architecture"])
    batch, seed, step = int(meta["batch"]), int(meta["seed"]), int(meta["step"])
    images = read(folder / "images.f32", "<f4", (batch,) + shape)
    labels = read(folder / "labels.i32", "<i4", (batch,)).long()

    masks, current = {}, shape
    for name, kind, args, out in layers:
        if kind == "Dropout":
            rate = float(args[0])
            size = int(np.prod(out))
            m = keep_mask(seed, step, batch, size, rate)
            if len(out) == 3:                          # NHWC positions -> NCHW
                c, h, w = out
                m = m.reshape(batch, h, w, c).transpose(0, 3, 1, 2)
            masks[name] = torch.from_numpy(np.ascontiguousarray(m).reshape((batch,) + out))

    def weights(dtype):
        return {name: read(folder / f"{name}.value.f32", "<f4", pshape).to(dtype) for name, pshape, _, _ in parameters}

    def gradients(dtype, choices):
        params = weights(dtype)
        for name, _, trainable, _ in parameters:
            params[name].requires_grad_(trainable)
        logits = forward(layers, params, images.to(dtype), masks, choices)
        loss = F.cross_entropy(logits, labels)
        # Kiln's gradients are those of the data loss: the optimizer adds l2 * w itself. The L2
        # term joins the loss that is printed, as in Kiln's reported loss.
        loss.backward()
        penalty = sum(l2 * (params[name].detach() ** 2).sum().item() / 2 for name, _, _, l2 in parameters if l2)
        return loss.item() + penalty, {n: params[n].grad for n, _, t, _ in parameters if t}

    def probabilities(dtype):
        with torch.no_grad():
            return F.softmax(forward(layers, weights(dtype), images.to(dtype), None), dim=1)

    torch.set_num_threads(max(1, torch.get_num_threads()))
    choices64, choices32 = {}, {}
    loss64, g64 = gradients(torch.float64, choices64)
    loss32, g32 = gradients(torch.float32, choices32)
    print(f"{meta['architecture'].split(':')[0]}, batch {batch}, {meta['threads']} Kiln threads; "
          f"PyTorch's oneDNN {'on' if torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled else 'off'}; "
          f"loss: Kiln {float(meta['loss']):.7f}, PyTorch float32 {loss32:.7f}, float64 {loss64:.7f}")
    print(f"{'parameter':<16} {'Kiln f32':>10} {'PyTorch f32':>12} {'ratio':>6}   (||g - g64|| / ||g64||)")
    worst = 0.0
    for name, pshape, trainable, _ in parameters:
        if not trainable:
            continue
        ref = g64[name]
        kiln = read(folder / f"{name}.grad.f32", "<f4", pshape).double()
        norm = ref.norm().item()
        kiln_err = (kiln - ref).norm().item() / norm
        torch_err = (g32[name].double() - ref).norm().item() / norm
        ratio = kiln_err / torch_err if torch_err else float("inf")
        worst = max(worst, ratio)
        print(f"{name:<16} {kiln_err:>10.2e} {torch_err:>12.2e} {ratio:>6.2f}")
    print(f"worst ratio Kiln / PyTorch float32: {worst:.2f}")
    for line in near_ties(choices64, choices32):
        print(f"near tie: {line}")

    predictions = folder / "predictions.f32"
    if predictions.exists():
        p64 = probabilities(torch.float64)
        kiln = read(predictions, "<f4", tuple(p64.shape)).double()
        norm = p64.norm().item()
        kiln_err = (kiln - p64).norm().item() / norm
        torch_err = (probabilities(torch.float32).double() - p64).norm().item() / norm
        print(f"predicted probabilities: Kiln f32 {kiln_err:.2e}, PyTorch f32 {torch_err:.2e}, "
              f"ratio {kiln_err / torch_err if torch_err else float('inf'):.2f}; "
              f"largest difference from float64 {(kiln - p64).abs().max().item():.2e}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="what `kiln gradients NET --out FOLDER` wrote")
    parser.add_argument("--no-onednn", action="store_true",
                        help="run PyTorch's convolutions without oneDNN (torch.backends.mkldnn.enabled = False)")
    args = parser.parse_args()
    if args.no_onednn:
        torch.backends.mkldnn.enabled = False
    main(args.folder)

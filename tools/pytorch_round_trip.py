#!/usr/bin/python3
"""PyTorch's side of a weights round trip with Kiln, on Fashion-MNIST, for the pytorch-mnist
sample network (networks/.../PytorchMnist.java) written as the nn.Sequential it came from.

    # PyTorch -> Kiln: train here, import, evaluate in Kiln: both print the same test accuracy
    /usr/bin/python3 tools/pytorch_round_trip.py train mnist.safetensors
    ./kiln import pytorch-mnist mnist.safetensors imported.kiln --names conv1=0,conv2=3,logits=7
    ./kiln evaluate pytorch-mnist --checkpoint imported.kiln

    # Kiln -> PyTorch: train in Kiln, export, evaluate here
    ./kiln train pytorch-mnist --epochs 1 --checkpoint kiln.kiln
    ./kiln export kiln.kiln kiln.safetensors --names conv1=0,conv2=3,logits=7
    /usr/bin/python3 tools/pytorch_round_trip.py evaluate kiln.safetensors

Needs python3-torch and python3-numpy; the data is read from --data (default: Debian's
dataset-fashion-mnist in /usr/share/datasets/fashion-mnist). Pixels are scaled to [0, 1], as
Kiln does by default. Safetensors files are read and written with numpy alone (the safetensors
package is not in Debian), by the module next to this script.
"""
import argparse
import gzip
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import safetensors_numpy  # noqa: E402


def network():
    """PytorchMnist: indices 0, 3 and 7 hold the weights (Kiln's conv1, conv2, logits)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),     # 0 1 2: 32 x 13 x 13
        nn.Conv2d(32, 64, 2), nn.ReLU(), nn.MaxPool2d(2),    # 3 4 5: 64 x 6 x 6
        nn.Flatten(), nn.Linear(64 * 6 * 6, 10))             # 6 7: flattened in (C, H, W) order, as Kiln does


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, part):
    images = idx(Path(folder) / f"{part}-images-idx3-ubyte.gz").astype(np.float32) / np.float32(255)
    labels = idx(Path(folder) / f"{part}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(images[:, None, :, :].copy()), torch.from_numpy(labels.copy())


def accuracy(model, images, labels):
    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(images[i:i + 500]).argmax(1) for i in range(0, len(images), 500)])
    return 100.0 * (predicted == labels).double().mean().item()


def train(args):
    torch.manual_seed(args.seed)
    images, labels = load(args.data, "train")
    model = network()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(images))
        for start in range(0, len(images), args.batch_size):
            batch = order[start:start + args.batch_size]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(images[batch]), labels[batch])
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch + 1}: last batch loss {loss.item():.4f}")
    test_images, test_labels = load(args.data, "t10k")
    test_accuracy = accuracy(model, test_images, test_labels)
    print(f"pytorch: test accuracy {test_accuracy:.2f}%")
    safetensors_numpy.save(args.file, {k: v.numpy() for k, v in model.state_dict().items()},
                           {"format": "pt", "pytorch_test_accuracy": f"{test_accuracy:.2f}"})
    print(f"wrote {args.file}")


def evaluate(args):
    tensors, _ = safetensors_numpy.load(args.file)
    model = network()
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()})  # strict: names and shapes
    test_images, test_labels = load(args.data, "t10k")
    print(f"pytorch: test accuracy {accuracy(model, test_images, test_labels):.2f}% with the weights of {args.file}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    commands = parser.add_subparsers(dest="command", required=True)
    trainer = commands.add_parser("train", help="train in PyTorch, report test accuracy, write FILE")
    trainer.add_argument("file")
    trainer.add_argument("--epochs", type=int, default=1)
    trainer.add_argument("--batch-size", type=int, default=64)
    trainer.add_argument("--seed", type=int, default=1)
    evaluator = commands.add_parser("evaluate", help="load FILE into PyTorch and report test accuracy")
    evaluator.add_argument("file")
    args = parser.parse_args()
    torch.set_num_threads(2)
    {"train": train, "evaluate": evaluate}[args.command](args)


if __name__ == "__main__":
    main()

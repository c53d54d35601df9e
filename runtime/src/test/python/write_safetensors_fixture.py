#!/usr/bin/python3
"""Writes numpy-written.safetensors, the foreign file SafetensorsTest reads.

The Python `safetensors` package is not installable where this was written (no PyPI, not in
Debian), so this follows the format's specification with numpy and struct only, and differs on
purpose from Kiln's own writer wherever the format allows: Python's json.dumps spacing, the
tensors listed in another order than their bytes, F16 and BF16 tensors beside F32, metadata last.

Run from the repository root:
    /usr/bin/python3 runtime/src/test/python/write_safetensors_fixture.py
"""
import json
import struct
from pathlib import Path

import numpy as np

OUT = Path("runtime/src/test/resources/dev/kiln/runtime/io/numpy-written.safetensors")

# A FakeModel with 2 inputs (SafetensorsTest): fc.weight [3, 2] and fc.bias [3], in PyTorch layout.
weight = np.arange(6, dtype=np.float32).reshape(3, 2) * np.float32(0.25) - np.float32(0.5)
bias = np.array([1.5, -2.0, 3.0e-8], dtype=np.float32)
# F16 edge cases: smallest subnormal, largest subnormal, smallest normal, largest finite, inf, -inf, -0.
f16_bits = np.array([0x0001, 0x03FF, 0x0400, 0x7BFF, 0x7C00, 0xFC00, 0x8000, 0x3C00], dtype="<u2")
# BF16: 1, -2, smallest subnormal (2^-133), inf, the largest finite, -0.
bf16_bits = np.array([0x3F80, 0xC000, 0x0001, 0x7F80, 0x7F7F, 0x8000], dtype="<u2")

# Bytes in this order: bias, f16, weight, bf16 (the header lists them differently).
chunks = [("fc.bias", "F32", [3], bias.astype("<f4").tobytes()),
          ("half", "F16", [2, 4], f16_bits.tobytes()),
          ("fc.weight", "F32", [3, 2], weight.astype("<f4").tobytes()),
          ("brain", "BF16", [6], bf16_bits.tobytes())]
entries = {}
offset = 0
for name, dtype, shape, data in chunks:
    entries[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
    offset += len(data)
header = {name: entries[name] for name in ["fc.weight", "brain", "fc.bias", "half"]}
header["__metadata__"] = {"format": "pt", "written by": "numpy + struct"}
text = json.dumps(header).encode("utf-8")
text += b" " * (-len(text) % 8)
OUT.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(c[3] for c in chunks))
print(OUT, OUT.stat().st_size, "bytes")

"""Reads and writes safetensors files with numpy and struct only (the `safetensors` package is
not installable everywhere: it is on PyPI only). Float32 tensors out; F32, F16, BF16, F64 in.

Layout (the format's specification): 8-byte little-endian header length N, N bytes of UTF-8
JSON {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}
padded with spaces to a multiple of 8, then the tensors' little-endian bytes.
"""
import json
import struct

import numpy as np

_DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8"}


def save(path, tensors, metadata=None):
    """tensors: name -> array (written as float32, sorted by name, like the reference writer)."""
    header = {}
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in sorted(metadata.items())}
    blobs, offset = [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(np.asarray(tensors[name], dtype="<f4"))
        blob = data.tobytes()
        header[name] = {"dtype": "F32", "shape": list(data.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)


def load(path):
    """Returns (tensors as float32 arrays by name, metadata)."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    buffer = raw[8 + length:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        chunk = buffer[begin:end]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(chunk, dtype="<u2").astype(np.uint32) << 16
            values = bits.view(np.float32)
        else:
            values = np.frombuffer(chunk, dtype=_DTYPES[info["dtype"]]).astype(np.float32)
        tensors[name] = values.reshape(info["shape"])
    return tensors, metadata

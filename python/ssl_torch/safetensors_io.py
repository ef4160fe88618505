"""Read and write safetensors files (https://github.com/huggingface/safetensors).

Uses the ``safetensors`` package when it is installed; otherwise a small
reader/writer of the format: 8 bytes little-endian header length N, N bytes of
JSON header ``{name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}``,
then the raw little-endian row-major tensor bytes.
"""
import json
import struct

import torch

try:  # pragma: no cover - depends on the machine
    import safetensors.torch as _st
except ImportError:  # pragma: no cover
    _st = None

_DTYPES = {
    "F32": torch.float32,
    "F64": torch.float64,
    "F16": torch.float16,
    "I64": torch.int64,
    "I32": torch.int32,
    "U8": torch.uint8,
}
_NAMES = {v: k for k, v in _DTYPES.items()}
_MAX_HEADER = 100_000_000


def load_file(path, use_package=True):
    """Returns ``(tensors, metadata)``: an ordered dict of CPU tensors and the string metadata."""
    with open(path, "rb") as f:
        data = f.read()
    return loads(data, use_package=use_package)


def loads(data, use_package=True):
    """Like :func:`load_file`, from bytes."""
    if len(data) < 8:
        raise ValueError(f"safetensors: expected at least 8 bytes, got {len(data)}")
    (n,) = struct.unpack("<Q", data[:8])
    if n > min(_MAX_HEADER, len(data) - 8):
        raise ValueError(f"safetensors: header length {n} exceeds the file ({len(data)} bytes)")
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None) or {}
    if use_package and _st is not None:
        return _st.load(bytes(data)), metadata
    body = memoryview(data)[8 + n :]
    tensors = {}
    for name, e in header.items():
        dtype = _DTYPES.get(e["dtype"])
        if dtype is None:
            raise ValueError(f"safetensors: tensor '{name}' has unsupported dtype {e['dtype']}")
        begin, end = e["data_offsets"]
        shape = list(e["shape"])
        count = 1
        for d in shape:
            count *= d
        width = torch.tensor([], dtype=dtype).element_size()
        if not (0 <= begin <= end <= len(body)) or end - begin != count * width:
            raise ValueError(f"safetensors: tensor '{name}' has bad data_offsets {e['data_offsets']}")
        raw = bytearray(body[begin:end])
        t = torch.frombuffer(raw, dtype=dtype) if count > 0 else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(shape).clone()
    return tensors, metadata


def save_file(tensors, path, metadata=None, use_package=True):
    """Writes ``tensors`` (name -> tensor) and string ``metadata`` to ``path`` atomically."""
    data = dumps(tensors, metadata, use_package=use_package)
    import os
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def dumps(tensors, metadata=None, use_package=True):
    """Like :func:`save_file`, to bytes."""
    metadata = dict(metadata or {})
    for k, v in metadata.items():
        if not isinstance(v, str):
            raise TypeError(f"safetensors: metadata '{k}' must be a str, got {type(v).__name__}")
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    if use_package and _st is not None:
        return _st.save(tensors, metadata=metadata or None)
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    chunks = []
    offset = 0
    for name, t in tensors.items():
        if t.dtype not in _NAMES:
            raise TypeError(f"safetensors: tensor '{name}' has unsupported dtype {t.dtype}")
        raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        chunks.append(raw)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    return struct.pack("<Q", len(hb)) + hb + b"".join(chunks)
